/**
 * Exports per study through the real queue and worker: each job names its study, the worker
 * reads that study's record store only (src/records/keys.ts), and the zip carries the study's
 * form id and version. Two form studies of one corpus form (versions 1 and 2) get records of
 * their own, each marked in a field the studies mark safe, so a record of one showing up in the
 * other's export would be seen.
 */
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Redis } from "ioredis";
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { ExportFiles } from "../../src/export/export-files.ts";
import { createExportWorker, type DeliveredFile, type ExportFailure, type ExportWorker } from "../../src/export/export-worker.ts";
import { createExportQueue, enqueueExport, type ExportJobPayload, type ExportQueue } from "../../src/export/jobs.ts";
import type { Form } from "../../src/flows/form.ts";
import { RecordStore } from "../../src/records/record-store.ts";
import { catalogOf } from "../../src/studies/catalog.ts";
import { studyKey, type FormStudy, type Study, type StudyCatalog } from "../../src/studies/study.ts";
import { startTestRedis, type TestRedis } from "../support/redis.ts";
import { csvObjects, unzipAll } from "./fixtures/files.ts";
import { corpusForm, formRecords } from "./fixtures/form-records.ts";

const FORM_ID = "ona-nested-repeats";
const ANALYST_CHAT = 515_151_515;

let redis: TestRedis;
let client: Redis;
let exportDir: string;
let queue: ExportQueue;
let files: ExportFiles;
let studies: StudyCatalog;
let form: Form;
const workers: ExportWorker[] = [];
const connection = () => ({ host: "127.0.0.1", port: redis.port, maxRetriesPerRequest: null });

function formStudy(version: string): FormStudy {
  const versioned = { ...form, version };
  return {
    kind: "form",
    key: studyKey(form.id, version),
    formId: form.id,
    version,
    form: versioned,
    policy: { k: 5, quasiIdentifiers: [], recodings: [], suppression: { code: "suppressed", spss: -9, maxShare: 0.05 }, breakdowns: [], missingCodes: [] },
    safeTextFields: ["address"],
  };
}

const storeOf = (study: Study) => new RecordStore({ redis: client, study: study.key });

function payload(study: string | undefined): ExportJobPayload {
  return { requestedBy: "analyst", chatId: ANALYST_CHAT, request: { formats: ["csv", "codebook"] }, requestedAt: "2026-03-20T08:00:00.000Z", ...(study ? { study } : {}) };
}

async function waitFor<T>(what: string, probe: () => T | undefined, timeoutMs = 30_000): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = probe();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

beforeAll(async () => {
  redis = await startTestRedis();
  client = redis.client();
  form = await corpusForm(FORM_ID);
  studies = catalogOf([formStudy("1"), formStudy("2")], studyKey(FORM_ID, "1"));
}, 60_000);
afterAll(async () => {
  await redis.stop();
});
beforeEach(async () => {
  await client.flushdb();
  exportDir = mkdtempSync(join(tmpdir(), "survey-exports-studies-"));
  files = new ExportFiles({ redis: client, exportDir, ttlDays: 7, chatKey: (id) => `analyst-${id % 1000}` });
  queue = createExportQueue(connection());
});
afterEach(async () => {
  await Promise.all(workers.splice(0).map((w) => w.close({ graceMs: 1000 })));
  await queue.close();
  rmSync(exportDir, { recursive: true, force: true });
});

describe("exports per study", () => {
  it("exports each study from its own records only, named after its form id and version", async () => {
    const counts: Record<string, number> = { "1": 11, "2": 7 };
    for (const version of ["1", "2"]) {
      const study = studies.byKey(studyKey(FORM_ID, version))!;
      const records = formRecords(form, { count: counts[version]!, seed: Number(version) * 100, formVersion: version, pseudonymPrefix: `v${version}` });
      // Every record says which study it belongs to, in the field both studies mark safe.
      records.forEach((record, i) => (record.answers.address = `study-${version}-record-${i}`));
      for (const record of records) expect(await storeOf(study).append(record)).toBe(true);
    }
    const delivered: { payload: ExportJobPayload; file: DeliveredFile }[] = [];
    workers.push(createExportWorker({ connection: connection(), studies, storeOf, store: new RecordStore({ redis: client }), translate: (_l, k) => k, languages: ["en"], files, deliver: async (p, file) => void delivered.push({ payload: p, file }) }));

    for (const version of ["2", "1"]) {
      await enqueueExport(queue, payload(studyKey(FORM_ID, version)));
      const { file } = await waitFor(`the export of version ${version}`, () => delivered.find((d) => d.payload.study === studyKey(FORM_ID, version)));
      expect(file.fileName).toMatch(new RegExp(`^survey-export-${FORM_ID}-v${version}-\\d{4}-\\d{2}-\\d{2}-[0-9a-f]{8}\\.zip$`));
      const entries = await unzipAll(file.path);
      expect([...entries.keys()].every((name) => name.startsWith(`survey-export-${FORM_ID}-v${version}-`))).toBe(true);
      const data = csvObjects([...entries].find(([name]) => name.endsWith("/data.csv"))![1].toString("utf8"));
      expect(data).toHaveLength(counts[version]!);
      expect(file.report.rows).toBe(counts[version]);
      for (const row of data) expect(row.address).toMatch(new RegExp(`^study-${version}-record-\\d+$`));
      // The nested repeats have long files of their own.
      expect([...entries.keys()].some((name) => name.endsWith("/repeat_kids_details.csv"))).toBe(true);
      expect([...entries.keys()].some((name) => name.endsWith("/repeat_kids_immunization.csv"))).toBe(true);
      const remembered = await files.recent(ANALYST_CHAT);
      expect(remembered.some((entry) => entry.entry.study === studyKey(FORM_ID, version))).toBe(true);
    }
  }, 60_000);

  it("exports the default study for a job that names none, and refuses a study this deployment does not run", async () => {
    const study = studies.default;
    for (const record of formRecords(form, { count: 3, seed: 7, formVersion: study.version })) await storeOf(study).append(record);
    const delivered: DeliveredFile[] = [];
    const failures: ExportFailure[] = [];
    workers.push(
      createExportWorker({
        connection: connection(),
        studies,
        storeOf,
        store: new RecordStore({ redis: client }),
        translate: (_l, k) => k,
        languages: ["en"],
        files,
        deliver: async (_p, file) => void delivered.push(file),
        onFailed: (_p, failure) => void failures.push(failure),
      }),
    );
    await enqueueExport(queue, payload(undefined));
    const file = await waitFor("the default study's export", () => delivered[0]);
    expect(file.report.rows).toBe(3);
    expect(file.fileName).toContain(`${FORM_ID}-v1-`);

    await enqueueExport(queue, payload("no_such_form@9"));
    const failure = await waitFor("the refusal", () => failures[0]);
    expect(failure.kind).toBe("error");
    expect(failure.kind === "error" && failure.message).toMatch(/no study no_such_form@9 runs here/);
  }, 60_000);
});
