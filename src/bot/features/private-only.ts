/**
 * The survey runs only in private chats: answers must never be seen by others. In a group the
 * bot says so once when addressed (a command or a button) and ignores everything else.
 */
import type { MiddlewareFn } from "grammy";
import type { BotContext } from "../context.ts";

export function privateChatsOnly(): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const chat = ctx.chat ?? ctx.callbackQuery?.message?.chat;
    if (chat?.type === "private") return next();
    if (ctx.callbackQuery) {
      await ctx.answerCallbackQuery({ text: ctx.t("bot:private_only") }).catch(() => undefined);
      return;
    }
    const text = ctx.message?.text ?? "";
    if (chat && text.startsWith("/")) await ctx.reply(ctx.t("bot:private_only")).catch(() => undefined);
  };
}

/** Accounts that are bots cannot be respondents. */
export function humansOnly(): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    if (ctx.from?.is_bot) return;
    return next();
  };
}
