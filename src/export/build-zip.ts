/**
 * Builds one export zip from completed records: pure of queues and Telegram, so the worker,
 * the bench and the tests all call the same function.
 *
 * Pass 1 counts quasi-identifier combinations and settles disclosure control (disclosure.ts); if
 * the release gate refuses, nothing has been written. Pass 2 streams rows into the CSV, the XLSX data sheet and
 * the summary counts. Pass 3 (XLSX only) writes the labels sheet. Each later pass re-checks
 * that it saw the same records, so a record added or deleted mid-export fails the job (to be
 * retried) instead of shipping rows the disclosure pass never counted.
 *
 * @example
 *   const report = await buildExportZip({ records: () => store.scan(), definition, request: { formats: ["csv", "sps"] },
 *     translate: (lang, key) => i18n.getFixedT(lang)(key), languages: ["en", "ru"], outFile: "/tmp/export.zip" });
 */
import { createReadStream, createWriteStream } from "node:fs";
import { mkdtemp, rename, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ZipArchive } from "archiver";
import type { Questionnaire } from "../flows/schema.ts";
import type { Study } from "../studies/study.ts";
import { rowIdsForExport, type ExportRow } from "./anonymize.ts";
import { codebookMarkdown, type Translate } from "./formats/codebook.ts";
import { CsvWriter } from "./formats/csv.ts";
import { spssSyntax } from "./formats/spss.ts";
import { SummaryBuilder } from "./formats/summary.ts";
import { EXPORT_TEXTS, fill } from "./formats/texts.ts";
import { XlsxWriter } from "./formats/xlsx.ts";
import { disclosureMarkdown } from "./formats/disclosure-report.ts";
import { disclosureLine, QuasiIdentifierCounter, ReleaseGateError, type DisclosureReport, type RefusalReport } from "./disclosure.ts";
import { STUDY_POLICY, type ExportPolicy } from "../studies/export-policy.ts";
import { DEMO_SOURCE, kazakhstanDay, type CompletedRecord } from "../records/record.ts";
import type { PartialRows } from "./partial-interviews.ts";
import { nativeStudyExport } from "./native-export.ts";
import { formStudyExport } from "./form/form-export.ts";
import type { LongFile, StudyExport } from "./study-export.ts";

export type { Translate };
export { ReleaseGateError, type RefusalReport, type DisclosureReport };

export type ExportFormat = "csv" | "xlsx" | "sps" | "codebook" | "summary";
export const EXPORT_FORMATS: readonly ExportFormat[] = ["csv", "xlsx", "sps", "codebook", "summary"];

export interface ExportRequest {
  formats: ExportFormat[];
  city?: string;
  /** First and last day, inclusive (YYYY-MM-DD). */
  from?: string;
  to?: string;
}

export interface ExportReport {
  rows: number;
  /** Rows whose district was generalized to the city. */
  generalized: number;
  /** Rows with at least one suppressed quasi-identifier. */
  suppressed: number;
  /** Synthetic demo rows (the preview's demo data), which the README and caption point out. */
  demoRows: number;
  /** What disclosure control did (also disclosure.json in the zip). */
  disclosure: DisclosureReport;
  /** One line of it, for the Telegram caption. */
  disclosureLine: string;
  /** Rows with at least one integrity flag. */
  flagged: number;
  /** Zip entry names. */
  files: string[];
}

/** The records changed between passes; the export is safe to retry. */
export class RecordsChangedError extends Error {
  constructor() {
    super("the completed records changed while the export was running (an interview finished or someone used /delete); run the export again");
    this.name = "RecordsChangedError";
  }
}

