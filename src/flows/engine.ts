/**
 * The questionnaire engine: pure functions from (definition, state, input) to a result.
 *
 * It never sends a message, reads a clock or touches storage. It returns codes and keys; the
 * bot turns them into words and buttons. Questions are asked in definition order: the current
 * question is always the first one whose condition holds and that has no answer yet.
 *
 * @example
 *   let state = start(definition);
 *   const step = answer(definition, state, { q: "a_consent", value: "agree" }, { currentYear: 2026 });
 *   if (step.kind === "ask") state = step.state; // step.question is the next question
 */
import { conditionQuestionsDeep, evaluate, evaluateNumber, holds, type EvaluationContext } from "./conditions.ts";
import { rulesOf, type CheckedAnswer, type Rejection } from "./question-types.ts";
import type { Answer, Answers, Environment, NeedTag, Option, Question, Questionnaire } from "./schema.ts";
import { STATE_FORMAT, type SurveyState } from "./state.ts";

export type { Rejection, RejectionCode } from "./question-types.ts";
export { rangeFor } from "./question-types.ts";

export interface Progress {
  /** Questions answered so far. */
  answered: number;
  /** Questions still expected on this respondent's path, counting those not yet decided. */
  remaining: number;
  /** 0–100, rounded down; 100 only when the interview has ended. */
  percent: number;
  /** 1-based position of the current question among the expected total. */
  position: number;
  total: number;
}

/** Something the caller may act on: a need signalled by an answer, for referrals and counters. */
export type EngineEvent =
  | { type: "answer_recorded"; q: string }
  | { type: "need_signalled"; q: string; need: NeedTag };

export type StepResult =
  | { kind: "ask"; state: SurveyState; question: Question; progress: Progress; events: EngineEvent[] }
  | { kind: "confirm"; state: SurveyState; question: Question; messageKey: string; progress: Progress }
  | { kind: "rejected"; state: SurveyState; rejection: Rejection }
  | { kind: "completed"; state: SurveyState; progress: Progress; events: EngineEvent[] }
  | { kind: "ineligible"; state: SurveyState; reason: string; messageKey: string; events: EngineEvent[] };

export interface AnswerInput {
  q: string;
  value: Answer;
  /** The person confirmed a soft check on this very answer. */
  confirmed?: boolean;
}

export type ToggleResult =
  | { kind: "toggled"; state: SurveyState; selected: string[] }
  | { kind: "rejected"; state: SurveyState; rejection: Rejection };

const context = (definition: Questionnaire, answers: Answers, env: Environment): EvaluationContext => ({
  answers,
  env,
  sets: definition.sets,
});

/** A new respondent's state. */
export function start(definition: Questionnaire): SurveyState {
  return { format: STATE_FORMAT, version: definition.version, status: "active", answers: {} };
}

/** The questions of a definition by id (cached per definition object). */
const indexes = new WeakMap<Questionnaire, Map<string, { question: Question; position: number }>>();
export function questionIndex(definition: Questionnaire): Map<string, { question: Question; position: number }> {
  let index = indexes.get(definition);
  if (!index) {
    index = new Map(definition.questions.map((question, position) => [question.id, { question, position }]));
    indexes.set(definition, index);
  }
  return index;
}

export function findQuestion(definition: Questionnaire, id: string): Question | undefined {
  return questionIndex(definition).get(id)?.question;
}

/** Whether a question's condition holds for these answers. */
export function isAsked(definition: Questionnaire, question: Question, answers: Answers, env: Environment): boolean {
  return holds(question.askIf, context(definition, answers, env));
}

/** The options offered for a choice question right now (its choice filter applied). */
export function optionsFor(definition: Questionnaire, question: Question, answers: Answers, env: Environment): Option[] {
  const all = question.options ?? [];
  return all.filter((option) => holds(option.showIf, context(definition, answers, env)));
}

/** The question being asked, or undefined when none remains. */
export function currentQuestion(definition: Questionnaire, state: SurveyState, env: Environment): Question | undefined {
  if (state.status !== "active") return undefined;
  return definition.questions.find((q) => state.answers[q.id] === undefined && isAsked(definition, q, state.answers, env));
}

/** Checks one answer against its question (by its type's rules); returns the canonical value or a rejection. */
export function validateAnswer(definition: Questionnaire, question: Question, value: Answer, answers: Answers, env: Environment): CheckedAnswer {
  const offered = optionsFor(definition, question, answers, env);
  return rulesOf(question).validate(question as never, value, { offered, answers, env });
}

/**
 * Drops every answer that no longer fits: to a question that is gone, no longer asked, or whose
 * value is no longer valid (a removed option, a range that shrank). Walks in order, so a dropped
 * answer also drops what depended on it. Used after each change and to carry a state forward
 * to a new definition version.
 */
