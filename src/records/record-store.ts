/**
 * Where completed interviews are kept: a Redis Stream, one entry per record, sealed by a codec
 * (encryption at rest), with an index from pseudonym to entry so that a person has at most one
 * record and /delete can find it. Exports read the stream in pages, so memory stays flat.
 *
 * Every change that touches both the stream and the index runs as one Lua script, so two bot
 * processes, an export and a retention purge can interleave without leaving an index entry that
 * points nowhere or bringing back a record someone has just deleted.
 */
import type { Redis } from "ioredis";
import type { StudyKey } from "../studies/study.ts";
import { recordKeys } from "./keys.ts";
import { CompletedRecord } from "./record.ts";

/** Turns stored text into plain JSON text and back (encryption at rest plugs in here). */
export interface RecordCodec {
  seal(plain: string): string;
  open(sealed: string): string;
}

const identity: RecordCodec = { seal: (s) => s, open: (s) => s };

/** Appends only if this pseudonym has no record yet. KEYS: stream, index. ARGV: pseudonym, sealed. */
const APPEND_ONCE = `
if redis.call("HEXISTS", KEYS[2], ARGV[1]) == 1 then return false end
local id = redis.call("XADD", KEYS[1], "*", "r", ARGV[2])
redis.call("HSET", KEYS[2], ARGV[1], id)
return id`;

/**
 * Deletes one person's entry. KEYS: stream, index. ARGV: pseudonym, expected entry id or "".
 * With an expected id (retention) it deletes only if the index still points there, so a record
 * re-sealed meanwhile is not counted twice.
 */
const DELETE_ENTRY = `
local id = redis.call("HGET", KEYS[2], ARGV[1])
if not id then return 0 end
if ARGV[2] ~= "" and id ~= ARGV[2] then return 0 end
redis.call("HDEL", KEYS[2], ARGV[1])
redis.call("XDEL", KEYS[1], id)
return 1`;

/**
 * Replaces an entry by a re-sealed copy, only while the index still points at the old one: a
 * /delete that ran in between must win. KEYS: stream, index. ARGV: pseudonym, old id, sealed.
 */
const RESEAL_ENTRY = `
if redis.call("HGET", KEYS[2], ARGV[1]) ~= ARGV[2] then return 0 end
local id = redis.call("XADD", KEYS[1], "*", "r", ARGV[3])
redis.call("XDEL", KEYS[1], ARGV[2])
redis.call("HSET", KEYS[2], ARGV[1], id)
return 1`;

export interface RecordStoreOptions {
  redis: Redis;
  /** Key prefix shared with the rest of the bot; include a hash tag such as "{survey}:" on Redis Cluster. */
  prefix?: string;
  codec?: RecordCodec;
  /**
   * The study whose records this store keeps (form_id@version); each study has its own stream
   * and index (keys.ts). Default: the IOM study, under the key names it always had.
   */
  study?: StudyKey;
}

export interface ScanOptions {
  /** Entries read per XRANGE call. */
  batchSize?: number;
  /**
   * Last entry id to read (inclusive), from `snapshot()`. An export pins it once so that every
   * pass reads the same records even while interviews keep finishing.
   */
  until?: string;
  /** Called for each entry that cannot be opened or does not validate; it is skipped. */
  onUnreadable?: (reason: string) => void;
}

interface Entry {
  id: string;
  record: CompletedRecord;
}

export class RecordStore {
  readonly #redis: Redis;
  readonly #codec: RecordCodec;
  readonly streamKey: string;
  readonly indexKey: string;

  constructor(options: RecordStoreOptions) {
    this.#redis = options.redis;
    this.#codec = options.codec ?? identity;
    const keys = recordKeys(options.prefix ?? "survey:", options.study);
    this.streamKey = keys.stream;
    this.indexKey = keys.index;
  }

  /** Appends a record; false when this person already has one (one interview per person). */
  async append(record: CompletedRecord): Promise<boolean> {
    const valid = CompletedRecord.parse(record);
    const sealed = this.#codec.seal(JSON.stringify(valid));
    const id = await this.#redis.eval(APPEND_ONCE, 2, this.streamKey, this.indexKey, valid.pseudonym, sealed);
    return id !== null;
  }

