/**
 * The rules of one turn of a form interview, apart from Telegram: given the form, the saved
 * state and what the person pressed or typed, what the new state is and what to show. The
 * feature that handles form sessions only persists the state and carries the messages out, so
 * everything here can be tested without a chat.
 *
 * Acceptance itself is the form engine's (`answerField`, `answerRepeat`, `goBack`), which
 * agrees with ODK; this module only turns presses and texts into the engine's inputs through the
 * question-type registry and the engine's verdicts into messages.
 */
import { answerField, answerRepeat, currentStep, FormSnapshot, goBack, type FormAnswerResult, type FormEnvironment, type FormState, type FormStep } from "../../flows/form-engine.ts";
import type { Button } from "../callback-data.ts";
import type { RenderedMessage } from "../render/question.ts";
import { askedQuestion, refusalText, renderFormAnswered, renderFormQuestion, renderRepeatAnswered, renderRepeatPrompt, repeatQuestionFingerprint, type FormAudience } from "./render.ts";
import { pageCount, viewOf } from "./question-types.ts";

/** The buttons this module answers; any other press is not a form's. */
export const FORM_BUTTONS = ["formChoice", "formToggle", "formPage", "formDone", "formBlank", "formOk", "formKeep", "formBack", "formRepeat"] as const;
export type FormButton = Extract<Button, { kind: (typeof FORM_BUTTONS)[number] }>;
export const isFormButton = (button: Button | undefined): button is FormButton => button !== undefined && (FORM_BUTTONS as readonly string[]).includes(button.kind);

export type FormInput = { kind: "press"; button: FormButton } | { kind: "text"; text: string };

export type FormTurn =
  /** The state moved on: save it, close the message answered (or take its buttons off), show the next step. */
  | { kind: "moved"; state: FormState; step: FormStep; previous: FormStep; previousFp: string; closed: RenderedMessage | undefined; next: Shown }
  /**
   * A tick in a select_multiple, or another page of a long list: only the pressed message
   * changes (its text too when `textChanged`); nothing is saved.
   */
  | { kind: "redrawn"; message: RenderedMessage; textChanged: boolean; toast: string }
  /** Refused: say why; show the current step again when the press was for an older one. */
  | { kind: "refused"; text: string; showAgain: boolean }
  /** The interview is over; nothing to answer. */
  | { kind: "finished" };

/** The current step as a message, with the fingerprint its buttons carry (undefined once completed). */
export interface Shown {
  step: FormStep;
  message: RenderedMessage | undefined;
  fp: string | undefined;
}

/** Whether Back has anything to undo. */
const canGoBack = (state: FormState) => Object.keys(state.answers).length > 0 || Object.keys(state.repeats).length > 0 || state.closed.length > 0;

/** The step the person is at, as the message that shows it. */
export function showCurrent(audience: FormAudience, env: FormEnvironment, state: FormState): Shown {
  const snapshot = new FormSnapshot(audience.form, state, env);
  const step = currentStep(audience.form, state, env, snapshot);
  if (step.kind === "question") {
    const asked = askedQuestion(audience, snapshot, step);
    return { step, message: renderFormQuestion(audience, snapshot, step, asked, canGoBack(state)), fp: asked.fp };
  }
  if (step.kind === "repeat") return { step, message: renderRepeatPrompt(audience, step, canGoBack(state)), fp: repeatQuestionFingerprint(audience, step) };
  return { step, message: undefined, fp: undefined };
}

const stale = (audience: FormAudience): FormTurn => ({ kind: "refused", text: audience.t("bot:hint.stale_button"), showAgain: true });

function moved(audience: FormAudience, env: FormEnvironment, previous: FormStep, previousFp: string, result: Extract<FormAnswerResult, { kind: "accepted" }>, closed: RenderedMessage | undefined): FormTurn {
  return { kind: "moved", state: result.state, step: result.next, previous, previousFp, closed, next: showCurrent(audience, env, result.state) };
}

