/**
 * The engine for imported XLSForms: pure functions from (form, state, input, environment) to
 * the next step, computing what ODK computes for the same answers: which fields are relevant,
 * which answers the constraints and required flags accept, the calculated values, the choices
 * a choice filter leaves, and how many times each repeat runs.
 *
 * Fields are addressed as ODK addresses them, without the root: `household/member[2]/age`.
 * The state holds only the answers and the repeat counts the person chose; everything else is
 * recomputed from the form on each step, by one pass in document order with each value and
 * relevance computed at most once (memoised), so a step costs the same early and late.
 *
 * Nothing here reads a clock or draws a random number: today's date and the interview id come
 * in through `FormEnvironment`.
 */
import type { Choice, Form, FormNode, FormQuestion, FormRepeat, Text } from "./form.ts";
import { evaluateXPath, toBoolean, toNumber, toStringValue, type NodeSet, type XPathScope } from "./xpath-eval.ts";
import { parseXPath, type XPathExpr } from "./xpath.ts";

export interface FormEnvironment {
  /** The respondent's date, YYYY-MM-DD, for today(). */
  today: string;
  /** The interview's id, for uuid(). */
  instanceId: string;
}

export interface FormState {
  /** Field reference → answer as ODK stores it ("3", "a b" for a multi-select, "" when skipped). */
  answers: Record<string, string>;
  /** Repeat range reference → instances the person added (repeats without repeat_count). */
  repeats: Record<string, number>;
  /** Repeat ranges the person closed by answering "no" to "add another?". */
  closed: string[];
}

export const emptyFormState = (): FormState => ({ answers: {}, repeats: {}, closed: [] });

/** One field (or the "add another?" point of a repeat) of the form as it stands for an answer set. */
export interface InstanceField {
  ref: string;
  node: FormNode;
  /** Indexes of the repeat instances it lies in, outermost first. */
  indexes: number[];
  parent: InstanceField | undefined;
}

export interface RepeatPrompt {
  /** The repeat range: `household/member`. */
  ref: string;
  repeat: FormRepeat;
  parent: InstanceField | undefined;
  indexes: number[];
  /** Instances so far. */
  count: number;
  /** The person answered "no" to "add another?"; kept in the sequence so that Back can reopen it. */
  closed: boolean;
}

export type FormStep =
  | { kind: "question"; ref: string; question: FormQuestion; choices: Choice[]; value: string; progress: FormProgress }
  | { kind: "repeat"; ref: string; repeat: FormRepeat; count: number; progress: FormProgress }
  | { kind: "completed"; progress: FormProgress };

export interface FormProgress {
  answered: number;
  /** Relevant questions still unanswered on the path as it stands now. */
  remaining: number;
}

export type FormRejection =
  | { code: "not_current" }
  | { code: "nothing_to_go_back_to" }
  | { code: "not_a_number" }
  | { code: "not_an_integer" }
  | { code: "not_a_date" }
  | { code: "unknown_choice" }
  | { code: "required"; message?: Text }
  | { code: "constraint"; message?: Text };

export type FormAnswerResult = { kind: "accepted"; state: FormState; next: FormStep } | { kind: "rejected"; rejection: FormRejection };

const parsed = new Map<string, XPathExpr>();
/** Parses once per distinct expression; the importer has already refused any that do not parse. */
function compiled(source: string): XPathExpr {
  let expr = parsed.get(source);
  if (!expr) {
    expr = parseXPath(source);
    parsed.set(source, expr);
  }
  return expr;
}

interface FormIndex {
  /** Field name → its node and the chain of nodes above it. */
  byName: Map<string, { node: FormNode; ancestors: (FormNode & { children: FormNode[] })[] }>;
}
const indexes = new WeakMap<Form, FormIndex>();
function indexOf(form: Form): FormIndex {
  let index = indexes.get(form);
  if (index) return index;
  index = { byName: new Map() };
  const visit = (nodes: FormNode[], ancestors: (FormNode & { children: FormNode[] })[]) => {
    for (const node of nodes) {
      index!.byName.set(node.name, { node, ancestors });
      if (node.kind === "group" || node.kind === "repeat") visit(node.children, [...ancestors, node]);
    }
  };
  visit(form.children, []);
  indexes.set(form, index);
  return index;
}

/**
 * The form as it stands for one answer set: every field instance in document order, with
 * relevance and values computed on demand and remembered.
 */
