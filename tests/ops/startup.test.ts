/**
 * Start-up as an operator meets it, with the bot run as production runs it
 * (`node src/bot/main.ts`): every configuration problem in one run, one line each; and an
 * unreachable Bot API named in the log within 5 s while /healthz answers 503.
 */
import { afterAll, describe, expect, it } from "vitest";
import { freePort, startTestRedis, type TestRedis } from "../support/redis.ts";
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { isRunning, node24, ROOT, signalGroup, spawnTracked } from "../support/processes.ts";
import { TEST_DATA_KEY, TEST_SECRET, TEST_TOKEN } from "../bot/harness.ts";
import { get } from "./poll.ts";

let redis: TestRedis | undefined;
afterAll(async () => redis?.stop());

function startMain(env: Record<string, string>, cwd = ROOT) {
  const child = spawnTracked(node24(), [join(ROOT, "src/bot/main.ts")], { cwd, env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env }, stdio: ["ignore", "pipe", "pipe"] });
  let stdout = "";
  let stderr = "";
  child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
  child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  const exited = new Promise<number | null>((resolve) => child.once("exit", resolve));
  return { child, exited, stdout: () => stdout, stderr: () => stderr };
}

describe("configuration at start", () => {
  it("NODE_ENV=production with five bad variables: five lines, one per variable, and a non-zero exit", async () => {
    const run = startMain({
      NODE_ENV: "production",
      BOT_TOKEN: TEST_TOKEN,
      PSEUDONYM_SECRET: TEST_SECRET,
      DATA_KEY: TEST_DATA_KEY,
      WEBHOOK_SECRET: "webhook-secret-token-for-tests_0123",
      // The five problems: a malformed number, an out-of-range number, an unknown level,
      // a plain-http webhook, and no REDIS_URL at all.
      PORT: "eighty",
      SESSION_TTL_DAYS: "0",
      LOG_LEVEL: "loud",
      WEBHOOK_URL: "http://survey.example.org/telegram/webhook",
    });
    const code = await run.exited;
    expect(code).not.toBe(0);
    const lines = run.stderr().split("\n").filter((l) => l.trim() !== "");
    expect(lines, run.stderr()).toHaveLength(5);
    expect(lines.map((l) => l.split(":")[0]).sort()).toEqual(["LOG_LEVEL", "PORT", "REDIS_URL", "SESSION_TTL_DAYS", "WEBHOOK_URL"]);
    // Operator words: what it should be and what it is, no zod jargon.
    expect(lines.join("\n")).not.toMatch(/Invalid input|expected number|received NaN/);
    expect(lines.find((l) => l.startsWith("WEBHOOK_URL"))).toMatch(/https:\/\//);
    expect(lines.find((l) => l.startsWith("PORT"))).toMatch(/whole number.*eighty/);
    expect(run.stdout()).not.toContain('"event":"started"');
  });
});

describe(".env", () => {
  it("is read from the working directory, and a variable set in the environment wins over it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "survey-env-"));
    try {
      writeFileSync(join(dir, ".env"), 'NODE_ENV=production\nPORT=eighty\nLOG_LEVEL=loud\nSURVEY_ORGANISATION="IOM Kazakhstan"\n');
      const run = startMain({ LOG_LEVEL: "info" }, dir);
      expect(await run.exited).not.toBe(0);
      const lines = run.stderr().split("\n").filter((l) => l.trim() !== "");
      expect(lines).toContain('PORT: must be a whole number (now "eighty")');
      expect(lines.some((l) => l.startsWith("REDIS_URL: required in production"))).toBe(true); // NODE_ENV came from .env
      expect(lines.some((l) => l.startsWith("LOG_LEVEL"))).toBe(false); // the environment's "info" won
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});

describe("an unreachable Bot API", () => {
  it("is named in the log, with its address, within 5 s, and /healthz answers 503 meanwhile", async () => {
    redis = await startTestRedis();
    const deadApi = `http://127.0.0.1:${await freePort()}`; // nothing listens there
    const port = await freePort();
    const run = startMain({ BOT_TOKEN: TEST_TOKEN, TELEGRAM_API_ROOT: deadApi, REDIS_URL: redis.url, PSEUDONYM_SECRET: TEST_SECRET, DATA_KEY: TEST_DATA_KEY, NODE_ENV: "test", PORT: String(port), EXPORT_WORKER: "off" });
    try {
      // Loading the code takes a while on a busy machine; the 5 s count from the first line.
      let startedAt: number | undefined;
      while (!/"event":"unreachable"[^\n]*Telegram Bot API/.test(run.stdout())) {
        expect(run.child.exitCode, run.stdout() + run.stderr()).toBeNull();
        if (startedAt === undefined && run.stdout().includes('"event":"starting"')) startedAt = Date.now();
        if (startedAt !== undefined) expect(Date.now() - startedAt, `nothing logged within 5 s:\n${run.stdout()}${run.stderr()}`).toBeLessThan(5_000);
        await new Promise((r) => setTimeout(r, 50));
      }
      const line = run.stdout().split("\n").find((l) => l.includes('"event":"unreachable"'))!;
      expect(line).toContain(deadApi);
      const health = await get(port, "/healthz", 5_000);
      expect(health.status).toBe(503);
      expect(JSON.parse(health.body)).toMatchObject({ telegram: "down" });
    } finally {
      signalGroup(run.child, "SIGKILL");
      await run.exited;
      expect(isRunning(run.child.pid!)).toBe(false);
    }
  });
});

describe("an unreachable Redis", () => {
  it("is named in the log, with its address, within 5 s of the first line", async () => {
    const deadRedis = `redis://127.0.0.1:${await freePort()}`; // nothing listens there
    const run = startMain({ BOT_TOKEN: TEST_TOKEN, TELEGRAM_API_ROOT: "http://127.0.0.1:1", REDIS_URL: deadRedis, PSEUDONYM_SECRET: TEST_SECRET, DATA_KEY: TEST_DATA_KEY, NODE_ENV: "test", PORT: String(await freePort()), EXPORT_WORKER: "off" });
    try {
      let startedAt: number | undefined;
      while (!/"event":"unreachable"[^\n]*"what":"Redis"/.test(run.stdout())) {
        expect(run.child.exitCode, run.stdout() + run.stderr()).toBeNull();
        if (startedAt === undefined && run.stdout().includes('"event":"starting"')) startedAt = Date.now();
        if (startedAt !== undefined) expect(Date.now() - startedAt, `nothing logged within 5 s:\n${run.stdout()}${run.stderr()}`).toBeLessThan(5_000);
        await new Promise((r) => setTimeout(r, 50));
      }
      const line = run.stdout().split("\n").find((l) => l.includes('"what":"Redis"'))!;
      expect(line).toContain(deadRedis.replace("redis://", ""));
    } finally {
      signalGroup(run.child, "SIGKILL");
      await run.exited;
      expect(isRunning(run.child.pid!)).toBe(false);
    }
  });
});
