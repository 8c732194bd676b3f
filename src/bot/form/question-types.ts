/**
 * One entry per question type of an imported form: how the question is shown (instruction line,
 * buttons) and how what the person types or taps becomes the answer ODK would store. The
 * compiler keeps it complete: a type added to `QuestionType` does not build until it has an
 * entry here.
 *
 * The entries only translate between Telegram and the engine; whether an answer is accepted
 * (number format, constraint, required) is the form engine's decision, so it matches ODK.
 */
import type { TFunction } from "i18next";
import type { Choice, FormQuestion, QuestionType } from "../../flows/form.ts";
import type { Button } from "../callback-data.ts";
import { chunk, type LabelledButton } from "../render/keyboard.ts";

/** A question as it is asked right now: what the entries need to show it and read its answers. */
export interface AskedQuestion {
  question: FormQuestion;
  /** The question's fingerprint, which its buttons carry. */
  fp: string;
  /** The choices offered now (choice filter applied), and their labels in the person's language. */
  choices: readonly Choice[];
  choiceLabels: readonly string[];
  /** Whether an empty answer would be refused now. */
  required: boolean;
  /** The answer the field holds until one is given (the form's default), "" if none. */
  preset: string;
  /** The person's date (YYYY-MM-DD), for the example in the date instruction. */
  today: string;
  /** A select_multiple's ticks as its message shows them (indexes into `choices`). */
  selected: readonly number[];
  /** The page of a long choice list the message shows (0 for the first, and for short lists). */
  page: number;
}

/** What a typed message means at a question: an answer for the engine, or a hint to use the buttons. */
export type Typed = { kind: "answer"; raw: string } | { kind: "use_buttons" };

export interface QuestionTypeView {
  /** The line under the question that says how to answer, in the person's language. */
  instruction(t: TFunction, asked: AskedQuestion): string | undefined;
  /** Lines the message shows under the question (choices too long for a button). */
  body(asked: AskedQuestion): string | undefined;
  /** The answer buttons; Skip and Back are added by the renderer. */
  buttons(t: TFunction, asked: AskedQuestion): LabelledButton[][];
  typed(text: string, asked: AskedQuestion): Typed;
  /** The answer a press gives (the press already matched the question), or undefined if it is no answer here. */
  pressed(button: Button, asked: AskedQuestion): string | string[] | undefined;
  /** The answer as the question's closed message shows it; undefined shows no answer line. */
  answerText(t: TFunction, value: string, asked: AskedQuestion): string | undefined;
  /** Whether a question of this type that needs no answer gets a Skip button. */
  skippable: boolean;
}

/** Choice labels longer than this are listed in the message with numbers, and the buttons carry the numbers. */
const LONG_LABEL = 36;
/** Short labels share a row, so a long list still fits on a phone screen. */
const SHORT_LABEL = 14;

const numbered = (asked: AskedQuestion) => asked.choiceLabels.some((label) => [...label].length > LONG_LABEL);

/**
 * Long lists (a district among 180) are shown a page at a time: Telegram takes about 100 buttons
 * per message, and a phone shows far fewer. A list a little over a page stays whole.
 */
export const PAGE_SIZE = 20;
const isPaged = (asked: AskedQuestion) => asked.choices.length > PAGE_SIZE + 4;
export const pageCount = (asked: AskedQuestion) => (isPaged(asked) ? Math.ceil(asked.choices.length / PAGE_SIZE) : 1);

/** The indexes of the choices on the page shown. */
function onPage(asked: AskedQuestion): number[] {
  const all = asked.choices.map((_, index) => index);
  return isPaged(asked) ? all.slice(asked.page * PAGE_SIZE, (asked.page + 1) * PAGE_SIZE) : all;
}

function choiceList(asked: AskedQuestion): string | undefined {
  if (!numbered(asked)) return undefined;
  return onPage(asked).map((i) => `${i + 1}. ${asked.choiceLabels[i]}`).join("\n");
}

