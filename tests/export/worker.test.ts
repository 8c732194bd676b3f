import { mkdtempSync, readdirSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import type { ExportReport } from "../../src/export/build-zip.ts";
import { ExportFiles } from "../../src/export/export-files.ts";
import { createExportWorker, type DeliveredFile, type ExportFailure, type ExportWorker, type ExportWorkerOptions } from "../../src/export/export-worker.ts";
import { createExportQueue, enqueueExport, exportJobId, type ExportJobPayload, type ExportQueue } from "../../src/export/jobs.ts";
import { RecordStore, type ScanOptions } from "../../src/records/record-store.ts";
import type { CompletedRecord } from "../../src/records/record.ts";
import { startTestRedis, type TestRedis } from "../support/redis.ts";
import { fixtureDefinition } from "./fixtures/definition.ts";
import { csvObjects, unzipAll } from "./fixtures/files.ts";
import { fixtureRecords, pseudonymOf } from "./fixtures/records.ts";
import { fixtureTranslate } from "./fixtures/translate.ts";

const ANALYST_CHAT = 424_242_424;
const chatKey = (id: number) => `analyst-${id % 1000}`;

let redis: TestRedis;
let client: Redis;
let exportDir: string;
let queue: ExportQueue;
let store: RecordStore;
let files: ExportFiles;
const workers: ExportWorker[] = [];

const connection = () => ({ host: "127.0.0.1", port: redis.port, maxRetriesPerRequest: null });

function payload(overrides: Partial<ExportJobPayload> = {}): ExportJobPayload {
  return {
    requestedBy: "analyst-pseudonym",
    chatId: ANALYST_CHAT,
    statusMessageId: 17,
    request: { formats: ["csv", "codebook"] },
    requestedAt: "2026-03-12T09:30:05.000Z",
    ...overrides,
  };
}

function startWorker(overrides: Partial<ExportWorkerOptions> & Pick<ExportWorkerOptions, "deliver">): ExportWorker {
  const worker = createExportWorker({
    connection: connection(),
    definition: fixtureDefinition,
    translate: fixtureTranslate,
    languages: ["en", "ru"],
    store,
    files,
    ...overrides,
  });
  workers.push(worker);
  return worker;
}

async function waitFor<T>(what: string, probe: () => Promise<T | undefined>, timeoutMs = 20_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

async function stateOf(jobId: string) {
  return (await queue.getJob(jobId))?.getState();
}

/** Waits for the job to complete; a failed attempt's reason is in the timeout message. */
async function completed(jobId: string, timeoutMs = 20_000): Promise<void> {
  let reason = "";
  await waitFor(`job to complete`, async () => {
    const job = await queue.getJob(jobId);
    reason = job?.failedReason ?? reason;
    return (await job?.getState()) === "completed" ? true : undefined;
  }, timeoutMs).catch((error: Error) => {
    throw new Error(`${error.message}${reason ? `; last failure: ${reason}` : ""}`);
  });
}

async function csvRows(zipPath: string): Promise<Record<string, string>[]> {
  const entries = await unzipAll(zipPath);
  const csv = [...entries].find(([name]) => name.endsWith("/data.csv"));
  if (!csv) throw new Error(`no data.csv in ${[...entries.keys()].join(", ")}`);
  return csvObjects(csv[1].toString("utf8"));
}

beforeAll(async () => {
  redis = await startTestRedis();
  client = redis.client();
});
afterAll(async () => {
  await redis.stop();
});
beforeEach(async () => {
  await client.flushdb();
  exportDir = mkdtempSync(join(tmpdir(), "survey-exports-"));
  store = new RecordStore({ redis: client });
  files = new ExportFiles({ redis: client, exportDir, ttlDays: 7, chatKey });
  queue = createExportQueue(connection());
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.close({ graceMs: 1000 })));
  await queue.close();
  rmSync(exportDir, { recursive: true, force: true });
});

describe("export job ids", () => {
  it("gives the same request in the same minute one id, whatever the order of formats", () => {
    const a = exportJobId(payload({ request: { formats: ["csv", "xlsx"], city: "almaty" } }));
    const b = exportJobId(payload({ request: { formats: ["xlsx", "csv"], city: "almaty" }, requestedAt: "2026-03-12T09:30:59.000Z" }));
    expect(a).toBe(b);
    expect(a).toMatch(/^export-[0-9a-f]{32}$/);
  });

  it("tells apart another analyst, another filter and another minute", () => {
    const base = exportJobId(payload());
    expect(exportJobId(payload({ requestedBy: "someone-else" }))).not.toBe(base);
    expect(exportJobId(payload({ request: { formats: ["csv", "codebook"], city: "astana" } }))).not.toBe(base);
    expect(exportJobId(payload({ request: { formats: ["csv"] } }))).not.toBe(base);
    expect(exportJobId(payload({ requestedAt: "2026-03-12T09:31:00.000Z" }))).not.toBe(base);
  });
});

