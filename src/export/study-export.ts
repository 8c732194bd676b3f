/**
 * What an export needs to know about one study, whatever kind it is: its columns, which stored
 * answers may leave, how a record becomes a row, its long-format files and its codebook. The
 * builder (build-zip.ts) runs the same passes, disclosure control and writers for every study;
 * only this plan differs between the native study (native-export.ts) and a form study
 * (form/form-export.ts), so no format branches on the kind of study.
 */
import type { Answer } from "../flows/schema.ts";
import type { CompletedRecord } from "../records/record.ts";
import type { ExportPolicy } from "../studies/export-policy.ts";
import type { ExportFilter, ExportRow } from "./anonymize.ts";
import type { Variable } from "./columns.ts";
import type { Codebook, Translate } from "./formats/codebook.ts";

/** A long-format file beside data.csv: one row per repeat instance, tied to its interview by row_id. */
export interface LongFile {
  /** The file name without extension (`repeat_member`); data.csv keeps its name. */
  name: string;
  /** The repeat's field reference without indexes (`household/member`). */
  repeat: string;
  /** For the README and the codebook. */
  description: string;
  variables: Variable[];
  /** The instances of this repeat in one interview's row, in document order. */
  rowsOf(row: ExportRow): ExportRow[];
}

export interface CodebookInput {
  variables: readonly Variable[];
  translate: Translate;
  languages: readonly string[];
  textValues: Readonly<Record<string, string | number>>;
}

export interface StudyExport {
  /** Form id and version, as the zip's folder and file names carry them; absent for the plain names of the native study. */
  fileTag?: string;
  /** The policy with its quasi-identifiers as answer keys of `allowedAnswers`. */
  policy: ExportPolicy;
  /** The answer keys a policy may name (quasi-identifiers outside the study are left out). */
  present: ReadonlySet<string>;
  /**
   * The counting pass's answers: at least the answers to `ids` (the quasi-identifiers). A form
   * study reads the whole record here and learns from it how its calculations are written.
   */
  countingAnswers(record: CompletedRecord, ids: ReadonlySet<string>): Record<string, Answer>;
  /** Only the answers that may leave, keyed as the policy and the variables read them. */
  allowedAnswers(record: CompletedRecord): Record<string, Answer>;
  /** The row of a record whose allowed answers have been through disclosure control. */
  toRow(record: CompletedRecord, answers: Record<string, Answer>, rowId: string): ExportRow;
  /** Every column of data.csv, in order; called after the counting pass. */
  variables(): Variable[];
  /** Long-format files (a form study's repeats); called after the counting pass. */
  longFiles(): LongFile[];
  codebook(input: CodebookInput): Codebook;
  matches(record: CompletedRecord, filter: ExportFilter): boolean;
  /** What summary.md holds, for the README. */
  summaryDescription: string;
  /** Sentences the README adds about this study's data (safe free text, long files). */
  readmeNotes: string[];
  /** README descriptions of files that differ from the native study's (data.csv, data.xlsx). */
  fileDescriptions: Readonly<Record<string, string>>;
}
