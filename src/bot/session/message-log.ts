/**
 * Which messages of this chat the bot may still delete for "clear my chat".
 *
 * Telegram lets a bot delete messages in a private chat only while they are under 48 hours
 * old, so entries older than that are useless and dropped as new ones come in.
 */
import type { Session } from "./session.ts";

export const DELETABLE_FOR_SECONDS = 48 * 3600;
/**
 * A new anchor (message id, time) is kept only when the last one is older than this. Every
 * message after an anchor is at least as young as it, so anchors bound the ages of all messages
 * without storing each: the session stays small and most updates change nothing here.
 */
const ANCHOR_EVERY_SECONDS = 60;
const MAX_REMEMBERED = 100;

export function rememberMessage(session: Session, messageId: number, sentAt: number): void {
  const last = session.messages.at(-1);
  if (last && sentAt - last[1] < ANCHOR_EVERY_SECONDS && messageId >= last[0]) return;
  const fresh = session.messages.filter(([, at]) => sentAt - at < DELETABLE_FOR_SECONDS);
  fresh.push([messageId, sentAt]);
  session.messages = fresh.slice(-MAX_REMEMBERED);
}

/**
 * Message ids still under 48 hours old at `now`, oldest first, up to `lastId`.
 *
 * In a private chat both sides share one rising sequence of message ids, so every id from the
 * oldest fresh anchor up to the latest is a message of this chat sent since then: that covers
 * the person's own messages too. Messages in the minute before that anchor may be missed,
 * never an older one deleted.
 */
export function deletableMessages(session: Session, now: number, lastId: number): number[] {
  const fresh = session.messages.filter(([, at]) => now - at < DELETABLE_FOR_SECONDS).map(([id]) => id);
  if (fresh.length === 0) return [];
  const first = Math.min(...fresh);
  const last = Math.max(lastId, ...fresh);
  return Array.from({ length: last - first + 1 }, (_, i) => first + i);
}
