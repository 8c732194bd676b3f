/**
 * Outreach funnels and the invite registry, in Redis.
 *
 * Funnel numbers are plain counters per source code, bumped as people pass each stage; they
 * are never derived from, and never stored next to, anyone's identity. Where people stop is
 * kept the same way: each source has a hash of question id → how many people are currently
 * at that question. When someone answers, the caller moves them from one question to the next
 * (`moved`), so the hash always says where the people who left last were, without knowing who.
 *
 * The registry keeps each invite under its campaign code (so a typed code finds its source)
 * and lists it under its worker code (so /stats shows a worker their own links).
 *
 * Funnels are per study: the same invite source may bring people to two studies. Keys, with
 * the default prefix "survey:" (the IOM study keeps the names it had before studies were data;
 * another study's funnel keys carry its key, e.g. survey:funnel:household_survey@3:<source>):
 *   survey:funnel:<source>          hash  started, consented, eligible, completed
 *   survey:funnel-stops:<source>    hash  question id → people last seen there
 *   survey:invite:<campaign code>   JSON  the registered invite
 *   survey:invites:worker:<code>    zset  campaign codes by creation time
 *   survey:invites:all              zset  campaign codes by creation time
 */
import type { Redis } from "ioredis";
import { z } from "zod";
import { campaignCode, inviteProblem, normalizeCampaignCode, sourceCode, type Invite } from "./invite.ts";
import { CITIES } from "./locations.ts";
import { LEGACY_STUDY_KEY } from "../../records/keys.ts";
import type { StudyKey } from "../../studies/study.ts";

export const FUNNEL_STAGES = ["started", "consented", "eligible", "completed"] as const;
export type FunnelStage = (typeof FUNNEL_STAGES)[number];

export interface Funnel {
  started: number;
  consented: number;
  eligible: number;
  completed: number;
  /** The question most people were at when they were last seen; absent when nobody is stopped anywhere. */
  topDropOff?: { q: string; count: number };
}

export interface RegisteredInvite {
  invite: Invite;
  campaignCode: string;
  sourceCode: string;
  /** Epoch milliseconds. */
  createdAt: number;
}

export interface FunnelStoreOptions {
  redis: Redis;
  /** Prepended to every key; the same REDIS_PREFIX as the rest of the bot. */
  prefix?: string;
  now?: () => number;
}

/** Thrown when another source already holds an invite's campaign code; the worker should pick another label. */
export class CampaignCodeTakenError extends Error {
  readonly campaignCode: string;
  constructor(campaignCode: string) {
    super(`Campaign code ${campaignCode} is already used by another invite; choose a different label`);
    this.campaignCode = campaignCode;
    this.name = "CampaignCodeTakenError";
  }
}

const SOURCE_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;
const QUESTION_ID_PATTERN = /^[A-Za-z0-9_.-]{1,64}$/;

const StoredInvite = z.strictObject({
  invite: z.strictObject({
    workerCode: z.string(),
    city: z.enum(CITIES),
    district: z.string().optional(),
    label: z.string(),
    study: z.string().optional(),
  }),
  createdAt: z.number().int().nonnegative(),
});

/**
 * Moves one person's "current stop" from one question to another, atomically. A count never
 * goes below zero: a move from a question recorded before, say, a counter reset is harmless.
 * KEYS[1] = stops hash; ARGV[1] = from ("" for none); ARGV[2] = to ("" for none).
 */
const MOVE_STOP_LUA = `
if ARGV[1] ~= "" then
  local n = tonumber(redis.call("HGET", KEYS[1], ARGV[1]) or "0")
  if n <= 1 then redis.call("HDEL", KEYS[1], ARGV[1]) else redis.call("HINCRBY", KEYS[1], ARGV[1], -1) end
end
if ARGV[2] ~= "" then redis.call("HINCRBY", KEYS[1], ARGV[2], 1) end
return 1
`;

function requireSource(source: string): void {
  if (!SOURCE_PATTERN.test(source)) throw new Error(`A funnel source must be 1–64 characters of A-Z a-z 0-9 _ . - (use sourceCode(invite)), got "${source}"`);
}

function requireQuestionId(q: string | undefined): void {
  if (q !== undefined && !QUESTION_ID_PATTERN.test(q)) throw new Error(`"${q}" is not a question id`);
}

export class FunnelStore {
  readonly #redis: Redis;
  readonly #prefix: string;
  readonly #now: () => number;

  constructor(options: FunnelStoreOptions) {
    this.#redis = options.redis;
    this.#prefix = options.prefix ?? "survey:";
    this.#now = options.now ?? Date.now;
  }

