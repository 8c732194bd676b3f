/**
 * Partial interviews in an export (issue 17), kept apart from the rest of the export so the
 * change to it stays a few lines in build-zip.ts, export-worker.ts, worker-main.ts and jobs.ts.
 *
 * An interview that stopped for good (no activity for PARTIAL_AFTER_DAYS) is copied by the bot
 * into a second record store, `<prefix>partial:records`, with the answers given so far. The
 * default export reads only completed interviews; an export that asks for partial ones (request
 * field `partial: true`) reads both stores, and every row goes through the same anonymization,
 * k-anonymity pass and release gate, since they are one stream of records to the builder. Two
 * columns are added to such an export only: `complete` (1, or 0 for a partial interview) and
 * `last_question` (the question a partial interview stopped at, empty for complete ones). Their
 * labels say what they mean, so the codebook, the XLSX and the SPSS syntax say so too.
 */
import { isAsked } from "../flows/engine.ts";
import type { Questionnaire } from "../flows/schema.ts";
import type { ExportRow } from "./anonymize.ts";
import { environmentOf } from "./anonymize.ts";
import type { CodedValue, Variable } from "./columns.ts";
import type { CompletedRecord } from "../records/record.ts";
import type { RecordStore } from "../records/record-store.ts";

/** The record store prefix of partial interviews, next to the completed ones'. */
export const partialPrefix = (prefix: string) => `${prefix}partial:`;

/** What build-zip needs to know about partial interviews in this export. */
export interface PartialRows {
  isPartial(record: CompletedRecord): boolean;
  afterDays: number;
}

/** A row with its completion, set by `annotate` (only in exports that include partial interviews). */
type CompletionRow = ExportRow & { complete?: 0 | 1; lastQuestion?: string };

/** The question a partial interview stopped at: the first one it would have asked next. */
export function lastQuestionReached(definition: Questionnaire, record: CompletedRecord): string | undefined {
  const env = environmentOf(record);
  return definition.questions.find((q) => record.answers[q.id] === undefined && isAsked(definition, q, record.answers, env))?.id;
}

export function annotate(row: ExportRow, record: CompletedRecord, definition: Questionnaire, partial: boolean): void {
  const annotated = row as CompletionRow;
  annotated.complete = partial ? 0 : 1;
  if (partial) {
    const last = lastQuestionReached(definition, record);
    if (last !== undefined) annotated.lastQuestion = last;
  }
}

const YES_NO: CodedValue[] = [
  { code: "0", spss: 0, label: "No: stopped for good (partial interview)", missing: false },
  { code: "1", spss: 1, label: "Yes: completed", missing: false },
];

/** The two columns, appended after every other column. */
export function completionVariables(definition: Questionnaire, afterDays: number): Variable[] {
  const questions: CodedValue[] = definition.questions.map((q, i) => ({ code: q.id, spss: i + 1, label: q.id, missing: false }));
  return [
    {
      name: "complete",
      kind: "meta",
      storage: "numeric",
      fixedLabel: `Interview complete: 1 = completed; 0 = partial, stopped for good (no activity for ${afterDays} days), answers up to last_question only`,
      values: YES_NO,
      read: (row) => (row as CompletionRow).complete,
    },
    {
      name: "last_question",
      kind: "meta",
      storage: "code",
      fixedLabel: "Partial interviews: the question the person stopped at (not answered); empty for completed interviews",
      values: questions,
      read: (row) => (row as CompletionRow).lastQuestion,
    },
  ];
}

/**
 * The records of an export that includes partial interviews: completed ones, then partial ones,
 * each pass pinned to the same newest entries. The set remembers which records are partial.
 */
export function withPartialRecords(
  completed: () => AsyncGenerator<CompletedRecord>,
  partialStore: RecordStore,
  until: string | undefined,
): { records: () => AsyncGenerator<CompletedRecord>; isPartial: (record: CompletedRecord) => boolean } {
  const partial = new WeakSet<CompletedRecord>();
  return {
    isPartial: (record) => partial.has(record),
    records: async function* () {
      yield* completed();
      if (!until) return;
      for await (const record of partialStore.scan({ until })) {
        partial.add(record);
        yield record;
      }
    },
  };
}
