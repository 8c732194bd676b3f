/**
 * Interviews that stopped for good: after PARTIAL_AFTER_DAYS without activity, the answers given
 * so far are copied into the partial record store, which exports read only on request (see
 * src/export/partial-interviews.ts). The copy is replaced if the person comes back and stops
 * again, and deleted when they complete the interview, /delete, or block the bot.
 *
 * Activity is the same cheap mark as for reminders: one sorted set, updated by the reminder
 * store's touch script on every update of an active interview.
 */
import type { Redis } from "ioredis";
import type { Questionnaire } from "../flows/schema.ts";
import type { NativeStudy } from "../studies/study.ts";
import type { CompletedRecord } from "../records/record.ts";
import { kazakhstanDay } from "../records/record.ts";
import { RecordStore, type RecordCodec } from "../records/record-store.ts";
import { partialPrefix } from "../export/partial-interviews.ts";
import type { SessionStore } from "../bot/session/session-store.ts";

const DAY_MS = 86_400_000;
const BATCH = 200;

export interface PartialSweepOptions {
  redis: Redis;
  prefix: string;
  sessions: SessionStore;
  /** The native study: only its interviews are swept (a form study keeps no partial copies yet). */
  study: NativeStudy;
  codec: RecordCodec;
  afterDays: number;
  /** Kept as long as completed records are (RETENTION_DAYS). */
  retentionDays: number;
}

export class PartialSweep {
  readonly store: RecordStore;
  readonly #redis: Redis;
  readonly #sessions: SessionStore;
  readonly #definition: Questionnaire;
  readonly #study: NativeStudy;
  readonly #afterDays: number;
  readonly #retentionDays: number;
  readonly activityKey: string;

  constructor(options: PartialSweepOptions) {
    this.#redis = options.redis;
    this.#sessions = options.sessions;
    this.#definition = options.study.definition;
    this.#study = options.study;
    this.#afterDays = options.afterDays;
    this.#retentionDays = options.retentionDays;
    this.activityKey = `${options.prefix}partial:activity`;
    this.store = new RecordStore({ redis: options.redis, prefix: partialPrefix(options.prefix), codec: options.codec });
  }

  /** Copies every interview silent for PARTIAL_AFTER_DAYS at `now`; returns how many. */
  async sweep(now: Date): Promise<number> {
    const before = now.getTime() - this.#afterDays * DAY_MS;
    let copied = 0;
    for (;;) {
      const found = await this.#redis.zrangebyscore(this.activityKey, "-inf", `(${before}`, "WITHSCORES", "LIMIT", 0, BATCH);
      for (let i = 0; i < found.length; i += 2) {
        const chatKey = found[i]!;
        if ((await this.#redis.zrem(this.activityKey, chatKey)) !== 1) continue; // another process took it
        const record = await this.#recordOf(chatKey, Number(found[i + 1]));
        if (!record) continue;
        await this.store.deleteOf(chatKey);
        if (await this.store.append(record)) copied++;
      }
      if (found.length < BATCH * 2) break;
    }
    await this.store.purgeOlderThan(kazakhstanDay(new Date(now.getTime() - this.#retentionDays * DAY_MS)));
    return copied;
  }

  async #recordOf(chatKey: string, lastActive: number): Promise<CompletedRecord | undefined> {
    const loaded = await this.#sessions.load(chatKey);
    if (loaded.kind !== "found" || loaded.session.survey.status !== "active") return undefined;
    const { session } = loaded;
    // A session of another study (or a form study's) is not this questionnaire's.
    if (session.form || (session.study !== undefined && session.study !== this.#study.key)) return undefined;
    const answers = { ...session.survey.answers };
    // Consent alone is not an interview.
    if (Object.keys(answers).filter((q) => q !== this.#definition.consent.question).length === 0) return undefined;
    return {
      pseudonym: chatKey,
      answers,
      lang: session.lang,
      version: this.#definition.version,
      formId: this.#study.formId,
      formVersion: this.#study.version,
      day: kazakhstanDay(new Date(lastActive)),
      ...(session.source ? { source: session.source } : {}),
    };
  }

  /** Completed, deleted or blocked: no partial copy, and no more watching. */
  async forget(chatKey: string): Promise<void> {
    await this.#redis.zrem(this.activityKey, chatKey);
    await this.store.deleteOf(chatKey);
  }
}