function choiceRows(asked: AskedQuestion, button: (index: number, label: string) => LabelledButton): LabelledButton[][] {
  const shown = onPage(asked);
  const buttons = shown.map((index) => button(index, numbered(asked) ? `${index + 1}` : asked.choiceLabels[index]!));
  const rows = numbered(asked) ? chunk(buttons, 5) : chunk(buttons, shown.length > 5 && shown.every((i) => [...asked.choiceLabels[i]!].length <= SHORT_LABEL) ? 2 : 1);
  if (!isPaged(asked)) return rows;
  // ◀️ 1–20 · 41–60 ▶️: the numbers say where each page starts and ends, in any language.
  const range = (page: number) => `${page * PAGE_SIZE + 1}–${Math.min(asked.choices.length, (page + 1) * PAGE_SIZE)}`;
  const turn = (page: number, label: string): LabelledButton => ({ label, button: { kind: "formPage", q: asked.fp, page, selected: [...asked.selected] } });
  const pages: LabelledButton[] = [];
  if (asked.page > 0) pages.push(turn(asked.page - 1, `◀️ ${range(asked.page - 1)}`));
  if (asked.page + 1 < pageCount(asked)) pages.push(turn(asked.page + 1, `${range(asked.page + 1)} ▶️`));
  return [...rows, pages];
}

const labelOf = (asked: AskedQuestion, name: string) => {
  const index = asked.choices.findIndex((choice) => choice.name === name);
  return index >= 0 ? (asked.choiceLabels[index] ?? name) : name;
};

const toggled = (selected: readonly number[], index: number) =>
  (selected.includes(index) ? selected.filter((i) => i !== index) : [...selected, index]).sort((a, b) => a - b);

/** The choice names for indexes, or undefined when one is not offered (an old or forged button). */
function namesAt(asked: AskedQuestion, indexes: readonly number[]): string[] | undefined {
  const names = indexes.map((i) => asked.choices[i]?.name);
  return names.every((name) => name !== undefined) ? (names as string[]) : undefined;
}