export function reconcile(definition: Questionnaire, state: SurveyState, env: Environment): SurveyState {
  const kept: Record<string, Answer> = {};
  for (const question of definition.questions) {
    const value = state.answers[question.id];
    if (value === undefined || !isAsked(definition, question, kept, env)) continue;
    const checked = validateAnswer(definition, question, value, kept, env);
    if (checked.ok) kept[question.id] = checked.value;
  }
  const { draft, unconfirmed, reason: _reason, ...rest } = state;
  const next: SurveyState = { ...rest, version: definition.version, answers: kept };
  const stillCurrent = currentQuestion(definition, { ...next, status: "active" }, env)?.id;
  if (draft && draft.q === stillCurrent) next.draft = draft;
  if (unconfirmed && unconfirmed.q === stillCurrent) next.unconfirmed = unconfirmed;
  return settle(definition, { ...next, status: state.status === "completed" ? "completed" : "active" }, env);
}

/** Decides the status from the answers: ineligible at the first failed screening rule, else active or completed. */
function settle(definition: Questionnaire, state: SurveyState, env: Environment): SurveyState {
  const ctx = context(definition, state.answers, env);
  const failed = definition.screening.find((rule) => holds(rule.when, ctx));
  if (failed) return { ...state, status: "ineligible", reason: failed.reason };
  const { reason: _dropped, ...rest } = state;
  if (state.status === "completed") return rest;
  return { ...rest, status: currentQuestion(definition, { ...rest, status: "active" }, env) ? "active" : "completed" };
}

/** Where the respondent is: answered so far and expected remaining on this path. */
export function progress(definition: Questionnaire, state: SurveyState, env: Environment): Progress {
  const answered = definition.questions.filter((q) => state.answers[q.id] !== undefined).length;
  if (state.status !== "active") return { answered, remaining: 0, percent: 100, position: answered, total: answered };
  // Questions ahead whose condition is not yet known count as expected: an honest "about".
  const pending = new Set(definition.questions.filter((q) => state.answers[q.id] === undefined).map((q) => q.id));
  const ctx: EvaluationContext = { ...context(definition, state.answers, env), pending };
  let remaining = 0;
  for (const question of definition.questions) {
    if (state.answers[question.id] !== undefined) continue;
    if (question.askIf === undefined || evaluate(question.askIf, ctx) !== false) remaining++;
  }
  const total = answered + remaining;
  return { answered, remaining, total, position: answered + 1, percent: total === 0 ? 100 : Math.floor((answered * 100) / total) };
}

function need(question: Question, value: Answer): EngineEvent[] {
  const codes = Array.isArray(value) ? value : [String(value)];
  return (question.options ?? [])
    .filter((o) => codes.includes(o.code))
    .flatMap((o) => (o.needs ?? []).map((tag) => ({ type: "need_signalled" as const, q: question.id, need: tag })));
}

/** Turns a settled state into the step the caller shows next. */
export function describe(definition: Questionnaire, state: SurveyState, env: Environment, events: EngineEvent[] = []): StepResult {
  if (state.status === "ineligible") {
    const rule = definition.screening.find((r) => r.reason === state.reason);
    return { kind: "ineligible", state, reason: state.reason ?? "unknown", messageKey: rule?.messageKey ?? "survey:ineligible.generic", events };
  }
  const question = currentQuestion(definition, state, env);
  if (!question) return { kind: "completed", state: { ...state, status: "completed" }, progress: progress(definition, state, env), events };
  if (state.unconfirmed?.q === question.id) {
    return { kind: "confirm", state, question, messageKey: state.unconfirmed.messageKey, progress: progress(definition, state, env) };
  }
  return { kind: "ask", state, question, progress: progress(definition, state, env), events };
}

/** Records an answer to the current question, or says why it cannot. */
export function answer(definition: Questionnaire, state: SurveyState, input: AnswerInput, env: Environment): StepResult {
  if (state.status !== "active") return { kind: "rejected", state, rejection: { code: "finished" } };
  const question = currentQuestion(definition, state, env);
  if (!question || question.id !== input.q) return { kind: "rejected", state, rejection: { code: "not_current" } };
  const checked = validateAnswer(definition, question, input.value, state.answers, env);
  if (!checked.ok) return { kind: "rejected", state, rejection: checked.rejection };

  const answers = { ...state.answers, [question.id]: checked.value };
  const confirmedBefore = state.unconfirmed?.q === question.id && sameAnswer(state.unconfirmed.value, checked.value);
  if (!input.confirmed && !confirmedBefore) {
    const check = question.softChecks?.find((c) => holds(c.when, context(definition, answers, env)));
    if (check) {
      const { draft: _draft, ...rest } = state;
      const pending: SurveyState = { ...rest, unconfirmed: { q: question.id, value: checked.value, messageKey: check.messageKey } };
      return { kind: "confirm", state: pending, question, messageKey: check.messageKey, progress: progress(definition, pending, env) };
    }
  }
  const { draft: _draft, unconfirmed: _unconfirmed, ...rest } = state;
  // Answers beyond this question exist only after Back; only then can the change invalidate any.
  // Skipping the full pass otherwise keeps an answer's cost flat along the interview.
  const index = questionIndex(definition);
  const position = index.get(question.id)!.position;
  const hasLaterAnswers = Object.keys(state.answers).some((id) => (index.get(id)?.position ?? -1) > position);
  const updated: SurveyState = { ...rest, answers };
  const next = hasLaterAnswers ? reconcile(definition, updated, env) : settle(definition, updated, env);
  const events: EngineEvent[] = [{ type: "answer_recorded", q: question.id }, ...need(question, checked.value)];
  return describe(definition, next, env, events);
}

