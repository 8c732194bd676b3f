import { defineConfig } from "vitest/config";

export default defineConfig({
  test: {
    include: ["tests/**/*.test.ts"],
    testTimeout: 30_000,
    hookTimeout: 30_000,
    // Each test file that needs Redis starts its own throwaway server, so files may run in parallel.
    pool: "forks",
    // Fails the run if a process a test started (a bot, a redis-server) outlives the tests.
    globalSetup: ["tests/support/leftover-processes.ts"],
  },
});
