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

/** Deletes this chat's messages under 48 hours old; returns how many ids were sent for deletion. */
export async function clearChat(ctx: BotContext, session: Session | undefined): Promise<number> {
  if (!session || !ctx.chat) return 0;
  const now = Math.floor(ctx.deps.clock().getTime() / 1000);
  const lastId = ctx.callbackQuery?.message?.message_id ?? ctx.message?.message_id ?? 0;
  const ids = deletableMessages(session, now, lastId);
  for (let i = 0; i < ids.length; i += DELETE_BATCH) {
    await ctx.api.deleteMessages(ctx.chat.id, ids.slice(i, i + DELETE_BATCH)).catch((error: unknown) => {
      ctx.deps.logger.warn({ err: error, event: "clear_chat_failed" }, "some messages could not be deleted");
    });
  }
  return ids.length;
}

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
  const hasRecord = await ctx.deps.records.has(pseudonym);
  if (!ctx.session && !hasRecord) {
    await ctx.reply(ctx.t("bot:delete.nothing"));
    return;
  }
  await ctx.reply(`${ctx.t("bot:delete.confirm")}\n\n${ctx.t("bot:delete.clear_offer")}`, {
    reply_markup: keyboard([
      [{ label: ctx.t("bot:buttons.delete_yes"), button: { kind: "deleteData", choice: "delete" } }],
      [{ label: ctx.t("bot:buttons.delete_and_clear"), button: { kind: "deleteData", choice: "delete_clear" } }],
      [{ label: ctx.t("bot:buttons.delete_no"), button: { kind: "deleteData", choice: "keep" } }],
    ]),
  });
});

privacy.on("callback_query:data", async (ctx, next) => {
  const button = decodeButton(ctx.callbackQuery.data);
  if (button?.kind === "clearChat") {
    await ctx.answerCallbackQuery().catch(() => undefined);
    const count = await clearChat(ctx, ctx.session);
    if (ctx.session) await ctx.commit({ ...ctx.session, messages: [] });
    ctx.deps.logger.info({ event: "chat_cleared", count }, "chat cleared on request");
    // One short line, so the person knows it worked; it says nothing about the survey.
    await ctx.reply(ctx.t("bot:delete.cleared", { count }));
    return;
  }
  if (button?.kind !== "deleteData") return next();
  await ctx.answerCallbackQuery().catch(() => undefined);
  if (button.choice === "keep") {
    await ctx.editMessageText(ctx.t("bot:delete.kept")).catch(() => undefined);
    return;
  }
  const session = ctx.session;
  const deletedRecord = await ctx.deps.records.deleteOf(ctx.deps.pseudonyms.respondent(ctx.from.id));
  const deletedSession = await ctx.discard();
  ctx.deps.logger.info({ event: "data_deleted", record: deletedRecord, session: deletedSession }, "data deleted on request");
  if (button.choice === "delete_clear") {
    await clearChat(ctx, session);
    await ctx.reply(ctx.t(deletedRecord || deletedSession ? "bot:delete.done" : "bot:delete.nothing"));
    return;
  }
  await ctx.editMessageText(ctx.t(deletedRecord || deletedSession ? "bot:delete.done" : "bot:delete.nothing")).catch(() => undefined);
});
