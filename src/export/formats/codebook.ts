/**
 * The codebook, as JSON for scripts and Markdown for people: every export variable with its
 * values, and every question with its text in each language, its options, its range and the
 * condition under which it is asked, written out (a count of who was asked is no substitute).
 */
import type { Question, Questionnaire } from "../../flows/schema.ts";
import { valueLabel, variableLabel, type Variable } from "../columns.ts";
import type { ExportPolicy } from "../../studies/export-policy.ts";
import { conditionText, numberExprText } from "./condition-text.ts";
import { EXPORT_TEXTS, fill } from "./texts.ts";

export type Translate = (lang: string, key: string, params?: Record<string, unknown>) => string;

export interface CodebookVariable {
  name: string;
  kind: Variable["kind"];
  of: string | null;
  storage: Variable["storage"];
  label: string;
  values: { code: string; spss: number; label: string; missing: boolean }[];
}

export interface CodebookQuestion {
  id: string;
  /** The module (native) or the group path (a form study's field). */
  module: string;
  /** The native question type, or the XLSForm type of a form study's field. */
  type: Question["type"] | string;
  text: Record<string, string>;
  hint?: Record<string, string>;
  options: { code: string; label: Record<string, string>; exclusive: boolean; offeredIf: string | null }[];
  range: { min: string; max: string } | null;
  maxChoices: number | null;
  askedIf: string;
  columns: string[];
}

/** A second, long-format file of the export: one row per repeat instance (form studies). */
export interface CodebookLongFile {
  file: string;
  /** The repeat's field reference, e.g. household/member. */
  repeat: string;
  description: string;
  columns: string[];
  variables: CodebookVariable[];
}

export interface Codebook {
  /** A native study's version is a number; a form study's is its settings `version`, as written. */
  questionnaire: { id: string; version: number | string; title: Record<string, string> };
  /** The values the texts were shown with (minimum wage, organisation, retention days). */
  textValues: Record<string, string | number>;
  languages: string[];
  anonymization: {
    k: number;
    quasiIdentifiers: string[];
    /** Absent when the study's policy coarsens nothing. */
    generalized?: { question: string; code: string };
    /** The code (and SPSS value) of a cell blanked by local suppression; see disclosure.md for how many. */
    suppressed: { code: string; spss: number };
    recodings: { question: string; into: string; label: string }[];
    missingCodes: string[];
  };
  sets: Record<string, string>;
  screening: { reason: string; endsInterviewIf: string }[];
  variables: CodebookVariable[];
  questions: CodebookQuestion[];
  derived: { id: string; label: string; rule: string }[];
  /** Long-format files beside data.csv (a form study's repeats); absent or empty for none. */
  longFiles?: CodebookLongFile[];
  /** Fields that have no column, and why (free text not marked safe, notes, unanswerable types). */
  leftOut?: { field: string; type: string; reason: string }[];
  /** Sentences about how the columns are written, printed at the top of codebook.md. */
  notes?: string[];
}

export function buildCodebook(input: {
  definition: Questionnaire;
  variables: readonly Variable[];
  policy: ExportPolicy;
  translate: Translate;
  languages: readonly string[];
  textValues?: Readonly<Record<string, string | number>>;
}): Codebook {
  const { definition, variables, policy, translate, languages } = input;
  const en = (key: string) => translate("en", key);
  const inEvery = (key: string) => Object.fromEntries(languages.map((lang) => [lang, translate(lang, key)]));
  const asText = (cond: Parameters<typeof conditionText>[0]) => conditionText(cond, definition.sets);
  return {
    questionnaire: { id: definition.id, version: definition.version, title: inEvery(definition.titleKey) },
    textValues: { ...input.textValues },
    languages: [...languages],
    anonymization: {
      k: policy.k,
      quasiIdentifiers: [...policy.quasiIdentifiers],
      ...(policy.generalize ? { generalized: { question: policy.generalize.question, code: policy.generalize.to } } : {}),
      suppressed: { code: policy.suppression.code, spss: policy.suppression.spss },
      recodings: policy.recodings.map((r) => ({ question: r.question, into: r.into, label: r.label })),
      missingCodes: [...policy.missingCodes],
    },
    sets: Object.fromEntries(Object.entries(definition.sets).map(([name, cond]) => [name, asText(cond)])),
    screening: definition.screening.map((rule) => ({ reason: rule.reason, endsInterviewIf: asText(rule.when) })),
    variables: variables.map((v) => codebookVariable(v, en)),
    questions: definition.questions.map((q) => ({
      id: q.id,
      module: q.module,
      type: q.type,
      text: inEvery(q.textKey),
      ...(q.hintKey ? { hint: inEvery(q.hintKey) } : {}),
      options: (q.options ?? []).map((o) => ({
        code: o.code,
        label: inEvery(o.labelKey),
        exclusive: o.exclusive ?? false,
        offeredIf: o.showIf ? asText(o.showIf) : null,
      })),
      range: q.type === "number" || q.type === "year" ? { min: numberExprText(q.min), max: numberExprText(q.max) } : null,
      maxChoices: q.type === "multi" ? (q.max ?? null) : null,
      askedIf: q.askIf ? `asked if ${asText(q.askIf)}` : EXPORT_TEXTS.alwaysAsked,
      columns: variables.filter((v) => v.of === q.id && v.kind !== "flag" && v.kind !== "meta").map((v) => v.name),
    })),
    derived: definition.derived.map((d) => ({
      id: d.id,
      label: en(d.labelKey),
      rule:
        d.kind === "number"
          ? numberExprText(d.expr)
          : [...d.cases.map((c) => `${c.value} if ${asText(c.when)}`), `otherwise ${d.otherwise}`].join("; "),
    })),
  };
}