/** Where a step stands for the funnel's "where people stop": its field's name (the repeat's for "add another?"). */
export function stopOf(step: FormStep): string | undefined {
  const name = step.kind === "question" ? step.question.name : step.kind === "repeat" ? step.repeat.name : undefined;
  return name !== undefined && name.length <= 64 ? name : undefined;
}

/** One press or typed message at the current step. */
export function formTurn(audience: FormAudience, env: FormEnvironment, state: FormState, input: FormInput): FormTurn {
  const { form } = audience;
  const snapshot = new FormSnapshot(form, state, env);
  const step = currentStep(form, state, env, snapshot);
  if (step.kind === "completed") return { kind: "finished" };
  const refused = (result: Extract<FormAnswerResult, { kind: "rejected" }>): FormTurn => ({
    kind: "refused",
    text: refusalText(audience, snapshot, step.ref, result.rejection),
    showAgain: result.rejection.code === "not_current" || result.rejection.code === "unknown_choice",
  });
  const back = (fp: string): FormTurn => {
    const result = goBack(form, state, env);
    return result.kind === "accepted" ? moved(audience, env, step, fp, result, undefined) : refused(result);
  };

  if (step.kind === "repeat") {
    if (input.kind === "text") return { kind: "refused", text: audience.t("bot:hint.use_buttons"), showAgain: true };
    const fp = repeatQuestionFingerprint(audience, step);
    if (input.button.q !== fp) return stale(audience);
    if (input.button.kind === "formBack") return back(fp);
    if (input.button.kind !== "formRepeat") return stale(audience);
    const yes = input.button.yes;
    const result = answerRepeat(form, state, step.ref, yes, env);
    return result.kind === "accepted" ? moved(audience, env, step, fp, result, renderRepeatAnswered(audience, step, yes)) : refused(result);
  }

  const view = viewOf(step.question.type);
  const button = input.kind === "press" ? input.button : undefined;
  const selected = button?.kind === "formToggle" || button?.kind === "formDone" || button?.kind === "formPage" ? button.selected : undefined;
  const page = button?.kind === "formPage" ? button.page : button?.kind === "formToggle" ? (button.page ?? 0) : 0;
  const asked = askedQuestion(audience, snapshot, step, selected, page);
  let raw: string | string[];
  if (input.kind === "text") {
    const typed = view.typed(input.text, asked);
    if (typed.kind === "use_buttons") return { kind: "refused", text: audience.t("bot:hint.use_buttons"), showAgain: true };
    raw = typed.raw;
  } else {
    const pressed = input.button;
    if (pressed.q !== asked.fp) return stale(audience);
    if (pressed.kind === "formBack") return back(asked.fp);
    if (pressed.kind === "formToggle" || pressed.kind === "formPage") {
      // An index not offered, or a page past the end: an old or forged button.
      if (asked.selected.length !== pressed.selected.length || page >= pageCount(asked)) return stale(audience);
      const message = renderFormQuestion(audience, snapshot, step, asked, canGoBack(state));
      const toast = pressed.kind === "formToggle" ? asked.selected.map((i) => asked.choiceLabels[i]).join(", ") : "";
      return { kind: "redrawn", message, textChanged: pressed.kind === "formPage", toast };
    }
    // Skip gives the empty answer (if the question has come to need one, the engine's required
    // message says so); any other press means what the question type says it means.
    const fromPress = pressed.kind === "formBlank" && view.skippable ? "" : view.pressed(pressed, asked);
    if (fromPress === undefined) return stale(audience);
    raw = fromPress;
  }
  const result = answerField(form, state, step.ref, raw, env);
  if (result.kind === "rejected") return refused(result);
  const value = result.state.answers[step.ref] ?? "";
  return moved(audience, env, step, asked.fp, result, renderFormAnswered(audience, snapshot, step, asked, value));
}
