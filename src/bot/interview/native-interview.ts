/**
 * The native study's interview: what happens when the person answers, goes back, confirms a
 * soft check or ticks an option, decided here between Telegram and the pure engine. Features
 * (features/survey.ts, onboarding, help) only route updates to these functions.
 *
 * Every change follows one order: compute the step, persist it (ctx.commit), then reply. So
 * anything the person saw acknowledged survives a crash, and a redelivered update is skipped.
 */
import type { TFunction } from "i18next";
import * as engine from "../../flows/engine.ts";
import type { StepResult } from "../../flows/engine.ts";
import type { Answer, Questionnaire } from "../../flows/schema.ts";
import { kazakhstanDay, type CompletedRecord } from "../../records/record.ts";
import type { NativeStudy } from "../../studies/study.ts";
import type { BotContext } from "../context.ts";
import { answerLabel, renderAnswered, renderConfirmation, renderQuestion, type TextParams } from "../render/question.ts";
import { keyboard } from "../render/keyboard.ts";
import { rememberMessage } from "../session/message-log.ts";
import type { Session } from "../session/session.ts";
import { completedRecord } from "../survey/completed-record.ts";
import { citizenshipOf, cityOf } from "./person.ts";
import type { ConsentTexts } from "./runner.ts";
import { isActive } from "./status.ts";
import { offerSupport, sendEndOfInterviewOffer } from "./support-offers.ts";

/** Answers typed by hand are numbers; anything longer than this is not an answer. */
const MAX_TYPED_ANSWER = 12;

const nowSeconds = (ctx: BotContext) => Math.floor(ctx.deps.clock().getTime() / 1000);

/** The native study this update runs; only native sessions reach this module. */
function nativeOf(ctx: BotContext): NativeStudy {
  if (ctx.study.kind !== "native") throw new Error(`the native interview was asked to run the form study ${ctx.study.key}`);
  return ctx.study;
}

const definitionOf = (ctx: BotContext): Questionnaire => nativeOf(ctx).definition;

/** Sends the current question (or the end state) as a new message. */
export async function presentCurrent(ctx: BotContext, session: Session, note?: string): Promise<void> {
  const step = engine.describe(definitionOf(ctx), session.survey, ctx.env);
  if (note) await reply(ctx, session, note);
  await present(ctx, session, step);
}

async function reply(ctx: BotContext, session: Session | undefined, text: string, extra: Parameters<BotContext["reply"]>[1] = {}) {
  const message = await ctx.reply(text, extra);
  if (session) rememberMessage(session, message.message_id, nowSeconds(ctx));
  return message;
}

/**
 * Records the message now showing question `q`. An older copy of the same question loses its
 * buttons, so only one copy is ever live (a stale tap on it would only get a hint).
 */
async function showing(ctx: BotContext, session: Session, q: string, messageId: number): Promise<void> {
  const older = session.questionMessage;
  session.questionMessage = { q, id: messageId };
  if (older && older.q === q && older.id !== messageId) {
    await ctx.api.editMessageReplyMarkup(ctx.chat!.id, older.id, { reply_markup: undefined }).catch(() => undefined);
  }
}

/** Shows a step that is already persisted. */
async function present(ctx: BotContext, session: Session, step: StepResult): Promise<void> {
  const definition = definitionOf(ctx);
  switch (step.kind) {
    case "ask": {
      const rendered = renderQuestion(ctx.t, definition, step.question, step.state, step.progress, ctx.env, ctx.textParams);
      const message = await reply(ctx, session, rendered.text, { reply_markup: rendered.keyboard });
      await showing(ctx, session, step.question.id, message.message_id);
      session.shownAt = nowSeconds(ctx);
      return;
    }
    case "confirm": {
      const rendered = renderConfirmation(ctx.t, step.question, step.messageKey, ctx.textParams);
      const message = await reply(ctx, session, rendered.text, { reply_markup: rendered.keyboard });
      await showing(ctx, session, step.question.id, message.message_id);
      return;
    }
    case "completed":
      await reply(ctx, session, ctx.t("bot:flow.completed"));
      await sendEndOfInterviewOffer(ctx, session);
      return;
    case "ineligible":
      await reply(ctx, session, `${ctx.t(step.messageKey, ctx.textParams)}\n\n${ctx.t("bot:flow.ineligible_after")}`, {
        reply_markup: keyboard([[{ label: ctx.t("bot:buttons.help"), button: { kind: "help" } }]]),
      });
      return;
    case "rejected":
      return;
  }
}

/**
 * True when the interview waits at a question the person was never shown: the step was saved
 * but sending the question failed for good (Telegram down) or the process died in between.
 */
