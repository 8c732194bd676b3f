/**
 * Form studies in the chat: a thin adapter between Telegram updates and `form-turn.ts`.
 *
 * Every change follows the native interview's order: compute the turn, persist it
 * (ctx.commit), then reply. A completed interview appends the record to its study's store
 * before the session forgets the answers.
 */
import { createHash } from "node:crypto";
import { Composer } from "grammy";
import type { FormEnvironment } from "../../flows/form-engine.ts";
import { emptyFormState } from "../../flows/form-engine.ts";
import { STATE_FORMAT } from "../../flows/state.ts";
import { kazakhstanDay } from "../../records/record.ts";
import type { FormStudy } from "../../studies/study.ts";
import { decodeButton } from "../callback-data.ts";
import type { BotContext } from "../context.ts";
import type { RenderedMessage } from "../render/question.ts";
import { rememberMessage } from "../session/message-log.ts";
import type { Session } from "../session/session.ts";
import { formLanguageFor } from "./form-language.ts";
import { formRecord } from "./form-record.ts";
import { formTurn, isFormButton, showCurrent, stopOf, type FormInput, type FormTurn } from "./form-turn.ts";
import { splitForTelegram, type FormAudience } from "./render.ts";

const nowSeconds = (ctx: BotContext) => Math.floor(ctx.deps.clock().getTime() / 1000);

export const formStudyOf = (ctx: BotContext): FormStudy | undefined => (ctx.study.kind === "form" ? ctx.study : undefined);

export function formAudience(ctx: BotContext, study: FormStudy): FormAudience {
  return { study: study.key, form: study.form, t: ctx.t, language: formLanguageFor(study.form, ctx.lang), today: kazakhstanDay(ctx.deps.clock()) };
}

/**
 * The engine's environment: the person's day for today(), and an interview id for uuid() that
 * stays the same across updates (derived from the chat's pseudonym and the study, so it names
 * nobody).
 */