export interface BuildExportInput {
  /** A factory: called once per pass, each call reading the records from the start. */
  records: () => AsyncIterable<CompletedRecord>;
  /** The study to export (its own columns and policy); or, for the native study alone, its definition. */
  study?: Study;
  definition?: Questionnaire;
  request: ExportRequest;
  translate: Translate;
  /** Languages the codebook gives every text in. */
  languages: string[];
  outFile: string;
  onProgress?: (percent: number) => void;
  /** Makes row ids reproducible in tests. */
  random?: () => number;
  /** The day in the zip's folder name; defaults to now. */
  now?: () => Date;
  /** Overrides the study's policy (the native study's defaults to STUDY_POLICY). */
  policy?: ExportPolicy;
  /**
   * The values survey texts interpolate ({{organisation}}, {{minWage}}, {{retentionDays}}), as
   * the bot showed them; every text in the files is rendered with them and the codebook lists them.
   */
  textValues?: Readonly<Record<string, string | number>>;
  /** Set when the export includes partial interviews (see partial-interviews.ts); native study only. */
  partial?: PartialRows;
}

/** The export plan of the input's study. */
export function studyExportOf(input: Pick<BuildExportInput, "study" | "definition" | "policy" | "partial">): StudyExport {
  const { study } = input;
  if (study?.kind === "form") return formStudyExport(study, input.policy);
  const definition = study?.definition ?? input.definition;
  if (!definition) throw new Error("buildExportZip: give the study (or the native definition) to export");
  return nativeStudyExport(definition, input.policy ?? study?.policy ?? STUDY_POLICY, input.partial);
}

/** Rows between turns of the event loop (see eachRow). */
const YIELD_EVERY = 64;

/** Keeps percentages whole and rising, so a status message is edited only when it changes. */
function progressReporter(onProgress?: (percent: number) => void) {
  let last = -1;
  return (percent: number) => {
    const whole = Math.min(100, Math.floor(percent));
    if (whole > last && onProgress) onProgress((last = whole));
  };
}

