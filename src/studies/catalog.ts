/**
 * The studies of a deployment, loaded once at start-up from the XLSForm workbooks in FORMS_DIR.
 *
 * Every `.xlsx` there goes through the same importer (`flows/xlsform-import`). The workbook
 * whose form_id is a hand-checked definition's id becomes that definition's native study, after
 * a check that the workbook is the definition's own XLSForm export (same fields, types and
 * logic; the texts may differ by a deployment's values such as the organisation's name). Any
 * other workbook becomes a form study, run exactly as ODK runs it.
 *
 * Anything wrong stops start-up with one line per problem, naming the file, sheet, row and
 * column, like configuration errors.
 */
import { readdir, readFile } from "node:fs/promises";
import { join } from "node:path";
import { labourMigrantsKz } from "../flows/definitions/labour-migrants-kz.ts";
import type { Form, FormNode } from "../flows/form.ts";
import type { Questionnaire } from "../flows/schema.ts";
import { studyXlsForm, type TextValues } from "../flows/study-xlsform.ts";
import { FormImportError, formatIssue, importXlsForm, type ImportIssue } from "../flows/xlsform-import.ts";
import { readXlsFormRows, type XlsFormRows } from "../flows/xlsform-sheets.ts";
import { formStudyPolicy, readDisclosure } from "./disclosure-sheet.ts";
import { STUDY_POLICY } from "./export-policy.ts";
import { studyKey, type FormStudy, type NativeStudy, type Study, type StudyCatalog, type StudyKey } from "./study.ts";

/** The hand-checked definitions this code base has; a workbook with one's id runs natively. */
export const NATIVE_DEFINITIONS: readonly Questionnaire[] = [labourMigrantsKz];

export class StudyLoadError extends Error {
  /** One line per problem, for the operator. */
  readonly lines: string[];
  constructor(lines: string[]) {
    super(`The studies in FORMS_DIR cannot be loaded:\n${lines.map((l) => `  ${l}`).join("\n")}`);
    this.lines = lines;
    this.name = "StudyLoadError";
  }
}

export interface LoadStudiesOptions {
  /** The folder of .xlsx workbooks (FORMS_DIR). */
  dir: string;
  /** DEFAULT_FORM: the form_id plain /start opens. */
  defaultForm?: string | undefined;
  /** The native definitions to match workbooks against (default NATIVE_DEFINITIONS). */
  natives?: readonly Questionnaire[];
}

/** Newest first: numeric versions by value (ODK's 2024061201 style), others as text. */
function newerFirst(a: Study, b: Study): number {
  const [x, y] = [a.version, b.version];
  if (/^\d+$/.test(x) && /^\d+$/.test(y)) {
    const difference = BigInt(y) - BigInt(x);
    return difference > 0n ? 1 : difference < 0n ? -1 : 0;
  }
  return y.localeCompare(x);
}

/**
 * A catalog of studies already built (tests, tools). The default is `defaultKey`'s study, else
 * the native study, else the only one; several form studies and no default is an error.
 */
export function catalogOf(studies: readonly Study[], defaultKey?: StudyKey): StudyCatalog {
  if (studies.length === 0) throw new StudyLoadError(["FORMS_DIR: no study: put at least one XLSForm workbook (.xlsx) there"]);
  const byKey = new Map<StudyKey, Study>();
  for (const study of studies) {
    if (byKey.has(study.key)) throw new StudyLoadError([`${study.key}: two workbooks have the same form_id and version`]);
    byKey.set(study.key, study);
  }
  const sorted = [...studies].sort(newerFirst);
  const byFormId = (formId: string) => sorted.find((s) => s.formId === formId);
  let chosen: Study | undefined;
  if (defaultKey !== undefined) {
    chosen = byKey.get(defaultKey);
    if (!chosen) throw new StudyLoadError([`DEFAULT_FORM: no study is ${defaultKey}; the studies are ${[...byKey.keys()].join(", ")}`]);
  } else {
    const natives = sorted.filter((s) => s.kind === "native");
    chosen = natives[0] ?? (studies.length === 1 ? studies[0] : undefined);
    if (!chosen) throw new StudyLoadError([`DEFAULT_FORM: several studies and none is the default; set it to one of ${[...new Set(studies.map((s) => s.formId))].join(", ")}`]);
  }
  const all = Object.freeze([...studies]);
  return { default: chosen, byKey: (key) => byKey.get(key), byFormId, all: () => all };
}

/** A form study from its imported form and workbook rows (disclosure sheet included). */
export function formStudyOf(form: Form, rows: Pick<XlsFormRows, "disclosure">): FormStudy {
  const issues: ImportIssue[] = [];
  const disclosure = readDisclosure(rows.disclosure ?? [], form, (issue) => issues.push(issue));
  if (issues.length > 0) throw new FormImportError(issues);
  return {
    kind: "form",
    key: studyKey(form.id, form.version),
    formId: form.id,
    version: form.version,
    form,
    policy: formStudyPolicy(disclosure),
    safeTextFields: disclosure.safeTextFields,
  };
}

