/**
 * Engine results as messages: one question per message, a progress line, buttons for every
 * answer, and Back and Help on every question.
 */
import type { InlineKeyboard } from "grammy";
import type { TFunction } from "i18next";
import { optionsFor, type Progress } from "../../flows/engine.ts";
import type { Answer, Environment, Question, Questionnaire } from "../../flows/schema.ts";
import type { SurveyState } from "../../flows/state.ts";
import type { TextParams } from "../../platform/text-params.ts";
import { keyboard, type LabelledButton } from "./keyboard.ts";
import { viewOf } from "./question-types.ts";

export interface RenderedMessage {
  text: string;
  keyboard?: InlineKeyboard;
}

/** Values every survey text may interpolate (the minimum wage, who runs the survey, …). */
export type { TextParams };

const BAR_CELLS = 10;

export function progressBar(percent: number): string {
  const filled = Math.max(0, Math.min(BAR_CELLS, Math.round((percent / 100) * BAR_CELLS)));
  return "▓".repeat(filled) + "░".repeat(BAR_CELLS - filled);
}

export function progressLines(t: TFunction, progress: Progress): string {
  return [
    t("bot:progress.line", { bar: progressBar(progress.percent), percent: progress.percent }),
    t("bot:progress.position", { position: progress.position, total: progress.total }),
  ].join("\n");
}

function navigationRow(t: TFunction, question: Question, canGoBack: boolean): LabelledButton[] {
  return [
    ...(canGoBack ? [{ label: t("bot:buttons.back"), button: { kind: "back" as const, q: question.id } }] : []),
    { label: t("bot:buttons.help"), button: { kind: "help" as const } },
  ];
}

/** The message that asks a question, with its buttons. */
export function renderQuestion(
  t: TFunction,
  definition: Questionnaire,
  question: Question,
  state: SurveyState,
  progress: Progress,
  env: Environment,
  params: TextParams,
): RenderedMessage {
  const view = viewOf(question);
  const ctx = { t, offered: optionsFor(definition, question, state.answers, env), state, env };
  const rows: LabelledButton[][] = view.keyboard(question as never, ctx);
  rows.push(navigationRow(t, question, progress.answered > 0));

  const hint = question.hintKey ? t(question.hintKey, params) : undefined;
  const text = [progressLines(t, progress), "", t(question.textKey, params), hint, view.instruction(question as never, ctx)]
    .filter((line) => line !== undefined)
    .join("\n");
  return { text, keyboard: keyboard(rows) };
}

/** A soft check: the answer looks unusual, so the person confirms or changes it. */
export function renderConfirmation(t: TFunction, question: Question, messageKey: string, params: TextParams): RenderedMessage {
  return {
    text: t(messageKey, params),
    keyboard: keyboard([
      [{ label: t("bot:buttons.confirm_yes"), button: { kind: "confirm", q: question.id, yes: true } }],
      [{ label: t("bot:buttons.confirm_change"), button: { kind: "confirm", q: question.id, yes: false } }],
    ]),
  };
}

/** The words for an answer given, as shown when the question's message is closed. */
export function answerLabel(t: TFunction, question: Question, value: Answer | undefined): string {
  if (value === undefined) return t("bot:question.answer_skipped");
  return viewOf(question).answer(t, question as never, value);
}

/** The question's message once answered: its text and the answer, with no buttons left. */
export function renderAnswered(t: TFunction, question: Question, value: Answer | undefined, params: TextParams): RenderedMessage {
  return { text: `${t(question.textKey, params)}\n\n${t("bot:question.answered", { answer: answerLabel(t, question, value) })}` };
}
