/**
 * The definition as an XLSForm (the spreadsheet form format of KoBoToolbox and ODK), so teams
 * on those tools can review or import the same instrument.
 *
 * This module only lays out the sheets as rows; writing the .xlsx file is the caller's job
 * (see cli.ts), which keeps the flows folder free of I/O.
 */
import { conditionQuestionsDeep, toXPath, type XPathContext } from "./conditions.ts";
import { isNumericQuestion, numericCodeValues } from "./numeric-codes.ts";
import type { Condition, NumberExpr, Question, Questionnaire } from "./schema.ts";

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

export interface XlsFormSheets {
  survey: { columns: string[]; rows: Record<string, string>[] };
  choices: { columns: string[]; rows: Record<string, string>[] };
  settings: { columns: string[]; rows: Record<string, string>[] };
}

const numberXPath = (expr: number | NumberExpr): string => {
  if (typeof expr === "number") return String(expr);
  if ("const" in expr) return String(expr.const);
  if ("env" in expr) return "number(format-date(today(), '%Y'))";
  if ("answer" in expr) return `\${${expr.answer}}`;
  const sign = "sub" in expr ? " - " : " + ";
  return `(${("sub" in expr ? expr.sub : expr.add).map(numberXPath).join(sign)})`;
};

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
    Object.fromEntries(languages.map((l, i) => [messageColumns[i]!, constraintMessage(question, (key, params) => translate(l.code, key, params))]));
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
    surveyRows.push({ type: "begin_group", name: `module_${module.id}`, ...labels(module.titleKey) });
    definition.questions.forEach((question, index) => {
      if (question.module !== module.id) return;
      const relevantParts = [
        ...(question.askIf ? [toXPath(question.askIf, ctx)] : []),
        ...screeningBefore(index).map((c) => `not(${toXPath(c, ctx)})`),
      ];
      surveyRows.push({
        type: surveyType(question),
        name: question.id,
        ...labels(question.textKey),
        ...hints(question),
        required: "yes",
        relevant: relevantParts.join(" and "),
        constraint: constraintOf(question),
        ...(constraintOf(question) ? messages(question) : {}),
        choice_filter: choiceFilterOf(question, ctx),
      });
      // A number's codes are typed as numbers (see the hint), so they need no choice list.
      if (isNumericQuestion(question)) return;
      for (const option of question.options) {
        choiceRows.push({ list_name: listName(question), name: option.code, ...labels(option.labelKey) });
      }
    });
    surveyRows.push({ type: "end_group", name: `module_${module.id}` });
  }
  for (const derived of definition.derived) {
    const calculation =
      derived.kind === "number"
        ? numberXPath(derived.expr)
        : derived.cases.reduceRight((otherwise, c) => `if(${toXPath(c.when, ctx)}, '${c.value}', ${otherwise})`, `'${derived.otherwise}'`);
    surveyRows.push({ type: "calculate", name: derived.id, calculation, relevant: derived.askIf ? toXPath(derived.askIf, ctx) : "" });
  }

  return {
    survey: {
      columns: ["type", "name", ...labelColumns, ...hintColumns, "required", "relevant", "constraint", ...messageColumns, "choice_filter", "calculation"],
      rows: surveyRows,
    },
    choices: { columns: ["list_name", "name", ...labelColumns], rows: choiceRows },
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
  };
}

function listName(question: Question): string {
  return `${question.id}_choices`;
}

function surveyType(question: Question): string {
  switch (question.type) {
    case "single":
      return `select_one ${listName(question)}`;
    case "multi":
      return `select_multiple ${listName(question)}`;
    case "number":
    case "year":
      // XLSForm cannot mix a number with codes such as pnta, so the codes are typed as the
      // negative numbers the SPSS export also uses (numeric-codes.ts), explained in the hint.
      return "integer";
  }
}

function constraintOf(question: Question): string {
  switch (question.type) {
    case "single":
      return "";
    case "multi": {
      const parts: string[] = [];
      if (question.max !== undefined) parts.push(`count-selected(.) <= ${question.max}`);
      for (const option of question.options.filter((o) => o.exclusive)) parts.push(`not(selected(., '${option.code}') and count-selected(.) > 1)`);
      return parts.join(" and ");
    }
    case "number":
    case "year": {
      const range = `. >= ${numberXPath(question.min)} and . <= ${numberXPath(question.max)}`;
      const codes = [...numericCodeValues(question).values()].map((n) => `. = ${n}`);
      return codes.length === 0 ? range : `(${range}) or ${codes.join(" or ")}`;
    }
  }
}

/** The message ODK shows when constraintOf() refuses an answer, in one language. */
function constraintMessage(question: Question, t: (key: string, params?: Record<string, unknown>) => string): string {
  switch (question.type) {
    case "single":
      return "";
    case "multi": {
      const parts: string[] = [];
      if (question.max !== undefined) parts.push(t("xlsform:constraint.max_choices", { max: question.max }));
      for (const option of question.options.filter((o) => o.exclusive)) parts.push(t("xlsform:constraint.exclusive", { option: t(option.labelKey) }));
      return parts.join(" ");
    }
    case "number":
    case "year": {
      const { min, max } = question;
      const range =
        typeof min === "number" && typeof max === "number" ? t("xlsform:constraint.range", { min, max }) : t("xlsform:constraint.range_dynamic");
      const numbers = numericCodeValues(question);
      const codes = (question.options ?? []).map((o) => `${numbers.get(o.code)} (${t(o.labelKey)})`).join(", ");
      return codes ? `${range} ${t("xlsform:constraint.codes", { codes })}` : range;
    }
  }
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
