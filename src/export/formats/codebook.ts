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
  module: string;
  type: Question["type"];
  text: Record<string, string>;
  hint?: Record<string, string>;
  options: { code: string; label: Record<string, string>; exclusive: boolean; offeredIf: string | null }[];
  range: { min: string; max: string } | null;
  maxChoices: number | null;
  askedIf: string;
  columns: string[];
}

export interface Codebook {
  questionnaire: { id: string; version: number; title: Record<string, string> };
  /** The values the texts were shown with (minimum wage, organisation, retention days). */
  textValues: Record<string, string | number>;
  languages: string[];
  anonymization: {
    k: number;
    quasiIdentifiers: string[];
    /** Absent when the study's policy coarsens no field to a wider area. */
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
    variables: variables.map((v) => ({
      name: v.name,
      kind: v.kind,
      of: v.of ?? null,
      storage: v.storage,
      label: variableLabel(v, en),
      values: v.values.map((value) => ({ code: value.code, spss: value.spss, label: valueLabel(value, en), missing: value.missing })),
    })),
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

export function codebookMarkdown(codebook: Codebook): string {
  const lines: string[] = [
    `# Codebook: ${codebook.questionnaire.title.en ?? codebook.questionnaire.id} (version ${codebook.questionnaire.version})`,
    "",
    `Languages: ${codebook.languages.join(", ")}. Missing-value codes: ${codebook.anonymization.missingCodes.join(", ")}.`,
    (codebook.anonymization.generalized
      ? `${fill(EXPORT_TEXTS.generalized, { k: codebook.anonymization.k })}: ${codebook.anonymization.generalized.question} = "${codebook.anonymization.generalized.code}". `
      : "") + `Quasi-identifiers: ${codebook.anonymization.quasiIdentifiers.join(", ")}.`,
    `A quasi-identifier blanked by disclosure control holds "${codebook.anonymization.suppressed.code}" (SPSS ${codebook.anonymization.suppressed.spss}, declared missing), never "prefer not to answer". Recodings it may apply: ${codebook.anonymization.recodings.map((r) => `${r.question} → ${r.into}`).join(", ") || "none"}. See disclosure.md for what this export did.`,
    "Number and year columns hold numbers only, in every file: their codes are written as the negative numbers listed with each variable (-1 = the first code, such as prefer not to answer; -2 = the next), the same numbers the SPSS syntax declares missing and the XLSForm lets people type.",
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
  for (const v of codebook.variables) {
    const values = v.values.map((value) => `${value.code} = ${value.spss}: ${value.label}${value.missing ? " (missing)" : ""}`).join("; ");
    lines.push(`| ${v.name} | ${md(v.label)} | ${md(values)} |`);
  }
  lines.push("", "## Questions", "");
  for (const q of codebook.questions) {
    lines.push(`### ${q.id} (${q.type}, module ${q.module})`, "", `- ${q.askedIf}`, `- columns: ${q.columns.join(", ")}`);
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
  if (codebook.derived.length > 0) {
    lines.push("## Derived values", "");
    for (const d of codebook.derived) lines.push(`- **${d.id}** (${md(d.label)}): ${md(d.rule)}`);
    lines.push("");
  }
  return lines.join("\n");
}
