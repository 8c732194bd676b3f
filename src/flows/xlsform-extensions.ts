/**
 * What a native questionnaire says that XLSForm cannot: where it goes in the workbook.
 *
 * The standard columns (relevant, constraint, choice_filter, calculation) stay exactly what ODK
 * and KoBoToolbox read. Next to them, the workbook carries the bot's extras losslessly:
 * - extension columns on the survey sheet (pyxform ignores survey columns it does not know);
 * - extension columns on the choices sheet (pyxform turns them into choice attributes);
 * - one extra sheet, `study_rules`, for study-level rules (pyxform reads no other sheets).
 *
 * Conditions are kept as their tree (JSON of schema.ts's Condition) in a `condition` column
 * rather than parsed back from the XPath: the XPath inlines named sets (WORKING) and folds the
 * screening rules into every later question, so the tree cannot be recovered from it. The two
 * cannot drift: the writer makes `relevant` from the tree, and the converter writes the XPath
 * again from what it read and refuses a workbook whose cells say otherwise (a `relevant` edited
 * without its `condition`); tests/flows/native-form.test.ts also compares every cell.
 *
 * The names are declared here once; the writer (xlsform.ts), the importer (which keeps these
 * columns and sheet) and the converter (form-to-questionnaire.ts) all read them from here.
 */

/** Survey columns the bot reads and ODK ignores. */
export const SURVEY_EXTENSION_COLUMNS = [
  /** The question's (or calculation's) own condition as a JSON tree; `relevant` is made from it. */
  "condition",
  /** The translation key of the hint, when the question has one. */
  "hint_key",
  /** Soft checks: JSON [{ when, messageKey }]. */
  "soft_checks",
  /** `yes` for an integer that is a year (the bot offers year buttons). */
  "year",
  /** A number's bounds: a number, or a number expression as JSON; `constraint` is made from them. */
  "minimum",
  "maximum",
  /** The numbers offered as buttons, separated by spaces. */
  "presets",
  /** The codes accepted instead of a number (pnta, dk), separated by spaces; typed as -1, -2… in ODK. */
  "codes",
  /** The most options a select_multiple may take together. */
  "max_choices",
  /** A calculate row's meaning: JSON { kind: "number", expr } or { kind: "category", cases, otherwise }. */
  "derived",
] as const;
export type SurveyExtensionColumn = (typeof SURVEY_EXTENSION_COLUMNS)[number];

/** Choices columns the bot reads; ODK keeps them as attributes of the choice. */
export const CHOICE_EXTENSION_COLUMNS = [
  /** Needs for support the answer signals, separated by spaces (health housing …). */
  "needs",
  /** `yes`: chosen alone in a select_multiple (none, dk, pnta). */
  "exclusive",
  /** The option's own condition as a JSON tree; the question's `choice_filter` is made from it. */
  "show_if",
] as const;

/** The extra sheet of study-level rules, one rule a row. */
export const STUDY_RULES_SHEET = "study_rules";
export const STUDY_RULES_COLUMNS = ["rule", "name", "condition", "value", "message_key"] as const;

/**
 * The kinds of study rule, and what each row holds:
 * - set: a named condition (name WORKING, condition);
 * - screening: ends the interview (name = reason code, condition, message_key);
 * - consent: name = the consent question, value = its "agree" code;
 * - city_question, citizenship_question: name = the question;
 * - battery: a straight-lining check (name, value = its questions separated by spaces);
 * - contradiction: an integrity flag (name, condition).
 */
export const STUDY_RULE_KINDS = ["set", "screening", "consent", "city_question", "citizenship_question", "battery", "contradiction"] as const;
export type StudyRuleKind = (typeof STUDY_RULE_KINDS)[number];

/** Each module of a native questionnaire is a group of the survey sheet with this name. */
export const moduleGroupName = (module: string) => `module_${module}`;
export const moduleOfGroup = (group: string): string | undefined => /^module_(.+)$/.exec(group)?.[1];

/** A yes/no extension cell. */
export const flag = (on: boolean | undefined): string => (on ? "yes" : "");
/** A value written as JSON (conditions, number expressions); plain numbers stay plain. */
export const jsonCell = (value: unknown): string => (value === undefined ? "" : typeof value === "number" ? String(value) : JSON.stringify(value));
/** Words separated by spaces (codes, needs, presets). */
export const wordsCell = (values: readonly (string | number)[] | undefined): string => (values ?? []).join(" ");
