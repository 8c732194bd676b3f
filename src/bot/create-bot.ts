/**
 * Builds the bot: plugins, the error boundary, and the features in order, fallback last.
 * Nothing here starts polling or listens; main.ts decides how updates arrive.
 */
import { autoRetry } from "@grammyjs/auto-retry";
import { limit } from "@grammyjs/ratelimiter";
import { Bot, GrammyError, HttpError, type BotConfig } from "grammy";
import { sequentialize } from "@grammyjs/runner";
import type { UserFromGetMe } from "grammy/types";
import { suggestLanguage, isLanguage } from "../locales/i18n.ts";
import { kazakhstanDay } from "../export/record.ts";
import type { BotContext, Deps } from "./context.ts";
import { ChatLockTimeout } from "./session/chat-gate.ts";
import { sessionMiddleware } from "./session/middleware.ts";
import { humansOnly, privateChatsOnly } from "./features/private-only.ts";
import { onboarding } from "./features/onboarding.ts";
import { language } from "./features/language.ts";
import { help } from "./features/help.ts";
import { privacy } from "./features/privacy.ts";
import { survey } from "./features/survey.ts";
import { staff } from "./features/staff.ts";
import { unsupportedInput } from "./features/unsupported-input.ts";
import { reminders } from "../reminders/reminder-feature.ts";

export interface CreateBotOptions {
  /** Known bot info skips the getMe call (tests, preview). */
  botInfo?: UserFromGetMe;
  /**
   * Webhook mode: errors that mean "try again later" (Redis down, a busy chat) are rethrown so
   * the webhook answers 5xx and Telegram redelivers the update instead of it being lost.
   */
  rethrowTransientErrors?: boolean;
}

/** Errors after which the same update will very likely succeed later. */
export function isTransient(error: unknown): boolean {
  if (error instanceof ChatLockTimeout) return true;
  const message = error instanceof Error ? error.message : String(error);
  return /Connection is closed|ECONNREFUSED|ECONNRESET|Stream isn't writeable|enableOfflineQueue|MaxRetriesPerRequest|NOSCRIPT|LOADING|READONLY/i.test(message);
}

export function createBot(deps: Deps, options: CreateBotOptions = {}): Bot<BotContext> {
  const { config } = deps;
  const botConfig: BotConfig<BotContext> = { client: { apiRoot: config.TELEGRAM_API_ROOT } };
  if (options.botInfo) botConfig.botInfo = options.botInfo;
  const bot = new Bot<BotContext>(config.BOT_TOKEN ?? "", botConfig);

  // 429s and 5xx from Telegram are retried, but briefly: a person is waiting for the reply.
  bot.api.config.use(autoRetry({ maxRetryAttempts: 3, maxDelaySeconds: 5 }));
  bot.api.config.use(async (prev, method, payload, signal) => {
    const result = await prev(method, payload, signal);
    if (!result.ok) deps.metrics.telegramError(result.error_code);
    return result;
  });

  // Values survey texts interpolate; formatted once, not on every update.
  const textParams = {
    organisation: config.SURVEY_ORGANISATION,
    retentionDays: config.RETENTION_DAYS,
    sessionDays: config.SESSION_TTL_DAYS,
    minWage: config.MIN_WAGE_KZT.toLocaleString("ru-RU"),
  };
  bot.use(async (ctx, next) => {
    ctx.deps = deps;
    ctx.lang = suggestLanguage(ctx.from?.language_code);
    ctx.t = deps.translator.fixed(ctx.lang);
    // The year as the respondent lives it, the same year the record's day will carry.
    ctx.env = { currentYear: Number(kazakhstanDay(deps.clock()).slice(0, 4)) };
    ctx.textParams = textParams;
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
  bot.use(sessionMiddleware());
  bot.use(async (ctx, next) => {
    if (ctx.session && isLanguage(ctx.session.lang)) {
      ctx.lang = ctx.session.lang;
      ctx.t = deps.translator.fixed(ctx.lang);
    }
    await next();
  });

  bot.use(reminders);
  bot.use(staff);
  bot.use(onboarding);
  bot.use(language);
  bot.use(help);
  bot.use(privacy);
  bot.use(survey);
  bot.use(unsupportedInput);

  bot.catch(async (error) => {
    const cause = error.error;
    const kind = cause instanceof GrammyError ? "telegram" : cause instanceof HttpError ? "network" : "internal";
    deps.logger.error({ err: cause, kind, update: undefined }, "an update failed");
    if (options.rethrowTransientErrors && isTransient(cause)) throw cause;
    if (error.ctx.chat?.type === "private") {
      await error.ctx.reply(error.ctx.t("bot:flow.error")).catch(() => undefined);
    }
  });
  return bot;
}
