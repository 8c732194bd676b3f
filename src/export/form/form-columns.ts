/**
 * The export columns of a form study's fields: one rule per XLSForm type, made exhaustive by
 * the compiler (`satisfies Record<FormFieldType, ColumnRule>`), so a new question type cannot
 * reach the export without a decision about what may leave and how it is written.
 *
 * Each rule says which stored values may leave (codes the list has, numbers that parse, ISO
 * dates; free text only where the study marks the field safe) and which columns it makes. Labels
 * are the form's own texts in its default language; the codebook gives every language.
 */
import type { Form, FormCalculate, FormQuestion, QuestionType, Text } from "../../flows/form.ts";
import type { Answer } from "../../flows/schema.ts";
import type { ExportPolicy } from "../../studies/export-policy.ts";
import type { ExportRow } from "../anonymize.ts";
import type { CodedValue, Variable } from "../columns.ts";
import { EXPORT_TEXTS, fill } from "../formats/texts.ts";
import type { ColumnNames } from "./column-names.ts";
import type { FieldPlace } from "./form-fields.ts";

/** The field types the export has a rule for: every question type, and calculations. */
export type FormFieldType = QuestionType | "calculate";

/** What the counting pass learnt about a calculation's values. */
export interface CalculationShape {
  /** Every value given parses as a number. */
  numeric: boolean;
  /** ...and every one is a whole number. */
  integer: boolean;
}

export interface ColumnContext {
  form: Form;
  /** The policy with quasi-identifiers as field references. */
  policy: ExportPolicy;
  names: ColumnNames;
  isSafeText(place: FieldPlace): boolean;
  /** Why a calculation must not leave (it is an interview id, or reads free text); undefined when it may. */
  calculationBarred(place: FieldPlace): string | undefined;
  calculationShape(place: FieldPlace): CalculationShape;
}

export interface ColumnRule {
  /** The value that may leave, from the answer as ODK stores it; undefined leaves it out. */
  allowed(value: string, place: FieldPlace, context: ColumnContext): Answer | undefined;
  /** The field's columns, each reading `row.answers[place.ref]`; none when it has no column. */
  columns(place: FieldPlace, context: ColumnContext): Variable[];
  /** Why the field has no column (the codebook says so); undefined when it has columns. */
  leftOut(place: FieldPlace, context: ColumnContext): string | undefined;
}

/** A text in the form's default language, as a one-line label. */
export function labelOf(form: Form, text: Text | undefined, fallback: string): string {
  const value = text?.[form.defaultLanguage] ?? text?.default ?? (text ? Object.values(text)[0] : undefined) ?? "";
  const line = value.replace(/\s+/g, " ").trim();
  return line === "" ? fallback : line;
}

const YES_NO: CodedValue[] = [
  { code: "0", spss: 0, label: EXPORT_TEXTS.no, missing: false },
  { code: "1", spss: 1, label: EXPORT_TEXTS.yes, missing: false },
];

const INTEGER = /^[-+]?\d+$/;
const DECIMAL = /^[-+]?(\d+(\.\d*)?|\.\d+)([eE][-+]?\d+)?$/;
const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;

const isQuasi = (place: FieldPlace, context: ColumnContext) => context.policy.quasiIdentifiers.includes(place.ref);

/** The suppressed code, for a quasi-identifier's column (disclosure control may write it). */
function suppressedValue(context: ColumnContext): CodedValue {
  const { policy } = context;
  return { code: policy.suppression.code, spss: policy.suppression.spss, label: fill(EXPORT_TEXTS.suppressed, { k: policy.k }), missing: true };
}

const questionOf = (place: FieldPlace) => place.node as FormQuestion;
const base = (place: FieldPlace, context: ColumnContext) => ({
  of: place.ref,
  fixedLabel: labelOf(context.form, "label" in place.node ? place.node.label : undefined, place.node.name),
});

/** A number column; a quasi-identifier's suppressed cell is written as its SPSS number. */
function numberColumn(place: FieldPlace, context: ColumnContext, kind: Variable["kind"], decimals: number): Variable {
  const suppressed = isQuasi(place, context) ? suppressedValue(context) : undefined;
  return {
    ...base(place, context),
    name: context.names.claim(place.node.name),
    kind,
    storage: suppressed ? "numeric_coded" : "numeric",
    values: suppressed ? [suppressed] : [],
    ...(decimals > 0 ? { decimals } : {}),
    read: (row) => {
      const value = row.answers[place.ref];
      return typeof value === "number" ? value : suppressed && value === suppressed.code ? suppressed.spss : undefined;
    },
  };
}

function textColumn(place: FieldPlace, context: ColumnContext, kind: Variable["kind"], width: number): Variable {
  return {
    ...base(place, context),
    name: context.names.claim(place.node.name),
    kind,
    storage: "text",
    values: [],
    width,
    read: (row) => {
      const value = row.answers[place.ref];
      return typeof value === "string" ? value : undefined;
    },
  };
}

const noColumn = (reason: string): ColumnRule => ({ allowed: () => undefined, columns: () => [], leftOut: () => reason });

const choicesOf = (place: FieldPlace, context: ColumnContext) => {
  const list = questionOf(place).list;
  return list ? (context.form.choices[list] ?? []) : [];
};

