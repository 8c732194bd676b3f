/**
 * Loads the session of a private chat under a per-chat Redis lock, skips updates already
 * processed (Telegram redelivers, and two processes may both receive one), and saves message
 * bookkeeping at the end. Features call ctx.commit() before they reply.
 *
 * Every update handled is marked processed by the lock's exit script, atomically with the
 * release, so a second process waiting for the lock sees the marker. The one exception is an
 * update that failed for a passing reason before anything was saved: it stays unmarked, so
 * the retry (polling) or redelivery (webhook) handles it.
 */
import type { MiddlewareFn } from "grammy";
import type { BotContext } from "../context.ts";
import type { Session } from "./session.ts";
import { PROCESSED_TTL_SECONDS } from "./session-store.ts";
import { isTransient } from "../transient.ts";
import { studyOfSession } from "../../studies/session-study.ts";

export interface SessionMiddlewareOptions {
  /**
   * Runs for an update already processed (a redelivery after a crash, or a second process),
   * with the session loaded: a chance to show what the first delivery saved but never showed.
   */
  onRedelivered?: (ctx: BotContext) => Promise<void>;
}

export function sessionMiddleware(options: SessionMiddlewareOptions = {}): MiddlewareFn<BotContext> {
  return async (ctx, next) => {
    const chat = ctx.chat;
    if (!chat || chat.type !== "private") return next();
    const { sessions, gate, pseudonyms, logger } = ctx.deps;
    ctx.chatKey = pseudonyms.chat(chat.id);
    const updateId = ctx.update.update_id;

    const entry = await gate.enter(ctx.chatKey, updateId);
    const lease = gate.renew(ctx.chatKey, entry.token);
    let committed = false;
    let retryLater = false;
    let savedJson: string | undefined;
    try {
      const loaded = sessions.decode(entry.sealedSession);
      if (loaded.kind === "unreadable") logger.warn({ event: "session_unreadable", reason: loaded.reason }, "a session could not be read; starting fresh");
      ctx.session = loaded.kind === "found" ? loaded.session : undefined;
      if (ctx.session) {
        const sessionStudy = studyOfSession(ctx.deps.studies, ctx.session.study);
        if (sessionStudy) ctx.study = sessionStudy;
        else {
          // A study this deployment no longer runs (its workbook was removed): its session is
          // kept aside, untouched, and the chat starts afresh in the default study.
          logger.warn({ event: "session_study_not_run", study: ctx.session.study }, "a session belongs to a study that is not loaded; kept aside");
          await sessions.park(ctx.chatKey, ctx.session.study ?? "unknown", ctx.session);
          ctx.session = undefined;
        }
      }
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

      if (entry.processed) {
        logger.info({ event: "duplicate_update" }, "skipped an update already processed");
        committed = true;
        await options.onRedelivered?.(ctx);
        return;
      }
      await next();
    } catch (error) {
      retryLater = isTransient(error);
      throw error;
    } finally {
      lease.stop();
      // Replies add message ids (for "clear my chat") after the commit: saved on the way out,
      // together with marking the update processed and releasing the lock.
      const current = ctx.session as Session | undefined;
      const changed = current !== undefined && JSON.stringify(current) !== savedJson;
      await gate.leave(ctx.chatKey, updateId, entry.token, {
        ...(changed ? { save: { sealed: sessions.encode(current), ttlSeconds: sessions.ttlSeconds } } : {}),
        ...(retryLater && !committed ? {} : { markProcessedForSeconds: PROCESSED_TTL_SECONDS }),
      });
    }
  };
}
