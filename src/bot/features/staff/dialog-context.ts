/**
 * Staff dialogs run in @grammyjs/conversations. Its context objects are built afresh on each
 * replay and skip our middleware, so this plugin gives them the same deps, language and `t`.
 * Conversation state lives in Redis under the chat's pseudonym, for a day at most.
 */
import type { Context, MiddlewareFn } from "grammy";
import type { Conversation, VersionedStateStorage } from "@grammyjs/conversations";
import type { TFunction } from "i18next";
import type { Redis } from "ioredis";
import { suggestLanguage, type Language } from "../../../locales/i18n.ts";
import type { BotContext, Deps } from "../../context.ts";
import type { Codec } from "../../session/session-store.ts";

export type DialogContext = Context & { deps: Deps; lang: Language; t: TFunction };
export type StaffDialog = Conversation<BotContext, DialogContext>;

export function dialogContext(deps: Deps): MiddlewareFn<DialogContext> {
  return async (ctx, next) => {
    ctx.deps = deps;
    ctx.lang = suggestLanguage(ctx.from?.language_code);
    ctx.t = deps.translator.fixed(ctx.lang);
    await next();
  };
}

const DIALOG_TTL_SECONDS = 24 * 3600;

/**
 * The plugin's replay log holds whole Telegram updates, names and ids included, so it is
 * sealed with the data key like everything else that names a person.
 */
export function redisDialogStorage<S>(redis: Redis, prefix: string, codec: Codec): VersionedStateStorage<string, S> {
  const key = (k: string) => `${prefix}dialog:${k}`;
  return {
    read: async (k) => {
      const raw = await redis.get(key(k));
      return raw === null ? undefined : JSON.parse(codec.open(raw));
    },
    write: async (k, state) => {
      await redis.set(key(k), codec.seal(JSON.stringify(state)), "EX", DIALOG_TTL_SECONDS);
    },
    delete: async (k) => {
      await redis.del(key(k));
    },
  };
}
