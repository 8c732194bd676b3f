/**
 * A study's short name inside a /start payload or a button, where Telegram leaves no room for a
 * form_id: 8 characters of a hash of the form_id. It names the form, not a version, so a link
 * printed on a poster keeps opening the newest version of its form.
 */
import { createHash } from "node:crypto";
import type { Study, StudyCatalog } from "./study.ts";

export const STUDY_REF_LENGTH = 8;
export const STUDY_REF_PATTERN = /^[A-Za-z0-9_-]{8}$/;

export function studyRef(formId: string): string {
  return createHash("sha256").update(`study-ref:${formId}`).digest("base64url").slice(0, STUDY_REF_LENGTH);
}

/** The newest version of the form a ref names, if this deployment runs it. */
export function studyByRef(studies: StudyCatalog, ref: string): Study | undefined {
  const formId = studies.all().find((study) => studyRef(study.formId) === ref)?.formId;
  return formId === undefined ? undefined : studies.byFormId(formId);
}
