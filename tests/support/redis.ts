/**
 * Gives a test file a real Redis server of its own.
 *
 * When `redis-server` is installed it starts a throwaway one on a free port, in a temporary
 * directory, so tests never share keys and can kill or restart it. Otherwise it falls back to
 * REDIS_URL. With neither, it fails with one line saying how to get Redis.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { mkdtempSync, rmSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Redis } from "ioredis";

export interface TestRedis {
  /** A redis:// URL for this server. */
  url: string;
  port: number;
  /** The server's working directory (its AOF lives here), or undefined for a shared REDIS_URL. */
  dir: string | undefined;
  /** Opens a new client; closed by stop(). */
  client(): Redis;
  /** Kills the server with SIGKILL (no chance to flush), as a crash would. */
  kill(): Promise<void>;
  /** Starts it again on the same port and directory. */
  restart(): Promise<void>;
  stop(): Promise<void>;
}

export interface TestRedisOptions {
  /** Extra redis-server arguments, e.g. ["--appendonly", "yes", "--appendfsync", "always"]. */
  args?: string[];
}

const HOW_TO_GET_REDIS =
  "No Redis for the tests: install redis-server (apt-get install redis-server) or set REDIS_URL=redis://host:port";

export function hasRedisServerBinary(): boolean {
  return spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.unref();
    server.on("error", reject);
    server.listen(0, "127.0.0.1", () => {
      const address = server.address();
      server.close(() => {
        if (address && typeof address === "object") resolve(address.port);
        else reject(new Error("could not find a free port"));
      });
    });
  });
}

async function waitUntilReady(port: number, timeoutMs = 10_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const probe = new Redis({ port, host: "127.0.0.1", lazyConnect: true, retryStrategy: () => null, maxRetriesPerRequest: 0 });
    probe.on("error", () => undefined); // refused while the server starts: expected, retried below
    try {
      await probe.connect();
      await probe.ping();
      probe.disconnect();
      return;
    } catch {
      probe.disconnect();
      if (Date.now() > deadline) throw new Error(`redis-server on port ${port} did not answer within ${timeoutMs} ms`);
      await new Promise((r) => setTimeout(r, 50));
    }
  }
}

export async function startTestRedis(options: TestRedisOptions = {}): Promise<TestRedis> {
  const clients: Redis[] = [];
  const client = (url: string) => () => {
    const c = new Redis(url, { maxRetriesPerRequest: null });
    // Tests kill and restart servers on purpose; the reconnect errors in between are expected.
    c.on("error", () => undefined);
    clients.push(c);
    return c;
  };
  const closeClients = async () => {
    await Promise.all(clients.map((c) => c.quit().catch(() => c.disconnect())));
  };

  if (!hasRedisServerBinary()) {
    const url = process.env.REDIS_URL;
    if (!url) throw new Error(HOW_TO_GET_REDIS);
    const unsupported = async () => {
      throw new Error("this test needs its own redis-server (install redis-server)");
    };
    return { url, port: Number(new URL(url).port || 6379), dir: undefined, client: client(url), kill: unsupported, restart: unsupported, stop: closeClients };
  }

  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), "survey-redis-"));
  const args = ["--port", String(port), "--bind", "127.0.0.1", "--save", "", "--dir", dir, "--maxmemory-policy", "noeviction", ...(options.args ?? ["--appendonly", "no"])];
  let child: ChildProcess | undefined;
  const launch = async () => {
    child = spawn("redis-server", args, { stdio: "ignore" });
    await waitUntilReady(port);
  };
  const kill = async () => {
    const c = child;
    if (!c || c.exitCode !== null) return;
    const exited = new Promise((r) => c.once("exit", r));
    c.kill("SIGKILL");
    await exited;
  };
  await launch();
  const url = `redis://127.0.0.1:${port}`;
  return {
    url,
    port,
    dir,
    client: client(url),
    kill,
    restart: launch,
    async stop() {
      await closeClients();
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}
