/**
 * A survey team's view of an imported form: how many questions of each type, in which
 * languages, with how much logic. `npm run questionnaire -- --check form.xlsx` prints it.
 */
import type { Form, FormNode } from "./form.ts";

export interface FormSummary {
  id: string;
  version: string;
  title: string;
  languages: string[];
  /** Question type → count; calculate, group and repeat counted too. */
  types: Record<string, number>;
  relevant: number;
  constraints: number;
  required: number;
  choiceFilters: number;
  choiceLists: number;
  /** Questions kept as never-asked fields (only when the import allowed them). */
  unanswerable: string[];
}

export function summariseForm(form: Form): FormSummary {
  const summary: FormSummary = {
    id: form.id,
    version: form.version,
    title: form.title,
    languages: form.languages,
    types: {},
    relevant: 0,
    constraints: 0,
    required: 0,
    choiceFilters: 0,
    choiceLists: Object.keys(form.choices).length,
    unanswerable: [],
  };
  const visit = (node: FormNode) => {
    const type = node.kind === "question" ? node.type : node.kind === "unanswerable" ? `${node.type} (not asked)` : node.kind;
    summary.types[type] = (summary.types[type] ?? 0) + 1;
    if (node.relevant) summary.relevant++;
    if (node.kind === "question") {
      if (node.constraint) summary.constraints++;
      if (node.required) summary.required++;
      if (node.choiceFilter) summary.choiceFilters++;
    }
    if (node.kind === "unanswerable") summary.unanswerable.push(node.name);
    if (node.kind === "group" || node.kind === "repeat") node.children.forEach(visit);
  };
  form.children.forEach(visit);
  return summary;
}

export function formatSummary(summary: FormSummary): string {
  const types = Object.entries(summary.types)
    .sort(([, a], [, b]) => b - a)
    .map(([type, n]) => `  ${type.padEnd(24)} ${n}`)
    .join("\n");
  return [
    `${summary.title} (form_id ${summary.id}, version ${summary.version || "none"})`,
    `languages: ${summary.languages.join(", ")}`,
    "fields by type:",
    types,
    `conditions: ${summary.relevant} relevant, ${summary.constraints} constraints, ${summary.required} required, ${summary.choiceFilters} choice filters`,
    `choice lists: ${summary.choiceLists}`,
  ].join("\n");
}
