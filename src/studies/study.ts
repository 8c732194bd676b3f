/**
 * A study: one XLSForm (form_id + version) with everything the house needs to run it, handed
 * to the bot, the export worker and the tools as a value (`Deps`), never imported by them.
 *
 * Every study comes from a workbook in FORMS_DIR through the same importer (`flows/xlsform-import`).
 * Two kinds run differently:
 * - `form`: any team's XLSForm, run by the XPath form engine (`flows/form-engine.ts`) exactly as
 *   ODK runs it;
 * - `native`: a form whose workbook also carries the bot's extras (support referrals by need,
 *   screening, soft checks, number presets, integrity flags: a `study_rules` sheet and extension
 *   columns), converted into a definition the native engine runs: the IOM instrument.
 *
 * Keys: `${formId}@${version}` names a study everywhere (sessions, records, counters, exports).
 */
import type { Form } from "../flows/form.ts";
import type { Questionnaire } from "../flows/schema.ts";
import type { ExportPolicy } from "./export-policy.ts";

/** `${formId}@${version}`: the one name of a study in keys, payloads and file names. */
export type StudyKey = string;

export const studyKey = (formId: string, version: string): StudyKey => `${formId}@${version}`;

interface StudyBase {
  key: StudyKey;
  formId: string;
  version: string;
  /** The imported XLSForm: its texts per language, logic as XPath, rows for error messages. */
  form: Form;
  /** Disclosure control for this study's anonymous exports. */
  policy: ExportPolicy;
  /**
   * Free-text fields (references) the study marks safe for anonymous exports. Any other text
   * answer is stored sealed like the rest but never leaves in an anonymous export.
   */
  safeTextFields: readonly string[];
}

export interface FormStudy extends StudyBase {
  kind: "form";
}

export interface NativeStudy extends StudyBase {
  kind: "native";
  /** The definition with the bot's extras; its XLSForm export is `form`. */
  definition: Questionnaire;
}

export type Study = FormStudy | NativeStudy;

/** The studies this deployment runs, loaded once at start-up. */
export interface StudyCatalog {
  /** What plain /start opens (DEFAULT_FORM, else the only or the native study). */
  readonly default: Study;
  byKey(key: StudyKey): Study | undefined;
  /** The newest version of a form id. */
  byFormId(formId: string): Study | undefined;
  all(): readonly Study[];
}
