/**
 * Long polling that confirms an update to Telegram only after it was handled and saved.
 *
 * Why not grammY's runner: its fetcher asks for the next batch (which confirms the previous
 * one to Telegram) while the handlers of the previous batch still run, so a crash or a
 * SIGTERM loses the updates in flight. Why not bot.start(): it handles a batch one update at a
 * time and stops polling when a handler throws. This loop does what we need and no more:
 *
 * - fetch a batch with getUpdates(offset); handle its updates concurrently (sequentialize()
 *   in create-bot.ts keeps one chat's updates in order);
 * - an update failing for a reason that passes (Redis down, a busy chat) is retried after a
 *   pause, and nothing is confirmed meanwhile, so a crash now means Telegram delivers it
 *   again; the processed markers make a second delivery harmless;
 * - only when every update of the batch is done is the offset moved past it, which the next
 *   getUpdates call confirms to Telegram;
 * - stop() ends the waiting getUpdates, lets the batch in hand finish (updates that still
 *   cannot be handled stay unconfirmed for the next process), confirms what was handled and
 *   returns; only then may the caller close Redis.
 */
import type { Bot } from "grammy";
import type { Update } from "grammy/types";
import type { BotContext } from "./context.ts";
import { isTransient } from "./create-bot.ts";
import type { Logger } from "../platform/logger.ts";

export interface PollingOptions {
  allowedUpdates: readonly string[];
  logger: Logger;
  /** Seconds Telegram holds a getUpdates call open when there is nothing to deliver. */
  timeoutSeconds?: number;
  /** Pause before an update that failed for a passing reason is tried again. */
  retryPauseMs?: number;
}

export interface Polling {
  /** Resolves once polling stopped and every update fetched was handled or left unconfirmed. */
  stop(): Promise<void>;
}

const sleep = (ms: number, signal: AbortSignal) =>
  new Promise<void>((resolve) => {
    if (signal.aborted) return resolve();
    const timer = setTimeout(resolve, ms);
    signal.addEventListener("abort", () => {
      clearTimeout(timer);
      resolve();
    }, { once: true });
  });

export function startPolling(bot: Bot<BotContext>, options: PollingOptions): Polling {
  const { logger } = options;
  const retryPauseMs = options.retryPauseMs ?? 500;
  const stopping = new AbortController();
  let offset = 0;

  /** Handles one update; true when done (handled, or failed for good), false to leave it unconfirmed. */
  const handle = async (update: Update): Promise<boolean> => {
    for (let attempt = 1; ; attempt++) {
      try {
        await bot.handleUpdate(update);
        return true;
      } catch (error) {
        if (!isTransient(error)) {
          // bot.catch has already answered the person; retrying would not help.
          logger.error({ err: error, event: "update_failed" }, "an update failed for good");
          return true;
        }
        if (attempt === 1 || attempt % 20 === 0) logger.warn({ err: error, event: "update_held", attempt }, "an update cannot be handled yet; holding it and trying again");
        if (stopping.signal.aborted) return false;
        await sleep(retryPauseMs, stopping.signal);
        if (stopping.signal.aborted) return false;
      }
    }
  };

  const loop = async () => {
    let failures = 0;
    while (!stopping.signal.aborted) {
      let updates: Update[];
      try {
        updates = await bot.api.getUpdates(
          { offset, timeout: options.timeoutSeconds ?? 25, allowed_updates: [...options.allowedUpdates] as never },
          // grammY types its signal as the abort-controller package's; Node's is the same at run time.
          stopping.signal as never,
        );
        failures = 0;
      } catch (error) {
        if (stopping.signal.aborted) break;
        failures++;
        logger.warn({ err: error, event: "get_updates_failed", failures }, "could not fetch updates from Telegram; trying again");
        await sleep(Math.min(1_000 * failures, 5_000), stopping.signal);
        continue;
      }
      if (updates.length === 0) continue;
      const done = await Promise.all(updates.map(handle));
      // Confirm the batch up to the first update left unconfirmed (only when stopping).
      const firstLeft = done.indexOf(false);
      const confirmedUpTo = firstLeft === -1 ? updates.length : firstLeft;
      if (confirmedUpTo > 0) offset = updates[confirmedUpTo - 1]!.update_id + 1;
      if (firstLeft !== -1) break;
    }
  };

  const running = loop();
  return {
    async stop() {
      stopping.abort();
      await running;
      // Tell Telegram what was handled: a getUpdates with the new offset confirms everything
      // before it. limit 1 and timeout 0 fetch at most one update, which stays unconfirmed.
      if (offset > 0) await bot.api.getUpdates({ offset, limit: 1, timeout: 0 }).catch(() => undefined);
    },
  };
}
