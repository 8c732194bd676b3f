/**
 * The variables of an export: one plan, derived from the definition, that every format follows,
 * so the CSV header, the XLSX sheets, the SPSS dictionary and the codebook always agree.
 *
 * Each variable declares how it reads its cell from an anonymized row and which coded values it
 * has, so the formats never look at question types or ids themselves.
 */
import { integrityFlags } from "../flows/integrity.ts";
import { numericCodeValues } from "../flows/numeric-codes.ts";
import type { Question, Questionnaire } from "../flows/schema.ts";
import type { ExportRow } from "./anonymize.ts";
import { EXPORT_TEXTS, fill } from "./formats/texts.ts";
import type { ExportPolicy } from "../studies/export-policy.ts";

/** A coded value with its SPSS number; `missing` marks pnta/dk-like codes. */
export interface CodedValue {
  code: string;
  spss: number;
  /** Translation key of its label, or a fixed label for values the definition does not name. */
  labelKey?: string;
  label?: string;
  missing: boolean;
}

/**
 * How a cell is stored: free `text` (only the export's own metadata), a `code` from `values`,
 * a `numeric` value, or `numeric_coded`: a number, where the codes of `values` (pnta, dk) are
 * written as their negative numbers (src/flows/numeric-codes.ts), so the column holds only numbers
 * in every format, as in SPSS and the XLSForm.
 */
export type Storage = "text" | "code" | "numeric" | "numeric_coded";

export type VariableKind =
  | "meta"
  | "single"
  | "multi_option"
  | "number"
  | "year"
  | "derived_number"
  | "derived_category"
  | "flag"
  /** A form study's date (ISO text), free text marked safe, or its repeat instance index. */
  | "date"
  | "text"
  | "instance";

export type Cell = string | number | undefined;

export interface Variable {
  /** The CSV column and SPSS variable name. */
  name: string;
  kind: VariableKind;
  /** The question, derived value or flag it comes from. */
  of?: string;
  storage: Storage;
  labelKey?: string;
  /** For a multi-select option column: the option's label, appended to the question's. */
  optionLabelKey?: string;
  fixedLabel?: string;
  values: CodedValue[];
  /** Bytes a text column may hold (SPSS string width); the default suits the metadata columns. */
  width?: number;
  /** Decimal places to show in SPSS (a form's decimal and calculated numbers); none by default. */
  decimals?: number;
  read(row: ExportRow): Cell;
}

const META = ["row_id", "day", "lang", "source", "version"] as const;
/** One reader per metadata column; they run for every row, so none builds an object to pick from. */
const META_READERS: Record<(typeof META)[number], (row: ExportRow) => Cell> = {
  row_id: (row) => row.rowId,
  day: (row) => row.day,
  lang: (row) => row.lang,
  source: (row) => row.source,
  version: (row) => row.version,
};
const YES_NO: CodedValue[] = [
  { code: "0", spss: 0, label: EXPORT_TEXTS.no, missing: false },
  { code: "1", spss: 1, label: EXPORT_TEXTS.yes, missing: false },
];

/** SPSS names must start with a letter and must not be one of its reserved words. */
const SPSS_RESERVED = new Set(["all", "and", "by", "eq", "ge", "gt", "le", "lt", "ne", "not", "or", "to", "with"]);
function safeName(name: string): string {
  return /^[a-z]/.test(name) && !SPSS_RESERVED.has(name) ? name : `v_${name}`;
}

/** The flag names the definition's integrity checks produce, read from the checks themselves. */
export function flagNames(definition: Questionnaire): string[] {
  return Object.keys(integrityFlags(definition, { answers: {}, pace: [], speedingFloorSeconds: 0, env: { currentYear: 0 } }));
}

