/**
 * The definition as an XLSForm (the spreadsheet form format of KoBoToolbox and ODK), so teams
 * on those tools can review or import the same instrument, and the workbook the bot itself
 * loads it from (form-to-questionnaire.ts reads it back): the standard columns are what ODK
 * runs, the extension columns and the study_rules sheet (xlsform-extensions.ts) carry the rest
 * losslessly. Each question type's row comes from its entry in xlsform-native-types.ts.
 *
 * This module only lays out the sheets as rows; writing the .xlsx file is the caller's job
 * (see cli.ts), which keeps the flows folder free of I/O.
 */
import { conditionQuestionsDeep, toXPath, type XPathContext } from "./conditions.ts";
import { isNumericQuestion, numericCodeValues } from "./numeric-codes.ts";
import type { Condition, Question, Questionnaire } from "./schema.ts";
import {
  CHOICE_EXTENSION_COLUMNS,
  flag,
  jsonCell,
  moduleGroupName,
  STUDY_RULES_COLUMNS,
  SURVEY_EXTENSION_COLUMNS,
  wordsCell,
  type StudyRuleKind,
} from "./xlsform-extensions.ts";
import { numberXPath, xlsFormTypeOf } from "./xlsform-native-types.ts";

export interface XlsFormLanguage {
  code: string;
  /** Shown in the column header, e.g. "English" → label::English (en). */
  name: string;
}

export type Translate = (lang: string, key: string, params?: Record<string, unknown>) => string;

export interface XlsFormOptions {
  /**
   * The values texts interpolate ({{organisation}}, {{minWage}}, {{retentionDays}}), filled in
   * so a form never shows a placeholder.
   */
  textValues?: Readonly<Record<string, string | number>>;
}

/**
 * Texts that only make sense in Telegram (a command to send, a button to press) → the wording a
 * paper or ODK form uses instead. The replacements live in the `xlsform` namespace.
 */
export const FORM_NEUTRAL_TEXTS: Readonly<Record<string, string>> = {
  "survey:q.a_consent.text": "xlsform:q.a_consent.text",
  // In Telegram these numbers are mostly tapped on buttons; in a form they are always written.
  "survey:q.b_children_n.hint": "xlsform:q.b_children_n.hint",
  "survey:q.e_household_size.hint": "xlsform:q.e_household_size.hint",
};

export interface XlsFormSheet {
  columns: string[];
  rows: Record<string, string>[];
}

export interface XlsFormSheets {
  survey: XlsFormSheet;
  choices: XlsFormSheet;
  settings: XlsFormSheet;
  /** The study-level rules ODK has no place for (xlsform-extensions.ts): sheet study_rules. */
  study_rules: XlsFormSheet;
}

