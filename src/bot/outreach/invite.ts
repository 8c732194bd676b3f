/**
 * An outreach invite: which worker handed it out, where, and for which campaign.
 *
 * It never names the worker: `workerCode` is a short keyed pseudonym of their Telegram id.
 * Two codes are derived from an invite:
 * - the source code, stored on the anonymized record and used as the funnel's key;
 * - the campaign code, printed under the QR code for people whose Telegram client drops the
 *   start payload, so they can type it instead.
 */
import { createHash } from "node:crypto";
import { CITY_TAG, isCity, isDistrictOf, type City, type District } from "./locations.ts";

export interface Invite {
  workerCode: string;
  city: City;
  district?: District | undefined;
  /** 1–16 characters of a-z 0-9 and "-", e.g. "market-1". */
  label: string;
  /**
   * The form_id of the study the invite opens. Absent in invites made before studies were
   * data (version-1 payloads on printed QR codes): those open the native IOM study.
   */
  study?: string | undefined;
}

export const WORKER_CODE_PATTERN = /^[A-Za-z0-9_-]{6}$/;
export const LABEL_PATTERN = /^[a-z0-9-]{1,16}$/;
export const MAX_LABEL_LENGTH = 16;
/** A form_id as XLSForm allows it (studies/catalog.ts reads it from the settings sheet). */
export const FORM_ID_PATTERN = /^[A-Za-z_][\w.-]{0,99}$/;

/**
 * Turns what a worker typed into a label ("Market 1" → "market-1"), or undefined when it
 * cannot be one, so the bot can ask again instead of failing.
 */
export function normalizeLabel(typed: string): string | undefined {
  const label = typed.trim().toLowerCase().replace(/[\s_]+/g, "-");
  return LABEL_PATTERN.test(label) ? label : undefined;
}

/** Why an invite is malformed, or undefined when it is well formed. */
export function inviteProblem(invite: Invite): string | undefined {
  if (!WORKER_CODE_PATTERN.test(invite.workerCode)) return `worker code "${invite.workerCode}" is not 6 characters of A-Z a-z 0-9 _ - (make it with workerCode())`;
  if (!isCity(invite.city)) return `city "${String(invite.city)}" is not one of almaty, astana, shymkent`;
  if (invite.district !== undefined && !isDistrictOf(invite.city, invite.district)) return `district "${String(invite.district)}" is not a district of ${invite.city}`;
  if (invite.study !== undefined && !FORM_ID_PATTERN.test(invite.study)) return `study "${invite.study}" is not a form_id`;
  if (!LABEL_PATTERN.test(invite.label)) return `label "${invite.label}" must be 1–${MAX_LABEL_LENGTH} characters of a-z 0-9 and - (normalizeLabel() lower-cases it)`;
  return undefined;
}

/**
 * What the anonymized record stores: "<worker>.<city>.<district or ->.<label>", at most 46
 * characters. Dots separate the parts because none of them can contain one.
 */
export function sourceCode(invite: Invite): string {
  return [invite.workerCode, invite.city, invite.district ?? "-", invite.label].join(".");
}

/**
 * The code printed under the QR code, e.g. "AST-MARKET-1-407": city tag, label, and three
 * digits from a hash of the source code. The digits keep two workers who both chose "market"
 * in Astana apart; digits are easy to type on any phone keyboard. At most 24 characters.
 */
export function campaignCode(invite: Invite): string {
  const digest = createHash("sha256").update(`campaign-code:${sourceCode(invite)}`).digest();
  const digits = String(digest.readUInt32BE(0) % 1000).padStart(3, "0");
  return `${CITY_TAG[invite.city]}-${invite.label.toUpperCase()}-${digits}`;
}

/** Cyrillic letters that look like Latin ones, for people who type a code on a Cyrillic keyboard. */
const LOOKALIKES: Record<string, string> = { А: "A", В: "B", Е: "E", К: "K", М: "M", Н: "H", О: "O", Р: "P", С: "C", Т: "T", Х: "X", У: "Y" };

/**
 * Puts a typed campaign code into canonical form: upper case, Cyrillic look-alikes replaced,
 * spaces and underscores as "-". Returns undefined when it cannot be a campaign code at all.
 */
export function normalizeCampaignCode(typed: string): string | undefined {
  const code = typed
    .trim()
    .toUpperCase()
    .replace(/[АВЕКМНОРСТХУ]/g, (c) => LOOKALIKES[c] ?? c)
    .replace(/[\s_]+/g, "-");
  return /^[A-Z]{3}-[A-Z0-9-]{1,16}-\d{3}$/.test(code) ? code : undefined;
}
