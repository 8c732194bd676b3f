/**
 * Where the preview gets its Redis: REDIS_URL, a Redis already running, or a redis-server it
 * launches with its data on disk, append-only; and nothing (so npm start can say how to get one).
 */
import { existsSync, mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";
import { afterAll, afterEach, describe, expect, it } from "vitest";
import { redisAnswers } from "../../dev/preview/net-probe.ts";
import { findOrLaunchRedis, type PreviewRedis } from "../../dev/preview/redis-source.ts";
import { freePort, hasRedisServerBinary, startTestRedis } from "../support/redis.ts";

const launched: PreviewRedis[] = [];
const dirs: string[] = [];

afterEach(() => {
  for (const redis of launched.splice(0)) redis.stop();
});
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

function tempDataDir(): string {
  const dir = mkdtempSync(join(tmpdir(), "preview-redis-data-"));
  dirs.push(dir);
  return join(dir, "data", "redis");
}

/** A port nothing listens on, standing in for an empty 127.0.0.1:6379. */
async function emptyLocalPort(): Promise<number> {
  const port = await freePort();
  expect(await redisAnswers(port)).toBe(false);
  return port;
}

async function until(condition: () => Promise<boolean>, timeoutMs = 5_000): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (await condition()) return true;
    await new Promise((r) => setTimeout(r, 50));
  }
  return false;
}

describe.skipIf(!hasRedisServerBinary())("preview Redis", () => {
  it("launches redis-server with append-only data in the data folder, and stops it", async () => {
    const dataDir = tempDataDir();
    const redis = await findOrLaunchRedis({ redisUrl: undefined, dataDir, localPort: await emptyLocalPort() });
    expect(redis?.origin).toBe("launched");
    launched.push(redis!);

    const client = new Redis(redis!.url);
    try {
      const setting = async (name: string) => (await client.config("GET", name))[1];
      expect(await setting("appendonly")).toBe("yes");
      expect(await setting("appendfsync")).toBe("everysec");
      expect(await setting("maxmemory-policy")).toBe("noeviction");
      expect(await setting("dir")).toBe(dataDir);
      expect(await setting("bind")).toBe("127.0.0.1");
      await client.set("preview-test", "kept");
    } finally {
      client.disconnect();
    }
    expect(readdirSync(dataDir).some((name) => name.startsWith("appendonly"))).toBe(true);

    const port = Number(new URL(redis!.url).port);
    redis!.stop();
    expect(await until(async () => !(await redisAnswers(port)))).toBe(true);
    expect(existsSync(join(dataDir, "preview-redis.port"))).toBe(false);
  });

  it("reuses a redis-server an earlier preview left running on the same data, rather than start a second one", async () => {
    const dataDir = tempDataDir();
    const localPort = await emptyLocalPort();
    const first = await findOrLaunchRedis({ redisUrl: undefined, dataDir, localPort });
    launched.push(first!);
    // The earlier preview was killed before it could stop its server: the next start finds it.
    const second = await findOrLaunchRedis({ redisUrl: undefined, dataDir, localPort });
    expect(second?.origin).toBe("left running by an earlier preview");
    expect(second?.url).toBe(first!.url);
  });

  it("uses a Redis already answering locally, and leaves it running", async () => {
    const running = await startTestRedis();
    try {
      const redis = await findOrLaunchRedis({ redisUrl: undefined, dataDir: tempDataDir(), localPort: running.port });
      expect(redis?.origin).toBe("already running locally");
      expect(redis?.url).toBe(`redis://127.0.0.1:${running.port}`);
      redis!.stop();
      expect(await running.client().ping()).toBe("PONG");
    } finally {
      await running.stop();
    }
  });

  it("prefers REDIS_URL over anything it could find or launch", async () => {
    const dataDir = tempDataDir();
    const redis = await findOrLaunchRedis({ redisUrl: "redis://redis.example:6380", dataDir, localPort: await emptyLocalPort() });
    expect(redis).toMatchObject({ url: "redis://redis.example:6380", origin: "REDIS_URL" });
    expect(existsSync(dataDir)).toBe(false);
  });

  it("finds nothing when no Redis answers and redis-server is not installed", async () => {
    const path = process.env.PATH;
    process.env.PATH = mkdtempSync(join(tmpdir(), "empty-path-"));
    dirs.push(process.env.PATH);
    try {
      expect(await findOrLaunchRedis({ redisUrl: undefined, dataDir: tempDataDir(), localPort: await emptyLocalPort() })).toBeUndefined();
    } finally {
      process.env.PATH = path;
    }
  });
});