export class FormSnapshot {
  readonly fields: InstanceField[] = [];
  /** Field instances in document order, with the "add another?" points of open repeats. */
  readonly sequence: (InstanceField | RepeatPrompt)[] = [];
  private readonly byRef = new Map<string, InstanceField>();
  private readonly relevance = new Map<string, boolean>();
  private readonly values = new Map<string, string>();
  private readonly computing = new Set<string>();
  private readonly scopes = new Map<string, XPathScope>();

  readonly form: Form;
  readonly state: FormState;
  readonly env: FormEnvironment;
  /** An answer being tried, seen as if stored: checking it needs no copy of every answer. */
  private readonly trial: { ref: string; value: string } | undefined;

  constructor(form: Form, state: FormState, env: FormEnvironment, trial?: { ref: string; value: string }) {
    this.form = form;
    this.state = state;
    this.env = env;
    this.trial = trial;
    this.expand(form.children, "", [], undefined);
  }

  /** The stored answer of a field (the trial answer for its field), or undefined. */
  answerOf(ref: string): string | undefined {
    return this.trial?.ref === ref ? this.trial.value : this.state.answers[ref];
  }

  private expand(nodes: FormNode[], prefix: string, repeatIndexes: number[], parent: InstanceField | undefined): void {
    for (const node of nodes) {
      const ref = `${prefix}${node.name}`;
      if (node.kind !== "repeat") {
        const field: InstanceField = { ref, node, indexes: repeatIndexes, parent };
        this.add(field);
        if (node.kind === "group") this.expand(node.children, `${ref}/`, repeatIndexes, field);
        continue;
      }
      const range: InstanceField = { ref, node, indexes: repeatIndexes, parent };
      this.add(range);
      const count = this.repeatCount(range);
      for (let i = 1; i <= count; i++) {
        const instance: InstanceField = { ref: `${ref}[${i}]`, node, indexes: [...repeatIndexes, i], parent: range };
        this.add(instance);
        this.expand(node.children, `${ref}[${i}]/`, instance.indexes, instance);
      }
      if (node.count === undefined) {
        this.sequence.push({ ref, repeat: node, parent, indexes: repeatIndexes, count, closed: this.state.closed.includes(ref) });
      }
    }
  }

  private add(field: InstanceField): void {
    this.fields.push(field);
    this.sequence.push(field);
    this.byRef.set(field.ref, field);
  }

  /** A repeat with repeat_count runs that many times (0 when blank); otherwise as many as the person added. */
  private repeatCount(range: InstanceField): number {
    const repeat = range.node as FormRepeat;
    if (repeat.count === undefined) return this.state.repeats[range.ref] ?? 0;
    // As in ODK, the instances exist even while the repeat is not relevant (they are then skipped).
    const n = Math.floor(toNumber(this.evaluate(repeat.count, range)));
    return Number.isFinite(n) && n > 0 ? Math.min(n, 1000) : 0;
  }

  field(ref: string): InstanceField | undefined {
    return this.byRef.get(ref);
  }

  isRelevant(field: InstanceField): boolean {
    const known = this.relevance.get(field.ref);
    if (known !== undefined) return known;
    let relevant = field.parent ? this.isRelevant(field.parent) : true;
    // A repeat instance inherits the range's relevance, which is checked once on the range.
    const own = field.node.relevant;
    if (relevant && own !== undefined && !(field.node.kind === "repeat" && field.parent?.node === field.node)) {
      relevant = toBoolean(this.evaluate(own, field));
    }
    this.relevance.set(field.ref, relevant);
    return relevant;
  }

  /** The field's value as expressions see it: blank when not relevant. */
  valueOf(field: InstanceField): string {
    const known = this.values.get(field.ref);
    if (known !== undefined) return known;
    let value = "";
    if (this.isRelevant(field)) {
      const node = field.node;
      if (node.kind === "question") {
        value = this.answerOf(field.ref) ?? node.default ?? (node.defaultExpression ? toStringValue(this.evaluate(node.defaultExpression, field)) : "");
      }
      else if (node.kind === "calculate") {
        if (this.computing.has(field.ref)) return ""; // a calculation that reads itself; ODK refuses such forms
        this.computing.add(field.ref);
        const result = this.evaluate(node.calculation, field);
        // ODK stores a calculation that is not a number (sum over no rows) as blank, not "NaN".
        value = typeof result === "number" && Number.isNaN(result) ? "" : toStringValue(result);
        this.computing.delete(field.ref);
      }
    }
    this.values.set(field.ref, value);
    return value;
  }