export function questionUnshown(ctx: BotContext, session: Session | undefined): session is Session {
  if (!isActive(session)) return false;
  const step = engine.describe(definitionOf(ctx), session.survey, ctx.env);
  if (step.kind !== "ask" && step.kind !== "confirm") return false;
  return session.questionMessage?.q !== step.question.id;
}

/**
 * Brings a question that was saved but never shown, once: the person's next contact of any
 * kind (except a command, which does its own job) gets exactly one live copy, nothing else.
 */
export async function resumeNativeQuestion(ctx: BotContext, next: () => Promise<void>): Promise<void> {
  const session = ctx.session;
  const isCommand = ctx.message?.text?.startsWith("/") ?? false;
  if (isCommand || !questionUnshown(ctx, session)) return next();
  if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => undefined);
  if (ctx.message) rememberMessage(session, ctx.message.message_id, nowSeconds(ctx));
  const lastKnown = session.questionMessage;
  await presentCurrent(ctx, session);
  ctx.session = session;
  if (!lastKnown) return;
  // The question answered last may still show its buttons (its closing edit was lost).
  const lastAnswer = session.survey.answers[lastKnown.q];
  if (lastAnswer !== undefined) await closeQuestionMessage(ctx, lastKnown.q, lastAnswer, lastKnown.id);
  else await ctx.api.editMessageReplyMarkup(ctx.chat!.id, lastKnown.id, { reply_markup: undefined }).catch(() => undefined);
  // A process that died right after sending the question left a copy the session never
  // learnt of. A private chat numbers its messages in one sequence, so such a copy lies
  // between the last message we know and the new one: take the buttons off those few.
  const shown = session.questionMessage?.id;
  if (shown === undefined || shown - lastKnown.id > ORPHAN_SEARCH) return;
  for (let id = lastKnown.id + 1; id < shown; id++) {
    await ctx.api.editMessageReplyMarkup(ctx.chat!.id, id, { reply_markup: undefined }).catch(() => undefined);
  }
}

/** How many message ids back a resumed question looks for an orphaned live copy. */
const ORPHAN_SEARCH = 8;

/** Closes the answered question's message: its text plus the answer, no buttons. */
async function closeQuestionMessage(ctx: BotContext, questionId: string, value: Answer | undefined, messageId: number | undefined) {
  const question = engine.findQuestion(definitionOf(ctx), questionId);
  if (!question || messageId === undefined) return;
  const answered = renderAnswered(ctx.t, question, value, ctx.textParams);
  await ctx.api.editMessageText(ctx.chat!.id, messageId, answered.text, { reply_markup: undefined }).catch((error: unknown) => {
    // An old message may be gone or unchanged; the answer is stored either way.
    ctx.deps.logger.debug({ err: error }, "could not close an answered question");
  });
}

/** The message that showed `q`, when we know it: the pressed one, or the last one sent. */
function questionMessageId(ctx: BotContext, session: Session, q: string): number | undefined {
  if (ctx.callbackQuery?.message) return ctx.callbackQuery.message.message_id;
  return session.questionMessage?.q === q ? session.questionMessage.id : undefined;
}

/** Keeps only what must stay after an interview ends: never the answers of a finished or screened-out person. */
function afterTheEnd(session: Session, step: StepResult, day: string, city: string | undefined, citizenship: string | undefined): Session {
  const { questionMessage: _q, shownAt: _s, ...base } = session;
  const rest = { ...base, ...(city ? { city } : {}), ...(citizenship ? { citizenship } : {}) };
  if (step.kind === "completed") return { ...rest, survey: { ...step.state, answers: {} }, completedOn: day, pace: [] };
  if (step.kind === "ineligible") return { ...rest, survey: { ...step.state, answers: {} }, pace: [] };
  return session;
}

