/**
 * Signed /start payloads for outreach invites.
 *
 * Telegram passes at most 64 characters of A-Z a-z 0-9 _ - after `?start=`. Version 2 names
 * the study the invite opens:
 *
 *   "2" | worker code (6) | location (1) | study ref (8) | label (1–16) | tag (16)
 *
 * where the study ref is 8 base64url characters of a hash of the form_id (studies/study-ref.ts):
 * at most 48 characters. Version 1, printed on QR codes before studies were data, is the same
 * without the study ref and opens the native IOM study:
 *
 *   "1" | worker code (6) | location (1) | label (1–16) | tag (16)
 *
 * - location is one base64url character: the index of the city/district pair in LOCATIONS;
 * - tag is HMAC-SHA256 over everything before it, truncated to 96 bits (16 base64url
 *   characters, no padding bits, so every character of it matters).
 *
 * Version 1 is at most 40 characters. The label is the only variable-length part and the tag has a fixed
 * length, so the payload parses without separators. An altered or forged payload is treated
 * as "no source" by the caller: verifyInvite returns undefined and never throws, because the
 * payload comes from anyone who can type a /start command.
 */
import { createHmac, timingSafeEqual } from "node:crypto";
import { inviteProblem, LABEL_PATTERN, MAX_LABEL_LENGTH, type Invite } from "./invite.ts";
import { LOCATIONS, locationIndex } from "./locations.ts";
import { STUDY_REF_LENGTH, studyRef } from "../../studies/study-ref.ts";

export { campaignCode, sourceCode, normalizeCampaignCode, normalizeLabel, type Invite } from "./invite.ts";

/** Version 1: no study (the native one); version 2: with a study ref. */
const LEGACY_VERSION = "1";
const VERSION = "2";
const WORKER_CODE_LENGTH = 6;
const TAG_LENGTH = 16;
const BASE64URL = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";
const PAYLOAD_ALPHABET = /^[A-Za-z0-9_-]+$/;

/** Telegram's limit for a start payload. */
export const MAX_START_PAYLOAD_LENGTH = 64;
const MIN_LENGTH = VERSION.length + WORKER_CODE_LENGTH + 1 + 1 + TAG_LENGTH;
const MAX_LENGTH = VERSION.length + WORKER_CODE_LENGTH + 1 + STUDY_REF_LENGTH + MAX_LABEL_LENGTH + TAG_LENGTH;

// The purpose prefixes keep these HMACs unrelated to each other and to the pseudonyms made
// from the same secret (src/platform/privacy/pseudonym.ts uses "<purpose>:<id>").
const WORKER_CODE_DOMAIN = "outreach-worker-code:";
const SIGNATURE_DOMAIN = "outreach-invite-signature:";

const MIN_SECRET_LENGTH = 32;

function requireSecret(secret: string): void {
  if (secret.length < MIN_SECRET_LENGTH) throw new Error(`The invite secret must be at least ${MIN_SECRET_LENGTH} characters of random text (PSEUDONYM_SECRET)`);
}

/**
 * A worker's public code: the first 6 characters of a keyed HMAC of their Telegram id.
 * It is printed inside every payload, so it must not reveal the id; 36 bits keep a handful of
 * workers apart, and without the secret nobody can test a guessed id against it.
 */
export function workerCode(telegramId: number, secret: string): string {
  requireSecret(secret);
  return createHmac("sha256", secret).update(`${WORKER_CODE_DOMAIN}${telegramId}`).digest("base64url").slice(0, WORKER_CODE_LENGTH);
}

function tagOf(body: string, secret: string): string {
  return createHmac("sha256", secret).update(`${SIGNATURE_DOMAIN}${body}`).digest("base64url").slice(0, TAG_LENGTH);
}

/**
 * Encodes and signs an invite; throws, saying what is wrong, for a malformed invite. An invite
 * naming its study is written as version 2; one without (a test of the old format) as version 1.
 */
export function signInvite(invite: Invite, secret: string): string {
  requireSecret(secret);
  const problem = inviteProblem(invite);
  if (problem) throw new Error(`Cannot sign this invite: ${problem}`);
  const index = locationIndex(invite);
  const locationChar = index === undefined ? undefined : BASE64URL[index];
  if (locationChar === undefined) throw new Error(`Cannot sign this invite: no location index for ${invite.city}/${invite.district ?? "-"}`);
  const body = invite.study === undefined
    ? `${LEGACY_VERSION}${invite.workerCode}${locationChar}${invite.label}`
    : `${VERSION}${invite.workerCode}${locationChar}${studyRef(invite.study)}${invite.label}`;
  return body + tagOf(body, secret);
}

/**
 * The invite a payload carries, or undefined for anything not signed by us with this secret.
 * A version-2 payload's study ref is matched against `formIds` (the studies this deployment
 * runs); a study it does not run gives undefined too. A version-1 payload names no study.
 */
export function verifyInvite(payload: unknown, secret: string, formIds: readonly string[] = []): Invite | undefined {
  try {
    if (typeof payload !== "string") return undefined;
    // Length first: an attacker's megabyte never reaches the HMAC.
    if (payload.length < MIN_LENGTH || payload.length > MAX_LENGTH) return undefined;
    // Telegram's alphabet only; it also keeps the tag comparison at one byte per character.
    const version = payload.charAt(0);
    if (!PAYLOAD_ALPHABET.test(payload) || (version !== VERSION && version !== LEGACY_VERSION)) return undefined;
    const body = payload.slice(0, -TAG_LENGTH);
    const tag = payload.slice(-TAG_LENGTH);
    const expected = Buffer.from(tagOf(body, secret), "utf8");
    const given = Buffer.from(tag, "utf8");
    if (given.length !== expected.length || !timingSafeEqual(given, expected)) return undefined;

    // Signed by us, but parse strictly anyway: a payload signed by a future or buggy version
    // must still not yield an invite this version cannot stand behind.
    const workerCode = body.slice(1, 1 + WORKER_CODE_LENGTH);
    const locationChar = body.charAt(1 + WORKER_CODE_LENGTH);
    const rest = body.slice(1 + WORKER_CODE_LENGTH + 1);
    const ref = version === VERSION ? rest.slice(0, STUDY_REF_LENGTH) : undefined;
    const label = version === VERSION ? rest.slice(STUDY_REF_LENGTH) : rest;
    const study = ref === undefined ? undefined : formIds.find((formId) => studyRef(formId) === ref);
    if (ref !== undefined && study === undefined) return undefined;
    const location = locationChar ? LOCATIONS[BASE64URL.indexOf(locationChar)] : undefined;
    if (!location || !LABEL_PATTERN.test(label)) return undefined;
    const invite: Invite = { workerCode, city: location.city, label, ...(location.district ? { district: location.district } : {}), ...(study ? { study } : {}) };
    return inviteProblem(invite) === undefined ? invite : undefined;
  } catch {
    return undefined;
  }
}
