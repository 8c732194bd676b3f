/**
 * The data as an Excel workbook: a "data" sheet (codes, like the CSV), a "labels" sheet (the
 * same rows in English labels) and a "codebook" sheet.
 *
 * The sheet XML is written here and streamed into a zip, not built through exceljs: exceljs
 * makes a row object and an object per cell and per XML node for every cell, which at 100,000
 * rows × 2 sheets × ~150 columns is most of the export's time and, because its output is not
 * paced by the compressor, most of its peak memory. Rows go to the zip in ~64 KB chunks with
 * backpressure (see ChunkedText), as the CSV's do. Zip entries are written one after
 * another, so the labels sheet is filled in its own pass after the data sheet has ended.
 */
import { createWriteStream } from "node:fs";
import type { Readable } from "node:stream";
import { pipeline } from "node:stream/promises";
import { ZipArchive } from "archiver";
import type { ExportRow } from "../anonymize.ts";
import { valueLabel, type Cell, type Variable } from "../columns.ts";
import { ChunkedText } from "./chunked-text.ts";
import type { Codebook } from "./codebook.ts";
import { columnLetters, packageParts, rowXml, SHEET_END, SHEET_START, sheetPath } from "./xlsx-parts.ts";

/** A sheet of long-format rows after "labels" (a form study's repeat), filled in a pass of its own. */
export interface ExtraSheet {
  name: string;
  variables: readonly Variable[];
}

/** Excel's limits on a sheet name: 31 characters, none of : \ / ? * [ ]. */
const sheetName = (name: string) => name.replace(/[:\\/?*[\]]/g, "_").slice(0, 31);
/**
 * The workbook goes into the export zip stored, not deflated again, so it is compressed here.
 * Measured at 100,000 rows: level 1 was no faster than 6 (deflate runs off the main thread,
 * beside the row building) and left the file a quarter larger.
 */
const ZLIB_LEVEL = 6;

/** Per variable: the cell as stored (code or number) → its English label. */
function labelMaps(variables: readonly Variable[], en: (key: string) => string): Map<string, string>[] {
  return variables.map((v) => new Map(v.values.map((value) => [v.storage === "numeric" || v.storage === "numeric_coded" ? String(value.spss) : value.code, valueLabel(value, en)])));
}

/** One sheet's XML as a stream the zip reads. */
class SheetStream {
  private readonly out = new ChunkedText();
  private rows = 0;

  private readonly refs: readonly string[];

  constructor(refs: readonly string[]) {
    this.refs = refs;
    void this.out.write(SHEET_START);
  }

  get stream(): Readable {
    return this.out.stream;
  }

  /** Returns a promise only when a full chunk met a compressor that is behind. */
  addRow(cells: readonly (Cell | null)[]): Promise<unknown> | undefined {
    return this.out.write(rowXml(++this.rows, cells, this.refs));
  }

  end(): void {
    void this.out.write(SHEET_END);
    this.out.end();
  }

  destroy(): void {
    this.out.destroy();
  }
}

export class XlsxWriter {
  private readonly zip = new ZipArchive({ zlib: { level: ZLIB_LEVEL } });
  private readonly written: Promise<void>;
  private readonly refs: string[];
  private readonly data: SheetStream;
  private labels: SheetStream | undefined;
  private readonly labelsOf: Map<string, string>[];
  private readonly sheets: SheetStream[] = [];

  private readonly variables: readonly Variable[];
  private readonly en: (key: string) => string;
  private readonly extra: readonly ExtraSheet[];
  private extraSheet: { at: number; sheet: SheetStream; variables: readonly Variable[] } | undefined;

  constructor(file: string, variables: readonly Variable[], en: (key: string) => string, extra: readonly ExtraSheet[] = []) {
    this.variables = variables;
    this.en = en;
    this.extra = extra;
    this.written = pipeline(this.zip, createWriteStream(file));
    this.written.catch(() => undefined); // awaited in finish(); this only keeps an early failure from going unhandled
    // data, labels, the extra sheets, then codebook (sheet files are numbered in this order).
    for (const [name, xml] of packageParts(["data", "labels", ...extra.map((e) => sheetName(e.name)), "codebook"])) this.zip.append(xml, { name });
    // At least as many columns as the codebook sheet has.
    const widest = Math.max(variables.length, 4, ...extra.map((e) => e.variables.length));
    this.refs = Array.from({ length: widest }, (_, i) => columnLetters(i));
    this.data = this.openSheet(0);
    void this.data.addRow(variables.map((v) => v.name));
    this.labelsOf = labelMaps(variables, en);
  }

