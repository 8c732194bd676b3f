/**
 * Short fingerprints that a form's buttons carry instead of field references: a reference can
 * be long (`household/member[12]/income_sources`), and Telegram allows 64 bytes per button.
 *
 * A fingerprint names what the person was looking at: the study, the field and the choices
 * offered (or, for "add another?", the rows so far). When any of it changes, an old button no
 * longer matches and is answered with the stale-button hint instead of being misread.
 */
import { createHash } from "node:crypto";
import type { Choice } from "../../flows/form.ts";
import type { StudyKey } from "../../studies/study.ts";

const LENGTH = 10;

function digest(parts: readonly string[]): string {
  return createHash("sha256").update(parts.join("\u0000")).digest("base64url").slice(0, LENGTH);
}

/** The fingerprint of a question as asked: its study, its reference and the choices it offers. */
export function questionFingerprint(study: StudyKey, ref: string, choices: readonly Choice[]): string {
  return digest([study, "q", ref, ...choices.map((choice) => choice.name)]);
}

/** The fingerprint of a repeat's "add another?" after `count` rows. */
export function repeatFingerprint(study: StudyKey, ref: string, count: number): string {
  return digest([study, "r", ref, String(count)]);
}
