/**
 * The dashboard's counters in Redis, updated as interviews complete and read per page view.
 *
 * Keys, per study id and version, with the default prefix "survey:":
 *   survey:dash:<study>:v<version>:all          hash  counter → count, every day together
 *   survey:dash:<study>:v<version>:day:<day>    hash  the same counters for one day (date ranges)
 *   survey:dash:<study>:v<version>:days         set   days that have a day hash
 *   survey:dash:<study>:v<version>:completed    hash  "<day>|<city>" → completed interviews
 *   survey:dash:<study>:v<version>:daily        hash  "<day>|started", "<day>|consented"
 *   survey:dash:<study>:v<version>:stops        hash  question → people last seen there
 *   survey:dash:<study>:v<version>:built        string  set once a backfill from the records ran
 *   survey:dash:<study>:targets                 hash  city → completed interviews wanted
 *
 * Completing an interview is one Lua call (two HINCRBY per counter, server side). A page view
 * reads one hash, or one per day of a date range: never the records. A backfill rebuilds the
 * counters from the stored records; interviews completing meanwhile are still counted once.
 */
import type { Redis } from "ioredis";
import type { Questionnaire } from "../flows/schema.ts";
import type { CompletedRecord } from "../records/record.ts";
import { tally, type TallyInput } from "./tally.ts";

/**
 * Adds (or, for a deleted record, takes away) one interview. KEYS: all, day hash, days set,
 * completed per day and city. ARGV: +1 or -1, day, city, then counters.
 */
const COUNT_INTERVIEW = `
local delta = tonumber(ARGV[1])
if delta > 0 then redis.call("SADD", KEYS[3], ARGV[2]) end
redis.call("HINCRBY", KEYS[4], ARGV[2] .. "|" .. ARGV[3], delta)
for i = 4, #ARGV do
  redis.call("HINCRBY", KEYS[1], ARGV[i], delta)
  redis.call("HINCRBY", KEYS[2], ARGV[i], delta)
end
return #ARGV - 3`;

/**
 * Empties the counters a backfill rebuilds and returns the newest record id at that instant,
 * atomically: records up to it are the backfill's to count, later ones the live hook's.
 * KEYS: all, days set, records stream, completed per day and city. ARGV: day-key prefix.
 */
const RESET_FOR_BACKFILL = `
for _, day in ipairs(redis.call("SMEMBERS", KEYS[2])) do redis.call("DEL", ARGV[1] .. day) end
redis.call("DEL", KEYS[1], KEYS[2], KEYS[4])
local newest = redis.call("XREVRANGE", KEYS[3], "+", "-", "COUNT", 1)[1]
if newest then return newest[1] end
return false`;

/**
 * Adds several day hashes together inside Redis, so a date range sends one hash's worth of
 * counters instead of one per day, and only one city's when a city is chosen.
 * KEYS: the day hashes. ARGV: "<city>|" or "" for every city. Returns field, count, field, count…
 */
const SUM_DAYS = `
local sums, order = {}, {}
local prefix = ARGV[1]
for _, key in ipairs(KEYS) do
  local flat = redis.call("HGETALL", key)
  for i = 1, #flat, 2 do
    local field = flat[i]
    if prefix == "" or string.sub(field, 1, #prefix) == prefix then
      if sums[field] == nil then sums[field] = 0; order[#order + 1] = field end
      sums[field] = sums[field] + tonumber(flat[i + 1])
    end
  end
end
local out = {}
for _, field in ipairs(order) do out[#out + 1] = field; out[#out + 1] = tostring(sums[field]) end
return out`;

/** KEYS: stops. ARGV: from, to ("" for none). A count never goes below zero. */
const MOVE_STOP = `
if ARGV[1] ~= "" then
  local n = tonumber(redis.call("HGET", KEYS[1], ARGV[1]) or "0")
  if n <= 1 then redis.call("HDEL", KEYS[1], ARGV[1]) else redis.call("HINCRBY", KEYS[1], ARGV[1], -1) end
end
if ARGV[2] ~= "" then redis.call("HINCRBY", KEYS[1], ARGV[2], 1) end
return 1`;

export type Counts = Map<string, number>;

export interface DashboardStoreOptions {
  redis: Redis;
  definition: Questionnaire;
  sexQuestion: string;
  prefix?: string;
}