/** Spaces inside a number ("1 200", with a thin space too) are how people group digits. */
const compact = (text: string) => text.trim().replace(/[\s\u00a0\u202f']/g, "");

/** A date as people type it (31.12.2024, 31/12/2024, 2024-12-31) → ISO; anything else is left for the engine to refuse. */
export function typedDate(text: string): string {
  const trimmed = text.trim();
  const dayFirst = /^(\d{1,2})[./-](\d{1,2})[./-](\d{4})$/.exec(trimmed);
  if (dayFirst) return `${dayFirst[3]}-${dayFirst[2]!.padStart(2, "0")}-${dayFirst[1]!.padStart(2, "0")}`;
  return trimmed;
}

/** An ISO date as the person reads it: 31.12.2024. */
export function shownDate(iso: string): string {
  const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(iso);
  return match ? `${match[3]}.${match[2]}.${match[1]}` : iso;
}

const MAX_SHOWN_TEXT = 300;

/** A typed question with a default offers to keep it with one tap, as ODK shows the field filled in. */
const keepRow = (t: TFunction, asked: AskedQuestion): LabelledButton[][] =>
  asked.preset === "" ? [] : [[{ label: t("form:buttons.keep"), button: { kind: "formKeep", q: asked.fp } }]];
/** The instruction, and the default the Keep button keeps. */
const withPreset = (t: TFunction, asked: AskedQuestion, line: string, shown = asked.preset) =>
  asked.preset === "" ? line : `${line}\n${t("form:instruction.preset", { value: shown })}`;
const keptPreset = (button: Button, asked: AskedQuestion) => (button.kind === "formKeep" && asked.preset !== "" ? asked.preset : undefined);

const typedAnswer = (raw: string): Typed => ({ kind: "answer", raw });

/**
 * A choice typed instead of tapped: its label as shown (any case), or its number where the list
 * is numbered. Anything else: use the buttons.
 */
function typedChoice(text: string, asked: AskedQuestion): Typed {
  const typed = text.trim().toLocaleLowerCase();
  let index = asked.choiceLabels.findIndex((label) => label.trim().toLocaleLowerCase() === typed);
  if (index < 0 && numbered(asked) && /^\d{1,4}$/.test(typed)) index = Number(typed) - 1;
  const name = asked.choices[index]?.name;
  return name === undefined ? { kind: "use_buttons" } : typedAnswer(name);
}
const useButtons = (): Typed => ({ kind: "use_buttons" });
const noBody = () => undefined;
const asTyped = (_t: TFunction, value: string) => value;

export const QUESTION_TYPES = {
  select_one: {
    instruction: () => undefined,
    body: choiceList,
    // The default choice is marked, as ODK shows it selected.
    buttons: (_t, asked) =>
      choiceRows(asked, (index, label) => ({ label: asked.choices[index]?.name === asked.preset ? `🔘 ${label}` : label, button: { kind: "formChoice", q: asked.fp, index } })),
    typed: typedChoice,
    pressed: (button, asked) => (button.kind === "formChoice" ? namesAt(asked, [button.index])?.[0] : undefined),
    answerText: (_t, value, asked) => labelOf(asked, value),
    skippable: true,
  },
  select_multiple: {
    instruction: (t) => t("bot:question.choose_any"),
    body: choiceList,
    buttons: (t, asked) => [
      ...choiceRows(asked, (index, label) => ({
        label: `${asked.selected.includes(index) ? "✅" : "⬜"} ${label}`,
        button: { kind: "formToggle", q: asked.fp, selected: toggled(asked.selected, index), ...(asked.page > 0 ? { page: asked.page } : {}) },
      })),
      [{ label: t("bot:buttons.done", { count: asked.selected.length }), button: { kind: "formDone", q: asked.fp, selected: [...asked.selected] } }],
    ],
    typed: useButtons,
    pressed: (button, asked) => (button.kind === "formDone" ? namesAt(asked, button.selected) : undefined),
    answerText: (_t, value, asked) => value.split(" ").filter(Boolean).map((name) => labelOf(asked, name)).join(", "),
    // An empty Done is its empty answer.
    skippable: false,
  },
  integer: {
    instruction: (t, asked) => withPreset(t, asked, t("form:instruction.integer")),
    body: noBody,
    buttons: keepRow,
    typed: (text) => typedAnswer(compact(text)),
    pressed: keptPreset,
    answerText: asTyped,
    skippable: true,
  },
  decimal: {
    instruction: (t, asked) => withPreset(t, asked, t("form:instruction.decimal", { example: "2.5" })),
    body: noBody,
    buttons: keepRow,
    typed: (text) => typedAnswer(compact(text)),
    pressed: keptPreset,
    answerText: asTyped,
    skippable: true,
  },
  text: {
    instruction: (t, asked) => withPreset(t, asked, t("form:instruction.text")),
    body: noBody,
    buttons: keepRow,
    typed: (text) => typedAnswer(text.trim()),
    pressed: keptPreset,
    answerText: (_t, value) => ([...value].length > MAX_SHOWN_TEXT ? `${[...value].slice(0, MAX_SHOWN_TEXT).join("")}…` : value),
    skippable: true,
  },
  date: {
    instruction: (t, asked) => withPreset(t, asked, t("form:instruction.date", { example: shownDate(asked.today) }), shownDate(asked.preset)),
    body: noBody,
    buttons: keepRow,
    typed: (text) => typedAnswer(typedDate(text)),
    pressed: keptPreset,
    answerText: (_t, value) => shownDate(value),
    skippable: true,
  },
  note: {
    instruction: () => undefined,
    body: noBody,
    buttons: (t, asked) => [[{ label: t("bot:buttons.continue"), button: { kind: "formBlank", q: asked.fp } }]],
    typed: useButtons,
    // Continue is the note's only answer: nothing.
    pressed: (button) => (button.kind === "formBlank" ? "" : undefined),
    answerText: () => undefined,
    skippable: false,
  },
  acknowledge: {
    instruction: () => undefined,
    body: noBody,
    buttons: (t, asked) => [[{ label: t("form:buttons.ok"), button: { kind: "formOk", q: asked.fp } }]],
    typed: useButtons,
    pressed: (button) => (button.kind === "formOk" ? "OK" : undefined),
    answerText: (t, value) => (value === "OK" ? t("form:buttons.ok") : value),
    skippable: true,
  },
} satisfies Record<QuestionType, QuestionTypeView>;

export const viewOf = (type: QuestionType): QuestionTypeView => QUESTION_TYPES[type];
