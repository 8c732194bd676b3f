/**
 * Everything a canary could leak into, read as bytes: every file in Redis's directory (the AOF
 * keeps deleted data until a rewrite), every key name and value of every type plus its DUMP,
 * every bot process's logs, and export zips with what is inside them, nested zips (XLSX) too.
 */
import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import { Redis } from "ioredis";
import { zipEntries } from "../support/zip.ts";
import type { Haystack } from "./canary-forms.ts";

const ZIP_MAGIC = Buffer.from([0x50, 0x4b, 0x03, 0x04]);

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    return entry.isDirectory() ? filesUnder(path) : entry.isFile() ? [path] : [];
  });
}

/** Every file under Redis's directory, e.g. appendonlydir/appendonly.aof.1.incr.aof. */
export function redisFiles(dir: string): Haystack[] {
  return filesUnder(dir).map((path) => ({ where: `Redis file ${relative(dir, path)}`, bytes: readFileSync(path) }));
}

/** Buffers, arrays, maps and numbers from a RESP reply, joined into one byte string. */
function replyBytes(reply: unknown): Buffer {
  const parts: Buffer[] = [];
  const walk = (value: unknown): void => {
    if (value === null || value === undefined) return;
    if (Buffer.isBuffer(value)) parts.push(value);
    else if (typeof value === "string" || typeof value === "number" || typeof value === "bigint") parts.push(Buffer.from(String(value)));
    else if (Array.isArray(value)) value.forEach(walk);
    else if (value instanceof Map) for (const [k, v] of value) (walk(k), walk(v));
    else if (typeof value === "object") for (const [k, v] of Object.entries(value)) (walk(k), walk(v));
    parts.push(Buffer.from("\n"));
  };
  walk(reply);
  return Buffer.concat(parts);
}

const READ_BY_TYPE: Record<string, (key: Buffer) => (string | Buffer | number)[]> = {
  string: (key) => ["GET", key],
  hash: (key) => ["HGETALL", key],
  list: (key) => ["LRANGE", key, 0, -1],
  set: (key) => ["SMEMBERS", key],
  zset: (key) => ["ZRANGE", key, 0, -1, "WITHSCORES"],
  stream: (key) => ["XRANGE", key, "-", "+"],
};

async function dumpDatabase(redis: Redis, db: number): Promise<Haystack[]> {
  const haystacks: Haystack[] = [];
  let cursor = "0";
  do {
    const [next, keys] = await redis.scanBuffer(cursor, "COUNT", 500);
    cursor = next.toString();
    for (const key of keys) {
      const name = `db${db} "${key.toString("utf8")}"`;
      haystacks.push({ where: `Redis key name ${name}`, bytes: key });
      const type = await redis.type(key);
      const read = READ_BY_TYPE[type];
      if (!read) throw new Error(`Redis key ${name} has type ${type}, which the canary scan cannot read yet; add it to READ_BY_TYPE`);
      const [command, ...args] = read(key);
      haystacks.push({ where: `Redis ${type} value of ${name}`, bytes: replyBytes(await redis.callBuffer(String(command), args)) });
      const dumped = (await redis.callBuffer("DUMP", [key])) as Buffer | null;
      if (dumped) haystacks.push({ where: `Redis DUMP of ${name}`, bytes: dumped });
    }
  } while (cursor !== "0");
  return haystacks;
}

/** Every key of every database holding keys, with its value and DUMP bytes. */
export async function redisDump(url: string): Promise<Haystack[]> {
  const probe = new Redis(url, { maxRetriesPerRequest: 1 });
  try {
    const keyspace = await probe.info("keyspace");
    const dbs = [...keyspace.matchAll(/^db(\d+):/gm)].map((m) => Number(m[1]));
    const haystacks: Haystack[] = [];
    for (const db of dbs) {
      await probe.select(db);
      haystacks.push(...(await dumpDatabase(probe, db)));
    }
    return haystacks;
  } finally {
    probe.disconnect();
  }
}

export function processLogs(processes: readonly { logs: readonly string[] }[]): Haystack[] {
  return processes.map((p, i) => ({ where: `bot process ${i} logs`, bytes: Buffer.from(p.logs.join(""), "utf8") }));
}

/** The file itself and, when it is a zip, every file inside it, recursively (an XLSX is a zip). */
export async function fileAndContents(where: string, bytes: Buffer): Promise<Haystack[]> {
  const haystacks: Haystack[] = [{ where, bytes }];
  if (bytes.subarray(0, 4).equals(ZIP_MAGIC)) {
    for (const [name, inner] of await zipEntries(bytes)) haystacks.push(...(await fileAndContents(`${where} › ${name}`, inner)));
  }
  return haystacks;
}

/** Every file under EXPORT_DIR, temporary ones included, with zips opened. */
export async function exportDirFiles(dir: string): Promise<Haystack[]> {
  const haystacks: Haystack[] = [];
  for (const path of filesUnder(dir)) {
    haystacks.push(...(await fileAndContents(`EXPORT_DIR/${relative(dir, path)}`, readFileSync(path))));
  }
  return haystacks;
}
