/**
 * A form's steps as messages, in the person's language: one question per message with the
 * progress line, its buttons from the question-type registry, Skip when the question needs no
 * answer, and Back. Texts come from the form in the matching form language (formLanguageFor);
 * everything the bot says itself comes from src/locales.
 */
import type { TFunction } from "i18next";
import type { Choice, Form, Text } from "../../flows/form.ts";
import { renderText, textIn, type FormRejection, type FormSnapshot, type FormStep, type InstanceField } from "../../flows/form-engine.ts";
import type { StudyKey } from "../../studies/study.ts";
import { keyboard, type LabelledButton } from "../render/keyboard.ts";
import { progressLines, type RenderedMessage } from "../render/question.ts";
import { questionFingerprint, repeatFingerprint } from "./fingerprint.ts";
import { shownDate, viewOf, type AskedQuestion } from "./question-types.ts";

/** Who is asked what: the study, the person's `t` and the form language they read. */
export interface FormAudience {
  study: StudyKey;
  form: Form;
  t: TFunction;
  /** One of form.languages (formLanguageFor). */
  language: string;
  /** The person's date, YYYY-MM-DD. */
  today: string;
}

export type QuestionStep = Extract<FormStep, { kind: "question" }>;
export type RepeatStep = Extract<FormStep, { kind: "repeat" }>;

/** Texts the importer writes itself for or_other (in English, in every language column). */
const GENERATED = { specify: "Specify other.", other: "Other" };
const allAre = (text: Text | undefined, value: string) => text !== undefined && Object.values(text).every((v) => v === value);

/** A question's label, hint or message as the person reads it. */
export function fieldText(audience: FormAudience, snapshot: FormSnapshot, field: InstanceField, text: Text | undefined): string {
  if (allAre(text, GENERATED.specify)) return audience.t("form:other.specify");
  return renderText(snapshot, field, text, audience.language);
}

export function choiceLabel(audience: FormAudience, choice: Choice): string {
  if (choice.name === "other" && allAre(choice.label, GENERATED.other)) return audience.t("form:other.choice");
  return textIn(choice.label, audience.language, audience.form) || choice.name;
}

/**
 * The question the step asks, with what the registry needs to show it and read its answers.
 * `selected` is a select_multiple's ticks as its message shows them; a fresh message starts
 * from the form's default, as ODK's does.
 */
export function askedQuestion(audience: FormAudience, snapshot: FormSnapshot, step: QuestionStep, selected?: readonly number[], page = 0): AskedQuestion {
  const field = snapshot.field(step.ref)!;
  const preset = step.value;
  const defaults = preset.split(" ").map((name) => step.choices.findIndex((choice) => choice.name === name)).filter((index) => index >= 0);
  selected ??= step.question.type === "select_multiple" ? defaults : [];
  return {
    question: step.question,
    fp: questionFingerprint(audience.study, step.ref, step.choices),
    choices: step.choices,
    choiceLabels: step.choices.map((choice) => choiceLabel(audience, choice)),
    required: snapshot.isRequired(field),
    preset,
    today: audience.today,
    selected: selected.filter((index) => index < step.choices.length),
    page,
  };
}

export const repeatQuestionFingerprint = (audience: FormAudience, step: RepeatStep) => repeatFingerprint(audience.study, step.ref, step.count);

/** Progress as the native questions show it: a bar, and "question n of about m". */
function progressOf(t: TFunction, step: FormStep): string {
  const { answered, remaining } = step.progress;
  const total = Math.max(1, answered + remaining);
  return progressLines(t, { answered, remaining, position: Math.min(answered + 1, total), total, percent: Math.floor((answered / total) * 100) });
}

/** Where the question stands: the labelled groups and the repeat rows it is in ("Member 2"). */
function contextOf(audience: FormAudience, snapshot: FormSnapshot, field: InstanceField): string | undefined {
  const parts: string[] = [];
  for (let at = field.parent; at; at = at.parent) {
    const node = at.node;
    if (node.kind !== "group" && node.kind !== "repeat") continue;
    const isRow = node.kind === "repeat" && at.parent?.node === node;
    if (node.kind === "repeat" && !isRow) continue; // the range; its row says it with the number
    const label = node.label ? renderText(snapshot, at, node.label, audience.language) : "";
    if (label === "" && !isRow) continue;
    parts.unshift(isRow ? `${label || node.name} ${at.indexes.at(-1)}` : label);
  }
  return parts.length > 0 ? parts.join(" › ") : undefined;
}

/** Skip (where an answer is not required) on its own row, then Back and Help as on every native question. */
function navigation(t: TFunction, fp: string, skip: boolean, canGoBack: boolean): LabelledButton[][] {
  const row: LabelledButton[] = [];
  if (canGoBack) row.push({ label: t("bot:buttons.back"), button: { kind: "formBack", q: fp } });
  row.push({ label: t("bot:buttons.help"), button: { kind: "help" } });
  return [...(skip ? [[{ label: t("form:buttons.skip"), button: { kind: "formBlank" as const, q: fp } }]] : []), row];
}

