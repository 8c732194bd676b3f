/**
 * The XLSForm layer of each native question type, one entry per type (the compiler keeps the
 * table exhaustive): how a question is written as a survey row (its type, constraint and the
 * message ODK shows when the constraint refuses an answer, its extension cells) and how it is
 * read back from an imported form question.
 *
 * Writing and reading sit side by side so they cannot disagree; the round-trip test
 * (tests/flows/native-form.test.ts) checks them on the IOM instrument.
 */
import type { Choice, FormQuestion } from "./form.ts";
import { nativeKeys } from "./native-keys.ts";
import { numericCodeValues } from "./numeric-codes.ts";
import type { NumberExpr, Option, Question, QuestionnaireInput } from "./schema.ts";
import { flag, jsonCell, wordsCell, type SurveyExtensionColumn } from "./xlsform-extensions.ts";

export type QuestionOf<T extends Question["type"]> = Extract<Question, { type: T }>;
type QuestionInput = QuestionnaireInput["questions"][number];
export type Translate = (key: string, params?: Record<string, unknown>) => string;

/** The fields every question has, already read by the converter. */
export type CommonFields = Pick<Question, "id" | "module" | "textKey" | "hintKey" | "askIf" | "softChecks">;

/** An imported survey row as the readers see it: its cells, parsed with the row's position on errors. */
export interface ImportedRow {
  node: FormQuestion;
  /** The question's choices (select questions), in sheet order. */
  choices: readonly Choice[];
  text(column: SurveyExtensionColumn): string | undefined;
  /** A cell holding JSON (or a plain number); undefined when empty. */
  json(column: SurveyExtensionColumn): unknown;
  /** A choice's cell holding JSON; undefined when empty. */
  choiceJson(choice: Choice, column: string): unknown;
}

interface XlsFormQuestionType<Q extends Question> {
  /** The survey sheet's type column. */
  surveyType(question: Q, listName: string): string;
  /** The XPath ODK checks an answer with; empty for none. */
  constraint(question: Q): string;
  /** What ODK shows when constraint() refuses an answer, in one language. */
  constraintMessage(question: Q, t: Translate): string;
  /** Whether the question's options go to the choices sheet (a number's codes are typed instead). */
  choiceList: boolean;
  /** The cells of the extension columns that only this type has. */
  extensions(question: Q): Partial<Record<SurveyExtensionColumn, string>>;
  /** The question back from its row. */
  read(row: ImportedRow, common: CommonFields): QuestionInput;
}

export const numberXPath = (expr: number | NumberExpr): string => {
  if (typeof expr === "number") return String(expr);
  if ("const" in expr) return String(expr.const);
  if ("env" in expr) return "number(format-date(today(), '%Y'))";
  if ("answer" in expr) return `\${${expr.answer}}`;
  const sign = "sub" in expr ? " - " : " + ";
  return `(${("sub" in expr ? expr.sub : expr.add).map(numberXPath).join(sign)})`;
};

/** A choice back as an option: its code, its label key by convention, and the bot's extras. */
function readOptions(row: ImportedRow): Option[] {
  return row.choices.map((choice) => {
    const needs = choice.fields.needs?.split(/\s+/).filter(Boolean);
    const showIf = row.choiceJson(choice, "show_if");
    return {
      code: choice.name,
      labelKey: nativeKeys.optionLabel(row.node.name, choice.name),
      ...(choice.fields.exclusive === "yes" ? { exclusive: true } : {}),
      ...(needs && needs.length > 0 ? { needs } : {}),
      ...(showIf !== undefined ? { showIf } : {}),
    } as Option;
  });
}

