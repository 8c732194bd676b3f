/**
 * The shape of a study imported from an XLSForm (KoBoToolbox / ODK): plain, serialisable data
 * checked by zod, kept as close to the sheet as a chat allows.
 *
 * Unlike the hand-written definition (`schema.ts`), whose texts are translation keys and whose
 * conditions are a small operator tree, a form carries its texts per language as written by
 * the survey team and its logic as XPath source, which `xpath.ts` parses and `xpath-eval.ts`
 * evaluates. Every node remembers its sheet row, so a problem found later still points at it.
 */
import { z } from "zod";

/** A field name as XLSForm allows it (an XML element name). */
export const FieldName = z.string().regex(/^[A-Za-z_][\w.-]*$/, "a name starts with a letter or _ and has only letters, digits, _ - and .");

/** A text per language; "default" is the language of columns written without ::language. */
export const Text = z.record(z.string(), z.string());
export type Text = z.infer<typeof Text>;

/** An XPath expression as written in the sheet (`${name}` references kept). */
export const Expression = z.string().min(1);

export const Choice = z.strictObject({
  name: z.string().min(1),
  label: Text,
  /** The choice's other columns, which a choice_filter may read by bare name. */
  fields: z.record(z.string(), z.string()).default({}),
});
export type Choice = z.infer<typeof Choice>;

/** The question types a chat asks; `acknowledge` is a note answered with OK. */
export const QuestionType = z.enum(["select_one", "select_multiple", "integer", "decimal", "text", "date", "note", "acknowledge"]);
export type QuestionType = z.infer<typeof QuestionType>;

/** Cells of a sheet row: column → text. */
export const Cells = z.record(z.string(), z.string());

const NodeBase = {
  name: FieldName,
  /** The row of the survey sheet this node comes from (1-based, header = 1). */
  row: z.number().int().positive(),
  relevant: Expression.optional(),
  /**
   * The bot's extension columns of the row (xlsform-extensions.ts), which ODK ignores: what a
   * native questionnaire says that XLSForm cannot. Absent when the row has none.
   */
  extensions: Cells.optional(),
};

export const FormQuestion = z.strictObject({
  ...NodeBase,
  kind: z.literal("question"),
  type: QuestionType,
  label: Text,
  hint: Text.optional(),
  /** The choices sheet's list_name, for select_one and select_multiple. */
  list: z.string().optional(),
  choiceFilter: Expression.optional(),
  constraint: Expression.optional(),
  constraintMessage: Text.optional(),
  /** An expression; "true()" for `yes`. */
  required: Expression.optional(),
  requiredMessage: Text.optional(),
  /** The answer the field holds until one is given, as ODK's instance holds it. */
  default: z.string().optional(),
  /** A default computed when the interview opens, such as today(); it reads no answers. */
  defaultExpression: Expression.optional(),
});
export type FormQuestion = z.infer<typeof FormQuestion>;

export const FormCalculate = z.strictObject({
  ...NodeBase,
  kind: z.literal("calculate"),
  calculation: Expression,
});
export type FormCalculate = z.infer<typeof FormCalculate>;

/**
 * A question the chat cannot ask (GPS, photo, barcode…), kept only when the caller explicitly
 * allowed it at import: it is never asked and its value is always empty, and the form lists it
 * under `unanswerable` so nobody mistakes the study for the whole form.
 */
export const FormUnanswerable = z.strictObject({
  ...NodeBase,
  kind: z.literal("unanswerable"),
  type: z.string(),
});
export type FormUnanswerable = z.infer<typeof FormUnanswerable>;

export interface FormGroup {
  kind: "group";
  name: string;
  row: number;
  relevant?: string | undefined;
  extensions?: Record<string, string> | undefined;
  label?: Text | undefined;
  children: FormNode[];
}

export interface FormRepeat {
  kind: "repeat";
  name: string;
  row: number;
  relevant?: string | undefined;
  extensions?: Record<string, string> | undefined;
  label?: Text | undefined;
  /** How many instances; absent: the chat asks "add another?" after each one. */
  count?: string | undefined;
  children: FormNode[];
}

export type FormNode = FormQuestion | FormCalculate | FormUnanswerable | FormGroup | FormRepeat;

export const FormNode: z.ZodType<FormNode> = z.lazy(() =>
  z.discriminatedUnion("kind", [
    FormQuestion,
    FormCalculate,
    FormUnanswerable,
    z.strictObject({ ...NodeBase, kind: z.literal("group"), label: Text.optional(), children: z.array(FormNode) }),
    z.strictObject({ ...NodeBase, kind: z.literal("repeat"), label: Text.optional(), count: Expression.optional(), children: z.array(FormNode) }),
  ]),
);

/** Metadata the bot records itself; nothing that identifies a person (phone, user name, e-mail). */
export const MetadataType = z.enum(["start", "end", "today", "deviceid", "audit"]);

export const Form = z.strictObject({
  /** settings form_id, or the file name when the sheet has none. */
  id: z.string().min(1),
  /** settings version, as written (often a date like 2024011501). */
  version: z.string(),
  title: z.string(),
  /** Languages in the order of the sheet's columns; "default" for columns without ::language. */
  languages: z.array(z.string()).min(1),
  defaultLanguage: z.string(),
  choices: z.record(z.string(), z.array(Choice)),
  metadata: z.array(z.strictObject({ name: FieldName, type: MetadataType })).default([]),
  children: z.array(FormNode).min(1),
  /** The rows of the bot's study_rules sheet (xlsform-extensions.ts), when the workbook has one. */
  studyRules: z.array(z.strictObject({ row: z.number().int().positive(), cells: Cells })).optional(),
});
export type Form = z.infer<typeof Form>;
