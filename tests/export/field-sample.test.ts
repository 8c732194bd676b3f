/**
 * The study's own data, released: interviews drawn independently from the report's published
 * percentages (tests/support/field-sample.ts), stored in a real Redis and exported by the real
 * worker with the study's questionnaire, policy and translations. Nothing about the sample is
 * chosen so that the export passes.
 */
import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { ExportReport } from "../../src/export/build-zip.ts";
import { ExportFiles } from "../../src/export/export-files.ts";
import { createExportWorker, type ExportFailure, type ExportWorker } from "../../src/export/export-worker.ts";
import { createExportQueue, enqueueExport, type ExportJobPayload, type ExportQueue } from "../../src/export/jobs.ts";
import { STUDY_POLICY } from "../../src/studies/export-policy.ts";
import { RecordStore } from "../../src/records/record-store.ts";
import type { CompletedRecord } from "../../src/records/record.ts";
import { refusalNotice } from "../../src/export/worker-main.ts";
import { labourMigrantsKz } from "../../src/flows/definitions/labour-migrants-kz.ts";
import { numericCodeValues } from "../../src/flows/numeric-codes.ts";
import { createTranslator, SOURCE_LANGUAGES } from "../../src/locales/i18n.ts";
import { fieldSample } from "../support/field-sample.ts";
import { startTestRedis, type TestRedis } from "../support/redis.ts";
import { csvObjects, unzipAll } from "./fixtures/files.ts";

const translator = createTranslator();
const translate = (lang: string, key: string, params?: Record<string, unknown>) => translator.t(lang, key, params);
const TEXT_VALUES = { organisation: "IOM Kazakhstan", retentionDays: 365, sessionDays: 30, minWage: (85000).toLocaleString("ru-RU") };
const QUASI = STUDY_POLICY.quasiIdentifiers;

let redis: TestRedis;
let exportDir: string;

beforeAll(async () => {
  redis = await startTestRedis();
  exportDir = mkdtempSync(join(tmpdir(), "field-exports-"));
});
afterAll(async () => {
  await redis.stop();
  rmSync(exportDir, { recursive: true, force: true });
});

type Outcome = { delivered: { report: ExportReport; entries: Map<string, Buffer> } } | { failed: ExportFailure };

/** Stores the records under their own prefix and runs one export job through the worker. */
async function exportThroughWorker(records: CompletedRecord[], prefix: string): Promise<Outcome> {
  const client = redis.client();
  const connection = { host: "127.0.0.1", port: redis.port, maxRetriesPerRequest: null };
  const store = new RecordStore({ redis: client, prefix });
  for (const record of records) await store.append(record);
  const files = new ExportFiles({ redis: client, prefix, exportDir, ttlDays: 7, chatKey: (id) => `analyst-${id}` });
  const queue: ExportQueue = createExportQueue(connection, { prefix: `{${prefix}}` });
  let worker: ExportWorker | undefined;
  try {
    const outcome = new Promise<Outcome>((resolve) => {
      worker = createExportWorker({
        connection,
        prefix: `{${prefix}}`,
        definition: labourMigrantsKz,
        translate,
        languages: [...SOURCE_LANGUAGES],
        textValues: TEXT_VALUES,
        store,
        files,
        deliver: async (_, file) => resolve({ delivered: { report: file.report, entries: await unzipAll(file.path) } }),
        onFailed: (_, failure) => resolve({ failed: failure }),
      });
    });
    const payload: ExportJobPayload = {
      requestedBy: "analyst",
      chatId: 4242,
      request: { formats: ["csv", "xlsx", "sps", "codebook", "summary"] },
      requestedAt: new Date().toISOString(),
    };
    await enqueueExport(queue, payload);
    return await outcome;
  } finally {
    await worker?.close({ graceMs: 1000 });
    await queue.close();
    client.disconnect();
  }
}

