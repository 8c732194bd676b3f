/**
 * The export plan of a form study (any imported XLSForm): data.csv with one row per interview
 * and a column per field outside repeats (form-columns.ts), one long file per repeat, its
 * policy's quasi-identifiers resolved to field references, and a codebook in the form's texts.
 *
 * Left out, and said so in the codebook: free text not marked safe, notes, questions a chat
 * cannot ask, the form's metadata (start, end, deviceid: the export has the day only), and
 * calculations that are interview ids (uuid()) or read free text, metadata or other barred
 * calculations.
 */
import type { Form } from "../../flows/form.ts";
import type { Answer } from "../../flows/schema.ts";
import type { CompletedRecord } from "../../records/record.ts";
import type { ExportPolicy, Recoding } from "../../studies/export-policy.ts";
import type { FormStudy } from "../../studies/study.ts";
import { matchesFilter, publicSource, type ExportRow } from "../anonymize.ts";
import type { Cell, Variable } from "../columns.ts";
import { EXPORT_TEXTS } from "../formats/texts.ts";
import type { LongFile, StudyExport } from "../study-export.ts";
import { ColumnNames } from "./column-names.ts";
import { isNumeric, isWholeNumber, ruleOf, type CalculationShape, type ColumnContext } from "./form-columns.ts";
import { formCodebook } from "./form-codebook.ts";
import { layoutOf, referencedNames, type FieldPlace } from "./form-fields.ts";
import { formAnswers, instanceRows } from "./form-rows.ts";

/** A file-name-safe form id and version: `household-survey-v2024011501`. */
export function fileTagOf(form: Pick<Form, "id" | "version">): string {
  const slug = (text: string) => text.replace(/[^A-Za-z0-9._-]+/g, "-").replace(/^-+|-+$/g, "");
  return form.version ? `${slug(form.id)}-v${slug(form.version)}` : slug(form.id);
}

/**
 * The policy with its questions as field references. The disclosure sheet names fields by name;
 * a quasi-identifier must be a field outside every repeat (one value per interview).
 */
export function resolvePolicy(form: Form, policy: ExportPolicy): ExportPolicy {
  const { byName } = layoutOf(form);
  const refOf = (name: string): string | undefined => {
    const places = byName.get(name) ?? layoutOf(form).fields.filter((p) => p.ref === name);
    const place = places[0];
    if (!place) return undefined;
    if (place.repeats.length > 0) {
      throw new Error(
        `the disclosure sheet of form ${form.id} names "${name}" as a quasi-identifier, but it is inside the repeat ${place.repeats.at(-1)}: disclosure control counts one value per interview, so name a field outside every repeat`,
      );
    }
    return place.ref;
  };
  const resolved = (names: readonly string[]) => names.map(refOf).filter((ref): ref is string => ref !== undefined);
  const recodings = policy.recodings.flatMap((r): Recoding[] => {
    const question = refOf(r.question);
    return question ? [{ ...r, question }] : [];
  });
  const generalize = policy.generalize && refOf(policy.generalize.question);
  const city = policy.cityQuestion && refOf(policy.cityQuestion);
  return {
    ...policy,
    quasiIdentifiers: resolved(policy.quasiIdentifiers),
    breakdowns: resolved(policy.breakdowns),
    recodings,
    ...(policy.generalize && generalize ? { generalize: { ...policy.generalize, question: generalize } } : { generalize: undefined }),
    ...(city ? { cityQuestion: city } : { cityQuestion: undefined }),
  };
}

