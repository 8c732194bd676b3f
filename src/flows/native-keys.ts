/**
 * The translation keys of a native questionnaire, spelled in one place: the workbook carries no
 * keys for texts that follow this convention (its labels are the filled-in copies of the
 * texts in src/locales), so the converter from the workbook and the writer agree on them here.
 *
 * Keys that do not follow a pattern (a hint, a soft check's or a screening rule's message) are
 * written out in the workbook's extension columns instead (see xlsform-extensions.ts).
 */

/** Codes whose label means the same in every question, so translators translate them once. */
export const SHARED_LABELS: ReadonlySet<string> = new Set(["yes", "no", "pnta", "dk", "other"]);

const key = (path: string) => `survey:${path}`;

export const nativeKeys = {
  key,
  title: () => key("title"),
  module: (id: string) => key(`modules.${id}`),
  questionText: (id: string) => key(`q.${id}.text`),
  questionHint: (id: string) => key(`q.${id}.hint`),
  optionLabel: (question: string, code: string) => (SHARED_LABELS.has(code) ? key(`o.${code}`) : key(`q.${question}.o.${code}`)),
  derived: (id: string) => key(`derived.${id}`),
  screening: (reason: string) => key(`screening.${reason}`),
};
