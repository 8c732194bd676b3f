/**
 * Turns a stored record into an export row that cannot name anyone: the pseudonym is dropped
 * for a random row id, only codes and numbers the definition allows survive (so no free text,
 * whatever was stored), dates stay at day precision, and the quasi-identifiers are recoded or
 * suppressed as the disclosure plan says (disclosure.ts).
 */
import { createHash, randomBytes } from "node:crypto";
import { derive, rangeFor } from "../flows/engine.ts";
import type { Answer, Environment, Question, Questionnaire } from "../flows/schema.ts";
import type { ExportPolicy } from "../studies/export-policy.ts";
import type { CompletedRecord } from "../records/record.ts";

export interface ExportRow {
  rowId: string;
  day: string;
  lang: string;
  source: string | undefined;
  version: number;
  answers: Record<string, Answer>;
  derived: Record<string, string | number>;
  flags: Record<string, boolean>;
  /** A long-format row (a form study's repeat instance): its index in each enclosing repeat, outermost first. */
  instance?: number[];
  /** A form study's repeat instances, per repeat reference, in document order (see form/form-rows.ts). */
  instances?: Record<string, ExportRow[]>;
}

export interface ExportFilter {
  city?: string;
  /** First and last day, inclusive (YYYY-MM-DD). */
  from?: string;
  to?: string;
}

const LANGUAGE_CODE = /^[a-z]{2,3}(-[A-Za-z]{2,4})?$/;
/** Invite campaign codes are short slugs chosen by staff; anything else is not exported. */
const CAMPAIGN_CODE = /^[A-Za-z0-9_-]{1,64}$/;

/** The invite campaign code, if it is one (anything else is not exported). */
export function publicSource(source: string | undefined): string | undefined {
  return source !== undefined && CAMPAIGN_CODE.test(source) ? source : undefined;
}

/** The interview's year, so derived values (such as age from birth year) use the year it was given in. */
export function environmentOf(record: Pick<CompletedRecord, "day">): Environment {
  return { currentYear: Number(record.day.slice(0, 4)) };
}

export function matchesFilter(record: CompletedRecord, filter: ExportFilter, policy: ExportPolicy): boolean {
  // A study without a city question has no city to filter by: the filter matches nobody.
  if (filter.city !== undefined && (policy.cityQuestion === undefined || record.answers[policy.cityQuestion] !== filter.city)) return false;
  if (filter.from !== undefined && record.day < filter.from) return false;
  if (filter.to !== undefined && record.day > filter.to) return false;
  return true;
}

/** A stored value, if it is one the question allows; anything else (free text, a removed option) is dropped. */
type AllowedValue = (value: Answer, earlier: Record<string, Answer>, env: Environment) => Answer | undefined;

function allowedValue(question: Question): AllowedValue {
  const codes = new Set((question.options ?? []).map((o) => o.code));
  switch (question.type) {
    case "single":
      return (value) => (typeof value === "string" && codes.has(value) ? value : undefined);
    case "multi":
      return (value) => {
        if (!Array.isArray(value)) return undefined;
        const kept = value.filter((code) => codes.has(code));
        return kept.length > 0 ? kept : undefined;
      };
    case "number":
    case "year":
      return (value, earlier, env) => {
        if (typeof value === "string") return codes.has(value) ? value : undefined;
        if (typeof value !== "number" || !Number.isSafeInteger(value)) return undefined;
        const { min, max } = rangeFor(question, earlier, env);
        return value >= min && value <= max ? value : undefined;
      };
  }
}

/**
 * Each question's check, built once per definition: the export runs it for every question of
 * every record, several times over, so the option sets are not rebuilt per row.
 */
const checks = new WeakMap<Questionnaire, { id: string; allowed: AllowedValue; choice: boolean }[]>();
function checksOf(definition: Questionnaire) {
  let list = checks.get(definition);
  if (!list) {
    list = definition.questions.map((question) => ({
      id: question.id,
      allowed: allowedValue(question),
      choice: question.type === "single" || question.type === "multi",
    }));
    checks.set(definition, list);
  }
  return list;
}