/** Why each calculation must not leave: an interview id, or computed from something that must not. */
function barredCalculations(form: Form, isSafeText: (place: FieldPlace) => boolean): Map<string, string> {
  const { fields, byName } = layoutOf(form);
  const metadata = new Set(form.metadata.map((m) => m.name));
  const barred = new Map<string, string>();
  const visiting = new Set<string>();
  const check = (place: FieldPlace): string | undefined => {
    const node = place.node;
    if (node.kind !== "calculate") return undefined;
    if (barred.has(place.ref)) return barred.get(place.ref);
    if (visiting.has(place.ref)) return undefined;
    visiting.add(place.ref);
    let reason: string | undefined;
    if (/\buuid\s*\(/.test(node.calculation)) reason = "an interview id (uuid()): the export's random row_id takes its place";
    for (const name of referencedNames(node.calculation)) {
      if (reason) break;
      if (metadata.has(name)) reason = `computed from the form's metadata ${name}, which does not leave`;
      for (const target of byName.get(name) ?? []) {
        if (reason) break;
        if (target.node.kind === "question" && target.node.type === "text" && !isSafeText(target)) reason = `computed from the free text ${name}, which is not marked safe`;
        else if (check(target)) reason = `computed from ${name}, which does not leave`;
      }
    }
    visiting.delete(place.ref);
    if (reason) barred.set(place.ref, reason);
    return reason;
  };
  for (const place of fields) check(place);
  return barred;
}

export function formStudyExport(study: Pick<FormStudy, "form" | "policy" | "safeTextFields">, policyOverride?: ExportPolicy): StudyExport {
  const { form } = study;
  const layout = layoutOf(form);
  const policy = resolvePolicy(form, policyOverride ?? study.policy);
  const safe = new Set(study.safeTextFields);
  const isSafeText = (place: FieldPlace) => safe.has(place.ref) || safe.has(place.node.name);
  const barred = barredCalculations(form, isSafeText);
  const safeFree = layout.fields.filter((p) => p.node.kind === "question" && p.node.type === "text" && isSafeText(p)).map((p) => p.ref);
  const shapes = new Map<string, CalculationShape>();
  const context: ColumnContext = {
    form,
    policy,
    names: new ColumnNames(),
    isSafeText,
    calculationBarred: (place) => barred.get(place.ref),
    calculationShape: (place) => shapes.get(place.ref) ?? { numeric: true, integer: true },
  };
  const learn = (place: FieldPlace, value: string) => {
    const shape = shapes.get(place.ref) ?? { numeric: true, integer: true };
    if (shape.numeric && !isNumeric(value)) shape.numeric = false;
    if (shape.integer && !isWholeNumber(value)) shape.integer = false;
    shapes.set(place.ref, shape);
  };
  const formVersion = form.version;
  const languages = new Set(form.languages);

  let columns: { main: Variable[]; long: LongFile[] } | undefined;
  /** Built once, after the counting pass has seen every calculated value. */
  const build = () => {
    if (columns) return columns;
    const names = context.names;
    const meta = (name: string, label: string, read: (row: ExportRow) => Cell, width?: number): Variable => ({
      name: names.reserve(name),
      kind: "meta",
      storage: "text",
      fixedLabel: label,
      values: [],
      ...(width ? { width } : {}),
      read,
    });
    const main: Variable[] = [
      meta("row_id", EXPORT_TEXTS.meta.row_id, (row) => row.rowId),
      meta("day", EXPORT_TEXTS.meta.day, (row) => row.day),
      meta("lang", EXPORT_TEXTS.meta.lang, (row) => row.lang, 64),
      meta("source", EXPORT_TEXTS.meta.source, (row) => row.source),
      meta("form_version", `Form version (settings version of ${form.id})`, () => formVersion, Math.max(1, Buffer.byteLength(formVersion))),
    ];
    const perRepeat = new Map<string, Variable[]>(layout.repeats.map((r) => [r.ref, []]));
    for (const place of layout.fields) {
      const made = ruleOf(place)?.columns(place, context) ?? [];
      if (place.repeats.length === 0) main.push(...made);
      else perRepeat.get(place.repeats.at(-1)!)!.push(...made);
    }
    const long = layout.repeats.map((repeat): LongFile => {
      const fileNames = new ColumnNames();
      const indexes = [...repeat.outer, repeat.ref].map((ref, depth): Variable => ({
        name: fileNames.claim(`${ref.split("/").at(-1)}_index`),
        kind: "instance",
        storage: "numeric",
        fixedLabel: `Row of the repeat ${ref} within its interview${depth < repeat.outer.length ? " (an enclosing repeat)" : ""}, counted from 1`,
        values: [],
        read: (row) => row.instance?.[depth],
      }));
      const fields = perRepeat.get(repeat.ref)!.map((v) => ({ ...v, name: fileNames.claim(v.name) }));
      const name = `repeat_${repeat.ref.split("/").at(-1)}`;
      return {
        name,
        repeat: repeat.ref,
        description: `One row per row of the repeat ${repeat.ref}: row_id is the interview's row in data.csv, ${indexes.map((v) => v.name).join(", ")} the repeat row (from 1). Codes as in data.csv.`,
        variables: [{ ...main[0]!, name: fileNames.reserve("row_id") }, ...indexes, ...fields],
        rowsOf: (row) => row.instances?.[repeat.ref] ?? [],
      };
    });
    // Two repeats of one name in different groups get the second file a number.
    const seen = new Map<string, number>();
    for (const file of long) {
      const n = (seen.get(file.name) ?? 0) + 1;
      seen.set(file.name, n);
      if (n > 1) file.name = `${file.name}_${n}`;
    }
    columns = { main, long };
    return columns;
  };

  const allowedAnswers = (record: CompletedRecord) => formAnswers(form, record, context);
  return {
    fileTag: fileTagOf(form),
    policy,
    present: new Set(layout.fields.filter((p) => p.repeats.length === 0).map((p) => p.ref)),
    countingAnswers: (record) => formAnswers(form, record, context, learn),
    allowedAnswers,
    toRow: (record, answers: Record<string, Answer>, rowId) => {
      const row: ExportRow = {
        rowId,
        day: record.day,
        lang: languages.has(record.lang) || /^[a-z]{2,3}(-[A-Za-z]{2,4})?$/.test(record.lang) ? record.lang : "",
        source: publicSource(record.source),
        version: record.version,
        answers,
        derived: {},
        flags: {},
      };
      row.instances = instanceRows(row);
      return row;
    },
    variables: () => build().main,
    longFiles: () => build().long,
    codebook: (input) => formCodebook({ form, policy, layout, context, variables: input.variables, longFiles: build().long }),
    matches: (record, filter) => matchesFilter(record, filter, policy),
    summaryDescription:
      policy.breakdowns.length > 0
        ? `Frequency tables of every single-choice question by ${policy.breakdowns.join(" and by ")}, with small cells suppressed.`
        : "Frequency tables of every single-choice question (the study declares no breakdowns), with small cells suppressed.",
    fileDescriptions: {
      "data.csv":
        "One row per completed interview, one column per field outside repeats (codes, not labels). UTF-8 with BOM. A multi-select has one 0/1 column per choice; integer, decimal and numeric calculated columns hold numbers; dates are ISO text (YYYY-MM-DD). Empty means not asked or not answered.",
      "data.xlsx": "The same data in Excel: sheet 'data' (codes), sheet 'labels' (labels in the form's default language), a sheet per repeat (codes), sheet 'codebook'.",
    },
    readmeNotes: [
      `Form ${form.id}, version ${form.version || "(none)"}.`,
      ...(safeFree.length > 0 ? [`One exception to "no free text": this study marks these free-text fields safe for anonymous exports, and they are included: ${safeFree.join(", ")}.`] : []),
      ...(layout.repeats.length > 0 ? ["Each repeat's rows are in a long file of their own (repeat_<name>.csv, and a sheet of that name in data.xlsx), tied to data.csv by row_id."] : []),
    ],
  };
}