  /** Evaluates an expression of the form with `field` as its context (`.`, position()). */
  evaluate(source: string, field: InstanceField, self?: string, choice?: Choice) {
    if (self !== undefined || choice !== undefined) return evaluateXPath(compiled(source), this.scope(field, self, choice));
    let scope = this.scopes.get(field.ref);
    if (!scope) {
      scope = this.scope(field, undefined, undefined);
      this.scopes.set(field.ref, scope);
    }
    return evaluateXPath(compiled(source), scope);
  }

  private scope(field: InstanceField, self: string | undefined, choice: Choice | undefined): XPathScope {
    return new FieldScope(this, field, self, choice);
  }

  /**
   * The instances `${name}` designates from a context in the repeat instances `indexes`: the
   * same instance for each repeat both share, every instance of the repeats only the target is in.
   */
  resolve(name: string, indexes: number[], fixedDepth = Infinity): NodeSet {
    const entry = indexOf(this.form).byName.get(name);
    if (!entry) return { nodes: [] };
    let refs = [""];
    let depth = 0;
    for (const ancestor of entry.ancestors) {
      if (ancestor.kind !== "repeat") {
        refs = refs.map((r) => `${r}${ancestor.name}/`);
        continue;
      }
      const chosen = depth < indexes.length && depth < fixedDepth ? [indexes[depth]!] : undefined;
      refs = refs.flatMap((r) => {
        const range = `${r}${ancestor.name}`;
        const count = this.instanceCount(range);
        const which = chosen ?? Array.from({ length: count }, (_, i) => i + 1);
        return which.filter((i) => i <= count).map((i) => `${range}[${i}]/`);
      });
      depth++;
    }
    const nodes: string[] = [];
    for (const prefix of refs) {
      const target = this.byRef.get(`${prefix}${entry.node.name}`);
      if (target) nodes.push(entry.node.kind === "repeat" ? "" : this.valueOf(target));
    }
    if (entry.node.kind === "repeat") {
      // ${repeat} designates its instances (count(${member})).
      return { nodes: refs.flatMap((prefix) => Array.from({ length: this.instanceCount(`${prefix}${entry.node.name}`) }, () => "")) };
    }
    return { nodes };
  }

  private instanceCount(rangeRef: string): number {
    let n = 0;
    while (this.byRef.has(`${rangeRef}[${n + 1}]`)) n++;
    return n;
  }

  /** The choices offered for a select right now: its list, with the choice filter applied. */
  choicesFor(field: InstanceField): Choice[] {
    const question = field.node as FormQuestion;
    const list = question.list ? (this.form.choices[question.list] ?? []) : [];
    if (!question.choiceFilter) return list;
    return list.filter((choice) => toBoolean(this.evaluate(question.choiceFilter!, field, undefined, choice)));
  }

  /** Whether a value passes the field's constraint (a blank value always does, as in ODK). */
  constraintHolds(field: InstanceField, value = this.valueOf(field)): boolean {
    const question = field.node;
    if (question.kind !== "question" || question.constraint === undefined || value === "") return true;
    return toBoolean(this.evaluate(question.constraint, field, value));
  }

  isRequired(field: InstanceField): boolean {
    const question = field.node;
    return question.kind === "question" && question.required !== undefined && toBoolean(this.evaluate(question.required, field));
  }
}

/** What an expression of one field sees; a class, so that no closures are made per evaluation. */
class FieldScope implements XPathScope {
  private readonly snapshot: FormSnapshot;
  private readonly context: InstanceField;
  private readonly selfValue: string | undefined;
  private readonly choice: Choice | undefined;

  constructor(snapshot: FormSnapshot, context: InstanceField, selfValue: string | undefined, choice: Choice | undefined) {
    this.snapshot = snapshot;
    this.context = context;
    this.selfValue = selfValue;
    this.choice = choice;
  }

  get today(): string {
    return this.snapshot.env.today;
  }

  /** ODK draws a fresh uuid() per repeat row; ours is derived from the interview id and the row, so it is stable. */
  get instanceId(): string {
    const { env } = this.snapshot;
    return this.context.indexes.length === 0 ? env.instanceId : derivedId(env.instanceId, this.context.ref);
  }

  ref(name: string): NodeSet {
    return this.snapshot.resolve(name, this.context.indexes);
  }

  self(): NodeSet {
    return { nodes: [this.selfValue ?? this.snapshot.valueOf(this.context)] };
  }

  field(name: string): NodeSet {
    const choice = this.choice;
    if (!choice) return { nodes: [] };
    if (name === "name") return { nodes: [choice.name] };
    const value = choice.fields[name];
    return { nodes: value === undefined ? [] : [value] };
  }

