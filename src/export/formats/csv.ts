/**
 * The data as CSV: UTF-8 with a BOM (so Excel reads Cyrillic and Uzbek letters right), a header
 * of variable names, codes not labels, empty for "not asked".
 *
 * Rows go out in chunks of about 64 KB (see ChunkedText) on `stream`, which the zip reads as they
 * come: memory stays flat however many interviews there are, compression runs while rows are
 * still being made, and neither the stream machinery nor the compressor is invoked once per row.
 * Fields are written as csv-stringify writes them by default (RFC 4180: quoted only when they hold
 * a comma, a quote or a line break, quotes doubled, "\n" after each row), so the bytes are the
 * same as before; doing it inline saves csv-stringify's per-field option checks, which cost
 * more than everything else the export does to a row.
 */
import type { Readable } from "node:stream";
import type { ExportRow } from "../anonymize.ts";
import type { Cell, Variable } from "../columns.ts";
import { ChunkedText } from "./chunked-text.ts";

const NEEDS_QUOTES = /[",\r\n]/;

function field(cell: Cell): string {
  if (cell === undefined) return "";
  const text = typeof cell === "string" ? cell : String(cell);
  return NEEDS_QUOTES.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export class CsvWriter {
  private readonly out = new ChunkedText();
  private readonly readers: ((row: ExportRow) => Cell)[];

  constructor(variables: readonly Variable[]) {
    this.readers = variables.map((v) => v.read);
    void this.out.write("\uFEFF" + variables.map((v) => field(v.name)).join(",") + "\n");
  }

  /** The CSV bytes; read it (pipe it or add it to the zip) or writes stall on backpressure. */
  get stream(): Readable {
    return this.out.stream;
  }

  /**
   * Adds one row. Returns a promise only when a full chunk met a reader that is behind, so the
   * caller awaits then and not once per row.
   */
  write(row: ExportRow): Promise<unknown> | undefined {
    let line = field(this.readers[0]!(row));
    for (let i = 1; i < this.readers.length; i++) line += "," + field(this.readers[i]!(row));
    return this.out.write(line + "\n");
  }

  /** Ends the CSV; the stream then finishes once its reader has taken every byte. */
  close(): void {
    this.out.end();
  }
}
