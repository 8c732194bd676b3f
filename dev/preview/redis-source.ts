/**
 * Finds a Redis for the local preview, so `npm start` works on a fresh machine:
 * REDIS_URL when set, else a Redis already answering on 127.0.0.1:6379, else a redis-server
 * launched here with its data in ./data/redis (append-only on), else nothing.
 */
import { spawn, spawnSync, type ChildProcess } from "node:child_process";
import { existsSync, mkdirSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { join, resolve } from "node:path";
import { freePort, redisAnswers } from "./net-probe.ts";

export interface PreviewRedis {
  url: string;
  /** Where it came from, for the start-up log. */
  origin: "REDIS_URL" | "already running locally" | "launched" | "left running by an earlier preview";
  /** Stops a redis-server launched here; does nothing for one found elsewhere. Synchronous, so it can run on process exit. */
  stop(): void;
}

export const HOW_TO_GET_REDIS =
  "The preview needs Redis: install it (apt-get install redis-server) and run npm start again, or start one with `docker compose up redis`, or set REDIS_URL=redis://host:port";

const DEFAULT_LOCAL_PORT = 6379;
/** Remembers the port of the redis-server launched here, in case this process dies without stopping it. */
const PORT_FILE = "preview-redis.port";
const READY_TIMEOUT_MS = 10_000;

export interface FindRedisOptions {
  redisUrl: string | undefined;
  /** Folder for a launched server's data; ./data/redis by default. */
  dataDir?: string;
  /** Where a Redis may already run; 6379 by default (tests pick a port nothing answers on). */
  localPort?: number;
}

/** Undefined when there is no Redis and none can be launched: the caller says HOW_TO_GET_REDIS. */
export async function findOrLaunchRedis(options: FindRedisOptions): Promise<PreviewRedis | undefined> {
  const stopNothing = () => undefined;
  if (options.redisUrl) return { url: options.redisUrl, origin: "REDIS_URL", stop: stopNothing };
  const localPort = options.localPort ?? DEFAULT_LOCAL_PORT;
  if (await redisAnswers(localPort)) return { url: `redis://127.0.0.1:${localPort}`, origin: "already running locally", stop: stopNothing };

  const dataDir = resolve(options.dataDir ?? join("data", "redis"));
  // A server an earlier preview launched and could not stop (it was killed) still owns this
  // folder's append-only file; a second server on the same files would corrupt them, so reuse it.
  const leftover = readLeftoverPort(dataDir);
  if (leftover !== undefined && (await redisAnswers(leftover))) {
    return { url: `redis://127.0.0.1:${leftover}`, origin: "left running by an earlier preview", stop: stopNothing };
  }
  if (!hasRedisServerBinary()) return undefined;
  return launchRedisServer(dataDir);
}

export function hasRedisServerBinary(): boolean {
  return spawnSync("redis-server", ["--version"], { stdio: "ignore" }).status === 0;
}

async function launchRedisServer(dataDir: string): Promise<PreviewRedis> {
  mkdirSync(dataDir, { recursive: true });
  const port = await freePort();
  const child = spawn(
    "redis-server",
    [
      "--port", String(port), "--bind", "127.0.0.1", "--dir", dataDir,
      "--appendonly", "yes", "--appendfsync", "everysec", "--maxmemory-policy", "noeviction",
    ],
    // Its own log stays out of the terminal, whose first line must be the preview's address.
    { stdio: ["ignore", "pipe", "pipe"] },
  );
  const output: string[] = [];
  const keep = (chunk: Buffer) => output.push(chunk.toString());
  child.stdout!.on("data", keep);
  child.stderr!.on("data", keep);
  await waitUntilAnswering(child, port, output);
  // Stop collecting once it runs: a long-lived buffer of its log would only grow.
  child.stdout!.off("data", keep).resume();
  child.stderr!.off("data", keep).resume();
  const portFile = join(dataDir, PORT_FILE);
  writeFileSync(portFile, String(port));
  return {
    url: `redis://127.0.0.1:${port}`,
    origin: "launched",
    stop() {
      rmSync(portFile, { force: true });
      // SIGTERM lets redis-server flush its append-only file before it exits.
      if (child.exitCode === null && child.signalCode === null) child.kill("SIGTERM");
    },
  };
}

async function waitUntilAnswering(child: ChildProcess, port: number, output: string[]): Promise<void> {
  let spawnError: Error | undefined;
  child.once("error", (error) => (spawnError = error));
  const deadline = Date.now() + READY_TIMEOUT_MS;
  while (Date.now() < deadline) {
    if (spawnError) throw new Error(`could not start redis-server: ${spawnError.message}`);
    if (child.exitCode !== null) throw new Error(`redis-server exited with code ${child.exitCode}: ${output.join("").trim().split("\n").slice(-3).join(" / ")}`);
    if (await redisAnswers(port)) return;
    await new Promise((r) => setTimeout(r, 50));
  }
  child.kill("SIGKILL");
  throw new Error(`redis-server did not answer on port ${port} within ${READY_TIMEOUT_MS / 1000} s`);
}

function readLeftoverPort(dataDir: string): number | undefined {
  const file = join(dataDir, PORT_FILE);
  if (!existsSync(file)) return undefined;
  const port = Number(readFileSync(file, "utf8").trim());
  return Number.isInteger(port) && port > 0 && port < 65536 ? port : undefined;
}
