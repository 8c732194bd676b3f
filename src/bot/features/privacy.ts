/**
 * What the person controls: /privacy says what is kept, /delete removes it after a
 * confirmation, "clear this chat" deletes the chat's messages (Telegram allows it for 48 hours),
 * and /stop pauses.
 */
import { Composer } from "grammy";
import { decodeButton } from "../callback-data.ts";
import type { BotContext } from "../context.ts";
import { keyboard } from "../render/keyboard.ts";
import { deletableMessages } from "../session/message-log.ts";
import type { Session } from "../session/session.ts";
import { remindersOnStop } from "../../reminders/reminder-feature.ts";

const DELETE_BATCH = 100; // deleteMessages takes at most 100 ids

/** How long a /delete question can be answered; its buttons do nothing after that. */
const DELETE_QUESTION_SECONDS = 3600;

/**
 * Deletes this chat's messages under 48 hours old, before and after consent, with or without a
 * session; returns how many ids were sent for deletion.
 */
export async function clearChat(ctx: BotContext, session: Session | undefined): Promise<number> {
  if (!ctx.chat) return 0;
  const now = Math.floor(ctx.deps.clock().getTime() / 1000);
  const lastId = ctx.callbackQuery?.message?.message_id ?? ctx.message?.message_id ?? 0;
  const tracked = await ctx.deps.chatMessages.deletable(ctx.chatKey, now, lastId);
  const ids = [...new Set([...(session ? deletableMessages(session, now, lastId) : []), ...tracked])].sort((a, b) => a - b);
  for (let i = 0; i < ids.length; i += DELETE_BATCH) {
    await ctx.api.deleteMessages(ctx.chat.id, ids.slice(i, i + DELETE_BATCH)).catch((error: unknown) => {
      ctx.deps.logger.warn({ err: error, event: "clear_chat_failed" }, "some messages could not be deleted");
    });
  }
  await ctx.deps.chatMessages.forget(ctx.chatKey);
  return ids.length;
}

/** Where the id of the message that asked "/delete?" is kept, so only its buttons act. */
const deleteQuestionKey = (ctx: BotContext) => `${ctx.deps.config.REDIS_PREFIX}delete-question:${ctx.chatKey}`;

export const privacy = new Composer<BotContext>();

privacy.command("privacy", async (ctx) => {
  const { SESSION_TTL_DAYS, RETENTION_DAYS } = ctx.deps.config;
  await ctx.reply(ctx.t("bot:privacy.text", { retentionDays: RETENTION_DAYS, sessionDays: SESSION_TTL_DAYS }));
});

privacy.command("stop", async (ctx) => {
  await ctx.reply(ctx.t("bot:flow.paused"));
  await remindersOnStop(ctx);
});

privacy.command("delete", async (ctx) => {
  const pseudonym = ctx.deps.pseudonyms.respondent(ctx.from!.id);
  const hasRecord = (await Promise.all(ctx.deps.records.all().map((records) => records.has(pseudonym)))).some(Boolean);
  // A session of another study the person is in counts too.
  const hasParked = (await ctx.deps.sessions.parkedCount(ctx.chatKey, ctx.deps.studies.all().map((study) => study.key))) > 0;
  // With nothing stored the chat itself may still be on the phone: offer to clear it.
  const question = !ctx.session && !hasRecord && !hasParked
    ? await ctx.reply(`${ctx.t("bot:delete.nothing")}\n\n${ctx.t("bot:delete.clear_offer")}`, {
        reply_markup: keyboard([
          [{ label: ctx.t("bot:buttons.clear_chat"), button: { kind: "deleteData", choice: "delete_clear" } }],
          [{ label: ctx.t("bot:buttons.delete_no"), button: { kind: "deleteData", choice: "keep" } }],
        ]),
      })
    : await ctx.reply(`${ctx.t("bot:delete.confirm")}\n\n${ctx.t("bot:delete.clear_offer")}`, {
        reply_markup: keyboard([
          [{ label: ctx.t("bot:buttons.delete_yes"), button: { kind: "deleteData", choice: "delete" } }],
          [{ label: ctx.t("bot:buttons.delete_and_clear"), button: { kind: "deleteData", choice: "delete_clear" } }],
          [{ label: ctx.t("bot:buttons.delete_no"), button: { kind: "deleteData", choice: "keep" } }],
        ]),
      });
  // The buttons act only on this message: a forged or stale "delete" press deletes nothing.
  await ctx.deps.redis.set(deleteQuestionKey(ctx), String(question.message_id), "EX", DELETE_QUESTION_SECONDS);
});

privacy.on("callback_query:data", async (ctx, next) => {
  const button = decodeButton(ctx.callbackQuery.data);
  if (button?.kind === "clearChat") {
    const count = await clearChat(ctx, ctx.session);
    if (ctx.session) await ctx.commit({ ...ctx.session, messages: [] });
    ctx.deps.logger.info({ event: "chat_cleared", count }, "chat cleared on request");
    // A short notice that leaves nothing in the chat: a message would be one more to hide.
    await ctx.answerCallbackQuery({ text: ctx.t("bot:delete.cleared", { count }), show_alert: true }).catch(() => undefined);
    return;
  }
  if (button?.kind !== "deleteData") return next();
  const key = deleteQuestionKey(ctx);
  const asked = await ctx.deps.redis.get(key);
  if (asked === null || asked !== String(ctx.callbackQuery.message?.message_id)) {
    // Not the message that asked, or asked too long ago: nothing is deleted.
    ctx.deps.logger.info({ event: "delete_refused" }, "a delete button not bound to the current /delete question");
    await ctx.answerCallbackQuery({ text: ctx.t("bot:delete.kept") }).catch(() => undefined);
    return;
  }
  await ctx.deps.redis.del(key);
  if (button.choice === "keep") {
    await ctx.answerCallbackQuery().catch(() => undefined);
    await ctx.editMessageText(ctx.t("bot:delete.kept")).catch(() => undefined);
    return;
  }
  const session = ctx.session;
  const pseudonym = ctx.deps.pseudonyms.respondent(ctx.from.id);
  // Read first, so the dashboard's counters can lose this interview once the record is gone.
  const counted = await ctx.deps.dashboard?.recordOf(pseudonym).catch(() => undefined);
  // Every study's record of this person, and the sessions of the studies the chat is not in now.
  const deletedRecord = (await Promise.all(ctx.deps.records.all().map((records) => records.deleteOf(pseudonym)))).some(Boolean);
  const deletedParked = await ctx.deps.sessions.deleteParked(ctx.chatKey, ctx.deps.studies.all().map((study) => study.key));
  if (deletedRecord && counted) await ctx.deps.dashboard?.store.forget(counted).catch((error: unknown) => ctx.deps.logger.warn({ err: error, event: "dashboard_count_failed" }, "a dashboard counter was not updated"));
  const deletedSession = (await ctx.discard()) || deletedParked > 0;
  ctx.deps.logger.info({ event: "data_deleted", record: deletedRecord, session: deletedSession }, "data deleted on request");
  const outcome = ctx.t(deletedRecord || deletedSession ? "bot:delete.done" : "bot:delete.nothing");
  if (button.choice === "delete_clear") {
    await clearChat(ctx, session);
    // Said in a notice, not a message, so the chat is left empty.
    await ctx.answerCallbackQuery({ text: outcome, show_alert: true }).catch(() => undefined);
    return;
  }
  await ctx.answerCallbackQuery().catch(() => undefined);
  await ctx.editMessageText(ctx.t(deletedRecord || deletedSession ? "bot:delete.done" : "bot:delete.nothing")).catch(() => undefined);
});
