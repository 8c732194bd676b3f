/**
 * A form study's stored record → the answers that may leave, as the export reads them.
 *
 * Records keep answers by field reference as ODK strings (`household/member[2]/age` → "34").
 * The form engine is run over them once (the same FormSnapshot the interview used), so that
 * only fields relevant on the person's final path leave (ODK drops the others on submission,
 * and a Back in the chat can leave an answer behind that no longer applies) and calculations
 * hold the values the engine computes.
 *
 * The answers are keyed by reference: a field outside every repeat by its plain reference
 * (`consent`), a repeat instance's field by its indexed one (`household/member[2]/age`), and
 * each relevant repeat instance by its own (`household/member[2]` → 2), so the instances are
 * found even when none of their fields has a column.
 */
import { FormSnapshot, type FormEnvironment, type FormState } from "../../flows/form-engine.ts";
import type { Form } from "../../flows/form.ts";
import type { Answer } from "../../flows/schema.ts";
import type { CompletedRecord } from "../../records/record.ts";
import type { ExportRow } from "../anonymize.ts";
import { ruleOf, type ColumnContext } from "./form-columns.ts";
import { layoutOf, withoutIndexes, type FieldPlace } from "./form-fields.ts";

/** The interview's state as the engine saw it: the answers, and how many rows each repeat got. */
export function stateOfRecord(record: CompletedRecord): FormState {
  const answers: Record<string, string> = {};
  const repeats: Record<string, number> = {};
  for (const [ref, value] of Object.entries(record.answers)) {
    if (typeof value !== "string") continue;
    answers[ref] = value;
    // Each indexed step names a repeat row that exists: `a/r[3]/x` means r had at least 3 rows.
    for (const match of ref.matchAll(/\[(\d+)\]/g)) {
      const range = ref.slice(0, match.index);
      repeats[range] = Math.max(repeats[range] ?? 0, Number(match[1]));
    }
  }
  return { answers, repeats, closed: [] };
}

/** Only what may leave, keyed as described above. `onCalculation` sees every calculated value given. */
export function formAnswers(
  form: Form,
  record: CompletedRecord,
  context: ColumnContext,
  onCalculation?: (place: FieldPlace, value: string) => void,
): Record<string, Answer> {
  // today() is the interview's day; uuid() has a fixed seed, since such ids never leave (form-columns.ts).
  const env: FormEnvironment = { today: record.day, instanceId: "uuid:export" };
  const snapshot = new FormSnapshot(form, stateOfRecord(record), env);
  const places = new Map(layoutOf(form).fields.map((place) => [place.ref, place]));
  const kept: Record<string, Answer> = {};
  for (const field of snapshot.fields) {
    if (field.node.kind === "group") continue;
    if (!snapshot.isRelevant(field)) continue;
    if (field.node.kind === "repeat") {
      // A repeat instance (not the range): `r[2]` → 2.
      if (field.parent?.node === field.node) kept[field.ref] = field.indexes.at(-1)!;
      continue;
    }
    const place = places.get(withoutIndexes(field.ref));
    if (!place) continue;
    const rule = ruleOf(place);
    if (!rule) continue;
    const value = snapshot.valueOf(field);
    if (value === "") continue;
    if (place.node.kind === "calculate") onCalculation?.(place, value);
    const allowed = rule.allowed(value, place, context);
    if (allowed !== undefined) kept[field.ref] = allowed;
  }
  return kept;
}

/**
 * The repeat instances of one row, per repeat reference: each a row of its long file with the
 * interview's row id, its indexes, and its fields' answers under their references without indexes.
 */
export function instanceRows(row: ExportRow): Record<string, ExportRow[]> {
  const byInstance = new Map<string, ExportRow>();
  const byRepeat: Record<string, ExportRow[]> = {};
  for (const [ref, value] of Object.entries(row.answers)) {
    if (!ref.includes("[")) continue;
    if (ref.endsWith("]")) {
      const instance: ExportRow = {
        rowId: row.rowId,
        day: row.day,
        lang: row.lang,
        source: row.source,
        version: row.version,
        answers: {},
        derived: {},
        flags: {},
        instance: [...ref.matchAll(/\[(\d+)\]/g)].map((m) => Number(m[1])),
      };
      byInstance.set(ref, instance);
      (byRepeat[withoutIndexes(ref)] ??= []).push(instance);
      continue;
    }
    const end = ref.lastIndexOf("]") + 1;
    const instance = byInstance.get(ref.slice(0, end));
    if (instance) instance.answers[withoutIndexes(ref)] = value;
  }
  return byRepeat;
}
