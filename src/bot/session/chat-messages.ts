/**
 * The ids of a private chat's messages, for "clear this chat": kept apart from the session so
 * they exist before consent, after the interview and after /delete. Only message ids and when
 * they were seen, under the chat's pseudonym, expiring with Telegram's 48 hours (after which a
 * bot may no longer delete a message anyway). No text, no Telegram id.
 */
import type { Redis } from "ioredis";
import { DELETABLE_FOR_SECONDS } from "./message-log.ts";

export class ChatMessages {
  readonly #redis: Redis;
  readonly #prefix: string;

  constructor(options: { redis: Redis; prefix: string }) {
    this.#redis = options.redis;
    this.#prefix = options.prefix;
  }

  #key(chatKey: string): string {
    return `${this.#prefix}messages:${chatKey}`;
  }

  /** Notes message ids seen or sent at `at` (epoch seconds); forgets those past 48 hours. */
  async remember(chatKey: string, ids: number[], at: number): Promise<void> {
    if (ids.length === 0) return;
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
    const fresh = (await this.#redis.zrangebyscore(this.#key(chatKey), now - DELETABLE_FOR_SECONDS + 1, "+inf")).map(Number);
    if (fresh.length === 0) return [];
    const first = Math.min(...fresh);
    const last = Math.max(upTo, ...fresh);
    return Array.from({ length: last - first + 1 }, (_, i) => first + i);
  }

  async forget(chatKey: string): Promise<void> {
    await this.#redis.del(this.#key(chatKey));
  }
}