const choiceTypes = {
  single: {
    surveyType: (_question, list) => `select_one ${list}`,
    constraint: () => "",
    constraintMessage: () => "",
    choiceList: true,
    extensions: () => ({}),
    read: (row, common) => ({ ...common, type: "single", options: readOptions(row) }),
  } satisfies XlsFormQuestionType<QuestionOf<"single">>,
  multi: {
    surveyType: (_question, list) => `select_multiple ${list}`,
    constraint(question) {
      const parts: string[] = [];
      if (question.max !== undefined) parts.push(`count-selected(.) <= ${question.max}`);
      for (const option of question.options.filter((o) => o.exclusive)) parts.push(`not(selected(., '${option.code}') and count-selected(.) > 1)`);
      return parts.join(" and ");
    },
    constraintMessage(question, t) {
      const parts: string[] = [];
      if (question.max !== undefined) parts.push(t("xlsform:constraint.max_choices", { max: question.max }));
      for (const option of question.options.filter((o) => o.exclusive)) parts.push(t("xlsform:constraint.exclusive", { option: t(option.labelKey) }));
      return parts.join(" ");
    },
    choiceList: true,
    extensions: (question) => ({ max_choices: jsonCell(question.max) }),
    read(row, common) {
      const max = row.json("max_choices");
      return { ...common, type: "multi", options: readOptions(row), ...(max !== undefined ? { max: max as number } : {}) };
    },
  } satisfies XlsFormQuestionType<QuestionOf<"multi">>,
};

type NumericQuestion = QuestionOf<"number"> | QuestionOf<"year">;

/** Number and year questions: an XLSForm integer whose codes (pnta, dk) are typed as -1, -2… */
const numeric = <T extends "number" | "year">(type: T): XlsFormQuestionType<QuestionOf<T>> => ({
  // XLSForm cannot mix a number with codes such as pnta, so the codes are typed as the
  // negative numbers the SPSS export also uses (numeric-codes.ts), explained in the hint.
  surveyType: () => "integer",
  constraint(question: NumericQuestion) {
    const range = `. >= ${numberXPath(question.min)} and . <= ${numberXPath(question.max)}`;
    const codes = [...numericCodeValues(question).values()].map((n) => `. = ${n}`);
    return codes.length === 0 ? range : `(${range}) or ${codes.join(" or ")}`;
  },
  constraintMessage(question: NumericQuestion, t) {
    const { min, max } = question;
    const range = typeof min === "number" && typeof max === "number" ? t("xlsform:constraint.range", { min, max }) : t("xlsform:constraint.range_dynamic");
    const numbers = numericCodeValues(question);
    const codes = (question.options ?? []).map((o) => `${numbers.get(o.code)} (${t(o.labelKey)})`).join(", ");
    return codes ? `${range} ${t("xlsform:constraint.codes", { codes })}` : range;
  },
  choiceList: false,
  extensions: (question: NumericQuestion) => ({
    year: flag(question.type === "year"),
    minimum: jsonCell(question.min),
    maximum: jsonCell(question.max),
    presets: wordsCell(question.presets),
    codes: wordsCell(question.options?.map((o) => o.code)),
  }),
  read(row, common) {
    const presets = row.text("presets")?.split(/\s+/).map(Number);
    const codes = row.text("codes")?.split(/\s+/).filter(Boolean);
    return {
      ...common,
      type,
      min: row.json("minimum") as number | NumberExpr,
      max: row.json("maximum") as number | NumberExpr,
      ...(presets ? { presets } : {}),
      ...(codes ? { options: codes.map((code) => ({ code, labelKey: nativeKeys.optionLabel(common.id, code) })) } : {}),
    } as QuestionInput;
  },
});

export const XLSFORM_QUESTION_TYPES: { [T in Question["type"]]: XlsFormQuestionType<QuestionOf<T>> } = {
  ...choiceTypes,
  number: numeric("number"),
  year: numeric("year"),
};

/** The entry of a question's type, typed for that question. */
export function xlsFormTypeOf<Q extends Question>(question: Q): XlsFormQuestionType<Q> {
  return XLSFORM_QUESTION_TYPES[question.type] as unknown as XlsFormQuestionType<Q>;
}

/** Which native type an imported question is: its XLSForm type, and the year flag for integers. */
export function nativeTypeOf(row: ImportedRow): Question["type"] | undefined {
  switch (row.node.type) {
    case "select_one":
      return "single";
    case "select_multiple":
      return "multi";
    case "integer":
      return row.text("year") === "yes" ? "year" : "number";
    default:
      return undefined;
  }
}