export async function buildExportZip(input: BuildExportInput): Promise<ExportReport> {
  const { request, outFile } = input;
  const textValues = input.textValues ?? {};
  const translate: Translate = (lang, key, params) => input.translate(lang, key, { ...textValues, ...params });
  const plan = studyExportOf(input);
  const { policy, present } = plan;
  const formats = new Set(request.formats);
  if (formats.size === 0) throw new Error("buildExportZip: choose at least one format (csv, xlsx, sps, codebook, summary)");
  const progress = progressReporter(input.onProgress);
  const en = (key: string) => translate("en", key);

  progress(0);
  const counted = new QuasiIdentifierCounter(policy, present);
  // The same count without the filters, so a refusal can say whether dropping them would help.
  const filtered = request.city !== undefined || request.from !== undefined || request.to !== undefined;
  const whole = filtered ? new QuasiIdentifierCounter(policy, present) : undefined;
  const quasi = new Set(policy.quasiIdentifiers);
  let total = 0;
  let demoRows = 0;
  for await (const record of input.records()) {
    const matches = plan.matches(record, request);
    if (!matches && !whole) continue;
    const answers = plan.countingAnswers(record, quasi);
    whole?.add(answers);
    if (!matches) continue;
    counted.add(answers);
    total++;
    if (record.source === DEMO_SOURCE) demoRows++;
  }
  const disclosure = counted.plan(whole); // throws ReleaseGateError before anything is written
  const variables = plan.variables();
  const longFiles = plan.longFiles();
  progress(10);

  const rowIds = rowIdsForExport(input.random);
  /**
   * One pass of anonymized rows, handed to `visit`; throws when the records differ from the
   * counting pass. One loop with no generator in between, because at 100,000 rows every
   * per-row hop shows; `visit` returns a promise only when a writer needs the loop to wait.
   */
  async function eachRow(from: number, share: number, visit: (row: ExportRow) => Promise<unknown> | undefined): Promise<void> {
    const recount = new QuasiIdentifierCounter(policy, present);
    const step = Math.max(1, Math.floor(total / 100));
    let position = 0;
    for await (const record of input.records()) {
      if (!plan.matches(record, request)) continue;
      const answers = plan.allowedAnswers(record);
      // Recoded and suppressed before the row is made, so nothing derived can reveal an original.
      disclosure.apply(answers, recount.add(answers));
      const row = plan.toRow(record, answers, rowIds(position++));
      const waiting = visit(row);
      if (waiting) await waiting;
      // A record source that never waits on I/O keeps this loop on microtasks, which starves the
      // compressors' callbacks (they run on the event loop) while their input piles up in memory.
      if (position % YIELD_EVERY === 0) await new Promise(setImmediate);
      if (position % step === 0) progress(from + (share * position) / Math.max(total, 1));
    }
    if (position !== total || recount.signature() !== counted.signature()) throw new RecordsChangedError();
  }

  const folder = `survey-export-${plan.fileTag ? `${plan.fileTag}-` : ""}${kazakhstanDay(input.now?.() ?? new Date())}`;
  const work = await mkdtemp(join(tmpdir(), "survey-export-"));
  const partial = `${outFile}.partial`;
  // Files go into the zip as they are made (the CSV while its rows are written), never whole
  // in memory; the zip streams to disk.
  const zip = new ZipArchive({ zlib: { level: 6 } });
  const out = createWriteStream(partial);
  const written = pipeline(zip, out);
  written.catch(() => undefined); // awaited below; this only keeps an early failure from going unhandled
  const names: string[] = [];
  const add = (name: string, content: string | Readable, options: { store?: boolean } = {}) => {
    names.push(name);
    zip.append(content, { name: `${folder}/${name}`, ...options });
  };
  let xlsx: XlsxWriter | undefined;
  try {
    const codebook = plan.codebook({ variables, translate, languages: input.languages, textValues });

    // The SPSS syntax reads the CSV, so asking for it brings the CSV along.
    const csv = formats.has("csv") || formats.has("sps") ? new CsvWriter(variables) : undefined;
    if (csv) add("data.csv", csv.stream);
    // A repeat's instances go to a long file of their own (CSV, whichever data format was asked
    // for), written in the same pass as data.csv.
    const wantsData = formats.has("csv") || formats.has("sps") || formats.has("xlsx");
    const long = wantsData ? longFiles.map((file) => ({ file, writer: new CsvWriter(file.variables) })) : [];
    for (const { file, writer } of long) add(`${file.name}.csv`, writer.stream);
    const xlsxFile = join(work, "data.xlsx");
    // A form study's repeats get a sheet each in the workbook too, after "labels".
    xlsx = formats.has("xlsx") ? new XlsxWriter(xlsxFile, variables, en, longFiles) : undefined;
    const summary = new SummaryBuilder(variables, policy);
    await eachRow(10, xlsx ? 50 : 80, (row) => {
      summary.add(row);
      const csvWaits = csv?.write(row);
      const xlsxWaits = xlsx?.addData(row);
      // No array per row unless a repeat file has to wait too: this runs for every interview.
      const longWaits = long.length > 0 ? writeLong(long, row) : undefined;
      if (longWaits) return Promise.all([csvWaits, xlsxWaits, longWaits]);
      return csvWaits && xlsxWaits ? Promise.all([csvWaits, xlsxWaits]) : (csvWaits ?? xlsxWaits);
    });
    csv?.close();
    for (const { writer } of long) writer.close();
    if (xlsx) {
      xlsx.startLabels();
      const writer = xlsx;
      await eachRow(60, 30, (row) => writer.addLabels(row));
      // Zip entries are written one after another, so each repeat sheet takes a pass of its own.
      for (const [at, file] of longFiles.entries()) {
        writer.startExtra(at);
        await eachRow(90, 0, (row) => writer.addExtra(file.rowsOf(row)));
      }
      await writer.finish(codebook);
      // An XLSX is already a deflated zip; compressing it again costs time and saves nothing.
      add("data.xlsx", createReadStream(xlsxFile), { store: true });
    }
    if (formats.has("sps")) {
      add("data.sps", spssSyntax({ variables, policy, en, csvFile: "data.csv" }));
      for (const file of longFiles) add(`${file.name}.sps`, spssSyntax({ variables: file.variables, policy, en, csvFile: `${file.name}.csv` }));
    }
    if (formats.has("codebook")) {
      add("codebook.md", codebookMarkdown(codebook));
      add("codebook.json", JSON.stringify(codebook, null, 2) + "\n");
    }
    if (formats.has("summary")) {
      const files = summary.render(en);
      add("summary.md", files.markdown);
      add("summary.csv", files.csv);
    }
    add("disclosure.md", disclosureMarkdown(disclosure.report, policy));
    add("disclosure.json", JSON.stringify(disclosure.report, null, 2) + "\n");
    const generalized = disclosure.report.recodings.find((r) => r.kind === "generalize")?.rows ?? 0;
    const report: ExportReport = {
      rows: total,
      generalized,
      suppressed: disclosure.report.suppression.rowsTouched,
      demoRows,
      flagged: summary.flagged,
      files: [],
      disclosure: disclosure.report,
      disclosureLine: disclosureLine(disclosure.report),
    };
    const described: Record<string, string> = { ...plan.fileDescriptions, "summary.md": plan.summaryDescription };
    for (const file of longFiles) {
      described[`${file.name}.csv`] = file.description;
      described[`${file.name}.sps`] = `SPSS / PSPP syntax that reads ${file.name}.csv with labels.`;
    }
    add("README.txt", readme([...names, "README.txt"], report, request, policy, present, described, plan.readmeNotes));
    report.files = names.map((name) => `${folder}/${name}`);

    await Promise.all([zip.finalize(), written]);
    await rename(partial, outFile);
    progress(100);
    return report;
  } catch (error) {
    xlsx?.abort();
    zip.abort();
    out.destroy();
    await rm(partial, { force: true });
    throw error;
  } finally {
    await rm(work, { recursive: true, force: true });
  }
}

