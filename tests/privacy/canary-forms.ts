/**
 * Canary values and the forms a careless program could store them in, plus a byte search that
 * says exactly which value, in which form, turned up where.
 *
 * A Telegram id could leak as itself, as hex, or "anonymized" by a plain, unkeyed hash, which
 * anyone can reverse for ids by enumerating them. So each value is searched as text, as hex, and
 * as plain SHA-256 and MD5 digests. Names are also searched in lower case, since code often
 * normalizes before storing or hashing.
 */
import { createHash } from "node:crypto";

export interface Canary {
  /** Who or what it is, for the failure message ("respondent 3 username"). */
  label: string;
  value: string;
  /** ids are also searched as hex numbers; names also in lower case. */
  kind: "id" | "name" | "phone";
}

export interface Needle {
  canary: string;
  value: string;
  form: string;
  bytes: Buffer;
}

/** Something to search: a file, a Redis key or value, a log, a file inside a zip. */
export interface Haystack {
  where: string;
  bytes: Buffer;
}

export interface Hit {
  canary: string;
  value: string;
  form: string;
  where: string;
  offset: number;
  /** A few bytes around the hit, printable, to see what stored it. */
  context: string;
}

const digest = (algorithm: "sha256" | "md5", text: string) => createHash(algorithm).update(text, "utf8").digest("hex");

/** `\uXXXX` escapes for non-ASCII characters, as some JSON writers emit them. */
function jsonEscaped(text: string): string {
  return [...text].map((c) => (c.charCodeAt(0) < 0x80 ? c : [...c].map((u) => `\\u${u.charCodeAt(0).toString(16).padStart(4, "0")}`).join(""))).join("");
}

/** Every form of one text value, keyed by a name for the form. */
function textForms(text: string, prefix = ""): [string, string][] {
  const hexUtf8 = Buffer.from(text, "utf8").toString("hex");
  return [
    [`${prefix}text`, text],
    [`${prefix}hex of UTF-8 (lower)`, hexUtf8],
    [`${prefix}hex of UTF-8 (upper)`, hexUtf8.toUpperCase()],
    [`${prefix}SHA-256 hex (lower)`, digest("sha256", text)],
    [`${prefix}SHA-256 hex (upper)`, digest("sha256", text).toUpperCase()],
    [`${prefix}MD5 hex (lower)`, digest("md5", text)],
    [`${prefix}MD5 hex (upper)`, digest("md5", text).toUpperCase()],
    [`${prefix}base64 of UTF-8`, Buffer.from(text, "utf8").toString("base64").replace(/=+$/, "")],
    [`${prefix}JSON \\u-escaped`, jsonEscaped(text)],
  ];
}

function formsOf(canary: Canary): [string, string][] {
  switch (canary.kind) {
    case "id": {
      const hex = BigInt(canary.value).toString(16);
      return [...textForms(canary.value, "decimal "), ["hex number (lower)", hex], ["hex number (upper)", hex.toUpperCase()]];
    }
    case "name":
      return [...textForms(canary.value), ...textForms(canary.value.toLowerCase(), "lower-case "), ...textForms(canary.value.toUpperCase(), "upper-case ")];
    case "phone": {
      const digits = canary.value.replace(/\D/g, "");
      return [...textForms(canary.value), ...textForms(digits, "digits only ")];
    }
  }
}

export function needlesFor(canaries: readonly Canary[]): Needle[] {
  const needles: Needle[] = [];
  for (const canary of canaries) {
    const seen = new Set<string>();
    for (const [form, text] of formsOf(canary)) {
      // Lower/upper case or escaping often leaves a value as it was; search each string once.
      if (seen.has(text)) continue;
      seen.add(text);
      if (text.length < 6) throw new Error(`canary ${canary.label} is too short to search without false alarms (${form}: "${text}")`);
      needles.push({ canary: canary.label, value: canary.value, form, bytes: Buffer.from(text, "utf8") });
    }
  }
  return needles;
}

function printable(bytes: Buffer): string {
  return bytes.toString("utf8").replace(/[\u0000-\u001f\u007f\ufffd]/g, "·");
}

export function findCanaries(haystacks: readonly Haystack[], needles: readonly Needle[]): Hit[] {
  const hits: Hit[] = [];
  for (const haystack of haystacks) {
    for (const needle of needles) {
      const offset = haystack.bytes.indexOf(needle.bytes);
      if (offset < 0) continue;
      const context = printable(haystack.bytes.subarray(Math.max(0, offset - 40), offset + needle.bytes.length + 40));
      hits.push({ canary: needle.canary, value: needle.value, form: needle.form, where: haystack.where, offset, context });
    }
  }
  return hits;
}

export function describeHits(hits: readonly Hit[]): string {
  return hits.map((h) => `- ${h.canary} (${h.value}) as ${h.form} in ${h.where} at byte ${h.offset}: …${h.context}…`).join("\n");
}
