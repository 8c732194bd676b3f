/**
 * XLSForm rows → a checked `Form`. Everything the importer cannot run exactly is reported with
 * its sheet, row, column and the feature it needs; nothing is silently dropped. All problems of
 * a workbook are collected, so a survey team fixes them in one round.
 *
 * What a chat can ask: select_one, select_multiple (with or_other), integer, decimal, text,
 * date, note, acknowledge, calculate, groups and repeats; the logic columns relevant,
 * constraint, required, choice_filter, repeat_count, default and calculation in the XPath
 * subset of `xpath.ts` with the functions of `xpath-eval.ts`.
 *
 * The bot's own extension columns and study_rules sheet (xlsform-extensions.ts), which ODK
 * ignores, are kept on the form as they are (`extensions`, `studyRules`) for
 * form-to-questionnaire.ts; other columns the importer does not know stay the team's own.
 */
import { Form, type Choice, type FormNode, type FormQuestion, type QuestionType, type Text } from "./form.ts";
import { checkExpressions, checkTextReferences, type SheetExpression } from "./xlsform-expressions.ts";
import { SURVEY_EXTENSION_COLUMNS } from "./xlsform-extensions.ts";
import { FormImportError, type ImportIssue } from "./xlsform-issues.ts";
import type { SheetRow, XlsFormRows } from "./xlsform-sheets.ts";
import { BEHAVIOUR_COLUMNS, CANONICAL_TYPE, METADATA, METADATA_ALIASES, parseType, PERSONAL_METADATA, QUESTION_TYPES, UNANSWERABLE } from "./xlsform-types.ts";

export { FormImportError, formatIssue, type ImportIssue } from "./xlsform-issues.ts";

export interface ImportOptions {
  /** Used as form_id when the settings sheet has none, as pyxform does. */
  fileName?: string;
  /**
   * Keep questions a chat cannot answer (GPS, photo…) as never-asked, always-empty fields
   * instead of refusing the form. For comparing with ODK; a study should not use it.
   */
  allowUnanswerable?: boolean;
}

/** Languages named in the columns of the sheets, "default" for plain columns, in column order. */
function languagesOf(rows: readonly SheetRow[], bases: readonly string[]): string[] {
  const found: string[] = [];
  for (const { cells } of rows) {
    for (const header of Object.keys(cells)) {
      const [base, language] = header.split("::");
      if (!bases.includes(base!)) continue;
      const name = language ?? "default";
      if (!found.includes(name)) found.push(name);
    }
  }
  return found;
}

/** The bot's extension cells of a row (xlsform-extensions.ts): kept, never interpreted here. */
function extensionsOf(cells: Record<string, string>): { extensions?: Record<string, string> } {
  const kept = SURVEY_EXTENSION_COLUMNS.filter((column) => cells[column] !== undefined).map((column) => [column, cells[column]!]);
  return kept.length > 0 ? { extensions: Object.fromEntries(kept) } : {};
}

function textOf(cells: Record<string, string>, base: string): Text | undefined {
  const text: Text = {};
  for (const [header, value] of Object.entries(cells)) {
    const [head, language] = header.split("::");
    if (head === base) text[language ?? "default"] = value;
  }
  return Object.keys(text).length > 0 ? text : undefined;
}

