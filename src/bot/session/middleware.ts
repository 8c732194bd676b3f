/**
 * Loads the session of a private chat under a per-chat Redis lock, skips updates already
 * processed (Telegram redelivers, and two processes may both receive one), and saves message
 * bookkeeping at the end. Features call ctx.commit() before they reply.
 */
import type { MiddlewareFn } from "grammy";
import type { BotContext } from "../context.ts";
import type { Session } from "./session.ts";
import { PROCESSED_TTL_SECONDS } from "./session-store.ts";

export function sessionMiddleware(): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const chat = ctx.chat;
    if (!chat || chat.type !== "private") return next();
    const { sessions, gate, pseudonyms, logger } = ctx.deps;
    ctx.chatKey = pseudonyms.chat(chat.id);
    const updateId = ctx.update.update_id;

    const entry = await gate.enter(ctx.chatKey, updateId);
    let committed = false;
    let savedJson: string | undefined;
    try {
      if (entry.processed) {
        logger.info({ event: "duplicate_update" }, "skipped an update already processed");
        committed = true;
        return;
      }
      const loaded = sessions.decode(entry.sealedSession);
      if (loaded.kind === "unreadable") logger.warn({ event: "session_unreadable", reason: loaded.reason }, "a session could not be read; starting fresh");
      ctx.session = loaded.kind === "found" ? loaded.session : undefined;
      savedJson = ctx.session ? JSON.stringify(ctx.session) : undefined;

      ctx.commit = async (session: Session) => {
        await sessions.save(ctx.chatKey, session, committed ? undefined : updateId);
        committed = true;
        ctx.session = session;
        savedJson = JSON.stringify(session);
      };
      ctx.discard = async () => {
        const deleted = await sessions.delete(ctx.chatKey, updateId);
        committed = true;
        ctx.session = undefined;
        savedJson = undefined;
        return deleted;
      };

      await next();
    } finally {
      // Replies add message ids (for "clear my chat") after the commit: saved on the way out,
      // together with releasing the lock. An update that failed before committing is not
      // marked, so a redelivery can still process it.
      const current = ctx.session as Session | undefined;
      const changed = current !== undefined && JSON.stringify(current) !== savedJson;
      await gate.leave(ctx.chatKey, updateId, entry.token, {
        ...(changed ? { save: { sealed: sessions.encode(current), ttlSeconds: sessions.ttlSeconds } } : {}),
      });
    }
    if (!committed) await sessions.markProcessed(updateId);
  };
}