  async has(pseudonym: string): Promise<boolean> {
    return (await this.#redis.hexists(this.indexKey, pseudonym)) === 1;
  }

  /** Deletes a person's record (/delete); true if there was one. */
  async deleteOf(pseudonym: string): Promise<boolean> {
    return (await this.#redis.eval(DELETE_ENTRY, 2, this.streamKey, this.indexKey, pseudonym, "")) === 1;
  }

  /** How many records are stored (readable or not). */
  async count(): Promise<number> {
    return this.#redis.xlen(this.streamKey);
  }

  /** The id of the newest entry now, to pass as `until`; undefined when there are no records. */
  async snapshot(): Promise<string | undefined> {
    return (await this.#redis.xrevrange(this.streamKey, "+", "-", "COUNT", 1))[0]?.[0];
  }

  /** Every readable record, oldest first, read in pages of `batchSize`. */
  async *scan(options: ScanOptions = {}): AsyncGenerator<CompletedRecord> {
    for await (const { record } of this.#entries(options)) yield record;
  }

  async *#entries(options: ScanOptions = {}): AsyncGenerator<Entry> {
    const batchSize = options.batchSize ?? 500;
    if (!Number.isInteger(batchSize) || batchSize < 1) throw new RangeError(`scan: batchSize must be a positive integer, not ${batchSize}`);
    // Without a pinned end, stop at the newest entry present now, so a long scan ends.
    const last = options.until ?? (await this.snapshot());
    if (!last) return;
    let start = "-";
    for (;;) {
      const page = await this.#redis.xrange(this.streamKey, start, last, "COUNT", batchSize);
      for (const [id, fields] of page) {
        const entry = this.#open(fields, options.onUnreadable);
        if (entry) yield { id, record: entry };
      }
      if (page.length < batchSize) return;
      start = `(${page.at(-1)![0]}`;
    }
  }

  #open(fields: string[], onUnreadable: ScanOptions["onUnreadable"]): CompletedRecord | undefined {
    const at = fields.indexOf("r");
    if (at < 0 || at % 2 !== 0) {
      onUnreadable?.("entry has no record field");
      return undefined;
    }
    try {
      const parsed = CompletedRecord.safeParse(JSON.parse(this.#codec.open(fields[at + 1] ?? "")));
      if (parsed.success) return parsed.data;
      onUnreadable?.(`record does not match the schema: ${parsed.error.issues[0]?.message ?? "invalid"}`);
    } catch (error) {
      // The reason names the failure (wrong key, bad JSON), never the stored content.
      onUnreadable?.(error instanceof Error ? `${error.name}: ${error.message}` : "record cannot be opened");
    }
    return undefined;
  }

  /**
   * Retention: deletes records completed before `day` (YYYY-MM-DD), returns how many. Records
   * that cannot be opened are left alone (and reported through onUnreadable): without the key
   * their day and pseudonym are unknown, and restoring the key makes them purgeable again.
   */
  async purgeOlderThan(day: string, options: Pick<ScanOptions, "batchSize" | "onUnreadable"> = {}): Promise<number> {
    if (!/^\d{4}-\d{2}-\d{2}$/.test(day)) throw new RangeError(`purgeOlderThan: give a day as YYYY-MM-DD, not "${day}"`);
    let purged = 0;
    for await (const { id, record } of this.#entries(options)) {
      if (record.day >= day) continue;
      purged += Number(await this.#redis.eval(DELETE_ENTRY, 2, this.streamKey, this.indexKey, record.pseudonym, id));
    }
    return purged;
  }

  /** Re-seals every record with the codec's current key (key rotation); returns how many. */
  async reseal(options: Pick<ScanOptions, "batchSize" | "onUnreadable"> = {}): Promise<number> {
    let count = 0;
    for await (const { id, record } of this.#entries(options)) {
      const sealed = this.#codec.seal(JSON.stringify(record));
      count += Number(await this.#redis.eval(RESEAL_ENTRY, 2, this.streamKey, this.indexKey, record.pseudonym, id, sealed));
    }
    return count;
  }
}
