/**
 * The bot side of reminders: watching activity, the question after /stop, and the buttons on
 * the question and on a reminder. Registered once in create-bot.ts, after the session is loaded.
 */
import { Composer } from "grammy";
import type { BotContext } from "../bot/context.ts";
import { decodeButton } from "../bot/callback-data.ts";
import { isActive, welcomeBack } from "../bot/interview/interview.ts";
import { isCompleted } from "../bot/interview/status.ts";
import { offerMessage } from "./reminder-messages.ts";

export const reminders = new Composer<BotContext>();

/**
 * After each update: an active interview marks its activity (not awaited: it rides in the same
 * auto-pipelined write as the session's release); one that just ended (completed, screened out,
 * deleted) is forgotten, chat id and pending reminders with it; so is anyone who blocks the bot.
 */
reminders.use(async (ctx, next) => {
  const service = ctx.deps.reminders;
  if (!service || ctx.chat?.type !== "private") return next();
  const wasActive = isActive(ctx.session);
  await next();
  if (!countsAsActivity(ctx)) return;
  const session = ctx.session;
  const completed = session !== undefined && isCompleted(session);
  const { logger } = ctx.deps;
  if (ctx.myChatMember?.new_chat_member.status === "kicked") {
    await service.forget(ctx.chatKey, false).catch((err: unknown) => logger.warn({ err, event: "reminder_forget_failed" }, "could not forget reminders"));
  } else if (isActive(session)) {
    service.touch(ctx.chatKey, ctx.chat.id, session.lang).catch((err: unknown) => logger.warn({ err, event: "reminder_touch_failed" }, "could not note activity"));
  } else if (wasActive) {
    await service.forget(ctx.chatKey, completed).catch((err: unknown) => logger.warn({ err, event: "reminder_forget_failed" }, "could not forget reminders"));
  }
});

/**
 * /stop and the answers to the reminder question are not a return to the interview: counting
 * them would cancel the reminder they just planned.
 */
function countsAsActivity(ctx: BotContext): boolean {
  if (ctx.message?.text?.startsWith("/stop")) return false;
  const kind = decodeButton(ctx.callbackQuery?.data)?.kind;
  return kind !== "reminderOffer" && kind !== "reminderStop";
}

/** /stop during an interview: ask about reminders once; for someone who said yes, plan the next one. */
export async function remindersOnStop(ctx: BotContext): Promise<void> {
  const service = ctx.deps.reminders;
  if (!service || !isActive(ctx.session)) return;
  if (await service.mayAsk(ctx.chatKey)) {
    const offer = offerMessage(ctx.t);
    await ctx.reply(offer.text, { reply_markup: offer.reply_markup });
    await service.markOffered(ctx.chatKey);
    return;
  }
  await service.paused(ctx.chatKey);
}

/** One line for /stats: totals, never per person. */
export async function reminderStatsLine(ctx: BotContext): Promise<string | undefined> {
  const service = ctx.deps.reminders;
  if (!service) return undefined;
  const counts = await service.counts();
  return ctx.t("reminders:stats", { sent: counts.sent, returned: counts.returned, completed: counts.completed });
}

reminders.on("callback_query:data", async (ctx, next) => {
  const button = decodeButton(ctx.callbackQuery.data);
  const service = ctx.deps.reminders;
  if (!service || (button?.kind !== "reminderOffer" && button?.kind !== "reminderContinue" && button?.kind !== "reminderStop")) return next();
  await ctx.answerCallbackQuery().catch(() => undefined);
  // Whatever was pressed, this message's buttons have done their job.
  const closeWith = (text: string) => ctx.editMessageText(text, { reply_markup: undefined }).catch(() => undefined);
  const session = ctx.session;

  if (button.kind === "reminderStop") {
    await service.stop(ctx.chatKey);
    await closeWith(ctx.t("reminders:stopped"));
    return;
  }
  if (!isActive(session)) {
    await service.forget(ctx.chatKey, false);
    await closeWith(ctx.t(session ? "bot:hint.finished" : "bot:hint.not_started"));
    return;
  }
  if (button.kind === "reminderOffer") {
    const changed = await service.answer(ctx.chatKey, ctx.chat!.id, session.lang, button.choice);
    if (changed) await closeWith(ctx.t(`reminders:answer.${button.choice}`));
    else await ctx.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => undefined);
    return;
  }
  // Continue: the current question comes back, and only the new copy keeps its buttons.
  await ctx.editMessageReplyMarkup({ reply_markup: undefined }).catch(() => undefined);
  const old = session.questionMessage;
  if (old) await ctx.api.editMessageReplyMarkup(ctx.chat!.id, old.id, { reply_markup: undefined }).catch(() => undefined);
  await welcomeBack(ctx, session);
});
