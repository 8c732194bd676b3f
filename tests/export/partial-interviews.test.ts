/**
 * Partial interviews in an export: only on request, flagged complete = 0 with the question the
 * person stopped at, through the same disclosure control (k = 5 over the quasi-identifiers),
 * and the codebook saying what the two columns mean. Runs the real export worker over BullMQ.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import { ExportFiles } from "../../src/export/export-files.ts";
import { createExportWorker, type DeliveredFile, type ExportWorker } from "../../src/export/export-worker.ts";
import { createExportQueue, enqueueExport, type ExportJobPayload, type ExportQueue } from "../../src/export/jobs.ts";
import { RecordStore } from "../../src/records/record-store.ts";
import { partialPrefix } from "../../src/export/partial-interviews.ts";
import { STUDY_POLICY } from "../../src/studies/export-policy.ts";
import type { CompletedRecord } from "../../src/records/record.ts";
import { startTestRedis, type TestRedis } from "../support/redis.ts";
import { fixtureDefinition } from "./fixtures/definition.ts";
import { csvObjects, unzipAll } from "./fixtures/files.ts";
import { fixtureRecords, seeded } from "./fixtures/records.ts";
import { fixtureTranslate } from "./fixtures/translate.ts";

let redis: TestRedis;
let client: Redis;
let queue: ExportQueue;
let worker: ExportWorker;
let exportDir: string;
const delivered: DeliveredFile[] = [];

/** Where each partial interview stopped: the first question of the full interview it did not answer. */
let stoppedAt: string[] = [];
let partialStore: RecordStore;

/**
 * Partial interviews drawn independently of the completed ones (another seed), each cut after a
 * random number of the questions it was asked, but never before `minimum` of them.
 */
function partialRecords(count: number, minimum: number): CompletedRecord[] {
  const random = seeded(7);
  stoppedAt = [];
  return fixtureRecords(1234).slice(0, count).map((full, i) => {
    // The questions this person was asked, in the order the questionnaire asks them.
    const asked = fixtureDefinition.questions.map((q) => q.id).filter((q) => full.answers[q] !== undefined);
    const keep = minimum + Math.floor(random() * (asked.length - minimum)); // never all of them
    stoppedAt.push(asked[keep]!);
    const answers = Object.fromEntries(asked.slice(0, keep).map((q) => [q, full.answers[q]!]));
    return { pseudonym: `partial-${i}`, answers, lang: full.lang, version: full.version, day: full.day };
  });
}

async function replacePartials(records: CompletedRecord[]): Promise<void> {
  await client.del(partialStore.streamKey, partialStore.indexKey);
  for (const record of records) await partialStore.append(record);
}

beforeAll(async () => {
  redis = await startTestRedis();
  client = redis.client();
  exportDir = mkdtempSync(join(tmpdir(), "survey-exports-"));
  const store = new RecordStore({ redis: client });
  partialStore = new RecordStore({ redis: client, prefix: partialPrefix("") });
  for (const record of fixtureRecords()) await store.append(record);
  const connection = { host: "127.0.0.1", port: redis.port, maxRetriesPerRequest: null };
  queue = createExportQueue(connection);
  worker = createExportWorker({
    connection,
    definition: fixtureDefinition,
    translate: fixtureTranslate,
    languages: ["en", "ru"],
    store,
    files: new ExportFiles({ redis: client, exportDir, ttlDays: 7, chatKey: (id) => `analyst-${id}` }),
    partial: { store: partialStore, afterDays: 7 },
    deliver: async (_payload, file) => void delivered.push(file),
  });
});

afterAll(async () => {
  await worker?.close({ graceMs: 1000 });
  await queue?.close();
  await redis?.stop();
  rmSync(exportDir, { recursive: true, force: true });
});

async function exportWith(request: ExportJobPayload["request"], minute: string): Promise<Map<string, Buffer>> {
  const before = delivered.length;
  const jobId = await enqueueExport(queue, { requestedBy: "analyst", chatId: 1, request, requestedAt: `2026-03-12T09:${minute}:00.000Z` });
  const deadline = Date.now() + 60_000;
  while (delivered.length === before) {
    const job = await queue.getJob(jobId);
    if (job?.failedReason) throw new Error(`the export failed: ${job.failedReason}`);
    if (Date.now() > deadline) throw new Error("the export did not arrive");
    await new Promise((r) => setTimeout(r, 100));
  }
  return unzipAll(delivered.at(-1)!.path);
}

const fileOf = (entries: Map<string, Buffer>, suffix: string) => [...entries].find(([name]) => name.endsWith(suffix))![1].toString("utf8");

describe("partial interviews in exports", () => {
  it("the default export has completed interviews only, and no completion columns", async () => {
    const rows = csvObjects(fileOf(await exportWith({ formats: ["csv"] }, "01"), "/data.csv"));
    expect(rows).toHaveLength(fixtureRecords().length);
    expect(Object.keys(rows[0]!)).not.toContain("complete");
  });

  it("partial interviews that would single people out are refused by the same release gate", async () => {
    // Cut anywhere after the city: some stop before sex, age or citizenship and form groups under 5.
    await replacePartials(partialRecords(20, 2));
    await expect(exportWith({ formats: ["csv"], partial: true }, "02")).rejects.toThrow(/release_gate/);
  }, 90_000);

  it("on request, partial interviews come flagged complete = 0 with the question they stopped at, and k = 5 still holds", async () => {
    // Stopped after the opening questions (consent, city, district, age, citizenship, sex) or later.
    const demographics = 6;
    await replacePartials(partialRecords(fixtureRecords().length, demographics));
    expect(stoppedAt.every((q) => !["a_consent", "a_city", "a_district", "a_age_group", "a_citizenship"].includes(q))).toBe(true);
    const entries = await exportWith({ formats: ["csv", "codebook"], partial: true }, "03");
    const rows = csvObjects(fileOf(entries, "/data.csv"));
    expect(rows).toHaveLength(fixtureRecords().length + stoppedAt.length);
    const partial = rows.filter((r) => r.complete === "0");
    const complete = rows.filter((r) => r.complete === "1");
    expect(complete).toHaveLength(fixtureRecords().length);
    expect(complete.every((r) => r.last_question === "")).toBe(true);
    expect(partial.map((r) => r.last_question).sort()).toEqual([...stoppedAt].sort());
    // A partial row holds no answer from the question it stopped at onwards.
    const order = fixtureDefinition.questions.map((q) => q.id);
    for (const row of partial) {
      const from = order.indexOf(row.last_question!);
      for (const q of order.slice(from)) expect(row[q] ?? "", `${q} after ${row.last_question}`).toBe("");
    }

    // Disclosure control over all rows, counted here: every combination of quasi-identifiers
    // seen in the file is shared by at least k rows.
    const groups = new Map<string, number>();
    for (const row of rows) {
      const key = STUDY_POLICY.quasiIdentifiers.map((q) => row[q] ?? "").join("|");
      groups.set(key, (groups.get(key) ?? 0) + 1);
    }
    const small = [...groups].filter(([, n]) => n < STUDY_POLICY.k);
    expect(small, JSON.stringify(small)).toEqual([]);

    // The codebook says what the columns mean.
    const codebook = fileOf(entries, "/codebook.md");
    expect(codebook).toMatch(/complete[\s\S]*partial, stopped for good \(no activity for 7 days\)/);
    expect(codebook).toMatch(/last_question[\s\S]*the question the person stopped at/);
  }, 90_000);
});