function questionVariables(question: Question, policy: ExportPolicy): Variable[] {
  const base = { of: question.id, labelKey: question.textKey };
  const isMissing = (code: string) => policy.missingCodes.includes(code);
  switch (question.type) {
    case "single": {
      const values: CodedValue[] = question.options.map((o, i) => ({ code: o.code, spss: i + 1, labelKey: o.labelKey, missing: isMissing(o.code) }));
      // The codes disclosure control may publish instead of an answer (see disclosure.ts).
      if (policy.generalize?.question === question.id) {
        values.push({ code: policy.generalize.to, spss: values.length + 1, label: fill(EXPORT_TEXTS.generalized, { k: policy.k }), missing: false });
      }
      for (const recoding of policy.recodings) {
        if (recoding.question !== question.id || values.some((v) => v.code === recoding.into)) continue;
        values.push({ code: recoding.into, spss: values.length + 1, label: recoding.label, missing: false });
      }
      if (policy.quasiIdentifiers.includes(question.id)) {
        values.push({ code: policy.suppression.code, spss: policy.suppression.spss, label: fill(EXPORT_TEXTS.suppressed, { k: policy.k }), missing: true });
      }
      return [{ ...base, name: safeName(question.id), kind: "single", storage: "code", values, read: (row) => row.answers[question.id] as Cell }];
    }
    case "multi":
      return question.options.map((option) => ({
        ...base,
        name: safeName(`${question.id}_${option.code}`),
        kind: "multi_option" as const,
        optionLabelKey: option.labelKey,
        storage: "numeric" as const,
        values: YES_NO,
        read: (row: ExportRow) => {
          const chosen = row.answers[question.id];
          return Array.isArray(chosen) ? (chosen.includes(option.code) ? 1 : 0) : undefined;
        },
      }));
    case "number":
    case "year": {
      const numbers = numericCodeValues(question);
      const values = (question.options ?? []).map((o) => ({ code: o.code, spss: numbers.get(o.code)!, labelKey: o.labelKey, missing: isMissing(o.code) }));
      return [
        {
          ...base,
          name: safeName(question.id),
          kind: question.type,
          storage: values.length > 0 ? "numeric_coded" : "numeric",
          values,
          read: (row) => {
            const answer = row.answers[question.id];
            return typeof answer === "string" ? numbers.get(answer) : (answer as Cell);
          },
        },
      ];
    }
  }
}

/**
 * Every variable of an export, in column order: metadata, questions in definition order,
 * derived values, then integrity flags.
 */
export function exportVariables(definition: Questionnaire, policy: ExportPolicy): Variable[] {
  const meta: Variable[] = META.map((name) => ({
    name,
    kind: "meta",
    storage: name === "version" ? "numeric" : "text",
    fixedLabel: EXPORT_TEXTS.meta[name],
    values: [],
    read: META_READERS[name],
  }));
  const questions = definition.questions.flatMap((q) => questionVariables(q, policy));
  const derived: Variable[] = definition.derived.map((d) => {
    const read = (row: ExportRow) => row.derived[d.id];
    if (d.kind === "number") return { name: safeName(d.id), kind: "derived_number", of: d.id, storage: "numeric", labelKey: d.labelKey, values: [], read };
    const codes = [...new Set([...d.cases.map((c) => c.value), d.otherwise])];
    const values = codes.map((code, i) => ({ code, spss: i + 1, label: code, missing: policy.missingCodes.includes(code) }));
    return { name: safeName(d.id), kind: "derived_category", of: d.id, storage: "code", labelKey: d.labelKey, values, read };
  });
  const flags: Variable[] = flagNames(definition).map((flag) => ({
    name: safeName(`flag_${flag}`),
    kind: "flag",
    of: flag,
    storage: "numeric",
    fixedLabel: fill(EXPORT_TEXTS.flag, { name: flag }),
    values: YES_NO,
    read: (row: ExportRow) => (row.flags[flag] === undefined ? undefined : row.flags[flag] ? 1 : 0),
  }));
  const all = [...meta, ...questions, ...derived, ...flags];
  const seen = new Set<string>();
  for (const variable of all) {
    if (seen.has(variable.name)) {
      throw new Error(`two export columns are both named ${variable.name}: rename a question id or option code in the definition so "<question>_<option>" stays unique`);
    }
    seen.add(variable.name);
  }
  return all;
}

/** A variable's label in one language: the question text, plus the option label for a multi-select column. */
export function variableLabel(variable: Variable, translate: (key: string) => string): string {
  if (variable.fixedLabel !== undefined) return variable.fixedLabel;
  const text = variable.labelKey ? translate(variable.labelKey) : variable.name;
  return variable.optionLabelKey ? `${text}: ${translate(variable.optionLabelKey)}` : text;
}

/** A coded value's label in one language. */
export function valueLabel(value: CodedValue, translate: (key: string) => string): string {
  return value.label ?? (value.labelKey ? translate(value.labelKey) : value.code);
}