  /** position(..): where the parent stands among its namesakes: a repeat row's index, 1 for a group. */
  position(): number {
    const parent = this.context.parent;
    return parent?.node.kind === "repeat" ? (parent.indexes.at(-1) ?? 1) : 1;
  }

  indexed(name: string, repeat: string, index: number): NodeSet {
    const depth = indexOf(this.snapshot.form).byName.get(repeat)?.ancestors.filter((a) => a.kind === "repeat").length ?? 0;
    return this.snapshot.resolve(name, [...this.context.indexes.slice(0, depth), index], depth + 1);
  }
}

const isAskable = (field: InstanceField) => field.node.kind === "question";

/** The step the person is at: the first relevant question without an answer, or a repeat's "add another?". */
export function currentStep(form: Form, state: FormState, env: FormEnvironment, snapshot = new FormSnapshot(form, state, env)): FormStep {
  let current: FormStep | undefined;
  let answered = 0;
  let remaining = 0;
  for (const item of snapshot.sequence) {
    if ("repeat" in item) {
      if (!item.closed && !current && snapshot.isRelevant(snapshot.field(item.ref)!)) {
        current = { kind: "repeat", ref: item.ref, repeat: item.repeat, count: item.count, progress: { answered: 0, remaining: 0 } };
      }
      continue;
    }
    if (!isAskable(item) || !snapshot.isRelevant(item)) continue;
    if (snapshot.answerOf(item.ref) !== undefined) {
      answered++;
      continue;
    }
    remaining++;
    if (!current) {
      const question = item.node as FormQuestion;
      current = { kind: "question", ref: item.ref, question, choices: snapshot.choicesFor(item), value: snapshot.valueOf(item), progress: { answered: 0, remaining: 0 } };
    }
  }
  const progress = { answered, remaining };
  return current ? { ...current, progress } : { kind: "completed", progress };
}

/** Parses what the person typed or tapped into the value ODK would store, or says why not. */
function parseAnswer(question: FormQuestion, raw: string | string[], offered: Choice[]): { ok: true; value: string } | { ok: false; rejection: FormRejection } {
  const text = Array.isArray(raw) ? raw.join(" ") : raw.trim();
  if (text === "" || question.type === "note") return { ok: true, value: "" };
  switch (question.type) {
    case "acknowledge":
      return { ok: true, value: "OK" };
    case "text":
      return { ok: true, value: text };
    case "integer":
      if (!/^[-+]?\d+$/.test(text)) return { ok: false, rejection: { code: "not_an_integer" } };
      return { ok: true, value: String(Number(text)) };
    case "decimal": {
      const n = Number(text.replace(",", "."));
      if (!/^[-+]?(\d+([.,]\d*)?|[.,]\d+)$/.test(text) || !Number.isFinite(n)) return { ok: false, rejection: { code: "not_a_number" } };
      return { ok: true, value: String(n) };
    }
    case "date": {
      const match = /^(\d{4})-(\d{2})-(\d{2})$/.exec(text);
      const date = match ? new Date(`${text}T00:00:00Z`) : undefined;
      if (!date || Number.isNaN(date.getTime()) || date.toISOString().slice(0, 10) !== text) return { ok: false, rejection: { code: "not_a_date" } };
      return { ok: true, value: text };
    }
    case "select_one":
      if (!offered.some((c) => c.name === text)) return { ok: false, rejection: { code: "unknown_choice" } };
      return { ok: true, value: text };
    case "select_multiple": {
      const codes = [...new Set(Array.isArray(raw) ? raw : text.split(/\s+/))];
      if (codes.some((code) => !offered.some((c) => c.name === code))) return { ok: false, rejection: { code: "unknown_choice" } };
      return { ok: true, value: codes.join(" ") };
    }
  }
}

/** Records an answer to the current question, after the checks ODK makes; or says why not. */
export function answerField(form: Form, state: FormState, ref: string, raw: string | string[], env: FormEnvironment): FormAnswerResult {
  const before = new FormSnapshot(form, state, env);
  const step = currentStep(form, state, env, before);
  if (step.kind !== "question" || step.ref !== ref) return { kind: "rejected", rejection: { code: "not_current" } };
  const parsedAnswer = parseAnswer(step.question, raw, step.choices);
  if (!parsedAnswer.ok) return parsedAnswer.ok === false ? { kind: "rejected", rejection: parsedAnswer.rejection } : parsedAnswer;
  const after = new FormSnapshot(form, state, env, { ref, value: parsedAnswer.value });
  const field = after.field(ref)!;
  if (parsedAnswer.value === "" && after.isRequired(field)) {
    return { kind: "rejected", rejection: { code: "required", ...(step.question.requiredMessage ? { message: step.question.requiredMessage } : {}) } };
  }
  if (!after.constraintHolds(field)) {
    return { kind: "rejected", rejection: { code: "constraint", ...(step.question.constraintMessage ? { message: step.question.constraintMessage } : {}) } };
  }
  const nextState: FormState = { ...state, answers: withAnswer(state.answers, ref, parsedAnswer.value) };
  return { kind: "accepted", state: nextState, next: currentStep(form, nextState, env, after) };
}