/** The native study of a definition whose workbook imported as `form`. */
export function nativeStudyOf(definition: Questionnaire, form: Form): NativeStudy {
  return {
    kind: "native",
    key: studyKey(definition.id, String(definition.version)),
    formId: definition.id,
    version: String(definition.version),
    form,
    policy: STUDY_POLICY,
    safeTextFields: [],
    definition,
  };
}

/** The form without its texts: what must agree between a workbook and its definition's export. */
export function formStructure(form: Form): unknown {
  const strip = (node: FormNode): unknown => {
    if (node.kind === "group" || node.kind === "repeat") {
      const { label: _label, children, ...rest } = node;
      return { ...rest, children: children.map(strip) };
    }
    if (node.kind === "question") {
      const { label: _label, hint: _hint, constraintMessage: _c, requiredMessage: _r, ...rest } = node;
      return rest;
    }
    return node;
  };
  const choices = Object.fromEntries(Object.entries(form.choices).map(([list, options]) => [list, options.map(({ label: _label, ...rest }) => rest)]));
  return { id: form.id, version: form.version, languages: form.languages, defaultLanguage: form.defaultLanguage, metadata: form.metadata, choices, children: form.children.map(strip) };
}

/**
 * Problems that keep `form` (imported from a workbook) from being `definition`'s study: its
 * version, and every top-level difference from the definition's own XLSForm export.
 */
export async function nativeMismatch(definition: Questionnaire, form: Form, textValues: (lang: string) => TextValues = () => ({})): Promise<string[]> {
  if (form.version !== String(definition.version)) {
    return [`the workbook has version "${form.version}" but the definition ${definition.id} is version ${definition.version}`];
  }
  const { bytes } = await studyXlsForm(definition, textValues);
  const exported = formStructure(importXlsForm(await readXlsFormRows(bytes), { fileName: `${definition.id}.xlsx` })) as Record<string, unknown>;
  const stored = formStructure(form) as Record<string, unknown>;
  const problems: string[] = [];
  for (const part of Object.keys(exported)) {
    if (JSON.stringify(exported[part]) !== JSON.stringify(stored[part])) problems.push(`its ${part} differ from the definition ${definition.id}'s XLSForm export (regenerate it: npm run questionnaire -- --xlsform FILE)`);
  }
  return problems;
}

/** Every study in `dir`; throws StudyLoadError with every problem of every workbook. */
export async function loadStudies(options: LoadStudiesOptions): Promise<StudyCatalog> {
  const natives = options.natives ?? NATIVE_DEFINITIONS;
  let files: string[];
  try {
    files = (await readdir(options.dir)).filter((name) => /\.xlsx$/i.test(name) && !name.startsWith("~$")).sort();
  } catch (error) {
    throw new StudyLoadError([`FORMS_DIR: cannot read the folder ${options.dir} (${(error as NodeJS.ErrnoException).code ?? String(error)})`]);
  }
  const lines: string[] = [];
  const studies: Study[] = [];
  for (const file of files) {
    try {
      const rows = await readXlsFormRows(await readFile(join(options.dir, file)));
      const form = importXlsForm(rows, { fileName: file });
      const definition = natives.find((d) => d.id === form.id);
      if (definition) {
        const problems = await nativeMismatch(definition, form);
        if (problems.length > 0) lines.push(...problems.map((p) => `${file}: ${p}`));
        else studies.push(nativeStudyOf(definition, form));
      } else {
        studies.push(formStudyOf(form, rows));
      }
    } catch (error) {
      if (error instanceof FormImportError) lines.push(...error.issues.map((issue) => `${file}: ${formatIssue(issue)}`));
      else lines.push(`${file}: cannot be read as an XLSForm workbook (${error instanceof Error ? error.message : String(error)})`);
    }
  }
  if (lines.length > 0) throw new StudyLoadError(lines);
  if (files.length === 0) throw new StudyLoadError([`FORMS_DIR: no XLSForm workbook (.xlsx) in ${options.dir}`]);
  let defaultKey: StudyKey | undefined;
  if (options.defaultForm !== undefined) {
    const candidates = studies.filter((s) => s.formId === options.defaultForm).sort(newerFirst);
    if (candidates.length === 0) throw new StudyLoadError([`DEFAULT_FORM: no workbook in ${options.dir} has form_id "${options.defaultForm}"; there are ${[...new Set(studies.map((s) => s.formId))].join(", ")}`]);
    defaultKey = candidates[0]!.key;
  }
  return catalogOf(studies, defaultKey);
}
