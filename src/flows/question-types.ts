/**
 * The question types of the native questionnaire, as the engine knows them. Each type declares,
 * in one place, the meaning checks of its definition, how an answer to it is checked (and, where
 * it has them, ticked or typed), and which answers the reachability check tries, so neither the
 * engine nor the meaning checks ever branch on a particular type.
 *
 * The table is keyed by type and the compiler keeps it exhaustive, as conditions.ts does for
 * operators: a type added to schema.ts does not compile until it has an entry here, and one in
 * each other layer's table (src/bot/render/question-types.ts, src/export/question-columns.ts).
 */
import { evaluateNumber } from "./conditions.ts";
import { numericCodeValues } from "./numeric-codes.ts";
import type { Answer, Answers, Environment, NumberExpr, Option, Question, QuestionType } from "./schema.ts";

/** Why an answer was refused; the bot turns the code into a localized hint. */
export type RejectionCode =
  | "not_current" // the question is not the one being asked (stale or forged button)
  | "finished" // the interview has ended
  | "unknown_option" // the code does not belong to this question, or is filtered out
  | "too_many" // more options than the maximum
  | "exclusive_conflict" // none / dk / pnta together with other options
  | "empty_selection" // Done with nothing ticked
  | "not_a_number"
  | "out_of_range"
  | "nothing_to_go_back_to";

export interface Rejection {
  code: RejectionCode;
  /** Values for the hint's placeholders, e.g. { min: 1, max: 20 } or { max: 3 }. */
  params?: Record<string, number>;
}

export type QuestionOf<T extends QuestionType> = Extract<Question, { type: T }>;

export type CheckedAnswer = { ok: true; value: Answer } | { ok: false; rejection: Rejection };
export type TickedSelection = { ok: true; selected: string[] } | { ok: false; rejection: Rejection };

/** What checking an answer may read: the options offered right now and the earlier answers. */
export interface AnswerContext {
  offered: readonly Option[];
  answers: Answers;
  env: Environment;
}

/** A problem a type's own meaning check finds; validate.ts reports it with the others. */
export interface TypeIssue {
  path: (string | number)[];
  code: "bad_range" | "bad_max";
  message: string;
}

/** What a type's meaning check is handed: where the question is, and the shared checks it may call. */
export interface DefinitionCheck {
  path: (string | number)[];
  report(issue: TypeIssue): void;
  /** Checks the questions a number expression reads: they exist, are numeric and come earlier. */
  numberExpr(expr: NumberExpr | number, path: (string | number)[]): void;
}

interface QuestionTypeRules<T extends QuestionType> {
  /** Answers are numbers (or the question's codes): comparisons and number expressions may read them. */
  numeric: boolean;
  /** The meaning checks of one question of this type, beyond those every question has. */
  check(question: QuestionOf<T>, at: DefinitionCheck): void;
  /** Checks an answer: the canonical value to store, or why it is refused. */
  validate(question: QuestionOf<T>, value: Answer, ctx: AnswerContext): CheckedAnswer;
  /** Ticks or unticks one offered option of a selection not yet submitted; null: the type has no ticks. */
  toggle: ((question: QuestionOf<T>, option: Option, offered: readonly Option[], before: readonly string[]) => TickedSelection) | null;
  /** Reads a typed message as an answer (undefined: not one); null: the type is answered with buttons only. */
  parseTyped: ((text: string) => Answer | undefined) | null;
  /**
   * Which stored answers the question still allows, built once per question (an export checks
   * every record with it): the value, without codes the question no longer has, or undefined.
   * `readsAnswers`: the check reads earlier answers (a range that depends on them).
   */
  stored(question: QuestionOf<T>): StoredCheck;
  /** The answers the reachability check tries besides "not answered", with the numbers conditions compare it with. */
  domain(question: QuestionOf<T>, compared: readonly number[]): Answer[];
}

type NumericQuestion = QuestionOf<"number" | "year">;

export interface StoredCheck {
  allowed(value: Answer, earlier: Answers, env: Environment): Answer | undefined;
  readsAnswers: boolean;
}

const codesOf = (question: Question) => new Set((question.options ?? []).map((o) => o.code));

/** The numeric range of a number or year question for these answers. */
export function rangeFor(question: NumericQuestion, answers: Answers, env: Environment): { min: number; max: number } {
  const resolve = (bound: NumericQuestion["min"], fallback: number) =>
    typeof bound === "number" ? bound : (evaluateNumber(bound, answers, env) ?? fallback);
  const min = resolve(question.min, 0);
  return { min, max: Math.max(min, resolve(question.max, min)) };
}

const refused = (code: RejectionCode, params?: Record<string, number>): { ok: false; rejection: Rejection } => ({
  ok: false,
  rejection: params ? { code, params } : { code },
});

