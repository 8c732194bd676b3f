/**
 * An imported XLSForm → the native questionnaire it describes, for a workbook written by
 * `toXlsForm` (the IOM instrument, forms/labour-migrants-kz.xlsx) and edited by a survey team.
 *
 * The standard columns are what ODK runs; the bot's extras come from the extension columns and
 * the study_rules sheet (xlsform-extensions.ts), read here and never guessed from the XPath.
 * Texts are keys into src/locales, spelled by convention (native-keys.ts): the workbook's
 * labels are the filled-in copies of those texts, not a second source.
 *
 * Pure: the caller reads the file and imports it (xlsform-sheets.ts, xlsform-import.ts).
 * A workbook that does not describe a native questionnaire is refused with every problem's row
 * and column (FormImportError); the result is checked for shape and meaning as any definition.
 */
import type { Choice, Form, FormCalculate, FormNode, FormQuestion } from "./form.ts";
import { nativeKeys } from "./native-keys.ts";
import type { Condition, DerivedValue, QuestionnaireInput, SoftCheck } from "./schema.ts";
import { defineQuestionnaire } from "./validate.ts";
import { toXlsForm } from "./xlsform.ts";
import { moduleOfGroup, STUDY_RULE_KINDS, type StudyRuleKind, type SurveyExtensionColumn } from "./xlsform-extensions.ts";
import { FormImportError, type ImportIssue } from "./xlsform-issues.ts";
import { nativeTypeOf, XLSFORM_QUESTION_TYPES, type ImportedRow } from "./xlsform-native-types.ts";

type QuestionInput = QuestionnaireInput["questions"][number];

/** Raised with the cell's place, collected into one FormImportError. */
class CellProblem extends Error {
  readonly issue: ImportIssue;
  constructor(issue: ImportIssue) {
    super(issue.message);
    this.issue = issue;
  }
}

/** A JSON cell (a condition, a number expression) or a plain number. */
function parseCell(text: string | undefined, where: Omit<ImportIssue, "feature" | "message">, what = ""): unknown {
  if (text === undefined || text === "") return undefined;
  if (/^-?\d+(\.\d+)?$/.test(text)) return Number(text);
  try {
    return JSON.parse(text);
  } catch {
    throw new CellProblem({ ...where, feature: "extension column", message: `${what}"${text}" is not valid JSON` });
  }
}

function importedRow(node: FormQuestion, choices: readonly Choice[]): ImportedRow {
  const cells = node.extensions ?? {};
  return {
    node,
    choices,
    text: (column: SurveyExtensionColumn) => cells[column],
    json: (column: SurveyExtensionColumn) => parseCell(cells[column], { sheet: "survey", row: node.row, column }),
    choiceJson: (choice: Choice, column: string) =>
      parseCell(choice.fields[column], { sheet: "choices", column }, `the choice "${choice.name}" of the list "${node.list ?? ""}": `),
  };
}

function question(node: FormQuestion, module: string, form: Form): QuestionInput {
  const row = importedRow(node, node.list ? (form.choices[node.list] ?? []) : []);
  const type = nativeTypeOf(row);
  if (!type) {
    throw new CellProblem({ sheet: "survey", row: node.row, column: "type", feature: node.type, message: `a ${node.type} question has no place in a native questionnaire` });
  }
  const hintKey = row.text("hint_key");
  const askIf = row.json("condition") as Condition | undefined;
  const softChecks = row.json("soft_checks") as SoftCheck[] | undefined;
  return XLSFORM_QUESTION_TYPES[type].read(row, {
    id: node.name,
    module,
    textKey: nativeKeys.questionText(node.name),
    ...(hintKey ? { hintKey } : {}),
    ...(askIf ? { askIf } : {}),
    ...(softChecks ? { softChecks } : {}),
  });
}

function derivedValue(node: FormCalculate): DerivedValue {
  const where = { sheet: "survey" as const, row: node.row };
  const meaning = parseCell(node.extensions?.derived, { ...where, column: "derived" });
  if (meaning === undefined) throw new CellProblem({ ...where, column: "derived", feature: "calculate", message: `the calculation "${node.name}" has no derived cell saying what it computes` });
  const askIf = parseCell(node.extensions?.condition, { ...where, column: "condition" });
  return { id: node.name, labelKey: nativeKeys.derived(node.name), ...(askIf ? { askIf } : {}), ...(meaning as object) } as DerivedValue;
}