const fileOf = (entries: Map<string, Buffer>, name: string) => {
  const found = [...entries].find(([path]) => path.endsWith(`/${name}`));
  if (!found) throw new Error(`${name} is not in the zip: ${[...entries.keys()].join(", ")}`);
  return found[1].toString("utf8");
};

/** Frequency table of a CSV column. */
function tally(values: Iterable<string>): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const value of values) counts[value] = (counts[value] ?? 0) + 1;
  return counts;
}

describe("2,000 interviews drawn from the report's figures, exported by the worker", () => {
  const records = fieldSample(labourMigrantsKz, { count: 2000, seed: 2026 });
  let report: ExportReport;
  let entries: Map<string, Buffer>;
  let rows: Record<string, string>[];

  beforeAll(async () => {
    const outcome = await exportThroughWorker(records, "field2000:");
    if ("failed" in outcome) throw new Error(`the export was refused: ${JSON.stringify(outcome.failed)}`);
    ({ report, entries } = outcome.delivered);
    rows = csvObjects(fileOf(entries, "data.csv"));
  }, 120_000);

  it("is released, and every combination of the quasi-identifiers holds at least 5 rows", () => {
    expect(rows).toHaveLength(2000);
    const combos = tally(rows.map((row) => QUASI.map((q) => row[q]).join("/")));
    const smallest = Math.min(...Object.values(combos));
    expect(smallest).toBeGreaterThanOrEqual(5);
    expect(report.disclosure.smallestCombination).toBe(smallest);
  });

  it("touches at most 3% of rows by suppression, and says how many", () => {
    const touched = rows.filter((row) => QUASI.some((q) => row[q] === STUDY_POLICY.suppression.code)).length;
    console.log(
      `field sample, 2,000 interviews: ${touched} rows (${((100 * touched) / rows.length).toFixed(2)}%) with a suppressed cell; ` +
        `cells per variable ${JSON.stringify(report.disclosure.suppression.cells)}; recodings ${report.disclosure.recodings.map((r) => `${r.question} ${r.applied ? r.rows : "not applied"}`).join(", ")}`,
    );
    expect(touched).toBe(report.suppressed);
    expect(touched / rows.length).toBeLessThanOrEqual(0.03);
    const disclosure = JSON.parse(fileOf(entries, "disclosure.json")) as typeof report.disclosure;
    expect(disclosure.suppression.rowsTouched).toBe(touched);
    expect(fileOf(entries, "disclosure.md")).toContain(`Rows with at least one suppressed cell: ${touched}`);
    expect(report.disclosureLine).toContain(`${touched} rows`);
  });

  it("keeps every figure of every other question exactly as the interviews gave it", () => {
    let compared = 0;
    for (const question of labourMigrantsKz.questions) {
      if (QUASI.includes(question.id)) continue;
      const given = records.map((r) => r.answers[question.id]);
      if (question.type === "multi") {
        for (const option of question.options) {
          const expected = tally(given.map((a) => (a === undefined ? "" : (a as string[]).includes(option.code) ? "1" : "0")));
          expect(tally(rows.map((row) => row[`${question.id}_${option.code}`]!)), `${question.id}_${option.code}`).toEqual(expected);
          compared++;
        }
        continue;
      }
      const numbers = question.type === "number" || question.type === "year" ? numericCodeValues(question) : new Map<string, number>();
      const expected = tally(given.map((a) => (a === undefined ? "" : typeof a === "string" ? String(numbers.get(a) ?? a) : String(a))));
      expect(tally(rows.map((row) => row[question.id]!)), question.id).toEqual(expected);
      compared++;
    }
    expect(compared).toBeGreaterThan(50);
  });

  it("writes number and year columns as numbers only, with the SPSS and XLSForm codes", () => {
    for (const id of ["b_children_n", "b_children_kz", "b_children_origin", "c_arrival_year", "e_household_size"]) {
      const bad = rows.map((row) => row[id]!).filter((cell) => cell !== "" && !/^-?\d+$/.test(cell));
      expect(bad, id).toEqual([]);
    }
    expect(rows.some((row) => row.e_household_size === "-1")).toBe(true); // "prefer not to answer"
  });

  it("fills in every text: no {{ in any file, and the codebook records the values shown", async () => {
    for (const [name, bytes] of entries) {
      if (name.endsWith(".xlsx")) continue; // compressed: its parts are scanned below
      expect(bytes.includes(Buffer.from("{{")), name).toBe(false);
    }
    const workbook = join(exportDir, "scan.xlsx");
    writeFileSync(workbook, entries.get([...entries.keys()].find((name) => name.endsWith("/data.xlsx"))!)!);
    const parts = await unzipAll(workbook);
    expect(parts.size).toBeGreaterThan(3);
    for (const [name, bytes] of parts) expect(bytes.includes(Buffer.from("{{")), `data.xlsx/${name}`).toBe(false);
    const codebook = JSON.parse(fileOf(entries, "codebook.json")) as { textValues: Record<string, unknown> };
    expect(codebook.textValues).toMatchObject({ organisation: "IOM Kazakhstan", retentionDays: 365, minWage: TEXT_VALUES.minWage });
    expect(fileOf(entries, "codebook.md")).toContain(`The minimum wage in Kazakhstan is ${TEXT_VALUES.minWage} tenge a month`);
  });

  it("gives row ids that no spreadsheet reads as a formula", () => {
    expect(rows.filter((row) => /^[-+=@]/.test(row.row_id!))).toEqual([]);
  });

  it("documents the suppressed code in the codebook and declares it missing in SPSS", () => {
    const sps = fileOf(entries, "data.sps");
    expect(sps).toMatch(new RegExp(`\\('${STUDY_POLICY.suppression.code}'=${STUDY_POLICY.suppression.spss}\\)`));
    expect(sps).toMatch(/MISSING VALUES a_district \([^)]*-9[^)]*\)/);
    const codebook = JSON.parse(fileOf(entries, "codebook.json")) as { variables: { name: string; values: { code: string; missing: boolean }[] }[] };
    for (const q of QUASI) {
      const suppressed = codebook.variables.find((v) => v.name === q)!.values.find((v) => v.code === STUDY_POLICY.suppression.code);
      expect(suppressed, q).toMatchObject({ missing: true });
    }
  });
});

