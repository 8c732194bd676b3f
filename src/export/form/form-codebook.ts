/**
 * A form study's codebook: every column with its label and values in the form's default
 * language, every field with its texts in each of the form's languages, the condition under
 * which it is asked (the form's own XPath), the repeats' long files, and every field that has
 * no column with the reason.
 */
import type { Form, FormQuestion } from "../../flows/form.ts";
import type { ExportPolicy } from "../../studies/export-policy.ts";
import type { Variable } from "../columns.ts";
import { codebookVariable, type Codebook, type CodebookQuestion } from "../formats/codebook.ts";
import { EXPORT_TEXTS } from "../formats/texts.ts";
import type { LongFile } from "../study-export.ts";
import { ruleOf, type ColumnContext } from "./form-columns.ts";
import type { FieldPlace, FormLayout } from "./form-fields.ts";

const asIs = (key: string) => key;

function inEveryLanguage(form: Form, text: Record<string, string> | undefined): Record<string, string> {
  if (!text) return {};
  return Object.fromEntries(form.languages.filter((lang) => text[lang] !== undefined).map((lang) => [lang, text[lang]!]));
}

/** The conditions a field is asked under: its own relevant and those of the groups and repeats above it. */
function askedIf(form: Form, place: FieldPlace): string {
  const conditions: string[] = [];
  let nodes = form.children;
  for (const name of place.ref.split("/").slice(0, -1)) {
    const node = nodes.find((n) => n.name === name);
    if (!node || (node.kind !== "group" && node.kind !== "repeat")) break;
    if (node.relevant) conditions.push(`${node.name}: ${node.relevant}`);
    nodes = node.children;
  }
  if (place.node.relevant) conditions.push(place.node.relevant);
  return conditions.length === 0 ? "always asked" : `asked if ${conditions.join(" and ")}`;
}

export function formCodebook(input: {
  form: Form;
  policy: ExportPolicy;
  layout: FormLayout;
  context: ColumnContext;
  variables: readonly Variable[];
  longFiles: readonly LongFile[];
}): Codebook {
  const { form, policy, layout, context, variables, longFiles } = input;
  const all = [...variables, ...longFiles.flatMap((f) => f.variables)];
  const questions: CodebookQuestion[] = [];
  const leftOut: NonNullable<Codebook["leftOut"]> = form.metadata.map((m) => ({
    field: m.name,
    type: m.type,
    reason: "form metadata: the export gives the day the interview ended, nothing finer and no device",
  }));
  for (const place of layout.fields) {
    const node = place.node;
    const type = node.kind === "question" ? node.type : node.kind === "calculate" ? "calculate" : node.type;
    const rule = ruleOf(place);
    const reason = rule ? rule.leftOut(place, context) : "a question a chat cannot ask: never asked, always empty";
    if (reason) {
      leftOut.push({ field: place.ref, type, reason });
      continue;
    }
    const question = node.kind === "question" ? (node as FormQuestion) : undefined;
    const list = question?.list ? (form.choices[question.list] ?? []) : [];
    questions.push({
      id: place.ref,
      module: place.group,
      type,
      text: node.kind === "calculate" ? { calculation: node.calculation } : inEveryLanguage(form, question?.label),
      ...(question?.hint ? { hint: inEveryLanguage(form, question.hint) } : {}),
      options: list.map((choice) => ({ code: choice.name, label: inEveryLanguage(form, choice.label), exclusive: false, offeredIf: question?.choiceFilter ?? null })),
      range: null,
      maxChoices: null,
      askedIf: askedIf(form, place),
      columns: all.filter((v) => v.of === place.ref).map((v) => v.name),
    });
  }
  return {
    questionnaire: { id: form.id, version: form.version, title: { [form.defaultLanguage]: form.title } },
    textValues: {},
    languages: [...form.languages],
    anonymization: {
      k: policy.k,
      quasiIdentifiers: [...policy.quasiIdentifiers],
      ...(policy.generalize ? { generalized: { question: policy.generalize.question, code: policy.generalize.to } } : {}),
      suppressed: { code: policy.suppression.code, spss: policy.suppression.spss },
      recodings: policy.recodings.map((r) => ({ question: r.question, into: r.into, label: r.label })),
      missingCodes: [...policy.missingCodes],
    },
    sets: {},
    screening: [],
    variables: variables.map((v) => codebookVariable(v, asIs)),
    questions,
    derived: [],
    longFiles: longFiles.map((file) => ({
      file: `${file.name}.csv`,
      repeat: file.repeat,
      description: file.description,
      columns: file.variables.map((v) => v.name),
      variables: file.variables.map((v) => codebookVariable(v, asIs)),
    })),
    leftOut,
    notes: [
      `Form ${form.id}, version ${form.version}: labels are the form's own texts in its default language (${form.defaultLanguage}); each question below gives them in every language of the form.`,
      "Codes are the choice names of the form. A multi-select has one 0/1 column per choice. Integer and decimal columns hold numbers; dates are ISO text (YYYY-MM-DD), read by the SPSS syntax as a 10-character string. Empty means not asked or not answered.",
      "Free text leaves only where the study marks the field safe; a repeat's rows are in a long file of their own (see Repeats below).",
      EXPORT_TEXTS.readme.intro,
    ],
  };
}