const TEXT_VALUE_NAMES: Record<string, string> = {
  organisation: "Organisation running the survey",
  minWage: "Minimum wage shown (KZT a month)",
  retentionDays: "Days answers are kept",
  sessionDays: "Days an unfinished interview is kept",
};

const md = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");

function variableRow(v: CodebookVariable): string {
  const values = v.values.map((value) => `${value.code} = ${value.spss}: ${value.label}${value.missing ? " (missing)" : ""}`).join("; ");
  return `| ${v.name} | ${md(v.label)} | ${md(values)} |`;
}

/** A variable as the codebook lists it, with labels in English (fixed labels as they are). */
export function codebookVariable(v: Variable, en: (key: string) => string): CodebookVariable {
  return {
    name: v.name,
    kind: v.kind,
    of: v.of ?? null,
    storage: v.storage,
    label: variableLabel(v, en),
    values: v.values.map((value) => ({ code: value.code, spss: value.spss, label: valueLabel(value, en), missing: value.missing })),
  };
}

export function codebookMarkdown(codebook: Codebook): string {
  const a = codebook.anonymization;
  const title = codebook.questionnaire.title.en ?? Object.values(codebook.questionnaire.title)[0] ?? codebook.questionnaire.id;
  const quasi = a.quasiIdentifiers.length > 0 ? a.quasiIdentifiers.join(", ") : "none declared";
  const lines: string[] = [
    `# Codebook: ${title} (version ${codebook.questionnaire.version})`,
    "",
    `Languages: ${codebook.languages.join(", ")}. Missing-value codes: ${a.missingCodes.join(", ") || "none"}.`,
    a.generalized
      ? fill(EXPORT_TEXTS.generalized, { k: a.k }) + `: ${a.generalized.question} = "${a.generalized.code}". Quasi-identifiers: ${quasi}.`
      : `Quasi-identifiers: ${quasi}.`,
    `A quasi-identifier blanked by disclosure control holds "${a.suppressed.code}" (SPSS ${a.suppressed.spss}, declared missing), never "prefer not to answer". Recodings it may apply: ${a.recodings.map((r) => `${r.question} → ${r.into}`).join(", ") || "none"}. See disclosure.md for what this export did.`,
    ...(codebook.notes ?? [
      "Number and year columns hold numbers only, in every file: their codes are written as the negative numbers listed with each variable (-1 = the first code, such as prefer not to answer; -2 = the next), the same numbers the SPSS syntax declares missing and the XLSForm lets people type.",
    ]),
    "",
  ];
  const values = Object.entries(codebook.textValues);
  if (values.length > 0) {
    lines.push("## Values shown in the texts", "", "Respondents saw the texts below with these values filled in:", "");
    for (const [name, value] of values) lines.push(`- ${TEXT_VALUE_NAMES[name] ?? name} (${name}): ${value}`);
    lines.push("");
  }
  if (Object.keys(codebook.sets).length > 0) {
    lines.push("## Named conditions", "");
    for (const [name, text] of Object.entries(codebook.sets)) lines.push(`- **${name}**: ${md(text)}`);
    lines.push("");
  }
  if (codebook.screening.length > 0) {
    lines.push("## Screening (the interview ends when one holds)", "");
    for (const rule of codebook.screening) lines.push(`- ${rule.reason}: ${md(rule.endsInterviewIf)}`);
    lines.push("");
  }
  lines.push("## Variables", "", "| variable | label | values |", "|---|---|---|");
  for (const v of codebook.variables) lines.push(variableRow(v));
  lines.push("", "## Questions", "");
  for (const q of codebook.questions) {
    lines.push(`### ${q.id} (${q.type}${q.module ? `, module ${q.module}` : ""})`, "", `- ${q.askedIf}`, `- columns: ${q.columns.join(", ")}`);
    if (q.range) lines.push(`- range: ${q.range.min} to ${q.range.max}`);
    if (q.maxChoices !== null) lines.push(`- at most ${q.maxChoices} choices`);
    for (const [lang, text] of Object.entries(q.text)) lines.push(`- text (${lang}): ${md(text)}`);
    for (const [lang, text] of Object.entries(q.hint ?? {})) lines.push(`- hint (${lang}): ${md(text)}`);
    if (q.options.length > 0) {
      lines.push("", `| code | ${codebook.languages.join(" | ")} | notes |`, `|---|${codebook.languages.map(() => "---|").join("")}---|`);
      for (const o of q.options) {
        const notes = [o.exclusive ? "exclusive" : "", o.offeredIf ? `offered if ${o.offeredIf}` : ""].filter(Boolean).join("; ");
        lines.push(`| ${o.code} | ${codebook.languages.map((lang) => md(o.label[lang] ?? "")).join(" | ")} | ${md(notes)} |`);
      }
    }
    lines.push("");
  }
  if (codebook.longFiles && codebook.longFiles.length > 0) {
    lines.push("## Repeats (long-format files)", "");
    for (const file of codebook.longFiles) {
      lines.push(`### ${file.file} (repeat ${file.repeat})`, "", md(file.description), "", "| variable | label | values |", "|---|---|---|");
      for (const v of file.variables) lines.push(variableRow(v));
      lines.push("");
    }
  }
  if (codebook.leftOut && codebook.leftOut.length > 0) {
    lines.push("## Fields without a column", "", "| field | type | why |", "|---|---|---|");
    for (const field of codebook.leftOut) lines.push(`| ${field.field} | ${field.type} | ${md(field.reason)} |`);
    lines.push("");
  }
  if (codebook.derived.length > 0) {
    lines.push("## Derived values", "");
    for (const d of codebook.derived) lines.push(`- **${d.id}** (${md(d.label)}): ${md(d.rule)}`);
    lines.push("");
  }
  return lines.join("\n");
}