export interface Period {
  /** First and last day, inclusive (YYYY-MM-DD); absent means open. */
  from?: string;
  to?: string;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

/** The city of a counter "<city>|<sex>|<what>". */
const cellCity = (field: string) => field.slice(0, field.indexOf("|"));
const QUESTION = /^[A-Za-z0-9_.-]{1,64}$/;

function toCounts(raw: Record<string, string>, into: Counts = new Map()): Counts {
  for (const [field, value] of Object.entries(raw)) into.set(field, (into.get(field) ?? 0) + Number(value));
  return into;
}

export class DashboardStore {
  readonly #redis: Redis;
  readonly definition: Questionnaire;
  readonly #sexQuestion: string;
  readonly #prefix: string;

  constructor(options: DashboardStoreOptions) {
    this.#redis = options.redis;
    this.definition = options.definition;
    this.#sexQuestion = options.sexQuestion;
    this.#prefix = options.prefix ?? "survey:";
  }

  #base(version: number): string {
    return `${this.#prefix}dash:${this.definition.id}:v${version}`;
  }

  #keys(version: number) {
    const base = this.#base(version);
    return {
      all: `${base}:all`,
      dayPrefix: `${base}:day:`,
      days: `${base}:days`,
      completed: `${base}:completed`,
      daily: `${base}:daily`,
      stops: `${base}:stops`,
      built: `${base}:built`,
    };
  }

  get #targetsKey(): string {
    return `${this.#prefix}dash:${this.definition.id}:targets`;
  }

  /** Counts a completed interview: one round trip, a few hundred microseconds of Redis work. */
  async completed(input: TallyInput): Promise<void> {
    await this.#count(input, 1);
  }

  /**
   * Takes a deleted record (/delete) out of the counters, so the figures keep matching the
   * records. Its interview time is not known any more, so the time histogram keeps it.
   */
  async forget(record: CompletedRecord): Promise<void> {
    await this.#count({ record }, -1);
  }

  async #count(input: TallyInput, delta: 1 | -1): Promise<void> {
    const fields = tally(this.definition, this.#sexQuestion, input);
    const keys = this.#keys(input.record.version);
    const day = input.record.day;
    await this.#redis.eval(COUNT_INTERVIEW, 4, keys.all, keys.dayPrefix + day, keys.days, keys.completed, String(delta), day, cellCity(fields[0]!), ...fields);
  }

  /** Counts a funnel stage that happens before the city is known (started, consented), per day. */
  async stage(day: string, stage: "started" | "consented"): Promise<void> {
    if (!DAY.test(day)) return;
    await this.#redis.hincrby(this.#keys(this.definition.version).daily, `${day}|${stage}`, 1);
  }

  /** Moves a person's "last seen at" from one question to the next, for where people stop. */
  async moved(from: string | undefined, to: string | undefined): Promise<void> {
    if (from === to) return;
    if ((from !== undefined && !QUESTION.test(from)) || (to !== undefined && !QUESTION.test(to))) return;
    await this.#redis.eval(MOVE_STOP, 1, this.#keys(this.definition.version).stops, from ?? "", to ?? "");
  }

  /**
   * Every counter for the period: the all-days hash when the period is open, else the days in
   * it. With a city, a date range brings back only that city's counters (the rest are not needed).
   */
  async counts(version: number, period: Period = {}, city?: string): Promise<Counts> {
    const keys = this.#keys(version);
    if (!period.from && !period.to) return toCounts(await this.#redis.hgetall(keys.all));
    const days = (await this.#redis.smembers(keys.days)).filter((d) => (!period.from || d >= period.from) && (!period.to || d <= period.to));
    if (days.length === 0) return new Map();
    const cityPrefix = city && QUESTION.test(city) ? `${city}|` : "";
    const flat = (await this.#redis.eval(SUM_DAYS, days.length, ...days.map((day) => keys.dayPrefix + day), cityPrefix)) as string[];
    const counts: Counts = new Map();
    for (let i = 0; i < flat.length; i += 2) counts.set(flat[i]!, Number(flat[i + 1]));
    return counts;
  }

  /** Completed interviews per day and city: day → city → count. */
  async completedByDay(version: number, period: Period = {}): Promise<Map<string, Map<string, number>>> {
    const byDay = new Map<string, Map<string, number>>();
    for (const [field, value] of Object.entries(await this.#redis.hgetall(this.#keys(version).completed))) {
      const [day, city] = field.split("|");
      if (!day || !city || (period.from && day < period.from) || (period.to && day > period.to)) continue;
      const cities = byDay.get(day) ?? new Map<string, number>();
      cities.set(city, (cities.get(city) ?? 0) + Number(value));
      byDay.set(day, cities);
    }
    return new Map([...byDay].sort(([a], [b]) => a.localeCompare(b)));
  }

  /** "<day>|started" and "<day>|consented" counts. */
  async daily(version: number): Promise<Map<string, { started: number; consented: number }>> {
    const raw = await this.#redis.hgetall(this.#keys(version).daily);
    const days = new Map<string, { started: number; consented: number }>();
    for (const [field, value] of Object.entries(raw)) {
      const [day, stage] = field.split("|");
      if (!day || (stage !== "started" && stage !== "consented")) continue;
      const entry = days.get(day) ?? { started: 0, consented: 0 };
      entry[stage] += Number(value);
      days.set(day, entry);
    }
    return days;
  }

  async stops(version: number): Promise<Map<string, number>> {
    return new Map(Object.entries(await this.#redis.hgetall(this.#keys(version).stops)).map(([q, n]) => [q, Number(n)] as const));
  }

  async targets(): Promise<Map<string, number>> {
    return new Map(Object.entries(await this.#redis.hgetall(this.#targetsKey)).map(([city, n]) => [city, Number(n)] as const));
  }

  /** Sets the completed interviews wanted in a city; 0 removes the target. */
  async setTarget(city: string, target: number): Promise<void> {
    if (!QUESTION.test(city) || !Number.isInteger(target) || target < 0 || target > 1_000_000) throw new RangeError("a target is a whole number from 0 to 1,000,000 for a city code");
    if (target === 0) await this.#redis.hdel(this.#targetsKey, city);
    else await this.#redis.hset(this.#targetsKey, city, String(target));
  }

  /** Whether the counters of this version were ever rebuilt from the records. */
  async built(version: number): Promise<boolean> {
    return (await this.#redis.exists(this.#keys(version).built)) === 1;
  }

  /**
   * Rebuilds the counters of the current version from the stored records (a study that had
   * interviews before the dashboard existed, or after a crash between a record and its count).
   * Returns how many records were counted. `readRecords` reads the record store up to `until`.
   */
  async backfill(streamKey: string, readRecords: (until: string) => AsyncIterable<CompletedRecord>): Promise<number> {
    const version = this.definition.version;
    const keys = this.#keys(version);
    const until = (await this.#redis.eval(RESET_FOR_BACKFILL, 4, keys.all, keys.days, streamKey, keys.completed, keys.dayPrefix)) as string | null;
    let counted = 0;
    if (until) {
      const byDay = new Map<string, Counts>();
      const completed: Counts = new Map();
      for await (const record of readRecords(until)) {
        if (record.version !== version) continue;
        const counts = byDay.get(record.day) ?? new Map<string, number>();
        const fields = tally(this.definition, this.#sexQuestion, { record });
        for (const field of fields) counts.set(field, (counts.get(field) ?? 0) + 1);
        const dayCity = `${record.day}|${cellCity(fields[0]!)}`;
        completed.set(dayCity, (completed.get(dayCity) ?? 0) + 1);
        byDay.set(record.day, counts);
        counted++;
      }
      // HINCRBY, not HSET: interviews completed since the reset were already counted live.
      for (const [day, counts] of byDay) {
        const pipeline = this.#redis.pipeline();
        pipeline.sadd(keys.days, day);
        for (const [field, n] of counts) pipeline.hincrby(keys.all, field, n).hincrby(keys.dayPrefix + day, field, n);
        await pipeline.exec();
      }
      if (completed.size > 0) {
        const pipeline = this.#redis.pipeline();
        for (const [dayCity, n] of completed) pipeline.hincrby(keys.completed, dayCity, n);
        await pipeline.exec();
      }
    }
    await this.#redis.set(keys.built, String(counted));
    return counted;
  }
}
