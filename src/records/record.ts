/**
 * A completed interview as the record store keeps it and the export reads it.
 *
 * The pseudonym links a record to /delete requests and never leaves Redis: the export drops it
 * (see anonymize.ts) and gives each row a fresh random id instead.
 */
import { z } from "zod";

export const CompletedRecord = z.strictObject({
  /** HMAC of the Telegram user id; must never appear in an export. */
  pseudonym: z.string(),
  answers: z.record(z.string(), z.union([z.string(), z.array(z.string()), z.number()])),
  lang: z.string(),
  /** The native definition's version the interview ran under (form studies: 1, unused). */
  version: z.number().int(),
  /**
   * The study's form_id and version (studies/study.ts). Absent in records written before
   * studies were data: those are the native IOM study's (`recordStudy` fills them in).
   */
  formId: z.string().optional(),
  formVersion: z.string().optional(),
  /** The day the interview ended in Kazakhstan (see `kazakhstanDay`), YYYY-MM-DD. */
  day: z.string().regex(/^\d{4}-\d{2}-\d{2}$/),
  /** Invite campaign code. */
  source: z.string().optional(),
  /** Integrity flags (speeding, straight-lining, contradictions); flagged records are kept. */
  flags: z.record(z.string(), z.boolean()).optional(),
});
export type CompletedRecord = z.infer<typeof CompletedRecord>;

/**
 * The invite source of synthetic demo interviews (the preview's "load demo data"). An export
 * counts such rows and says so in its README, so demo data can never pass for real data.
 */
export const DEMO_SOURCE = "synthetic-demo";

/** Kazakhstan has kept one time zone, UTC+5, since March 2024. */
const KAZAKHSTAN_UTC_OFFSET_MS = 5 * 3600_000;

/**
 * The calendar day in Kazakhstan at `now`, as YYYY-MM-DD. Every day the project stores or
 * compares (a record's day, an export's period, the retention cut-off) goes through here:
 * between 19:00 and 24:00 UTC the UTC date is already yesterday in Almaty, and mixing the two
 * made a "last 30 days" export leave out the interviews finished that evening.
 */
export function kazakhstanDay(now: Date): string {
  return new Date(now.getTime() + KAZAKHSTAN_UTC_OFFSET_MS).toISOString().slice(0, 10);
}

/** An export's "last N days": today in Kazakhstan and the N days before it, as record days. */
export function lastDays(days: number, now: Date): { from: string; to: string } {
  return { from: kazakhstanDay(new Date(now.getTime() - days * 86_400_000)), to: kazakhstanDay(now) };
}