/** Applies an engine step to the session: persist first, then reply. */
async function applyStep(ctx: BotContext, session: Session, step: StepResult, answeredQ: string): Promise<void> {
  const definition = definitionOf(ctx);
  const funnel = ctx.deps.funnels.of(ctx.study.key);
  const records = ctx.deps.records.of(ctx.study.key);
  if (step.kind === "rejected") return rejected(ctx, session, step.rejection);

  const before = session.survey;
  const wasEligible = engine.screeningPassed(definition, before, ctx.env);
  let next: Session = { ...session, survey: step.state };
  const elapsed = session.shownAt !== undefined ? Math.min(3600, Math.max(0, nowSeconds(ctx) - session.shownAt)) : undefined;
  if (step.kind !== "confirm" && elapsed !== undefined) next.pace = [...session.pace, elapsed].slice(-400);

  const day = kazakhstanDay(ctx.deps.clock());
  let completed: { record: CompletedRecord; durationSeconds: number } | undefined;
  if (step.kind === "completed") {
    const record = completedRecord(ctx, nativeOf(ctx), next, step.state.answers, day);
    // A redelivered update finds the record already there: it was counted the first time.
    if (await records.append(record)) completed = { record, durationSeconds: next.pace.reduce((a, b) => a + b, 0) };
  }
  const stored = afterTheEnd(next, step, day, cityOf(ctx, step.state), citizenshipOf(ctx, step.state));
  await ctx.commit(stored);
  next = stored;

  // Aggregates are counted after the answer is safe; a lost increment costs a statistic, not an answer.
  if (step.kind !== "confirm") ctx.deps.metrics.answer();
  if (step.kind === "ineligible") ctx.deps.metrics.interview("ineligible");
  if (!wasEligible && engine.screeningPassed(definition, step.state, ctx.env)) await funnel.count(session.source, "eligible");
  if (step.kind === "completed") await funnel.count(session.source, "completed");
  if (completed) await ctx.deps.dashboard?.store.completed(completed).catch((error: unknown) => ctx.deps.logger.warn({ err: error, event: "dashboard_count_failed" }, "a dashboard counter was not updated"));
  const nextQ = step.kind === "ask" || step.kind === "confirm" ? step.question.id : undefined;
  // Consent is answered before anyone is counted at a question, so nobody leaves it.
  const fromQ = answeredQ === definition.consent.question ? undefined : answeredQ;
  if (nextQ !== answeredQ) await funnel.moved(session.source, fromQ, nextQ);

  if (step.kind !== "confirm") {
    await closeQuestionMessage(ctx, answeredQ, step.state.answers[answeredQ], questionMessageId(ctx, session, answeredQ));
  }
  if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => undefined);
  if (step.kind === "ask" || step.kind === "completed") {
    for (const event of step.events) if (event.type === "need_signalled") await offerSupport(ctx, next, event.need);
  }
  await present(ctx, next, step);
  ctx.session = next;
}

/** The localized hint for a refused answer; stale, forged and conflicting presses read alike. */
function hintFor(ctx: BotContext, rejection: engine.Rejection): string {
  const t = ctx.t;
  switch (rejection.code) {
    case "not_current":
    case "unknown_option":
    case "exclusive_conflict":
      return t("bot:hint.stale_button");
    case "finished":
      return t("bot:hint.finished");
    case "too_many":
      return t("bot:hint.too_many", { count: rejection.params?.max ?? 0 });
    case "empty_selection":
      return t("bot:hint.pick_one_first");
    case "not_a_number":
      return t("bot:hint.not_a_number", { example: 3 });
    case "out_of_range":
      return t("bot:hint.out_of_range", { min: rejection.params?.min ?? 0, max: rejection.params?.max ?? 0 });
    case "nothing_to_go_back_to":
      return t("bot:hint.nothing_to_go_back");
  }
}

/** Says briefly why an answer was refused, in the person's language, and shows the question again if it moved on. */
async function rejected(ctx: BotContext, session: Session, rejection: engine.Rejection): Promise<void> {
  const hint = hintFor(ctx, rejection);
  const showAgain = rejection.code === "not_current" || rejection.code === "unknown_option" || rejection.code === "exclusive_conflict";
  if (ctx.callbackQuery) {
    await ctx.answerCallbackQuery({ text: hint, show_alert: false }).catch(() => undefined);
    if (showAgain) await presentCurrent(ctx, session);
  } else {
    await reply(ctx, session, hint);
    if (showAgain) await presentCurrent(ctx, session);
  }
}

/** Records an answer to the current question. */
export async function submitAnswer(ctx: BotContext, session: Session, q: string, value: Answer, confirmed = false): Promise<void> {
  const step = engine.answer(definitionOf(ctx), session.survey, { q, value, confirmed }, ctx.env);
  await applyStep(ctx, session, step, q);
}

export async function goBack(ctx: BotContext, session: Session): Promise<void> {
  const current = engine.currentQuestion(definitionOf(ctx), session.survey, ctx.env)?.id;
  const step = engine.back(definitionOf(ctx), session.survey, ctx.env);
  if (step.kind === "rejected") return rejected(ctx, session, step.rejection);
  const next: Session = { ...session, survey: step.state };
  await ctx.commit(next);
  // The question left was not answered: it loses its buttons, and shows no answer line.
  if (current && session.questionMessage?.q === current) {
    await ctx.api.editMessageReplyMarkup(ctx.chat!.id, session.questionMessage.id, { reply_markup: undefined }).catch(() => undefined);
  }
  if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => undefined);
  await present(ctx, next, step);
  ctx.session = next;
}