export function formEnvironment(ctx: BotContext, study: FormStudy): FormEnvironment {
  const hex = createHash("sha256").update(`form-instance\u0000${ctx.chatKey}\u0000${study.key}`).digest("hex");
  const instanceId = `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
  return { today: kazakhstanDay(ctx.deps.clock()), instanceId };
}

/** The session of a new form interview, once the person agreed (their native `survey` stays unused). */
export function newFormSession(study: FormStudy): Pick<Session, "survey" | "form" | "study"> {
  return {
    study: study.key,
    survey: { format: STATE_FORMAT, version: 1, status: "active", answers: {} },
    form: { state: emptyFormState(), status: "active" },
  };
}

async function reply(ctx: BotContext, session: Session | undefined, text: string, extra: Parameters<BotContext["reply"]>[1] = {}) {
  const message = await ctx.reply(text, extra);
  if (session) rememberMessage(session, message.message_id, nowSeconds(ctx));
  return message;
}

/** Sends the current step (or the end) as a new message; only one copy of a step keeps its buttons. */
export async function presentFormStep(ctx: BotContext, session: Session, note?: string): Promise<void> {
  const study = formStudyOf(ctx);
  if (!study || !session.form) return;
  if (note) await reply(ctx, session, note);
  const shown = showCurrent(formAudience(ctx, study), formEnvironment(ctx, study), session.form.state);
  await show(ctx, session, shown.message, shown.fp);
}

async function show(ctx: BotContext, session: Session, message: RenderedMessage | undefined, fp: string | undefined): Promise<void> {
  if (!message || fp === undefined) {
    await reply(ctx, session, ctx.t("form:completed"));
    return;
  }
  // A text longer than one message (a long note) goes first; the last part carries the buttons.
  const parts = splitForTelegram(message.text);
  for (const part of parts.slice(0, -1)) await reply(ctx, session, part);
  const sent = await reply(ctx, session, parts.at(-1)!, message.keyboard ? { reply_markup: message.keyboard } : {});
  const older = session.questionMessage;
  session.questionMessage = { q: fp, id: sent.message_id };
  session.shownAt = nowSeconds(ctx);
  if (older && older.q === fp && older.id !== sent.message_id) {
    await ctx.api.editMessageReplyMarkup(ctx.chat!.id, older.id, { reply_markup: undefined }).catch(() => undefined);
  }
}

/** Right after "I agree": saves the new interview and shows its first question. */
export async function beginFormInterview(ctx: BotContext, session: Session): Promise<void> {
  await ctx.commit(session);
  const study = formStudyOf(ctx);
  if (study && session.form) {
    // From here the person is counted at the form's first step, as the native interview counts them after consent.
    const { step } = showCurrent(formAudience(ctx, study), formEnvironment(ctx, study), session.form.state);
    await ctx.deps.funnels.of(study.key).moved(session.source, undefined, stopOf(step));
  }
  await presentFormStep(ctx, session);
  ctx.session = session;
}

/** Question n of about m, for "welcome back". */
export function formProgress(ctx: BotContext, session: Session): { position: number; total: number } {
  const study = formStudyOf(ctx);
  if (!study || !session.form) return { position: 1, total: 1 };
  const { step } = showCurrent(formAudience(ctx, study), formEnvironment(ctx, study), session.form.state);
  const total = Math.max(1, step.progress.answered + step.progress.remaining);
  return { position: Math.min(step.progress.answered + 1, total), total };
}

/** Whether an active form interview waits at a step the person was never shown. */
function formStepUnshown(ctx: BotContext, session: Session | undefined): session is Session {
  const study = formStudyOf(ctx);
  if (!study || session?.form?.status !== "active") return false;
  const { fp } = showCurrent(formAudience(ctx, study), formEnvironment(ctx, study), session.form.state);
  return fp !== undefined && session.questionMessage?.q !== fp;
}

/** Brings back, once, a step that was saved but never shown (Telegram down, or a crash in between). */
export async function resumeUnshownFormStep(ctx: BotContext, next: () => Promise<void>): Promise<void> {
  const session = ctx.session;
  const isCommand = ctx.message?.text?.startsWith("/") ?? false;
  if (isCommand || !formStepUnshown(ctx, session)) return next();
  if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => undefined);
  const lastKnown = session.questionMessage;
  await presentFormStep(ctx, session);
  ctx.session = session;
  // The message answered last may still show its buttons (its closing edit was lost).
  if (lastKnown) await ctx.api.editMessageReplyMarkup(ctx.chat!.id, lastKnown.id, { reply_markup: undefined }).catch(() => undefined);
}

/** The message the turn answered: the pressed one, or the one known to show that step. */
function answeredMessageId(ctx: BotContext, session: Session, fp: string): number | undefined {
  if (ctx.callbackQuery?.message) return ctx.callbackQuery.message.message_id;
  return session.questionMessage?.q === fp ? session.questionMessage.id : undefined;
}

/** Carries one turn out: persist first, then close the answered message and show the next step. */
async function applyTurn(ctx: BotContext, session: Session, study: FormStudy, turn: FormTurn): Promise<void> {
  switch (turn.kind) {
    case "finished": {
      const text = ctx.t("bot:hint.finished");
      if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text }).catch(() => undefined);
      else await reply(ctx, session, text);
      return;
    }
    case "refused": {
      if (ctx.callbackQuery) await ctx.answerCallbackQuery({ text: turn.text, show_alert: false }).catch(() => undefined);
      else await reply(ctx, session, turn.text);
      if (turn.showAgain) await presentFormStep(ctx, session);
      ctx.session = session;
      return;
    }
    case "redrawn": {
      // Nothing to save: ticks and the page live in the message's own buttons until Done.
      if (turn.textChanged) await ctx.editMessageText(turn.message.text, { reply_markup: turn.message.keyboard }).catch(() => undefined);
      else await ctx.editMessageReplyMarkup({ reply_markup: turn.message.keyboard }).catch(() => undefined);
      await ctx.answerCallbackQuery(turn.toast ? { text: turn.toast } : {}).catch(() => undefined);
      return;
    }
    case "moved":
      break;
  }
  const completed = turn.step.kind === "completed";
  const elapsed = session.shownAt !== undefined ? Math.min(3600, Math.max(0, nowSeconds(ctx) - session.shownAt)) : undefined;
  let next: Session = { ...session, form: { state: turn.state, status: completed ? "completed" : "active" } };
  if (elapsed !== undefined && turn.closed) next.pace = [...session.pace, elapsed].slice(-400);
  let appended = false;
  if (completed) {
    const day = kazakhstanDay(ctx.deps.clock());
    const record = formRecord({ study, state: turn.state, env: formEnvironment(ctx, study), pseudonym: ctx.deps.pseudonyms.respondent(ctx.from!.id), lang: session.lang, day, source: session.source });
    // A redelivered update finds the record already there: it was counted the first time.
    appended = await ctx.deps.records.of(study.key).append(record);
    // A finished interview keeps no answers, only that it is finished.
    const { questionMessage: _q, shownAt: _s, ...rest } = next;
    next = { ...rest, form: { state: emptyFormState(), status: "completed" }, completedOn: day, pace: [] };
  }
  await ctx.commit(next);

  ctx.deps.metrics.answer();
  const funnel = ctx.deps.funnels.of(study.key);
  if (appended) {
    ctx.deps.metrics.interview("completed");
    await funnel.count(session.source, "completed");
  }
  const [from, to] = [stopOf(turn.previous), stopOf(turn.step)];
  if (from !== to) await funnel.moved(session.source, from, to);
  const messageId = answeredMessageId(ctx, session, turn.previousFp);
  if (messageId !== undefined) {
    if (turn.closed) {
      await ctx.api.editMessageText(ctx.chat!.id, messageId, turn.closed.text, { reply_markup: undefined }).catch((error: unknown) => {
        ctx.deps.logger.debug({ err: error }, "could not close an answered question");
      });
    } else {
      // Back: the step left was not answered; it only loses its buttons.
      await ctx.api.editMessageReplyMarkup(ctx.chat!.id, messageId, { reply_markup: undefined }).catch(() => undefined);
    }
  }
  if (ctx.callbackQuery) await ctx.answerCallbackQuery().catch(() => undefined);
  await show(ctx, next, turn.next.message, turn.next.fp);
  ctx.session = next;
}

/** The active form interview of this update, if the update belongs to one. */
function activeForm(ctx: BotContext): { session: Session; study: FormStudy } | undefined {
  const study = formStudyOf(ctx);
  const session = ctx.session;
  if (!study || !session?.form || (session.study !== undefined && session.study !== study.key)) return undefined;
  return { session, study };
}

async function take(ctx: BotContext, input: FormInput): Promise<void> {
  const active = activeForm(ctx)!;
  const turn = formTurn(formAudience(ctx, active.study), formEnvironment(ctx, active.study), active.session.form!.state, input);
  await applyTurn(ctx, active.session, active.study, turn);
}

export const formInterview = new Composer<BotContext>();

/** Buttons of a form's questions. */
formInterview.on("callback_query:data", async (ctx, next) => {
  const button = decodeButton(ctx.callbackQuery.data);
  if (!isFormButton(button)) return next();
  const active = activeForm(ctx);
  if (!active) {
    // A form's button where no form interview runs: an old message, or another study's.
    const text = ctx.t(ctx.session ? "bot:hint.stale_button" : "bot:hint.not_started");
    await ctx.answerCallbackQuery({ text }).catch(() => undefined);
    return;
  }
  if (active.session.form!.status !== "active") {
    await ctx.answerCallbackQuery({ text: ctx.t("bot:hint.finished") }).catch(() => undefined);
    return;
  }
  return take(ctx, { kind: "press", button });
});

/** Typed answers (numbers, dates, text); at a select, a hint to use the buttons. */
formInterview.on("message:text", async (ctx, next) => {
  const active = activeForm(ctx);
  if (!active || active.session.form!.status !== "active" || ctx.message.text.startsWith("/")) return next();
  rememberMessage(active.session, ctx.message.message_id, nowSeconds(ctx));
  return take(ctx, { kind: "text", text: ctx.message.text });
});