/** Writes one interview's repeat instances to their long files; a promise only when one must wait. */
function writeLong(long: { file: LongFile; writer: CsvWriter }[], row: ExportRow): Promise<unknown> | undefined {
  let waits: Promise<unknown>[] | undefined;
  for (const { file, writer } of long) {
    for (const instance of file.rowsOf(row)) {
      const waiting = writer.write(instance);
      if (waiting) (waits ??= []).push(waiting);
    }
  }
  return waits ? Promise.all(waits) : undefined;
}

function readme(
  files: string[],
  report: ExportReport,
  request: ExportRequest,
  policy: ExportPolicy,
  present: ReadonlySet<string>,
  described: Readonly<Record<string, string>>,
  notes: readonly string[],
): string {
  const t = EXPORT_TEXTS.readme;
  const filters = [
    request.city ? `city = ${request.city}` : "all cities",
    request.from || request.to ? `days ${request.from ?? "…"} to ${request.to ?? "…"}` : "all days",
  ].join(", ");
  const demo = report.demoRows > 0 ? [fill(t.demo, { count: report.demoRows, source: DEMO_SOURCE }), ""] : [];
  const lines = [t.title, "", ...demo, t.intro, ...notes, "", `Rows: ${report.rows}. Filters: ${filters}. Rows with an integrity flag: ${report.flagged} (kept).`];
  if (policy.generalize && present.has(policy.generalize.question)) {
    lines.push(
      fill(t.generalized, {
        count: report.generalized,
        question: policy.generalize.question,
        k: policy.k,
        quasi: policy.quasiIdentifiers.filter((q) => present.has(q)).join(", "),
      }),
    );
  }
  if (report.disclosure.quasiIdentifiers.length === 0) lines.push(t.noQuasiIdentifiers);
  else lines.push(
    fill(t.suppressed, {
      count: report.suppressed,
      percent: `${(100 * report.disclosure.suppression.share).toFixed(1)}%`,
      code: policy.suppression.code,
      k: policy.k,
      quasi: report.disclosure.quasiIdentifiers.join(", "),
    }),
  );
  lines.push("", "Files:");
  for (const file of files) lines.push(`- ${file}: ${described[file] ?? t.files[file] ?? "this file"}`);
  return lines.join("\n") + "\n";
}
