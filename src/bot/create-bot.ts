/**
 * Builds the bot: plugins, the error boundary, and the features in order, fallback last.
 * Nothing here starts polling or listens; main.ts decides how updates arrive.
 */
import { limit } from "@grammyjs/ratelimiter";
import { Bot, GrammyError, HttpError, type BotConfig } from "grammy";
import { sequentialize } from "@grammyjs/runner";
import type { UserFromGetMe } from "grammy/types";
import { suggestLanguage, isLanguage } from "../locales/i18n.ts";
import { kazakhstanDay } from "../records/record.ts";
import type { BotContext, Deps } from "./context.ts";
import { isTransient } from "./transient.ts";
import { textParamsByLanguage } from "../platform/text-params.ts";
import { sessionMiddleware } from "./session/middleware.ts";
import { humansOnly, privateChatsOnly } from "./features/private-only.ts";
import { onboarding } from "./features/onboarding.ts";
import { language } from "./features/language.ts";
import { help } from "./features/help.ts";
import { privacy } from "./features/privacy.ts";
import { survey } from "./features/survey.ts";
import { resumeUnshownQuestion } from "./interview/interview.ts";
import { staff } from "./features/staff.ts";
import { unsupportedInput } from "./features/unsupported-input.ts";
import { telegramRetry } from "./telegram-retry.ts";
import { reminders } from "../reminders/reminder-feature.ts";
import { formInterview } from "./form/form-interview.ts";

export interface CreateBotOptions {
  /** Known bot info skips the getMe call (tests, preview). */
  botInfo?: UserFromGetMe;
  /**
   * Errors that mean "try again later" (Redis down, a busy chat) are rethrown, so the update is
   * not confirmed to Telegram: the webhook answers 5xx and Telegram redelivers it; polling holds
   * it and tries again (polling.ts). Only tests that call handleUpdate directly turn it off.
   */
  rethrowTransientErrors?: boolean;
}

export { isTransient } from "./transient.ts";

/**
 * Notes the id of every message the bot sends to a private chat (private chats have positive
 * ids), for "clear this chat". Only sends: an edit keeps the message's age, and its 48 hours
 * count from when it was sent. A failure to note it never fails the send.
 */
async function rememberSent(deps: Deps, payload: unknown, result: unknown): Promise<void> {
  const chatId = (payload as { chat_id?: unknown } | undefined)?.chat_id;
  const messageId = (result as { message_id?: unknown } | undefined)?.message_id;
  if (typeof chatId !== "number" || chatId <= 0 || typeof messageId !== "number") return;
  const at = Math.floor(deps.clock().getTime() / 1000);
  await deps.chatMessages.remember(deps.pseudonyms.chat(chatId), [messageId], at).catch(() => undefined);
}

export function createBot(deps: Deps, options: CreateBotOptions = {}): Bot<BotContext> {
  const { config } = deps;
  const botConfig: BotConfig<BotContext> = { client: { apiRoot: config.TELEGRAM_API_ROOT } };
  if (options.botInfo) botConfig.botInfo = options.botInfo;
  const bot = new Bot<BotContext>(config.BOT_TOKEN ?? "", botConfig);

  // 429s, 5xx and network errors are retried, but briefly: a person is waiting for the reply.
  bot.api.config.use(telegramRetry());
  bot.api.config.use(async (prev, method, payload, signal) => {
    const result = await prev(method, payload, signal);
    if (!result.ok) deps.metrics.telegramError(result.error_code);
    else if (method.startsWith("send")) await rememberSent(deps, payload, result.result);
    return result;
  });

  // Values survey texts interpolate, per language (the organisation's name is translated);
  // formatted once, not on every update.
  const textParams = textParamsByLanguage(config, deps.translator);
  bot.use(async (ctx, next) => {
    ctx.deps = deps;
    // Until the session (or a /start payload) says otherwise.
    ctx.study = deps.studies.default;
    ctx.lang = suggestLanguage(ctx.from?.language_code);
    ctx.t = deps.translator.fixed(ctx.lang);
    // The year as the respondent lives it, the same year the record's day will carry.
    ctx.env = { currentYear: Number(kazakhstanDay(deps.clock()).slice(0, 4)) };
    ctx.textParamsFor = (lang) => textParams.get(lang)!;
    // Follows ctx.lang, which a language choice or switch changes during the update.
    Object.defineProperty(ctx, "textParams", { get: () => textParams.get(ctx.lang)!, configurable: true });
    deps.metrics.update();
    await next();
  });
  bot.use(humansOnly());
  bot.use(privateChatsOnly());
  // One chat's updates in order within this process; the Redis lock orders them across processes.
  bot.use(sequentialize((ctx) => ctx.chat?.id.toString()));
  // A flood from one account (a script, a stuck client) is dropped before it reaches Redis.
  // The limit is far above what fingers do: even fast tapping stays under 5 a second.
  bot.use(limit({ timeFrame: 3000, limit: 45, keyGenerator: (ctx) => ctx.from?.id.toString() }));
  const sessionLanguage = (ctx: BotContext) => {
    if (ctx.session && isLanguage(ctx.session.lang)) {
      ctx.lang = ctx.session.lang;
      ctx.t = deps.translator.fixed(ctx.lang);
    }
  };
  // A redelivered update whose first delivery saved a step but died before showing it.
  bot.use(sessionMiddleware({ onRedelivered: (ctx) => (sessionLanguage(ctx), resumeUnshownQuestion(ctx, async () => undefined)) }));
  bot.use(async (ctx, next) => {
    sessionLanguage(ctx);
    // The person's own messages, for "clear this chat" (the bot's are noted as they are sent).
    if (ctx.chatKey && ctx.msg && !ctx.callbackQuery) {
      await deps.chatMessages.remember(ctx.chatKey, [ctx.msg.message_id], Math.floor(deps.clock().getTime() / 1000));
    }
    await next();
  });
  // A question saved but never shown comes first, whatever the person sent.
  bot.use(resumeUnshownQuestion);

  bot.use(reminders);
  bot.use(staff);
  bot.use(onboarding);
  bot.use(language);
  bot.use(help);
  bot.use(privacy);
  // Each kind of study's interview has its own feature (bot/interview/runners.ts for the rest).
  bot.filter((ctx) => ctx.study.kind === "form", formInterview);
  bot.filter((ctx) => ctx.study.kind === "native", survey);
  bot.use(unsupportedInput);

  bot.catch(async (error) => {
    const cause = error.error;
    const kind = cause instanceof GrammyError ? "telegram" : cause instanceof HttpError ? "network" : "internal";
    deps.logger.error({ err: cause, kind, update: undefined }, "an update failed");
    if (options.rethrowTransientErrors && isTransient(cause)) throw cause;
    // Telegram itself failing: a "Sorry" would go through the same failing API. The session
    // remembers a question that was not shown, and the person's next contact brings it.
    if (cause instanceof GrammyError || cause instanceof HttpError) return;
    if (error.ctx.chat?.type === "private") {
      await error.ctx.reply(error.ctx.t("bot:flow.error")).catch(() => undefined);
    }
  });
  return bot;
}
