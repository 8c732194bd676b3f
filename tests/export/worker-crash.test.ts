/**
 * A worker process killed with SIGKILL in the middle of an export: its lock runs out, another
 * worker takes the job again and ships a complete, correct zip, and the dead one ships nothing.
 */
import { spawn, type ChildProcess } from "node:child_process";
import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, expect, it } from "vitest";
import type { ExportReport } from "../../src/export/build-zip.ts";
import { ExportFiles } from "../../src/export/export-files.ts";
import { createExportWorker, type ExportWorker } from "../../src/export/export-worker.ts";
import { createExportQueue, enqueueExport, type ExportQueue } from "../../src/export/jobs.ts";
import { RecordStore } from "../../src/records/record-store.ts";
import { startTestRedis, type TestRedis } from "../support/redis.ts";
import { fixtureDefinition } from "./fixtures/definition.ts";
import { csvObjects, unzipAll } from "./fixtures/files.ts";
import { fixtureRecords } from "./fixtures/records.ts";
import { fixtureTranslate } from "./fixtures/translate.ts";

const LOCK_MS = 2000;
const STALLED_MS = 500;
const chatKey = (id: number) => `analyst-${id % 1000}`;

let redis: TestRedis;
let exportDir: string;
let queue: ExportQueue | undefined;
let survivor: ExportWorker | undefined;
let child: ChildProcess | undefined;

beforeAll(async () => {
  redis = await startTestRedis();
  exportDir = mkdtempSync(join(tmpdir(), "survey-exports-crash-"));
});
afterAll(async () => {
  if (child?.pid && child.exitCode === null && child.signalCode === null) process.kill(-child.pid, "SIGKILL");
  await survivor?.close({ graceMs: 1000 });
  await queue?.close();
  await redis.stop();
  rmSync(exportDir, { recursive: true, force: true });
});

/** Starts the slow worker in its own process group, so SIGKILL reaches tsx's node process too. */
function spawnSlowWorker(): { process: ChildProcess; lines: string[]; waitFor(word: string, timeoutMs: number): Promise<void> } {
  const proc = spawn("npx", ["tsx", join(import.meta.dirname, "fixtures", "slow-export-worker.ts")], {
    env: { ...process.env, REDIS_PORT: String(redis.port), EXPORT_DIR: exportDir, RECORD_DELAY_MS: "60", LOCK_MS: String(LOCK_MS), STALLED_MS: String(STALLED_MS) },
    stdio: ["ignore", "pipe", "pipe"],
    detached: true,
  });
  const lines: string[] = [];
  let stderr = "";
  proc.stdout!.on("data", (chunk: Buffer) => lines.push(...chunk.toString().split("\n").filter(Boolean)));
  proc.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
  return {
    process: proc,
    lines,
    async waitFor(word, timeoutMs) {
      const deadline = Date.now() + timeoutMs;
      while (!lines.includes(word)) {
        if (proc.exitCode !== null) throw new Error(`the slow worker exited (${proc.exitCode}) before "${word}": ${stderr.slice(-500)}`);
        if (Date.now() > deadline) throw new Error(`the slow worker did not print "${word}" within ${timeoutMs} ms: ${stderr.slice(-500)}`);
        await new Promise((r) => setTimeout(r, 50));
      }
    },
  };
}

it("retries the job of a worker killed mid-export and produces a complete, correct zip", { timeout: 90_000 }, async () => {
  const client = redis.client();
  const store = new RecordStore({ redis: client });
  const records = fixtureRecords();
  for (const r of records) await store.append(r);
  const connection = { host: "127.0.0.1", port: redis.port, maxRetriesPerRequest: null };
  queue = createExportQueue(connection);

  const slow = spawnSlowWorker();
  child = slow.process;
  await slow.waitFor("ready", 30_000);
  const jobId = await enqueueExport(queue, {
    requestedBy: "analyst-pseudonym",
    chatId: 424_242_424,
    request: { formats: ["csv", "xlsx", "sps"] },
    requestedAt: new Date().toISOString(),
  });
  await slow.waitFor("active", 10_000);
  // Let it get well into reading the records (46 records × 60 ms a pass), then kill it.
  await new Promise((r) => setTimeout(r, 800));
  expect(await (await queue.getJob(jobId))!.getState()).toBe("active");
  const exited = new Promise((r) => slow.process.once("exit", r));
  process.kill(-slow.process.pid!, "SIGKILL");
  await exited;

  const reports: ExportReport[] = [];
  const files = new ExportFiles({ redis: client, exportDir, ttlDays: 7, chatKey });
  survivor = createExportWorker({
    connection,
    definition: fixtureDefinition,
    translate: fixtureTranslate,
    languages: ["en", "ru"],
    store,
    files,
    deliver: async (_, file) => void reports.push(file.report),
    lockDuration: LOCK_MS,
    stalledInterval: STALLED_MS,
  });

  // Lock expiry (2 s) plus two stalled checks: first marked, then moved back to wait.
  const deadline = Date.now() + 20_000;
  while ((await (await queue.getJob(jobId))!.getState()) !== "completed") {
    if (Date.now() > deadline) throw new Error(`the job was not retried: ${(await queue.getJob(jobId))!.failedReason ?? "no failure recorded"}`);
    await new Promise((r) => setTimeout(r, 100));
  }

  const job = (await queue.getJob(jobId))!;
  expect(job.stalledCounter).toBe(1); // taken back from the dead worker, not failed and retried
  expect(slow.lines).not.toContain("delivered");
  expect(reports.map((r) => r.rows)).toEqual([records.length]);

  const zip = join(exportDir, `${jobId}.zip`);
  const entries = await unzipAll(zip);
  const names = [...entries.keys()].map((n) => n.split("/").pop());
  expect(names).toEqual(expect.arrayContaining(["data.csv", "data.xlsx", "data.sps", "README.txt"]));
  const csv = [...entries].find(([name]) => name.endsWith("/data.csv"))![1].toString("utf8");
  const rows = csvObjects(csv);
  expect(rows).toHaveLength(records.length);
  // Row ids are fresh per export and unique: the retry wrote one whole export, not two halves.
  const idColumn = Object.keys(rows[0]!)[0]!;
  expect(new Set(rows.map((r) => r[idColumn])).size).toBe(records.length);
  expect(readdirSync(exportDir).filter((n) => n.endsWith(".zip"))).toEqual([`${jobId}.zip`]);
});