/** The message that asks a question, with its buttons. */
export function renderFormQuestion(audience: FormAudience, snapshot: FormSnapshot, step: QuestionStep, asked: AskedQuestion, canGoBack: boolean): RenderedMessage {
  const { t } = audience;
  const field = snapshot.field(step.ref)!;
  const view = viewOf(step.question.type);
  const hint = step.question.hint ? fieldText(audience, snapshot, field, step.question.hint) : "";
  const lines = [progressOf(t, step), "", contextOf(audience, snapshot, field), fieldText(audience, snapshot, field, step.question.label), hint || undefined, view.body(asked), view.instruction(t, asked)];
  const rows = [...view.buttons(t, asked), ...navigation(t, asked.fp, view.skippable && !asked.required, canGoBack)];
  return { text: lines.filter((line) => line !== undefined).join("\n"), keyboard: keyboard(rows) };
}

/** A repeat's "add another?". */
export function renderRepeatPrompt(audience: FormAudience, step: RepeatStep, canGoBack: boolean): RenderedMessage {
  const { t } = audience;
  const label = textIn(step.repeat.label, audience.language, audience.form) || step.repeat.name;
  const q = repeatQuestionFingerprint(audience, step);
  const question = step.count === 0 ? t("form:repeat.first", { label }) : t("form:repeat.another", { label, count: step.count });
  const rows: LabelledButton[][] = [
    [{ label: t("form:buttons.add_yes"), button: { kind: "formRepeat", q, yes: true } }],
    [{ label: t("form:buttons.add_no"), button: { kind: "formRepeat", q, yes: false } }],
    ...navigation(t, q, false, canGoBack),
  ];
  return { text: [progressOf(t, step), "", question].join("\n"), keyboard: keyboard(rows) };
}

/** Telegram's limit for one message's text. */
export const MAX_MESSAGE = 4096;

/**
 * A text as messages Telegram accepts: whole paragraphs (else lines) while they fit. A form's
 * note can be pages long; the last part is the one that carries the buttons.
 */
export function splitForTelegram(text: string, max = MAX_MESSAGE): string[] {
  if ([...text].length <= max) return [text];
  const parts: string[] = [];
  let current = "";
  for (const line of text.split("\n")) {
    const joined = current === "" ? line : `${current}\n${line}`;
    if ([...joined].length <= max) {
      current = joined;
      continue;
    }
    if (current !== "") parts.push(current);
    let rest = [...line];
    while (rest.length > max) {
      parts.push(rest.slice(0, max).join(""));
      rest = rest.slice(max);
    }
    current = rest.join("");
  }
  if (current !== "") parts.push(current);
  return parts;
}

/** A closed question whose text would be too long keeps the end of it (the answer) and as much of the start as fits. */
function fitting(label: string, tail: string): string {
  const room = MAX_MESSAGE - [...tail].length - 1;
  return [...label].length <= room ? `${label}${tail}` : `${[...label].slice(0, room).join("")}…${tail}`;
}

/** The question's message once answered: its text and the answer, no buttons left. */
export function renderFormAnswered(audience: FormAudience, snapshot: FormSnapshot, step: QuestionStep, asked: AskedQuestion, value: string): RenderedMessage {
  const { t } = audience;
  const field = snapshot.field(step.ref)!;
  const label = fieldText(audience, snapshot, field, step.question.label);
  const shown = value === "" ? t("bot:question.answer_skipped") : viewOf(step.question.type).answerText(t, value, asked);
  if (step.question.type === "note" || shown === undefined) return { text: fitting(label, "") };
  return { text: fitting(label, `\n\n${t("bot:question.answered", { answer: shown })}`) };
}

/** The repeat prompt's message once answered. */
export function renderRepeatAnswered(audience: FormAudience, step: RepeatStep, yes: boolean): RenderedMessage {
  const { t } = audience;
  const label = textIn(step.repeat.label, audience.language, audience.form) || step.repeat.name;
  const question = step.count === 0 ? t("form:repeat.first", { label }) : t("form:repeat.another", { label, count: step.count });
  return { text: `${question}\n\n${t("bot:question.answered", { answer: t(yes ? "form:buttons.add_yes" : "form:buttons.add_no") })}` };
}

/**
 * Why an answer was refused, in the person's language: the form's own constraint or required
 * message when it has one (in the person's form language, else its default), else ours.
 */
export function refusalText(audience: FormAudience, snapshot: FormSnapshot | undefined, ref: string | undefined, rejection: FormRejection): string {
  const { t } = audience;
  const field = ref !== undefined ? snapshot?.field(ref) : undefined;
  const own = (message: Text | undefined) => (message && snapshot && field ? fieldText(audience, snapshot, field, message) : "");
  switch (rejection.code) {
    case "not_current":
    case "unknown_choice":
      return t("bot:hint.stale_button");
    case "nothing_to_go_back_to":
      return t("bot:hint.nothing_to_go_back");
    case "not_a_number":
      return t("form:refusal.not_a_number", { example: "2.5" });
    case "not_an_integer":
      return t("form:refusal.not_an_integer");
    case "not_a_date":
      return t("form:refusal.not_a_date", { example: shownDate(audience.today) });
    case "required":
      return own(rejection.message) || t("form:refusal.required");
    case "constraint":
      return own(rejection.message) || t("form:refusal.constraint");
  }
}