/** Bytes a safe free-text column holds in SPSS; longer answers are cut there (never in the CSV). */
const SAFE_TEXT_WIDTH = 2000;

export const FORM_COLUMNS = {
  select_one: {
    allowed: (value, place, context) => (choicesOf(place, context).some((c) => c.name === value) ? value : undefined),
    columns: (place, context) => {
      const values: CodedValue[] = choicesOf(place, context).map((choice, i) => ({
        code: choice.name,
        spss: i + 1,
        label: labelOf(context.form, choice.label, choice.name),
        missing: context.policy.missingCodes.includes(choice.name),
      }));
      if (isQuasi(place, context)) values.push(suppressedValue(context));
      return [{ ...base(place, context), name: context.names.claim(place.node.name), kind: "single", storage: "code", values, read: (row) => row.answers[place.ref] as string | undefined }];
    },
    leftOut: () => undefined,
  },
  select_multiple: {
    allowed: (value, place, context) => {
      const codes = new Set(choicesOf(place, context).map((c) => c.name));
      const kept = value.split(/\s+/).filter((code) => codes.has(code));
      return value.trim() === "" ? undefined : kept;
    },
    // One 0/1 column per choice, as the native export writes a multi-select.
    columns: (place, context) => {
      const question = base(place, context);
      // A quasi-identifier's suppressed answer shows in every one of its columns as the suppressed number.
      const suppressed = isQuasi(place, context) ? suppressedValue(context) : undefined;
      return choicesOf(place, context).map((choice) => ({
        of: place.ref,
        fixedLabel: `${question.fixedLabel}: ${labelOf(context.form, choice.label, choice.name)}`,
        name: context.names.claim(`${place.node.name}_${choice.name}`),
        kind: "multi_option" as const,
        storage: suppressed ? ("numeric_coded" as const) : ("numeric" as const),
        values: suppressed ? [...YES_NO, suppressed] : YES_NO,
        read: (row) => {
          const chosen = row.answers[place.ref];
          if (Array.isArray(chosen)) return chosen.includes(choice.name) ? 1 : 0;
          return suppressed && chosen === suppressed.code ? suppressed.spss : undefined;
        },
      }));
    },
    leftOut: () => undefined,
  },
  integer: {
    allowed: (value) => (INTEGER.test(value) && Number.isSafeInteger(Number(value)) ? Number(value) : undefined),
    columns: (place, context) => [numberColumn(place, context, "number", 0)],
    leftOut: () => undefined,
  },
  decimal: {
    allowed: (value) => (DECIMAL.test(value) && Number.isFinite(Number(value)) ? Number(value) : undefined),
    columns: (place, context) => [numberColumn(place, context, "number", 2)],
    leftOut: () => undefined,
  },
  // ISO text (YYYY-MM-DD), which every tool parses; the SPSS syntax reads it as a 10-byte string.
  date: {
    allowed: (value) => (ISO_DAY.test(value) ? value : undefined),
    columns: (place, context) => [textColumn(place, context, "date", 10)],
    leftOut: () => undefined,
  },
  text: {
    allowed: (value, place, context) => (context.isSafeText(place) && value.trim() !== "" ? value.replace(/\s+/g, " ").trim() : undefined),
    columns: (place, context) => (context.isSafeText(place) ? [textColumn(place, context, "text", SAFE_TEXT_WIDTH)] : []),
    leftOut: (place, context) =>
      context.isSafeText(place) ? undefined : "free text: left out of anonymous exports unless the study marks it safe (disclosure sheet, role safe_text)",
  },
  note: noColumn("a note: nothing is answered"),
  acknowledge: noColumn("an acknowledgement (OK): nothing to analyse"),
  calculate: {
    allowed: (value, place, context) => {
      if (value === "" || context.calculationBarred(place)) return undefined;
      return value;
    },
    // A calculation is written as a number when every value it took parses as one.
    columns: (place, context) => {
      if (context.calculationBarred(place)) return [];
      const shape = context.calculationShape(place);
      if (!shape.numeric) return [textColumn(place, context, "text", 255)];
      const column = numberColumn(place, context, "derived_number", shape.integer ? 0 : 2);
      const suppressedOrNumber = column.read;
      // The engine's value is kept as ODK's text; the column holds it as a number.
      const read = (row: ExportRow) => {
        const value = row.answers[place.ref];
        return typeof value === "string" && DECIMAL.test(value) ? Number(value) : suppressedOrNumber(row);
      };
      return [{ ...column, fixedLabel: `${column.fixedLabel} (calculated: ${(place.node as FormCalculate).calculation})`, read }];
    },
    leftOut: (place, context) => context.calculationBarred(place),
  },
} satisfies Record<FormFieldType, ColumnRule>;

/** Whether a calculated value is written as a number (see CalculationShape). */
export function isNumeric(value: string): boolean {
  return DECIMAL.test(value) && Number.isFinite(Number(value));
}

export function isWholeNumber(value: string): boolean {
  return INTEGER.test(value);
}

/** The rule of a field; a question type a chat cannot ask has no column. */
export function ruleOf(place: FieldPlace): ColumnRule | undefined {
  const node = place.node;
  if (node.kind === "calculate") return FORM_COLUMNS.calculate;
  if (node.kind === "question") return FORM_COLUMNS[node.type];
  return undefined;
}
