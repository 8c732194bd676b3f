/**
 * The record of a completed form interview: what ODK would submit for the same answers. Every
 * relevant question and calculation by its field reference (`member[2]/age`), as ODK's string
 * ("" for a question left blank); fields that are not relevant are left out, as ODK blanks them;
 * notes carry nothing and are left out too.
 */
import { FormSnapshot, type FormEnvironment, type FormState } from "../../flows/form-engine.ts";
import type { Form } from "../../flows/form.ts";
import type { CompletedRecord } from "../../records/record.ts";
import type { FormStudy } from "../../studies/study.ts";

export function formAnswers(form: Form, state: FormState, env: FormEnvironment): Record<string, string> {
  const snapshot = new FormSnapshot(form, state, env);
  const answers: Record<string, string> = {};
  for (const field of snapshot.fields) {
    const node = field.node;
    const kept = (node.kind === "question" && node.type !== "note") || node.kind === "calculate";
    if (kept && snapshot.isRelevant(field)) answers[field.ref] = snapshot.valueOf(field);
  }
  return answers;
}

export interface FormRecordInput {
  study: FormStudy;
  state: FormState;
  env: FormEnvironment;
  pseudonym: string;
  lang: string;
  day: string;
  source?: string | undefined;
}

export function formRecord(input: FormRecordInput): CompletedRecord {
  const { study } = input;
  return {
    pseudonym: input.pseudonym,
    answers: formAnswers(study.form, input.state, input.env),
    lang: input.lang,
    // The native definition's version; a form study's version is formVersion.
    version: 1,
    formId: study.formId,
    formVersion: study.version,
    day: input.day,
    ...(input.source ? { source: input.source } : {}),
  };
}