export function toXlsForm(definition: Questionnaire, languages: XlsFormLanguage[], translateText: Translate, options: XlsFormOptions = {}): XlsFormSheets {
  const translate: Translate = (lang, key, params) => translateText(lang, FORM_NEUTRAL_TEXTS[key] ?? key, { ...options.textValues, ...params });
  const numericCodes = new Map(definition.questions.filter(isNumericQuestion).map((q) => [q.id, numericCodeValues(q)]));
  const ctx: XPathContext = {
    sets: definition.sets,
    multi: new Set(definition.questions.filter((q) => q.type === "multi").map((q) => q.id)),
    numeric: new Set(numericCodes.keys()),
    numericCodes,
  };
  const labelColumns = languages.map((l) => `label::${l.name} (${l.code})`);
  const hintColumns = languages.map((l) => `hint::${l.name} (${l.code})`);
  const messageColumns = languages.map((l) => `constraint_message::${l.name} (${l.code})`);
  /** Why an answer was refused, in every language; empty when the question has no constraint. */
  const messages = (question: Question) =>
    Object.fromEntries(languages.map((l, i) => [messageColumns[i]!, xlsFormTypeOf(question).constraintMessage(question, (key, params) => translate(l.code, key, params))]));
  const labels = (key: string, columns = labelColumns) =>
    Object.fromEntries(languages.map((l, i) => [columns[i]!, translate(l.code, key)]));
  /** The hint, and for a number with codes the numbers to type for them: "(-1 = Prefer not to answer)". */
  const hints = (question: Question) => {
    const typed = numericCodes.get(question.id);
    const options = typed && typed.size > 0 ? (question.options ?? []) : [];
    return Object.fromEntries(
      languages.map((l, i) => {
        const legend = options.map((o) => `${typed!.get(o.code)} = ${translate(l.code, o.labelKey)}`).join("; ");
        const parts = [question.hintKey ? translate(l.code, question.hintKey) : "", legend ? `(${legend})` : ""];
        return [hintColumns[i]!, parts.filter(Boolean).join(" ")];
      }),
    );
  };

  const position = new Map(definition.questions.map((q, i) => [q.id, i]));
  /** Screening ends an ODK form nowhere, so each later question carries "no rule has failed yet". */
  const screeningBefore = (index: number): Condition[] =>
    definition.screening
      .filter((rule) => referencedBefore(rule.when, index, position, definition.sets))
      .map((rule) => rule.when);

  const surveyRows: Record<string, string>[] = [];
  const choiceRows: Record<string, string>[] = [];
  for (const module of definition.modules) {
    surveyRows.push({ type: "begin_group", name: moduleGroupName(module.id), ...labels(module.titleKey) });
    definition.questions.forEach((question, index) => {
      if (question.module !== module.id) return;
      const relevantParts = [
        ...(question.askIf ? [toXPath(question.askIf, ctx)] : []),
        ...screeningBefore(index).map((c) => `not(${toXPath(c, ctx)})`),
      ];
      const type = xlsFormTypeOf(question);
      const constraint = type.constraint(question);
      surveyRows.push({
        type: type.surveyType(question, listName(question)),
        name: question.id,
        ...labels(question.textKey),
        ...hints(question),
        required: "yes",
        relevant: relevantParts.join(" and "),
        constraint,
        ...(constraint ? messages(question) : {}),
        choice_filter: choiceFilterOf(question, ctx),
        condition: jsonCell(question.askIf),
        hint_key: question.hintKey ?? "",
        soft_checks: jsonCell(question.softChecks),
        ...type.extensions(question),
      });
      // A number's codes are typed as numbers (see the hint), so they need no choice list.
      if (!type.choiceList) return;
      for (const option of question.options ?? []) {
        choiceRows.push({
          list_name: listName(question),
          name: option.code,
          ...labels(option.labelKey),
          needs: wordsCell(option.needs),
          exclusive: flag(option.exclusive),
          show_if: jsonCell(option.showIf),
        });
      }
    });
    surveyRows.push({ type: "end_group", name: moduleGroupName(module.id) });
  }
  for (const derived of definition.derived) {
    const calculation =
      derived.kind === "number"
        ? numberXPath(derived.expr)
        : derived.cases.reduceRight((otherwise, c) => `if(${toXPath(c.when, ctx)}, '${c.value}', ${otherwise})`, `'${derived.otherwise}'`);
    // The label key follows the convention (native-keys.ts); the meaning is kept as data.
    const { id, kind, labelKey: _label, askIf, ...meaning } = derived;
    surveyRows.push({
      type: "calculate",
      name: id,
      calculation,
      relevant: askIf ? toXPath(askIf, ctx) : "",
      condition: jsonCell(askIf),
      derived: jsonCell({ kind, ...meaning }),
    });
  }

  return {
    survey: {
      columns: [
        ...["type", "name", ...labelColumns, ...hintColumns, "required", "relevant", "constraint", ...messageColumns, "choice_filter", "calculation"],
        ...SURVEY_EXTENSION_COLUMNS,
      ],
      rows: surveyRows,
    },
    choices: { columns: ["list_name", "name", ...labelColumns, ...CHOICE_EXTENSION_COLUMNS], rows: choiceRows },
    settings: {
      columns: ["form_title", "form_id", "version", "default_language"],
      rows: [
        {
          form_title: translate(languages[0]?.code ?? "en", definition.titleKey),
          form_id: definition.id,
          version: String(definition.version),
          default_language: languages[0] ? `${languages[0].name} (${languages[0].code})` : "",
        },
      ],
    },
    study_rules: { columns: [...STUDY_RULES_COLUMNS], rows: studyRules(definition) },
  };
}

/** The rules of the study_rules sheet, in the order the definition lists them. */
function studyRules(definition: Questionnaire): Record<string, string>[] {
  const rule = (kind: StudyRuleKind, cells: Record<string, string>) => ({ rule: kind, ...cells });
  return [
    ...Object.entries(definition.sets).map(([name, condition]) => rule("set", { name, condition: jsonCell(condition) })),
    ...definition.screening.map((s) => rule("screening", { name: s.reason, condition: jsonCell(s.when), message_key: s.messageKey })),
    rule("consent", { name: definition.consent.question, value: definition.consent.agree }),
    ...(definition.cityQuestion ? [rule("city_question", { name: definition.cityQuestion })] : []),
    ...(definition.citizenshipQuestion ? [rule("citizenship_question", { name: definition.citizenshipQuestion })] : []),
    ...definition.integrity.batteries.map((b) => rule("battery", { name: b.name, value: wordsCell(b.questions) })),
    ...definition.integrity.contradictions.map((c) => rule("contradiction", { name: c.name, condition: jsonCell(c.when) })),
  ];
}

function listName(question: Question): string {
  return `${question.id}_choices`;
}

/** ODK evaluates choice_filter once per choice, with `name` being that choice's code. */
function choiceFilterOf(question: Question, ctx: XPathContext): string {
  const filtered = (question.options ?? []).filter((o) => o.showIf);
  if (filtered.length === 0) return "";
  const unfiltered = `not(${filtered.map((o) => `name = '${o.code}'`).join(" or ")})`;
  return [unfiltered, ...filtered.map((o) => `(name = '${o.code}' and ${toXPath(o.showIf!, ctx)})`)].join(" or ");
}

function referencedBefore(cond: Condition, index: number, position: Map<string, number>, sets: Questionnaire["sets"]): boolean {
  const ids = conditionQuestionsDeep(cond, sets);
  return ids.length > 0 && ids.every((id) => (position.get(id) ?? Infinity) < index);
}
