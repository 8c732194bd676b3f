/**
 * What the bot keeps in Redis to remind people: per interview, a small hash; for everyone,
 * one sorted set of last activity and one hash of counts.
 *
 *   {prefix}reminders:activity        ZSET  chat pseudonym → last activity (ms, the app clock)
 *   {prefix}reminders:of:<chat key>   HASH  state, chat (sealed), lang, sent, planned, active, returned
 *   {prefix}reminders:counts          HASH  sent, returned, completed (never per person)
 *
 * Why the chat id is here at all: sessions live under a keyed pseudonym of the chat, and a
 * pseudonym cannot be written to. To reach someone later the bot needs their chat id, so it is
 * kept sealed with the data codec (AES-256-GCM, key outside Redis), and only
 *   - while an interview is under way and the person has not yet been asked about reminders
 *     (so the question can be asked when they fall silent), removed once the question is sent;
 *   - for people who said yes, until the interview ends, /delete, "stop reminding me", or a 403.
 * Someone who said no, or was asked and did not answer, has no chat id here.
 *
 * The hot path costs one script call per update of an active interview, sent without waiting
 * in the same auto-pipelined write as the session's release (see activity.ts): no delayed job
 * is re-added per answer. A scheduled scan reads the sorted set for silences (scan.ts).
 */
import type { Redis } from "ioredis";
import { redisScript, type RedisScript } from "../platform/redis-script.ts";

export type ReminderState = "offered" | "yes" | "no";

export interface ReminderEntry {
  /** Absent: never asked. offered: asked, no answer yet (never asked again). */
  state: ReminderState | undefined;
  /** The chat id, sealed; present only as described above. */
  sealedChat: string | undefined;
  lang: string | undefined;
  /** Reminders sent so far in this interview (at most two). */
  sent: number;
  /** When the pending reminder was planned (ms); a later activity means the person came back. */
  planned: number;
  /** Last activity seen (ms) once the person said yes. */
  active: number;
}

export interface ReminderCounts {
  sent: number;
  returned: number;
  completed: number;
}

export const MAX_REMINDERS = 2;

/**
 * KEYS: entry, activity, counts, partial-interview activity. ARGV: chat key, now ms, sealed chat, lang, ttl s.
 * Every active interview: note the activity for the partial-interview sweep (partial-sweep.ts).
 * Never asked: keep the sealed chat (to ask on silence) and watch for silence.
 * Said yes: note the activity, count a return after a reminder once, watch for silence while
 * reminders are left. Offered or no: nothing.
 */
const TOUCH = `
redis.call("ZADD", KEYS[4], ARGV[2], ARGV[1])
local state = redis.call("HGET", KEYS[1], "state")
if state == "no" or state == "offered" then return 0 end
if not state then
  redis.call("HSET", KEYS[1], "chat", ARGV[3], "lang", ARGV[4])
  redis.call("EXPIRE", KEYS[1], ARGV[5])
  redis.call("ZADD", KEYS[2], ARGV[2], ARGV[1])
  return 1
end
redis.call("HSET", KEYS[1], "active", ARGV[2], "lang", ARGV[4])
redis.call("EXPIRE", KEYS[1], ARGV[5])
local sent = tonumber(redis.call("HGET", KEYS[1], "sent") or "0")
if sent > 0 and redis.call("HSETNX", KEYS[1], "returned", "1") == 1 then redis.call("HINCRBY", KEYS[3], "returned", 1) end
if sent < ${MAX_REMINDERS} then redis.call("ZADD", KEYS[2], ARGV[2], ARGV[1]) end
return 1`;

/** KEYS: entry, activity, counts. ARGV: chat key, "1" if the interview was completed. */
const FORGET = `
if ARGV[2] == "1" and redis.call("HGET", KEYS[1], "returned") == "1" then redis.call("HINCRBY", KEYS[3], "completed", 1) end
redis.call("ZREM", KEYS[2], ARGV[1])
return redis.call("DEL", KEYS[1])`;

/** KEYS: entry, counts. ARGV: reminder number n. Claims reminder n once: sent goes n-1 → n. */
const CLAIM = `
if redis.call("EXISTS", KEYS[1]) == 0 or redis.call("HGET", KEYS[1], "state") ~= "yes" then return 0 end
local sent = tonumber(redis.call("HGET", KEYS[1], "sent") or "0")
if sent ~= tonumber(ARGV[1]) - 1 then return 0 end
redis.call("HSET", KEYS[1], "sent", ARGV[1])
redis.call("HINCRBY", KEYS[2], "sent", 1)
return 1`;

/** KEYS: entry, counts. ARGV: n. Gives a claim back when the message could not be sent. */
const UNCLAIM = `
if redis.call("HGET", KEYS[1], "sent") == ARGV[1] then
  redis.call("HSET", KEYS[1], "sent", tonumber(ARGV[1]) - 1)
  redis.call("HINCRBY", KEYS[2], "sent", -1)
end
return 1`;