  /** Adds a row to the data sheet; wait on the promise it may return to keep memory flat. */
  addData(row: ExportRow): Promise<unknown> | undefined {
    return this.data.addRow(this.variables.map((v) => v.read(row)));
  }

  /** Ends the data sheet and opens the labels sheet; call before the first addLabels. */
  startLabels(): void {
    if (this.labels) return;
    this.data.end();
    this.labels = this.openSheet(1);
    // Headed by variable names, like the data sheet, so the two line up column by column; the
    // variable labels are in the codebook sheet.
    void this.labels.addRow(this.variables.map((v) => v.name));
  }

  /** Adds a row to the labels sheet; wait on the promise it may return to keep memory flat. */
  addLabels(row: ExportRow): Promise<unknown> | undefined {
    if (!this.labels) throw new Error("XlsxWriter: call startLabels() before addLabels()");
    return this.labels.addRow(
      this.variables.map((v, i) => {
        const cell = v.read(row);
        return cell === undefined ? undefined : (this.labelsOf[i]!.get(String(cell)) ?? cell);
      }),
    );
  }

  /**
   * Ends the sheet before and opens extra sheet `at` (0-based among the extra sheets), headed by
   * its variable names; call in order, after the labels pass.
   */
  startExtra(at: number): void {
    this.startLabels();
    if (!this.extraSheet) this.labels!.end();
    else this.extraSheet.sheet.end();
    const { variables } = this.extra[at]!;
    const sheet = this.openSheet(2 + at);
    void sheet.addRow(variables.map((v) => v.name));
    this.extraSheet = { at, sheet, variables };
  }

  /** Adds rows (codes, like the data sheet) to the extra sheet opened last. */
  addExtra(rows: readonly ExportRow[]): Promise<unknown> | undefined {
    const open = this.extraSheet;
    if (!open) throw new Error("XlsxWriter: call startExtra() before addExtra()");
    let waiting: Promise<unknown> | undefined;
    for (const row of rows) waiting = open.sheet.addRow(open.variables.map((v) => v.read(row))) ?? waiting;
    return waiting;
  }

  async finish(codebook: Codebook): Promise<void> {
    this.startLabels();
    if (this.extraSheet) this.extraSheet.sheet.end();
    else this.labels!.end();
    // Extra sheets no pass filled still get their header, so the workbook matches its parts list.
    for (let at = (this.extraSheet?.at ?? -1) + 1; at < this.extra.length; at++) {
      const sheet = this.openSheet(2 + at);
      void sheet.addRow(this.extra[at]!.variables.map((v) => v.name));
      sheet.end();
    }
    const sheet = this.openSheet(2 + this.extra.length);
    void sheet.addRow(["variable", "label", "values", "asked if"]);
    const askedIf = new Map(codebook.questions.map((q) => [q.id, q.askedIf]));
    for (const v of codebook.variables) {
      const values = v.values.map((value) => `${value.code} = ${value.spss}: ${value.label}${value.missing ? " (missing)" : ""}`).join("; ");
      const waiting = sheet.addRow([v.name, v.label, values, (v.of && askedIf.get(v.of)) ?? ""]);
      if (waiting) await waiting;
    }
    sheet.end();
    await Promise.all([this.zip.finalize(), this.written]);
  }

  /** Stops writing and closes the file, when the export fails before finish(). */
  abort(): void {
    // abort() alone waits for the entry being read to end; destroying the zip makes pipeline() close the file.
    this.zip.abort();
    this.zip.destroy();
    for (const sheet of this.sheets) sheet.destroy();
  }

  private openSheet(index: number): SheetStream {
    const sheet = new SheetStream(this.refs);
    this.sheets.push(sheet);
    this.zip.append(sheet.stream, { name: sheetPath(index) });
    return sheet;
  }
}