/** A copy of the answers with one more; a plain loop copies hundreds of keys faster than a spread. */
function withAnswer(answers: Readonly<Record<string, string>>, ref: string, value: string): Record<string, string> {
  const copy: Record<string, string> = {};
  for (const key in answers) copy[key] = answers[key]!;
  copy[ref] = value;
  return copy;
}

/** Answers a repeat's "add another?": yes adds an instance, no closes the repeat. */
export function answerRepeat(form: Form, state: FormState, ref: string, addAnother: boolean, env: FormEnvironment): FormAnswerResult {
  const step = currentStep(form, state, env);
  if (step.kind !== "repeat" || step.ref !== ref) return { kind: "rejected", rejection: { code: "not_current" } };
  const nextState: FormState = addAnother
    ? { ...state, repeats: { ...state.repeats, [ref]: step.count + 1 } }
    : { ...state, closed: [...state.closed, ref] };
  return { kind: "accepted", state: nextState, next: currentStep(form, nextState, env) };
}

/**
 * Back: undoes the person's last step before the current one (an answer, adding a repeat row,
 * or closing a repeat), so that it is asked again. Answers further on stay, and count again
 * once the path reaches them.
 */
export function goBack(form: Form, state: FormState, env: FormEnvironment): FormAnswerResult {
  const snapshot = new FormSnapshot(form, state, env);
  let undo: (() => FormState) | undefined;
  for (const item of snapshot.sequence) {
    if ("repeat" in item) {
      if (!snapshot.isRelevant(snapshot.field(item.ref)!)) continue;
      if (!item.closed) break; // the current step
      undo = () => ({ ...state, closed: state.closed.filter((ref) => ref !== item.ref) });
      continue;
    }
    if (!snapshot.isRelevant(item)) continue;
    const addedRow = item.node.kind === "repeat" && item.parent?.node === item.node && item.node.count === undefined;
    if (addedRow) {
      const range = item.parent!.ref;
      const row = item.indexes.at(-1)!;
      const prefix = `${item.ref}/`;
      undo = () => ({
        ...state,
        repeats: { ...state.repeats, [range]: row - 1 },
        answers: Object.fromEntries(Object.entries(state.answers).filter(([ref]) => !ref.startsWith(prefix))),
      });
      continue;
    }
    if (!isAskable(item)) continue;
    if (!(item.ref in state.answers)) break; // the current question
    undo = () => {
      const { [item.ref]: _undone, ...answers } = state.answers;
      return { ...state, answers };
    };
  }
  if (!undo) return { kind: "rejected", rejection: { code: "nothing_to_go_back_to" } };
  const previous = undo();
  return { kind: "accepted", state: previous, next: currentStep(form, previous, env) };
}

/**
 * A label, hint or message as the person reads it: `${name}` replaced by that field's value as
 * seen from this field (its own repeat row first), as ODK shows it.
 */
export function renderText(snapshot: FormSnapshot, field: InstanceField, text: Text | undefined, language: string): string {
  return textIn(text, language, snapshot.form).replace(/\$\{\s*([A-Za-z_][\w.-]*)\s*\}/g, (_whole, name: string) =>
    toStringValue(snapshot.evaluate(`\${${name}}`, field)),
  );
}

/** The text in a language, falling back to the form's default language, then to any. */
export function textIn(text: Text | undefined, language: string, form: Form): string {
  if (!text) return "";
  return text[language] ?? text[form.defaultLanguage] ?? text.default ?? Object.values(text)[0] ?? "";
}

/** A UUID-shaped id from the interview id and a field reference (FNV-1a, four rounds). */
function derivedId(instanceId: string, ref: string): string {
  let hex = "";
  for (let round = 0; round < 4; round++) {
    let hash = 0x811c9dc5 ^ round;
    for (const char of `${instanceId}|${ref}`) hash = Math.imul(hash ^ char.charCodeAt(0), 0x01000193) >>> 0;
    hex += hash.toString(16).padStart(8, "0");
  }
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-4${hex.slice(13, 16)}-a${hex.slice(17, 20)}-${hex.slice(20, 32)}`;
}