/** The person declined to confirm a soft check: the question is asked again. */
export function retract(definition: Questionnaire, state: SurveyState, env: Environment): StepResult {
  const { unconfirmed: _unconfirmed, ...rest } = state;
  return describe(definition, rest, env);
}

function sameAnswer(a: Answer, b: Answer): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}

/**
 * Ticks or unticks an option of the current question, for a type answered by ticking (a
 * multi-select); its type's rules decide what a tick does to the others.
 */
export function toggle(definition: Questionnaire, state: SurveyState, q: string, code: string, env: Environment): ToggleResult {
  if (state.status !== "active") return { kind: "rejected", state, rejection: { code: "finished" } };
  const question = currentQuestion(definition, state, env);
  const tick = question && rulesOf(question).toggle;
  if (!question || question.id !== q || !tick) return { kind: "rejected", state, rejection: { code: "not_current" } };
  const offered = optionsFor(definition, question, state.answers, env);
  const option = offered.find((o) => o.code === code);
  if (!option) return { kind: "rejected", state, rejection: { code: "unknown_option" } };

  const before = state.draft?.q === q ? state.draft.codes : [];
  const ticked = tick(question as never, option, offered, before);
  if (!ticked.ok) return { kind: "rejected", state, rejection: ticked.rejection };
  return { kind: "toggled", state: { ...state, draft: { q, codes: ticked.selected } }, selected: ticked.selected };
}

/** Reads a typed message as an answer to the question; undefined when its type takes no typing or the text is not an answer. */
export function parseTypedAnswer(question: Question, text: string): Answer | undefined {
  return rulesOf(question).parseTyped?.(text);
}

/** Submits the ticked options of the current multi-select ("Done"). */
export function submitDraft(definition: Questionnaire, state: SurveyState, q: string, env: Environment): StepResult {
  const codes = state.draft?.q === q ? state.draft.codes : [];
  return answer(definition, state, { q, value: codes }, env);
}

/**
 * Goes back to the previous question asked: its answer is removed so it is asked again, and
 * any later answer the change makes inconsistent is dropped when the new answer comes.
 * From an ineligible exit it goes back to the screening answer that ended it.
 */
export function back(definition: Questionnaire, state: SurveyState, env: Environment): StepResult {
  if (state.status === "completed") return { kind: "rejected", state, rejection: { code: "finished" } };
  const answeredIds = definition.questions.filter((q) => state.answers[q.id] !== undefined).map((q) => q.id);
  const previous = answeredIds.at(-1);
  if (!previous) return { kind: "rejected", state, rejection: { code: "nothing_to_go_back_to" } };
  const { [previous]: _removed, ...answers } = state.answers;
  const { draft: _draft, unconfirmed: _unconfirmed, reason: _reason, ...rest } = state;
  return describe(definition, settle(definition, { ...rest, status: "active", answers }, env), env);
}

/** Values derived from the answers for analysis, such as b_children_elsewhere. */
export function derive(definition: Questionnaire, answers: Answers, env: Environment): Record<string, string | number> {
  const ctx = context(definition, answers, env);
  const values: Record<string, string | number> = {};
  for (const derived of definition.derived) {
    if (!holds(derived.askIf, ctx)) continue;
    if (derived.kind === "number") {
      const value = evaluateNumber(derived.expr, answers, env);
      if (value !== undefined) values[derived.id] = value;
    } else {
      values[derived.id] = derived.cases.find((c) => holds(c.when, ctx))?.value ?? derived.otherwise;
    }
  }
  return values;
}

/**
 * Whether the respondent has passed every screening rule: each question a rule reads is
 * behind them and none of the rules holds. The bot counts "eligible" in the funnel from this.
 */
export function screeningPassed(definition: Questionnaire, state: SurveyState, env: Environment): boolean {
  if (state.status === "ineligible") return false;
  if (state.status === "completed") return true;
  const index = questionIndex(definition);
  const current = currentQuestion(definition, state, env);
  const currentPosition = current ? (index.get(current.id)?.position ?? Infinity) : Infinity;
  const screened = screeningQuestionIds(definition);
  return [...screened].every((id) => (index.get(id)?.position ?? -1) < currentPosition);
}

const screeningIds = new WeakMap<Questionnaire, Set<string>>();
function screeningQuestionIds(definition: Questionnaire): Set<string> {
  let ids = screeningIds.get(definition);
  if (!ids) {
    ids = new Set(definition.screening.flatMap((rule) => conditionQuestionsDeep(rule.when, definition.sets)));
    screeningIds.set(definition, ids);
  }
  return ids;
}
