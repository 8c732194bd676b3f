/**
 * One chat, one update at a time, across every bot process: the per-chat lock, the check that
 * an update was not processed already, and the session read happen in one Redis round trip on
 * the way in; the last save and the release happen in one on the way out.
 *
 * The lock is SET NX PX with a random token: a short lease (5 s) that its holder renews while it
 * works, so a dead process's lock is gone within the lease, well inside the 10 s an update waits
 * for a busy chat: a crash never costs the person's next tap. It is released only by its holder.
 * Within one process sequentialize() already orders a chat's updates, so waiting here is rare.
 *
 * The exit script marks the update processed together with the last save and the release, for
 * every update handled (saved or not), so a second process that got the same update skips it.
 * It also writes the message ids the update noted for "clear this chat" (chat-messages.ts), so
 * an update costs two script calls for all of this, however many messages it sends.
 */
import { randomBytes } from "node:crypto";
import type { Redis } from "ioredis";
import { redisScript, type RedisScript } from "../../platform/redis-script.ts";

/** KEYS: lock, processed-marker, session. ARGV: token, lock ttl ms. */
const ENTER = `
if not redis.call("SET", KEYS[1], ARGV[1], "NX", "PX", ARGV[2]) then return {0} end
return {1, redis.call("EXISTS", KEYS[2]), redis.call("GET", KEYS[3])}`;

/** KEYS: lock. ARGV: token, lock ttl ms. Extends the lease if this token still holds it. */
const RENEW = `
if redis.call("GET", KEYS[1]) == ARGV[1] then return redis.call("PEXPIRE", KEYS[1], ARGV[2]) end
return 0`;

/**
 * KEYS: lock, session, processed-marker[, sorted set]. ARGV: token, session value or "",
 * session ttl s, processed ttl s or ""[, drop scores up to, set ttl s, score, member, score, member…].
 */
const LEAVE = `
if ARGV[2] ~= "" then redis.call("SET", KEYS[2], ARGV[2], "EX", ARGV[3]) end
if ARGV[4] ~= "" then redis.call("SET", KEYS[3], "1", "EX", ARGV[4]) end
if KEYS[4] then
  redis.call("ZADD", KEYS[4], unpack(ARGV, 7))
  redis.call("ZREMRANGEBYSCORE", KEYS[4], "-inf", ARGV[5])
  redis.call("EXPIRE", KEYS[4], ARGV[6])
end
if redis.call("GET", KEYS[1]) == ARGV[1] then redis.call("DEL", KEYS[1]) end
return 1`;

export class ChatLockTimeout extends Error {
  constructor() {
    super("another process kept this chat busy for too long; the update will be retried");
    this.name = "ChatLockTimeout";
  }
}

export interface ChatGateOptions {
  redis: Redis;
  prefix: string;
  /** How long a lock lives if its holder dies; renewed every third of it while the holder works. */
  lockTtlMs?: number;
  /** How long to wait for a busy chat before giving up; longer than the lease. */
  waitMs?: number;
}

export interface Entry {
  token: string;
  /** This update was already processed (a redelivery, or another process got it too). */
  processed: boolean;
  /** The stored session value, still sealed, or null. */
  sealedSession: string | null;
}

export interface Exit {
  /** A sealed session value to store on the way out, with its TTL. */
  save?: { sealed: string; ttlSeconds: number };
  /** Mark the update processed on the way out (unless it failed in a way worth retrying). */
  markProcessedForSeconds?: number;
  /** Members to add to a sorted set on the way out (the chat's message ids, chat-messages.ts). */
  addToSet?: SortedSetAdd;
}

/** Scored members for a sorted set that forgets old entries and expires as a whole. */
export interface SortedSetAdd {
  key: string;
  /** [score, member] pairs; at least one. */
  entries: [number, number][];
  /** Members scored at or below this are removed. */
  dropUpTo: number;
  ttlSeconds: number;
}

/** Extends a held lock until stopped; a renewal that fails is retried at the next tick. */
export interface Lease {
  stop(): void;
}

export class ChatGate {
  readonly #prefix: string;
  readonly #lockTtlMs: number;
  readonly #waitMs: number;
  readonly #enter: RedisScript;
  readonly #renew: RedisScript;
  readonly #leave: RedisScript;

  constructor(options: ChatGateOptions) {
    this.#enter = redisScript(options.redis, ENTER);
    this.#renew = redisScript(options.redis, RENEW);
    this.#leave = redisScript(options.redis, LEAVE);
    this.#prefix = options.prefix;
    this.#lockTtlMs = options.lockTtlMs ?? 5_000;
    this.#waitMs = options.waitMs ?? 10_000;
    if (this.#waitMs <= this.#lockTtlMs) throw new Error("a chat lock's wait must outlast its lease, or a dead holder costs an update");
  }

  /** Keeps the lock of `token` alive while its holder works. */
  renew(chatKey: string, token: string): Lease {
    const lock = this.#keys(chatKey, 0).lock;
    const timer = setInterval(() => {
      this.#renew([lock], [token, this.#lockTtlMs]).catch(() => undefined);
    }, Math.floor(this.#lockTtlMs / 3));
    timer.unref();
    return { stop: () => clearInterval(timer) };
  }

  #keys(chatKey: string, updateId: number) {
    return {
      lock: `${this.#prefix}lock:${chatKey}`,
      processed: `${this.#prefix}update:${updateId}`,
      session: `${this.#prefix}session:${chatKey}`,
    };
  }

  async enter(chatKey: string, updateId: number): Promise<Entry> {
    const keys = this.#keys(chatKey, updateId);
    const token = randomBytes(12).toString("base64url");
    const deadline = Date.now() + this.#waitMs;
    let pause = 5;
    for (;;) {
      const result = (await this.#enter([keys.lock, keys.processed, keys.session], [token, this.#lockTtlMs])) as [number, number?, string?];
      if (result[0] === 1) return { token, processed: result[1] === 1, sealedSession: result[2] ?? null };
      if (Date.now() > deadline) throw new ChatLockTimeout();
      await new Promise((resolve) => setTimeout(resolve, pause + Math.random() * pause));
      pause = Math.min(pause * 2, 100);
    }
  }

  async leave(chatKey: string, updateId: number, token: string, exit: Exit = {}): Promise<void> {
    const keys = this.#keys(chatKey, updateId);
    const args = [token, exit.save?.sealed ?? "", exit.save?.ttlSeconds ?? 0, exit.markProcessedForSeconds ?? ""];
    const set = exit.addToSet;
    if (set === undefined || set.entries.length === 0) {
      await this.#leave([keys.lock, keys.session, keys.processed], args);
      return;
    }
    await this.#leave([keys.lock, keys.session, keys.processed, set.key], [...args, set.dropUpTo, set.ttlSeconds, ...set.entries.flat()]);
  }
}