describe("200 interviews drawn from the report's figures", () => {
  it("are released with groups of at least 5, or refused with the numbers and what would work", async () => {
    const outcome = await exportThroughWorker(fieldSample(labourMigrantsKz, { count: 200, seed: 7 }), "field200:");
    if ("delivered" in outcome) {
      const rows = csvObjects(fileOf(outcome.delivered.entries, "data.csv"));
      expect(Math.min(...Object.values(tally(rows.map((row) => QUASI.map((q) => row[q]).join("/")))))).toBeGreaterThanOrEqual(5);
      return;
    }
    expect(outcome.failed.kind).toBe("release_gate");
    if (outcome.failed.kind !== "release_gate") return;
    const { report } = outcome.failed;
    const said = refusalNotice(translate, "en", report);
    console.log(`field sample, 200 interviews: ${said}`);
    expect(report.rows).toBe(200);
    expect(report.share).toBeGreaterThan(STUDY_POLICY.suppression.maxShare);
    expect(said).toContain(`${report.rowsToSuppress} of 200 rows`);
    expect(said).toMatch(/a_district \d+/);
    expect(said).toContain("the limit is 5.0%");
    expect(said).not.toMatch(/wider filter/i);
    expect(said).not.toContain("{{");
    // Counts and variable names only: no value that could point at someone.
    for (const value of ["astana", "almaty", "shymkent", "female", "uzbekistan", "kyrgyzstan"]) expect(JSON.stringify(report) + said).not.toContain(value);
  }, 60_000);
});
