/**
 * The question types of the native questionnaire, as the chat shows them. Each type declares its
 * answer buttons, the instruction line under the question, how a given answer reads on the
 * question's closed message, and whether it may be typed, so no shared render or feature code
 * branches on a particular type.
 *
 * Keyed by type and kept exhaustive by the compiler, like the engine's table
 * (src/flows/question-types.ts): a new type in schema.ts does not compile without its entry here.
 */
import type { TFunction } from "i18next";
import { rangeFor } from "../../flows/engine.ts";
import type { QuestionOf } from "../../flows/question-types.ts";
import type { Answer, Environment, Option, Question, QuestionType } from "../../flows/schema.ts";
import type { SurveyState } from "../../flows/state.ts";
import { chunk, type LabelledButton } from "./keyboard.ts";

/** What a type's rendering may read: the person's language, the options offered now, the state. */
export interface RenderContext {
  t: TFunction;
  offered: readonly Option[];
  state: SurveyState;
  env: Environment;
}

interface QuestionView<T extends QuestionType> {
  /** The answer buttons, row by row; Back and Help follow them on every question. */
  keyboard(question: QuestionOf<T>, ctx: RenderContext): LabelledButton[][];
  /** The line under the question that says how to answer; undefined when the buttons say it all. */
  instruction(question: QuestionOf<T>, ctx: RenderContext): string | undefined;
  /** An answer given, in words, as the closed question's message (and a tick's notice) shows it. */
  answer(t: TFunction, question: QuestionOf<T>, value: Answer): string;
  /**
   * Typing: the hint for a typed text that is not an answer. null: the type is answered with
   * buttons only (its engine rules have no parseTyped either; a test checks that both agree).
   */
  typed: { refusal(t: TFunction, env: Environment): string } | null;
}

/** An option's label, or the bare code for one the definition no longer has. */
function optionLabel(t: TFunction, question: Question, code: string): string {
  const option = (question.options ?? []).find((o) => o.code === code);
  return option ? t(option.labelKey) : code;
}

/** One button per offered option, one per row. */
const optionRows = (question: Question, offered: readonly Option[], t: TFunction): LabelledButton[][] =>
  offered.map((option) => [{ label: t(option.labelKey), button: { kind: "answer", q: question.id, code: option.code } }]);

type NumericQuestion = QuestionOf<"number" | "year">;

/** Number and year questions: preset values five to a row, then their codes (pnta, dk) one per row. */
const numeric = <T extends "number" | "year">(
  instruction: (question: NumericQuestion, ctx: RenderContext) => string,
  example: (env: Environment) => number,
): QuestionView<T> => ({
  keyboard(question: NumericQuestion, { t, offered, state, env }) {
    const { min, max } = rangeFor(question, state.answers, env);
    const presets = (question.presets ?? []).filter((v) => v >= min && v <= max);
    return [
      ...chunk(presets.map((value) => ({ label: String(value), button: { kind: "number" as const, q: question.id, value } })), 5),
      ...optionRows(question, offered, t),
    ];
  },
  instruction,
  answer: (t, question: NumericQuestion, value) =>
    typeof value === "number" ? String(value) : [value].flat().map((code) => optionLabel(t, question, code)).join(", "),
  typed: { refusal: (t, env) => t("bot:hint.not_a_number", { example: example(env) }) },
});

const questionViews: { [T in QuestionType]: QuestionView<T> } = {
  single: {
    keyboard: (question, { t, offered }) => optionRows(question, offered, t),
    instruction: () => undefined,
    answer: (t, question, value) => [value].flat().map((code) => optionLabel(t, question, String(code))).join(", "),
    typed: null,
  },
  multi: {
    // A tick box per option, and Done with the count ticked so far.
    keyboard(question, { t, offered, state }) {
      const selected = state.draft?.q === question.id ? state.draft.codes : [];
      return [
        ...offered.map((option) => [
          { label: `${selected.includes(option.code) ? "✅" : "⬜"} ${t(option.labelKey)}`, button: { kind: "toggle" as const, q: question.id, code: option.code } },
        ]),
        [{ label: t("bot:buttons.done", { count: selected.length }), button: { kind: "done", q: question.id } }],
      ];
    },
    instruction: (question, { t }) => (question.max !== undefined ? t("bot:question.choose_up_to", { count: question.max }) : t("bot:question.choose_any")),
    answer: (t, question, value) => [value].flat().map((code) => optionLabel(t, question, String(code))).join(", "),
    typed: null,
  },
  number: numeric<"number">(
    (question, { t, state, env }) => t("bot:question.type_number", rangeFor(question, state.answers, env)),
    () => 3,
  ),
  year: numeric<"year">(
    (_question, { t, env }) => t("bot:question.type_year", { example: env.currentYear - 2 }),
    (env) => env.currentYear - 2,
  ),
};

/** The view of a question's type. */
export function viewOf<Q extends Question>(question: Q): QuestionView<Q["type"]> {
  return questionViews[question.type] as unknown as QuestionView<Q["type"]>;
}

/** Every question type the chat can show (read from the table, so it cannot miss one). */
export const VIEWED_TYPES = Object.keys(questionViews) as QuestionType[];