/** KEYS: entry. ARGV: sealed chat, lang, now, ttl. Only the first answer counts. */
const SAY_YES = `
local state = redis.call("HGET", KEYS[1], "state")
if state == "yes" or state == "no" then return 0 end
redis.call("HSET", KEYS[1], "state", "yes", "chat", ARGV[1], "lang", ARGV[2], "active", ARGV[3], "sent", 0)
redis.call("EXPIRE", KEYS[1], ARGV[4])
return 1`;

export interface ReminderStoreOptions {
  redis: Redis;
  prefix: string;
  /** How long an entry lives without activity: the session's TTL. */
  ttlSeconds: number;
}

export class ReminderStore {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #ttl: number;
  readonly #touch: RedisScript;

  constructor(options: ReminderStoreOptions) {
    this.#redis = options.redis;
    this.#touch = redisScript(options.redis, TOUCH);
    this.#prefix = options.prefix;
    this.#ttl = options.ttlSeconds;
  }

  entryKey(chatKey: string): string {
    return `${this.#prefix}reminders:of:${chatKey}`;
  }
  get #activity(): string {
    return `${this.#prefix}reminders:activity`;
  }
  get #counts(): string {
    return `${this.#prefix}reminders:counts`;
  }

  /** An update of an active interview: see TOUCH. */
  async touch(chatKey: string, now: number, sealedChat: string, lang: string): Promise<void> {
    await this.#touch([this.entryKey(chatKey), this.#activity, this.#counts, `${this.#prefix}partial:activity`], [chatKey, now, sealedChat, lang, this.#ttl]);
  }

  async get(chatKey: string): Promise<ReminderEntry | undefined> {
    const raw = await this.#redis.hgetall(this.entryKey(chatKey));
    if (Object.keys(raw).length === 0) return undefined;
    const state = raw.state === "offered" || raw.state === "yes" || raw.state === "no" ? raw.state : undefined;
    return {
      state,
      sealedChat: raw.chat,
      lang: raw.lang,
      sent: Number(raw.sent ?? 0),
      planned: Number(raw.planned ?? 0),
      active: Number(raw.active ?? 0),
    };
  }

  /** The question was sent: never ask again, and drop the chat id it needed. */
  async markOffered(chatKey: string): Promise<void> {
    await this.#redis.multi().hset(this.entryKey(chatKey), "state", "offered").hdel(this.entryKey(chatKey), "chat").expire(this.entryKey(chatKey), this.#ttl).zrem(this.#activity, chatKey).exec();
  }

  /** The person said yes: keep their chat id, sealed. False if they had already answered. */
  async sayYes(chatKey: string, sealedChat: string, lang: string, now: number): Promise<boolean> {
    return (await this.#redis.eval(SAY_YES, 1, this.entryKey(chatKey), sealedChat, lang, now, this.#ttl)) === 1;
  }

  /** No reminders (asked, or "stop reminding me"): the chat id goes, the answer stays. */
  async sayNo(chatKey: string): Promise<void> {
    const key = this.entryKey(chatKey);
    await this.#redis.multi().hset(key, "state", "no").hdel(key, "chat").expire(key, this.#ttl).zrem(this.#activity, chatKey).exec();
  }

  /** A reminder was planned now: stop watching this silence. */
  async markPlanned(chatKey: string, now: number): Promise<void> {
    await this.#redis.multi().hset(this.entryKey(chatKey), "planned", now).zrem(this.#activity, chatKey).exec();
  }

  /** Everything about this person goes: completion, /delete, a block. */
  async forget(chatKey: string, completed: boolean): Promise<void> {
    await this.#redis.eval(FORGET, 3, this.entryKey(chatKey), this.#activity, this.#counts, chatKey, completed ? "1" : "0");
  }

  async claim(chatKey: string, n: number): Promise<boolean> {
    return (await this.#redis.eval(CLAIM, 2, this.entryKey(chatKey), this.#counts, n)) === 1;
  }

  /** A claimed reminder that Telegram refused for good (403): it was never sent. */
  async uncountSent(): Promise<void> {
    await this.#redis.hincrby(this.#counts, "sent", -1);
  }

  async unclaim(chatKey: string, n: number): Promise<void> {
    await this.#redis.eval(UNCLAIM, 2, this.entryKey(chatKey), this.#counts, n);
  }

  /**
   * Chats silent since before `before` (ms), at most `limit`, each removed from the set as it is
   * taken, so two scanners never handle the same silence.
   */
  async takeSilent(before: number, limit: number): Promise<string[]> {
    const candidates = await this.#redis.zrangebyscore(this.#activity, "-inf", `(${before}`, "LIMIT", 0, limit);
    const taken: string[] = [];
    for (const chatKey of candidates) {
      if ((await this.#redis.zrem(this.#activity, chatKey)) === 1) taken.push(chatKey);
    }
    return taken;
  }

  async counts(): Promise<ReminderCounts> {
    const raw = await this.#redis.hgetall(this.#counts);
    return { sent: Number(raw.sent ?? 0), returned: Number(raw.returned ?? 0), completed: Number(raw.completed ?? 0) };
  }
}