/**
 * The allowed answers to `ids` only, for the disclosure counting pass, which reads nothing else.
 * Checking a choice needs no other answer; a number's range may read earlier answers, so when
 * one of `ids` is a number or year the whole record is checked, as allowedAnswers() does.
 */
export function allowedAnswersTo(definition: Questionnaire, record: CompletedRecord, ids: ReadonlySet<string>): Record<string, Answer> {
  const kept: Record<string, Answer> = {};
  const env = environmentOf(record);
  for (const { id, allowed, choice } of checksOf(definition)) {
    if (!ids.has(id)) continue;
    if (!choice) return allowedAnswers(definition, record);
    const stored = record.answers[id];
    const value = stored === undefined ? undefined : allowed(stored, kept, env);
    if (value !== undefined) kept[id] = value;
  }
  return kept;
}

/** Only the answers the definition allows, in definition order. */
export function allowedAnswers(definition: Questionnaire, record: CompletedRecord): Record<string, Answer> {
  const env = environmentOf(record);
  const kept: Record<string, Answer> = {};
  for (const { id, allowed } of checksOf(definition)) {
    const stored = record.answers[id];
    if (stored === undefined) continue;
    const value = allowed(stored, kept, env);
    if (value !== undefined) kept[id] = value;
  }
  return kept;
}

export interface AnonymizeOptions {
  definition: Questionnaire;
  policy: ExportPolicy;
  flagNames: readonly string[];
  rowId: string;
  /** Rewrites the quasi-identifiers to their published values (DisclosurePlan.apply). */
  disclose?: (answers: Record<string, Answer>) => void;
}

export function anonymize(record: CompletedRecord, options: AnonymizeOptions): ExportRow {
  return anonymizeAllowed(record, allowedAnswers(options.definition, record), options);
}

/**
 * anonymize() for a caller that already has the record's allowed answers (the export needs them
 * for the disclosure check first). Takes ownership of `answers`: they become the row's.
 */
export function anonymizeAllowed(record: CompletedRecord, answers: Record<string, Answer>, options: AnonymizeOptions): ExportRow {
  const { definition } = options;
  options.disclose?.(answers);
  const flags: Record<string, boolean> = {};
  for (const name of options.flagNames) {
    const value = record.flags?.[name];
    if (typeof value === "boolean") flags[name] = value;
  }
  return {
    rowId: options.rowId,
    day: record.day,
    lang: LANGUAGE_CODE.test(record.lang) ? record.lang : "",
    source: record.source !== undefined && CAMPAIGN_CODE.test(record.source) ? record.source : undefined,
    version: record.version,
    answers,
    // Derived after disclosure control, so no derived value can reveal a recoded or suppressed answer.
    derived: derive(definition, answers, environmentOf(record)),
    flags,
  };
}

/**
 * Row ids for one export: HMAC of the row's position under a key drawn fresh for the export, so
 * they are random to anyone outside it, unrelated to the pseudonym, and the same in every pass
 * over the records (the XLSX labels sheet repeats the data sheet's ids). `random` makes the key
 * reproducible in tests; by default it comes from the operating system's generator.
 */
export function rowIdsForExport(random?: () => number): (position: number) => string {
  const key = random ? Buffer.from(Array.from({ length: 32 }, () => Math.floor(random() * 256))) : randomBytes(32);
  // HMAC-SHA256 (RFC 2104) with the keyed pads hashed once: createHmac re-imports the key on
  // every call, which costed more than the rest of a row's anonymization.
  const pad = (byte: number) => createHash("sha256").update(Buffer.from(Array.from({ length: 64 }, (_, i) => (key[i] ?? 0) ^ byte)));
  const inner = pad(0x36);
  const outer = pad(0x5c);
  return (position) => {
    const digest = inner.copy().update(String(position)).digest();
    const id = outer.copy().update(digest).digest("base64url").slice(0, 12);
    // Excel and LibreOffice read a cell starting with - + = @ as a formula: start with a letter.
    return /^[A-Za-z0-9]/.test(id) ? id : `r${id.slice(1)}`;
  };
}