describe("the exports queue and worker", () => {
  it("queues one job when the same request comes twice within a minute", async () => {
    const first = await enqueueExport(queue, payload());
    const second = await enqueueExport(queue, payload({ requestedAt: "2026-03-12T09:30:40.000Z", statusMessageId: 18 }));
    expect(second).toBe(first);
    expect(await queue.getJobCounts("waiting", "active", "delayed")).toEqual({ waiting: 1, active: 0, delayed: 0 });
    const job = await queue.getJob(first);
    expect(job?.opts.attempts).toBe(3);
    expect(job?.opts.backoff).toMatchObject({ type: "exponential" });
  });

  it("refuses a payload without formats before anything is queued", async () => {
    await expect(enqueueExport(queue, payload({ request: { formats: [] } }))).rejects.toThrow(/format/);
    expect(await queue.count()).toBe(0);
  });

  it("builds the zip from the stored records, reports progress and hands the file to deliver", async () => {
    const records = fixtureRecords();
    for (const r of records) await store.append(r);
    const delivered: { payload: ExportJobPayload; file: DeliveredFile }[] = [];
    const progress: number[] = [];
    startWorker({ deliver: async (p, file) => void delivered.push({ payload: p, file }), onProgress: (_, percent) => void progress.push(percent) });

    const jobId = await enqueueExport(queue, payload());
    await completed(jobId);

    expect(delivered).toHaveLength(1);
    const [{ payload: sent, file }] = delivered as [(typeof delivered)[number]];
    expect(sent.chatId).toBe(ANALYST_CHAT);
    expect(file.path).toBe(join(exportDir, `${jobId}.zip`));
    expect(file.fileName).toMatch(/^survey-export-\d{4}-\d{2}-\d{2}-[0-9a-f]{8}\.zip$/);
    expect(file.report.rows).toBe(records.length);
    expect(await csvRows(file.path)).toHaveLength(records.length);
    expect(progress.at(-1)).toBe(100);
    expect((await queue.getJob(jobId))?.progress).toBe(100);
    // Only the finished file is left behind.
    expect(readdirSync(exportDir)).toEqual([`${jobId}.zip`]);

    // /exports can offer it again, to this chat only.
    const recent = await files.recent(ANALYST_CHAT);
    expect(recent.map((f) => f.entry.jobId)).toEqual([jobId]);
    expect(recent[0]!.entry.rows).toBe(records.length);
    expect((await files.fileFor(ANALYST_CHAT, jobId))?.path).toBe(file.path);
    expect(await files.fileFor(ANALYST_CHAT + 1, jobId)).toBeUndefined();
  });

  it("leaves out a person who used /delete", async () => {
    const records = fixtureRecords();
    for (const r of records) await store.append(r);
    await store.deleteOf(pseudonymOf(100_000 + 20));
    const reports: ExportReport[] = [];
    startWorker({ deliver: async (_, file) => void reports.push(file.report) });
    const jobId = await enqueueExport(queue, payload());
    await completed(jobId);
    expect(reports.map((r) => r.rows)).toEqual([records.length - 1]);
  });

  it("fails for good, without retrying or shipping anything, when the release gate refuses", async () => {
    const unique: CompletedRecord = {
      pseudonym: "only-one",
      answers: { a_consent: "agree", a_city: "shymkent", a_district: "shymkent_abay", a_age_group: "35_44", a_citizenship: "tajikistan", b_sex: "female" },
      lang: "ru",
      version: fixtureDefinition.version,
      day: "2026-03-05",
    };
    await store.append(unique);
    const failures: ExportFailure[] = [];
    let deliveries = 0;
    startWorker({ deliver: async () => void deliveries++, onFailed: (_, failure) => void failures.push(failure) });
    const jobId = await enqueueExport(queue, payload());

    await waitFor("the job to fail", async () => ((await stateOf(jobId)) === "failed" ? true : undefined));
    await waitFor("the failure notice", async () => (failures.length > 0 ? true : undefined));
    const job = await queue.getJob(jobId);
    expect(job?.attemptsMade).toBe(1);
    expect(deliveries).toBe(0);
    expect(failures).toHaveLength(1);
    expect(failures[0]).toMatchObject({ kind: "release_gate", report: { k: 5, rows: 1, unfixable: 1 } });
    expect(readdirSync(exportDir)).toEqual([]);
  });

  it("retries a failed delivery and rewrites the file, then delivers once", async () => {
    for (const r of fixtureRecords()) await store.append(r);
    let calls = 0;
    startWorker({
      deliver: async () => {
        if (++calls === 1) throw new Error("Telegram is down");
      },
    });
    const jobId = await enqueueExport(queue, payload(), { backoffMs: 100 });
    await completed(jobId);
    expect(calls).toBe(2);
    expect((await queue.getJob(jobId))?.attemptsMade).toBe(2);
    expect(readdirSync(exportDir)).toEqual([`${jobId}.zip`]);
  });

  it("on shutdown hands a long job back to the queue, and another worker finishes it", async () => {
    const records = fixtureRecords();
    for (const r of records) await store.append(r);
    class SlowStore extends RecordStore {
      override async *scan(options: ScanOptions = {}): AsyncGenerator<CompletedRecord> {
        for await (const r of super.scan(options)) {
          await new Promise((resolve) => setTimeout(resolve, 40));
          yield r;
        }
      }
    }
    let deliveredBySlow = 0;
    const slow = startWorker({ store: new SlowStore({ redis: client }), deliver: async () => void deliveredBySlow++ });
    const jobId = await enqueueExport(queue, payload());
    await waitFor("the job to start", async () => ((await stateOf(jobId)) === "active" ? true : undefined));

    await slow.close({ graceMs: 200 });
    expect(await stateOf(jobId)).toBe("waiting");

    const reports: ExportReport[] = [];
    startWorker({ deliver: async (_, file) => void reports.push(file.report) });
    await completed(jobId);
    expect(deliveredBySlow).toBe(0);
    expect(reports.map((r) => r.rows)).toEqual([records.length]);
    expect(await csvRows(join(exportDir, `${jobId}.zip`))).toHaveLength(records.length);
  });
});

