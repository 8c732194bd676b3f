/**
 * Sessions in Redis, under a keyed pseudonym of the chat, never the raw id.
 *
 * A person may be in several studies. The chat's current session (whose `study` says which
 * study the chat is in now) lives at `session:<chat>`, where it always did; the sessions of
 * the chat's other studies wait, parked, at `session:<chat>:<study key>` until the person
 * goes back to that study (`park`, `unpark`).
 *
 * Values are sealed by a codec (encryption at rest plugs in there), validated with zod on
 * read, and expire after SESSION_TTL_DAYS without activity. Saving also marks the update as
 * processed in the same transaction, so a redelivered update is never applied twice.
 */
import type { Redis } from "ioredis";
import { Session, SESSION_FORMAT } from "./session.ts";
import type { StudyKey } from "../../studies/study.ts";

import { identityCodec, type Codec } from "../../platform/privacy/codec.ts";

export { identityCodec, type Codec };

export type LoadResult = { kind: "found"; session: Session } | { kind: "absent" } | { kind: "unreadable"; reason: string };

export interface SessionStoreOptions {
  redis: Redis;
  prefix: string;
  ttlSeconds: number;
  codec?: Codec;
}

/** How long an update id is remembered as processed: Telegram redelivers within hours, not days. */
export const PROCESSED_TTL_SECONDS = 24 * 3600;

export class SessionStore {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #ttl: number;
  readonly #codec: Codec;

  constructor(options: SessionStoreOptions) {
    this.#redis = options.redis;
    this.#prefix = options.prefix;
    this.#ttl = options.ttlSeconds;
    this.#codec = options.codec ?? identityCodec;
  }

  key(chatKey: string): string {
    return `${this.#prefix}session:${chatKey}`;
  }

  /** Where a session of `study` waits while the chat is in another study. */
  parkedKey(chatKey: string, study: StudyKey): string {
    return `${this.#prefix}session:${chatKey}:${study}`;
  }

  #processedKey(updateId: number): string {
    return `${this.#prefix}update:${updateId}`;
  }

  get ttlSeconds(): number {
    return this.#ttl;
  }

  async load(chatKey: string): Promise<LoadResult> {
    return this.decode(await this.#redis.get(this.key(chatKey)));
  }

  /** Opens and validates a stored value. */
  decode(raw: string | null): LoadResult {
    if (raw === null) return { kind: "absent" };
    try {
      const parsed = Session.safeParse(JSON.parse(this.#codec.open(raw)));
      if (parsed.success) return { kind: "found", session: parsed.data };
      return { kind: "unreadable", reason: `session does not match format ${SESSION_FORMAT}: ${parsed.error.issues[0]?.message ?? "invalid"}` };
    } catch (error) {
      return { kind: "unreadable", reason: error instanceof Error ? error.message : String(error) };
    }
  }

  /** Seals a session for storage (the type guarantees its shape; it is validated again on read). */
  encode(session: Session): string {
    return this.#codec.seal(JSON.stringify(session));
  }

  /** Saves the session and, atomically with it, marks the update as processed. */
  async save(chatKey: string, session: Session, updateId?: number): Promise<void> {
    const value = this.encode(session);
    const tx = this.#redis.multi().set(this.key(chatKey), value, "EX", this.#ttl);
    if (updateId !== undefined) tx.set(this.#processedKey(updateId), "1", "EX", PROCESSED_TTL_SECONDS);
    await tx.exec();
  }

  async delete(chatKey: string, updateId?: number): Promise<boolean> {
    const tx = this.#redis.multi().del(this.key(chatKey));
    if (updateId !== undefined) tx.set(this.#processedKey(updateId), "1", "EX", PROCESSED_TTL_SECONDS);
    const results = await tx.exec();
    return results?.[0]?.[1] === 1;
  }

  /** Keeps `session` (of `study`) aside while the chat goes into another study. */
  async park(chatKey: string, study: StudyKey, session: Session): Promise<void> {
    await this.#redis.set(this.parkedKey(chatKey, study), this.encode(session), "EX", this.#ttl);
  }

  /** The parked session of `study`, if there is one. */
  async loadParked(chatKey: string, study: StudyKey): Promise<LoadResult> {
    return this.decode(await this.#redis.get(this.parkedKey(chatKey, study)));
  }

  /** How many sessions of these studies are parked for this chat. */
  async parkedCount(chatKey: string, studies: readonly StudyKey[]): Promise<number> {
    if (studies.length === 0) return 0;
    return this.#redis.exists(...studies.map((study) => this.parkedKey(chatKey, study)));
  }

  /** Deletes the parked sessions of these studies (/delete), returning how many there were. */
  async deleteParked(chatKey: string, studies: readonly StudyKey[]): Promise<number> {
    if (studies.length === 0) return 0;
    return this.#redis.del(...studies.map((study) => this.parkedKey(chatKey, study)));
  }

  async wasProcessed(updateId: number): Promise<boolean> {
    return (await this.#redis.exists(this.#processedKey(updateId))) === 1;
  }

  async markProcessed(updateId: number): Promise<void> {
    await this.#redis.set(this.#processedKey(updateId), "1", "EX", PROCESSED_TTL_SECONDS);
  }

  /** The size in bytes of the stored value, for benchmarks and /privacy. */
  async storedBytes(chatKey: string): Promise<number> {
    return (await this.#redis.strlen(this.key(chatKey))) ?? 0;
  }
}