/** The person's answer to a soft check: keep the answer, or retract it and ask again. */
export async function confirmAnswer(ctx: BotContext, session: Session, q: string, yes: boolean): Promise<void> {
  if (session.survey.unconfirmed?.q !== q) return rejected(ctx, session, { code: "not_current" });
  if (yes) return submitAnswer(ctx, session, q, session.survey.unconfirmed.value, true);
  const step = engine.retract(definitionOf(ctx), session.survey, ctx.env);
  const next = { ...session, survey: step.state };
  await ctx.commit(next);
  await ctx.answerCallbackQuery().catch(() => undefined);
  await present(ctx, next, step);
  ctx.session = next;
}

/** Back from question `q`, if it is still the current one. */
export async function backFrom(ctx: BotContext, session: Session, q: string): Promise<void> {
  const current = engine.currentQuestion(definitionOf(ctx), session.survey, ctx.env);
  if (current?.id !== q) return rejected(ctx, session, { code: "not_current" });
  return goBack(ctx, session);
}

/** Ticks or unticks an option of a multi-select; Done submits the ticked ones. */
export async function toggleOption(ctx: BotContext, session: Session, q: string, code: string): Promise<void> {
  const definition = definitionOf(ctx);
  const result = engine.toggle(definition, session.survey, q, code, ctx.env);
  if (result.kind === "rejected") return rejected(ctx, session, result.rejection);
  const next = { ...session, survey: result.state };
  await ctx.commit(next);
  ctx.session = next;
  const question = engine.findQuestion(definition, q)!;
  const step = engine.describe(definition, result.state, ctx.env);
  if (step.kind === "ask") {
    const rendered = renderQuestion(ctx.t, definition, question, result.state, step.progress, ctx.env, ctx.textParams);
    await ctx.editMessageReplyMarkup({ reply_markup: rendered.keyboard }).catch(() => undefined);
  }
  await ctx.answerCallbackQuery({ text: answerLabel(ctx.t, question, result.selected) }).catch(() => undefined);
}

/** Done on a multi-select: the ticked options are the answer. */
export async function submitTicked(ctx: BotContext, session: Session, q: string): Promise<void> {
  return submitAnswer(ctx, session, q, session.survey.draft?.q === q ? session.survey.draft.codes : []);
}

/**
 * Typed text during the interview: numbers and years are answers; anything else gets a hint
 * and the question again. False when there is no current question (the text is not ours).
 */
export async function typedAnswer(ctx: BotContext, session: Session, typed: string, messageId: number): Promise<boolean> {
  const question = engine.currentQuestion(definitionOf(ctx), session.survey, ctx.env);
  if (!question) return false;
  const text = typed.trim();
  rememberMessage(session, messageId, nowSeconds(ctx));
  if (question.type !== "number" && question.type !== "year") {
    await reply(ctx, session, ctx.t(text.length > 1000 ? "bot:hint.too_long" : "bot:hint.use_buttons"));
    await presentCurrent(ctx, session);
    return true;
  }
  const digits = text.replace(/[\s.,]/g, "");
  if (text.length > MAX_TYPED_ANSWER || !/^\d+$/.test(digits)) {
    const example = question.type === "year" ? ctx.env.currentYear - 2 : 3;
    await reply(ctx, session, ctx.t("bot:hint.not_a_number", { example }));
    return true;
  }
  await submitAnswer(ctx, session, question.id, Number(digits));
  return true;
}

/** Where the person stands, for "welcome back": question n of about m. */
export function progressOf(ctx: BotContext, session: Session): { position: number; total: number } {
  return engine.progress(definitionOf(ctx), session.survey, ctx.env);
}

/** A new native interview, once the person agreed: the engine's first state. */
export function startState(study: NativeStudy): Session["survey"] {
  return engine.start(study.definition);
}

/** Records the consent answer, which starts the interview and shows its first question. */
export async function beginAfterConsent(ctx: BotContext, session: Session): Promise<void> {
  const { consent } = definitionOf(ctx);
  await submitAnswer(ctx, session, consent.question, consent.agree);
}

/** The consent question's text and its agree/decline option labels, in `lang`. */
export function consentTexts(ctx: BotContext, t: TFunction, params: TextParams): ConsentTexts {
  const definition = definitionOf(ctx);
  const question = engine.findQuestion(definition, definition.consent.question)!;
  const options = question.options ?? [];
  const agree = options.find((o) => o.code === definition.consent.agree);
  const decline = options.find((o) => o.code !== definition.consent.agree);
  return {
    text: t(question.textKey, params),
    agree: agree ? t(agree.labelKey) : "",
    decline: decline ? t(decline.labelKey) : "",
    order: options.map((o) => (o.code === definition.consent.agree ? "agree" : "decline")),
  };
}