  /** The study's part of a funnel key: nothing for the IOM study, whose keys predate studies. */
  #studyPart(study: StudyKey | undefined): string {
    return study === undefined || study === LEGACY_STUDY_KEY ? "" : `${study}:`;
  }

  #countsKey(source: string, study: StudyKey | undefined): string {
    return `${this.#prefix}funnel:${this.#studyPart(study)}${source}`;
  }

  #stopsKey(source: string, study: StudyKey | undefined): string {
    return `${this.#prefix}funnel-stops:${this.#studyPart(study)}${source}`;
  }

  #inviteKey(code: string): string {
    return `${this.#prefix}invite:${code}`;
  }

  #workerKey(workerCode: string): string {
    return `${this.#prefix}invites:worker:${workerCode}`;
  }

  get #allKey(): string {
    return `${this.#prefix}invites:all`;
  }

  /** Counts one more person reaching a stage of `study` from this source (default: the IOM study). */
  async record(source: string, stage: FunnelStage, study?: StudyKey): Promise<void> {
    requireSource(source);
    await this.#redis.hincrby(this.#countsKey(source, study), stage, 1);
  }

  /**
   * Moves one person's current stop: `from` loses one, `to` gains one. Pass `from` undefined
   * when they reach their first question and `to` undefined when they finish or are screened out.
   */
  async moved(source: string, from: string | undefined, to: string | undefined, study?: StudyKey): Promise<void> {
    requireSource(source);
    requireQuestionId(from);
    requireQuestionId(to);
    if (from === to) return;
    await this.#redis.eval(MOVE_STOP_LUA, 1, this.#stopsKey(source, study), from ?? "", to ?? "");
  }

  /** Someone is now at question q (and was at none before). */
  async recordStop(source: string, q: string): Promise<void> {
    await this.moved(source, undefined, q);
  }

  /** Someone is no longer at question q (they finished, were screened out or deleted their data). */
  async clearStop(source: string, q: string): Promise<void> {
    await this.moved(source, q, undefined);
  }

  /** Question id → people last seen there, for this source. */
  async stops(source: string, study?: StudyKey): Promise<Record<string, number>> {
    requireSource(source);
    const raw = await this.#redis.hgetall(this.#stopsKey(source, study));
    return Object.fromEntries(Object.entries(raw).map(([q, n]) => [q, Number(n)] as const).filter(([, n]) => n > 0));
  }

  async funnel(source: string, study?: StudyKey): Promise<Funnel> {
    requireSource(source);
    const [counts, stops] = await Promise.all([this.#redis.hmget(this.#countsKey(source, study), ...FUNNEL_STAGES), this.stops(source, study)]);
    const count = (stage: FunnelStage) => Number(counts[FUNNEL_STAGES.indexOf(stage)] ?? 0);
    const funnel: Funnel = { started: count("started"), consented: count("consented"), eligible: count("eligible"), completed: count("completed") };
    // Ties go to the alphabetically first question id, so the same data always shows the same answer.
    const top = Object.entries(stops).sort(([qa, a], [qb, b]) => b - a || qa.localeCompare(qb))[0];
    if (top) funnel.topDropOff = { q: top[0], count: top[1] };
    return funnel;
  }

  /**
   * Registers an invite and returns its campaign code. Registering the same invite again is
   * harmless and keeps its first creation time; throws CampaignCodeTakenError when another
   * invite already has the code.
   */
  async registerInvite(invite: Invite): Promise<RegisteredInvite> {
    const problem = inviteProblem(invite);
    if (problem) throw new Error(`Cannot register this invite: ${problem}`);
    const code = campaignCode(invite);
    const normalized: Invite = { workerCode: invite.workerCode, city: invite.city, label: invite.label, ...(invite.district ? { district: invite.district } : {}), ...(invite.study ? { study: invite.study } : {}) };
    const createdAt = this.#now();
    const stored = JSON.stringify(StoredInvite.parse({ invite: normalized, createdAt }));
    const created = await this.#redis.set(this.#inviteKey(code), stored, "NX");
    if (created === null) {
      const existing = await this.resolveCampaignCode(code);
      // The same worker, place and label for another study would share the typed code: refused.
      if (!existing || existing.sourceCode !== sourceCode(normalized) || existing.invite.study !== normalized.study) throw new CampaignCodeTakenError(code);
      return existing;
    }
    await this.#redis
      .multi()
      .zadd(this.#workerKey(invite.workerCode), "NX", String(createdAt), code)
      .zadd(this.#allKey, "NX", String(createdAt), code)
      .exec();
    return { invite: normalized, campaignCode: code, sourceCode: sourceCode(normalized), createdAt };
  }

  /** The invite behind a campaign code as typed by a respondent, or undefined when there is none. */
  async resolveCampaignCode(typed: string): Promise<RegisteredInvite | undefined> {
    const code = normalizeCampaignCode(typed);
    if (!code) return undefined;
    return (await this.#load([code]))[0];
  }

  /** A worker's own invites, oldest first. */
  async invitesOfWorker(workerCode: string): Promise<RegisteredInvite[]> {
    return this.#load(await this.#redis.zrange(this.#workerKey(workerCode), "0", "-1"));
  }

  /** Every registered invite, oldest first (for analysts). */
  async allInvites(): Promise<RegisteredInvite[]> {
    return this.#load(await this.#redis.zrange(this.#allKey, "0", "-1"));
  }

  async #load(codes: string[]): Promise<RegisteredInvite[]> {
    if (codes.length === 0) return [];
    const values = await this.#redis.mget(...codes.map((c) => this.#inviteKey(c)));
    const found: RegisteredInvite[] = [];
    values.forEach((raw, i) => {
      const code = codes[i];
      if (raw === null || raw === undefined || code === undefined) return;
      const parsed = StoredInvite.safeParse(safeJson(raw));
      if (!parsed.success) return;
      const invite = parsed.data.invite as Invite;
      // A stored value that no longer names a valid invite (edited by hand, or an old table) is skipped, not trusted.
      if (inviteProblem(invite) !== undefined || campaignCode(invite) !== code) return;
      found.push({ invite, campaignCode: code, sourceCode: sourceCode(invite), createdAt: parsed.data.createdAt });
    });
    return found;
  }
}

function safeJson(raw: string): unknown {
  try {
    return JSON.parse(raw);
  } catch {
    return undefined;
  }
}