/** Reads XLSForm rows into a checked form; throws FormImportError listing every problem. */
export function importXlsForm(rows: XlsFormRows, options: ImportOptions = {}): Form {
  const issues: ImportIssue[] = [];
  const problem = (issue: ImportIssue) => issues.push(issue);
  if (!rows.present.survey) problem({ sheet: "workbook", feature: "survey sheet", message: "the workbook has no sheet named survey" });

  const settings = rows.settings[0]?.cells ?? {};
  const languages = languagesOf(rows.survey, ["label", "hint", "constraint_message", "required_message"]);
  for (const language of languagesOf(rows.choices, ["label"])) if (!languages.includes(language)) languages.push(language);
  if (languages.length === 0) languages.push("default");

  const choices = readChoices(rows.choices, problem);
  /** Each name → the rows using it; a name may repeat only in different groups, as in ODK. */
  const names = new Map<string, { row: number; parent: string }[]>();
  const expressions: SheetExpression[] = [];
  const orOtherLists = new Set<string>();
  const metadata: Form["metadata"] = [];

  const root: FormNode[] = [];
  const stack: { node: FormNode & { children: FormNode[] }; row: number; kind: "group" | "repeat" }[] = [];
  const add = (node: FormNode) => (stack.at(-1)?.node.children ?? root).push(node);
  const claimName = (name: string, row: number) => {
    const parent = stack.map((open) => open.node.name).join("/");
    const uses = names.get(name) ?? [];
    const clash = uses.find((use) => use.parent === parent);
    if (clash) {
      problem({ sheet: "survey", row, column: "name", feature: "unique names", message: `the name "${name}" is already used on row ${clash.row} in the same group; every field needs its own name` });
    }
    names.set(name, [...uses, { row, parent }]);
  };
  const noteExpressions = (row: number, cells: Record<string, string>, columns: readonly string[]) => {
    for (const column of columns) {
      const source = cells[column];
      if (source === undefined) continue;
      if (column === "required" && /^(yes|true|true\(\)|no|false|false\(\))$/i.test(source)) continue;
      expressions.push({ row, column, source, where: column === "choice_filter" ? "choice_filter" : column === "constraint" ? "constraint" : "field" });
    }
  };
  const requiredOf = (value: string | undefined): string | undefined => {
    if (value === undefined || /^(no|false|false\(\))$/i.test(value)) return undefined;
    return /^(yes|true|true\(\))$/i.test(value) ? "true()" : value;
  };

  const reportedColumns = new Set<string>();
  for (const { row, cells } of rows.survey) {
    // Extra columns (notes, indicator names) are the team's own; an XForm-looking column such as
    // instance::x or odk:y would change what ODK does, so it is refused rather than ignored.
    for (const header of Object.keys(cells)) {
      const base = header.split("::")[0]!;
      if (base.includes(":") && !reportedColumns.has(header)) {
        reportedColumns.add(header);
        problem({ sheet: "survey", row, column: header, feature: header, message: `the column ${header} is not supported` });
      }
    }
    const rawType = cells.type;
    if (!rawType) {
      if (cells.name || cells.label) problem({ sheet: "survey", row, column: "type", feature: "type", message: "the row has no type" });
      continue;
    }
    const parsedType = parseType(rawType);
    const { list, orOther } = parsedType;
    const keyword = METADATA_ALIASES[parsedType.keyword] ?? parsedType.keyword;
    // pyxform names a note written without one after its row.
    const name = cells.name ?? (keyword === "note" ? `generated_note_name_${row}` : undefined);
    if (cells.relevant && /^(yes|true|true\(\))$/i.test(cells.relevant)) delete cells.relevant;
    const needName = () => {
      if (!name) problem({ sheet: "survey", row, column: "name", feature: "name", message: `a ${keyword} row needs a name` });
      else if (!/^[A-Za-z_][\w.-]*$/.test(name)) problem({ sheet: "survey", row, column: "name", feature: "name", message: `"${name}" is not a valid name: start with a letter or _, then letters, digits, _ - or .` });
      else claimName(name, row);
      return name ?? `row_${row}`;
    };

    if (keyword === "end_group" || keyword === "end_repeat") {
      const kind = keyword === "end_group" ? "group" : "repeat";
      const open = stack.pop();
      if (!open) problem({ sheet: "survey", row, column: "type", feature: keyword, message: `${keyword} without a matching begin_${kind}` });
      else if (open.kind !== kind) problem({ sheet: "survey", row, column: "type", feature: keyword, message: `${keyword} closes the begin_${open.kind} of row ${open.row}` });
      continue;
    }
    if (keyword === "begin_group" || keyword === "begin_repeat") {
      const kind = keyword === "begin_group" ? "group" : "repeat";
      const node = {
        kind,
        name: needName(),
        row,
        ...(cells.relevant ? { relevant: cells.relevant } : {}),
        ...(textOf(cells, "label") ? { label: textOf(cells, "label") } : {}),
        ...(kind === "repeat" && cells.repeat_count ? { count: cells.repeat_count } : {}),
        children: [],
      } as FormNode & { children: FormNode[] };
      noteExpressions(row, cells, ["relevant", ...(kind === "repeat" ? ["repeat_count"] : [])]);
      add(node);
      stack.push({ node, row, kind });
      continue;
    }
    if (keyword === "calculate") {
      const nodeName = needName();
      if (!cells.calculation) problem({ sheet: "survey", row, column: "calculation", feature: "calculate", message: "a calculate row needs a calculation" });
      add({ kind: "calculate", name: nodeName, row, calculation: cells.calculation ?? "''", ...(cells.relevant ? { relevant: cells.relevant } : {}), ...extensionsOf(cells) });
      noteExpressions(row, cells, ["relevant", "calculation"]);
      continue;
    }
    if (METADATA.has(keyword)) {
      metadata.push({ name: needName(), type: keyword as Form["metadata"][number]["type"] });
      continue;
    }
    if (PERSONAL_METADATA.has(keyword) && !options.allowUnanswerable) {
      problem({ sheet: "survey", row, column: "type", feature: keyword, message: `${keyword} would record who the respondent is; the bot keeps answers anonymous` });
      continue;
    }
    if (UNANSWERABLE[keyword] || keyword.endsWith("_from_file") || PERSONAL_METADATA.has(keyword)) {
      if (options.allowUnanswerable) {
        add({ kind: "unanswerable", name: needName(), row, type: keyword, ...(cells.relevant ? { relevant: cells.relevant } : {}) });
        noteExpressions(row, cells, ["relevant"]);
      } else {
        problem({ sheet: "survey", row, column: "type", feature: CANONICAL_TYPE[keyword] ?? keyword, message: `the question type "${keyword}" is not supported: a chat cannot ask for ${UNANSWERABLE[keyword] ?? "a choice list from a file"}` });
      }
      continue;
    }
    const type: QuestionType | undefined = keyword === "select_one" || keyword === "select_multiple" ? keyword : QUESTION_TYPES[keyword];
    if (!type) {
      problem({ sheet: "survey", row, column: "type", feature: keyword, message: `"${rawType}" is not a question type the importer knows` });
      continue;
    }
    for (const column of BEHAVIOUR_COLUMNS) {
      const value = Object.entries(cells).find(([header]) => header === column || header.startsWith(`${column}::`))?.[1];
      const media = column === "image" || column === "audio" || column === "video";
      if (value !== undefined && !/^(no|false|false\(\))$/i.test(value) && !(media && options.allowUnanswerable)) {
        problem({ sheet: "survey", row, column, feature: column, message: `the column ${column} ("${value}") has no equivalent in a chat` });
      }
    }
    const nodeName = needName();
    const label = textOf(cells, "label");
    if (!label && type !== "note") problem({ sheet: "survey", row, column: "label", feature: "label", message: `the question "${nodeName}" has no label` });
    if (cells.calculation) problem({ sheet: "survey", row, column: "calculation", feature: "calculation on a question", message: "a calculation on a question (a computed answer) is not supported; use a calculate row" });
    if (cells.choice_filter && !list) problem({ sheet: "survey", row, column: "choice_filter", feature: "choice_filter", message: "choice_filter belongs on a select row" });
    const isSelect = type === "select_one" || type === "select_multiple";
    if (isSelect && !list) problem({ sheet: "survey", row, column: "type", feature: type, message: `${type} needs a list name, e.g. "${type} yes_no"` });
    if (isSelect && list && !choices.has(list)) {
      problem({ sheet: "survey", row, column: "type", feature: "choices", message: `the choice list "${list}" is not on the choices sheet` });
    }
    if (!isSelect && list) problem({ sheet: "survey", row, column: "type", feature: keyword, message: `"${rawType}": only select questions take a list name` });
    // pyxform treats a default with a function call as an expression ODK computes when the form opens.
    const dynamicDefault = cells.default !== undefined && /\$\{|\(/.test(cells.default);
    if (dynamicDefault && cells.default!.includes("${")) {
      problem({ sheet: "survey", row, column: "default", feature: "dynamic default", message: "a default computed from other answers is not supported; give a fixed value or today()" });
    }
    const required = requiredOf(cells.required);
    const question: FormQuestion = {
      kind: "question",
      type,
      name: nodeName,
      row,
      label: label ?? {},
      ...optional("hint", textOf(cells, "hint")),
      ...optional("list", isSelect ? list : undefined),
      ...optional("relevant", cells.relevant),
      ...optional("choiceFilter", cells.choice_filter),
      ...optional("constraint", cells.constraint),
      ...optional("constraintMessage", textOf(cells, "constraint_message")),
      ...optional("required", required),
      ...optional("requiredMessage", textOf(cells, "required_message")),
      ...optional("default", cells.default === undefined || dynamicDefault ? undefined : defaultValue(type, cells.default)),
      ...optional("defaultExpression", dynamicDefault ? cells.default : undefined),
      ...extensionsOf(cells),
    };
    noteExpressions(row, cells, ["relevant", "constraint", "required", "choice_filter", ...(dynamicDefault ? ["default"] : [])]);
    add(question);
    if (orOther && isSelect && list) {
      orOtherLists.add(list);
      const otherName = `${nodeName}_other`;
      claimName(otherName, row);
      add({ kind: "question", type: "text", name: otherName, row, label: Object.fromEntries(languages.map((l) => [l, "Specify other."])), relevant: `selected(\${${nodeName}}, 'other')` });
    } else if (orOther) {
      problem({ sheet: "survey", row, column: "type", feature: "or_other", message: "or_other belongs on a select question" });
    }
  }
  for (const open of stack) {
    problem({ sheet: "survey", row: open.row, column: "type", feature: `begin_${open.kind}`, message: `begin_${open.kind} "${open.node.name}" is never closed with end_${open.kind}` });
  }
  for (const list of orOtherLists) {
    const options = choices.get(list);
    if (options && !options.some((c) => c.name === "other")) options.push({ name: "other", label: Object.fromEntries(languages.map((l) => [l, "Other"])), fields: {} });
  }

  checkExpressions(expressions, names, problem);
  checkTextReferences(rows.survey, names, problem);
  if (root.length === 0 && rows.present.survey) problem({ sheet: "survey", feature: "questions", message: "the survey sheet has no questions" });

  const defaultLanguage = settings.default_language ?? (languages.includes("default") ? "default" : languages[0]!);
  const candidate = {
    id: settings.form_id ?? options.fileName?.replace(/\.xlsx?$/i, "").replace(/^.*[\\/]/, "") ?? "form",
    version: settings.version ?? "",
    title: settings.form_title ?? settings.form_id ?? options.fileName?.replace(/\.xlsx?$/i, "").replace(/^.*[\\/]/, "") ?? "form",
    languages,
    defaultLanguage,
    choices: Object.fromEntries(choices),
    metadata,
    children: root,
    ...(rows.studyRules ? { studyRules: rows.studyRules } : {}),
  };
  if (issues.length > 0) throw new FormImportError(issues);
  const shaped = Form.safeParse(candidate);
  if (!shaped.success) {
    throw new FormImportError(shaped.error.issues.map((i) => ({ sheet: "survey", feature: "shape", message: `${i.path.join(".")}: ${i.message}` })));
  }
  return shaped.data;
}

function optional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}

function defaultValue(type: QuestionType, value: string): string {
  // Excel stores a typed date as a date cell; the sheet reader already gave YYYY-MM-DD.
  if (type === "date") return value.slice(0, 10);
  return value;
}

function readChoices(rows: readonly SheetRow[], problem: (issue: ImportIssue) => void): Map<string, Choice[]> {
  const lists = new Map<string, Choice[]>();
  const reserved = new Set(["list_name", "name", "label", "image", "audio", "video"]);
  for (const { row, cells } of rows) {
    const list = cells.list_name;
    if (!list) continue;
    const name = cells.name;
    if (name === undefined) {
      problem({ sheet: "choices", row, column: "name", feature: "choices", message: `a choice of "${list}" has no name` });
      continue;
    }
    // A name may repeat within a list when a choice filter keeps the copies apart, as ODK allows.
    const options = lists.get(list) ?? [];
    const fields = Object.fromEntries(Object.entries(cells).filter(([header]) => !reserved.has(header.split("::")[0]!)));
    options.push({ name, label: textOf(cells, "label") ?? { default: name }, fields });
    lists.set(list, options);
  }
  return lists;
}

