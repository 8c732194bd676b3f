/**
 * The ids of a private chat's messages, for "clear this chat": kept apart from the session so
 * they exist before consent, after the interview and after /delete. Only message ids and when
 * they were seen, under the chat's pseudonym, expiring with Telegram's 48 hours (after which a
 * bot may no longer delete a message anyway). No text, no Telegram id.
 *
 * While an update holds the chat (session middleware), the ids it notes wait here in memory and
 * are written by the chat gate's exit script (chat-gate.ts), with the session and the release:
 * no Redis call per message sent. An update that crashes before its exit loses those ids, which
 * costs nothing: it is not marked processed, so its redelivery notes its own messages again,
 * and every id between two noted ones is deleted anyway (a private chat numbers both sides'
 * messages in one sequence, see deletable()). Ids noted outside an update (a reminder) are
 * written at once.
 */
import type { Redis } from "ioredis";
import type { SortedSetAdd } from "./chat-gate.ts";
import { DELETABLE_FOR_SECONDS } from "./message-log.ts";

export class ChatMessages {
  readonly #redis: Redis;
  readonly #prefix: string;
  /** Chat key → [seen at, message id] noted while an update of this process holds the chat. */
  readonly #held = new Map<string, [number, number][]>();

  constructor(options: { redis: Redis; prefix: string }) {
    this.#redis = options.redis;
    this.#prefix = options.prefix;
  }

  #key(chatKey: string): string {
    return `${this.#prefix}messages:${chatKey}`;
  }

  /** An update holds this chat (its lock is taken): ids noted from now wait for release(). */
  hold(chatKey: string): void {
    this.#held.set(chatKey, []);
  }

  /** The update lets go of the chat: what to write on its way out, if anything was noted. */
  release(chatKey: string): SortedSetAdd | undefined {
    const entries = this.#held.get(chatKey);
    this.#held.delete(chatKey);
    if (!entries || entries.length === 0) return undefined;
    const newest = Math.max(...entries.map(([at]) => at));
    return { key: this.#key(chatKey), entries, dropUpTo: newest - DELETABLE_FOR_SECONDS, ttlSeconds: DELETABLE_FOR_SECONDS };
  }

  /** Notes message ids seen or sent at `at` (epoch seconds); forgets those past 48 hours. */
  async remember(chatKey: string, ids: number[], at: number): Promise<void> {
    if (ids.length === 0) return;
    const held = this.#held.get(chatKey);
    if (held) {
      for (const id of ids) held.push([at, id]);
      return;
    }
    const key = this.#key(chatKey);
    await this.#redis
      .multi()
      .zadd(key, ...ids.flatMap((id) => [at, id]))
      .zremrangebyscore(key, "-inf", at - DELETABLE_FOR_SECONDS)
      .expire(key, DELETABLE_FOR_SECONDS)
      .exec();
  }

  /**
   * Every id from the oldest message still under 48 hours old up to the newest known (or
   * `upTo`): a private chat numbers both sides' messages in one sequence, so these are exactly
   * the chat's messages since then, the person's own included.
   */
  async deletable(chatKey: string, now: number, upTo = 0): Promise<number[]> {
    const stored = (await this.#redis.zrangebyscore(this.#key(chatKey), now - DELETABLE_FOR_SECONDS + 1, "+inf")).map(Number);
    const held = (this.#held.get(chatKey) ?? []).filter(([at]) => at > now - DELETABLE_FOR_SECONDS).map(([, id]) => id);
    const fresh = [...stored, ...held];
    if (fresh.length === 0) return [];
    const first = Math.min(...fresh);
    const last = Math.max(upTo, ...fresh);
    return Array.from({ length: last - first + 1 }, (_, i) => first + i);
  }

  async forget(chatKey: string): Promise<void> {
    this.#held.get(chatKey)?.splice(0);
    await this.#redis.del(this.#key(chatKey));
  }
}