/** The study_rules sheet → the definition's study-level fields. */
function studyRules(form: Form) {
  const sets: Record<string, Condition> = {};
  const screening: QuestionnaireInput["screening"] & object = [];
  const batteries: { name: string; questions: string[] }[] = [];
  const contradictions: { name: string; when: Condition }[] = [];
  let consent: QuestionnaireInput["consent"] | undefined;
  let cityQuestion: string | undefined;
  let citizenshipQuestion: string | undefined;
  for (const { row, cells } of form.studyRules ?? []) {
    const where = { sheet: "study_rules" as const, row };
    const kind = cells.rule as StudyRuleKind;
    const name = cells.name ?? "";
    const condition = () => parseCell(cells.condition, { ...where, column: "condition" }) as Condition;
    if (!STUDY_RULE_KINDS.includes(kind)) {
      throw new CellProblem({ ...where, column: "rule", feature: "study_rules", message: `"${cells.rule ?? ""}" is not a rule (${STUDY_RULE_KINDS.join(", ")})` });
    }
    if (kind === "set") sets[name] = condition();
    else if (kind === "screening") screening.push({ reason: name, when: condition(), messageKey: cells.message_key ?? nativeKeys.screening(name) });
    else if (kind === "consent") consent = { question: name, agree: cells.value ?? "" };
    else if (kind === "city_question") cityQuestion = name;
    else if (kind === "citizenship_question") citizenshipQuestion = name;
    else if (kind === "battery") batteries.push({ name, questions: (cells.value ?? "").split(/\s+/).filter(Boolean) });
    else contradictions.push({ name, when: condition() });
  }
  if (!consent) throw new CellProblem({ sheet: "study_rules", feature: "study_rules", message: "the study_rules sheet names no consent question (rule consent)" });
  return {
    sets,
    screening,
    consent,
    ...(cityQuestion ? { cityQuestion } : {}),
    ...(citizenshipQuestion ? { citizenshipQuestion } : {}),
    integrity: { batteries, contradictions },
  };
}

/**
 * The standard columns ODK runs must be the ones the bot's data makes, or ODK and the bot would
 * run two different instruments: each is written again from the converted definition and
 * compared with the sheet. A cell edited on one side only is named with the fix.
 */
function standardColumnsDrift(form: Form, definition: ReturnType<typeof defineQuestionnaire>): ImportIssue[] {
  const written = new Map(toXlsForm(definition, [], () => "").survey.rows.map((row) => [`${row.type?.split(" ")[0]} ${row.name}`, row]));
  const issues: ImportIssue[] = [];
  const compare = (node: FormNode, column: string, sheet: string | undefined, expected: string | undefined) => {
    if ((sheet ?? "") === (expected ?? "")) return;
    const fix = column === "relevant" || column === "choice_filter" ? "the condition columns" : "the extension columns";
    issues.push({
      sheet: "survey",
      row: node.row,
      column,
      feature: "extension columns",
      message: `${column} of "${node.name}" is not what ${fix} say (${expected ?? "empty"}): edit those, then rewrite the workbook with npm run questionnaire -- --xlsform`,
    });
  };
  const visit = (node: FormNode) => {
    if (node.kind === "group") {
      compare(node, "relevant", node.relevant, written.get(`begin_group ${node.name}`)?.relevant);
      node.children.forEach(visit);
    } else if (node.kind === "question") {
      const row = written.get(`${node.type} ${node.name}`);
      compare(node, "relevant", node.relevant, row?.relevant);
      compare(node, "constraint", node.constraint, row?.constraint);
      compare(node, "choice_filter", node.choiceFilter, row?.choice_filter);
      compare(node, "required", node.required, row?.required === "yes" ? "true()" : row?.required);
    } else if (node.kind === "calculate") {
      const row = written.get(`calculate ${node.name}`);
      compare(node, "relevant", node.relevant, row?.relevant);
      compare(node, "calculation", node.calculation, row?.calculation);
    }
  };
  form.children.forEach(visit);
  return issues;
}

/** The native questionnaire a workbook written by toXlsForm describes. */
export function formToQuestionnaire(form: Form): ReturnType<typeof defineQuestionnaire> {
  const issues: ImportIssue[] = [];
  const attempt = <T>(read: () => T): T | undefined => {
    try {
      return read();
    } catch (error) {
      if (!(error instanceof CellProblem)) throw error;
      issues.push(error.issue);
      return undefined;
    }
  };
  const modules: QuestionnaireInput["modules"] = [];
  const questions: QuestionInput[] = [];
  const derived: DerivedValue[] = [];
  const visit = (node: FormNode) => {
    if (node.kind === "group" && moduleOfGroup(node.name)) {
      const module = moduleOfGroup(node.name)!;
      modules.push({ id: module, titleKey: nativeKeys.module(module) });
      for (const child of node.children) {
        if (child.kind === "question") {
          const read = attempt(() => question(child, module, form));
          if (read) questions.push(read);
        } else {
          issues.push({ sheet: "survey", row: child.row, column: "type", feature: child.kind, message: `a ${child.kind} inside a module has no place in a native questionnaire` });
        }
      }
    } else if (node.kind === "calculate") {
      const value = attempt(() => derivedValue(node));
      if (value) derived.push(value);
    } else {
      issues.push({ sheet: "survey", row: node.row, column: "type", feature: node.kind, message: `"${node.name}" is outside the module groups (begin_group module_<id>)` });
    }
  };
  form.children.forEach(visit);
  const rules = attempt(() => studyRules(form));
  const version = Number(form.version);
  if (!Number.isInteger(version) || version < 1) issues.push({ sheet: "settings", column: "version", feature: "version", message: `a native questionnaire's version is a whole number, not "${form.version}"` });
  if (issues.length > 0 || !rules) throw new FormImportError(issues);
  const definition = defineQuestionnaire({
    id: form.id,
    version,
    titleKey: nativeKeys.title(),
    modules,
    questions,
    derived,
    ...rules,
  });
  const drift = standardColumnsDrift(form, definition);
  if (drift.length > 0) throw new FormImportError(drift);
  return definition;
}