/** Number and year questions: an integer in range, or one of their codes (pnta, dk) by button. */
const numeric = <T extends "number" | "year">(): QuestionTypeRules<T> => ({
  numeric: true,
  check(question: NumericQuestion, at) {
    at.numberExpr(question.min, [...at.path, "min"]);
    at.numberExpr(question.max, [...at.path, "max"]);
    if (typeof question.min !== "number") return;
    if (typeof question.max === "number" && question.min > question.max) {
      at.report({ path: [...at.path, "min"], code: "bad_range", message: `min ${question.min} is above max ${question.max}` });
    }
    if (question.min < 0 && numericCodeValues(question).size > 0) {
      at.report({
        path: [...at.path, "min"],
        code: "bad_range",
        message: `min ${question.min} admits negative numbers, but the codes of ${question.id} are written as -1, -2… in exports and XLSForm; start the range at 0 or drop the codes`,
      });
    }
  },
  validate(question: NumericQuestion, value, { offered, answers, env }) {
    if (typeof value === "string") return offered.some((o) => o.code === value) ? { ok: true, value } : refused("not_a_number");
    if (typeof value !== "number" || !Number.isInteger(value)) return refused("not_a_number");
    const { min, max } = rangeFor(question, answers, env);
    if (value < min || value > max) return refused("out_of_range", { min, max });
    return { ok: true, value };
  },
  stored(question: NumericQuestion) {
    const codes = codesOf(question);
    return {
      allowed(value, earlier, env) {
        if (typeof value === "string") return codes.has(value) ? value : undefined;
        if (typeof value !== "number" || !Number.isSafeInteger(value)) return undefined;
        const { min, max } = rangeFor(question, earlier, env);
        return value >= min && value <= max ? value : undefined;
      },
      readsAnswers: true,
    };
  },
  toggle: null,
  // Digits, with the spaces, dots and commas people group thousands with ("1 500", "2.021").
  parseTyped(text) {
    const digits = text.replace(/[\s.,]/g, "");
    return /^\d+$/.test(digits) ? Number(digits) : undefined;
  },
  domain(question: NumericQuestion, compared) {
    const bounds = [question.min, question.max].filter((b): b is number => typeof b === "number");
    return [...(question.options ?? []).map((o) => o.code), ...new Set([...bounds, ...compared])];
  },
});

const questionTypes: { [T in QuestionType]: QuestionTypeRules<T> } = {
  single: {
    numeric: false,
    check: () => {},
    validate: (_question, value, { offered }) =>
      typeof value === "string" && offered.some((o) => o.code === value) ? { ok: true, value } : refused("unknown_option"),
    stored(question) {
      const codes = codesOf(question);
      return { allowed: (value) => (typeof value === "string" && codes.has(value) ? value : undefined), readsAnswers: false };
    },
    toggle: null,
    parseTyped: null,
    domain: (question) => question.options.map((o) => o.code),
  },
  multi: {
    numeric: false,
    check(question, at) {
      if (question.max !== undefined && question.max > question.options.length) {
        at.report({ path: [...at.path, "max"], code: "bad_max", message: `max ${question.max} is more than the ${question.options.length} options` });
      }
    },
    validate(question, value, { offered }) {
      if (!Array.isArray(value)) return refused("unknown_option");
      const chosen = new Set(value);
      if (chosen.size === 0) return refused("empty_selection");
      const options = [...chosen].map((code) => offered.find((o) => o.code === code));
      if (options.some((o) => o === undefined)) return refused("unknown_option");
      if (chosen.size > 1 && options.some((o) => o?.exclusive)) return refused("exclusive_conflict");
      if (question.max !== undefined && chosen.size > question.max) return refused("too_many", { max: question.max });
      // Canonical order is the definition's, so equal selections serialize equally.
      return { ok: true, value: offered.filter((o) => chosen.has(o.code)).map((o) => o.code) };
    },
    // Unlike an answer given now, a stored selection keeps the codes still known.
    stored(question) {
      const codes = codesOf(question);
      return {
        allowed(value) {
          if (!Array.isArray(value)) return undefined;
          const kept = value.filter((code) => codes.has(code));
          return kept.length > 0 ? kept : undefined;
        },
        readsAnswers: false,
      };
    },
    // Ticking an exclusive option clears the others, and ticking another clears an exclusive one,
    // as people expect from "None". Going over the maximum is refused, so the person sees why.
    toggle(question, option, offered, before) {
      let selected: string[];
      if (before.includes(option.code)) selected = before.filter((c) => c !== option.code);
      else if (option.exclusive) selected = [option.code];
      else {
        const exclusive = new Set(offered.filter((o) => o.exclusive).map((o) => o.code));
        selected = [...before.filter((c) => !exclusive.has(c)), option.code];
        if (question.max !== undefined && selected.length > question.max) return refused("too_many", { max: question.max });
      }
      return { ok: true, selected: offered.filter((o) => selected.includes(o.code)).map((o) => o.code) };
    },
    parseTyped: null,
    domain: (question) => question.options.map((o) => [o.code]),
  },
  number: numeric<"number">(),
  year: numeric<"year">(),
};

/** Every question type, in the schema's order (read from the table, so it cannot miss one). */
export const QUESTION_TYPES = Object.keys(questionTypes) as QuestionType[];

/** The rules of a question's type. */
export function rulesOf<Q extends Question>(question: Q): QuestionTypeRules<Q["type"]> {
  return questionTypes[question.type] as unknown as QuestionTypeRules<Q["type"]>;
}

/** Whether a type's answers are numbers (with codes), read by comparisons and number expressions. */
export function isNumericType(type: QuestionType): boolean {
  return questionTypes[type].numeric;
}