describe("export files", () => {
  it("deletes files past the TTL and abandoned temporary files, and leaves other files alone", async () => {
    const { utimesSync, writeFileSync } = await import("node:fs");
    const now = new Date("2026-03-20T12:00:00Z");
    const dated = new ExportFiles({ redis: client, exportDir, ttlDays: 7, chatKey, clock: () => now });
    const put = (name: string, daysOld: number) => {
      const path = join(exportDir, name);
      writeFileSync(path, "zip");
      const t = new Date(now.getTime() - daysOld * 86_400_000);
      utimesSync(path, t, t);
    };
    put("export-aaaaaaaaaaaaaaaa.zip", 8);
    put("export-bbbbbbbbbbbbbbbb.zip", 6);
    put(".export-cccccccccccccccc.0a1b2c.tmp", 2);
    put(".export-dddddddddddddddd.0a1b2c.tmp", 0.5);
    put("notes.txt", 30);
    expect(await dated.deleteExpired()).toBe(2);
    expect(readdirSync(exportDir).sort()).toEqual([".export-dddddddddddddddd.0a1b2c.tmp", "export-bbbbbbbbbbbbbbbb.zip", "notes.txt"]);
  });

  it("does not offer a file past the TTL", async () => {
    let now = new Date();
    const dated = new ExportFiles({ redis: client, exportDir, ttlDays: 7, chatKey, clock: () => now });
    const jobId = "export-0123456789abcdef";
    const { writeFileSync } = await import("node:fs");
    writeFileSync(dated.pathOf(jobId), "zip");
    await dated.remember(ANALYST_CHAT, { jobId, fileName: "x.zip", finishedAt: now.toISOString(), formats: ["csv"], rows: 3, generalized: 0, flagged: 0 });
    expect(await dated.fileFor(ANALYST_CHAT, jobId)).toBeDefined();
    now = new Date(now.getTime() + 8 * 86_400_000);
    expect(await dated.fileFor(ANALYST_CHAT, jobId)).toBeUndefined();
    expect(await dated.recent(ANALYST_CHAT)).toEqual([]);
    expect(() => dated.pathOf("../../etc/passwd")).toThrow(/not an export job id/);
  });
});
