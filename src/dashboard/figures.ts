/**
 * The page's figures, computed from counters: one chart per question (single, multi, number,
 * year) and derived value, each broken down by sex, with its base in words and numbers, and
 * every count protected (see suppress.ts) before it leaves the server. Pure: counters in,
 * what the page may show out. Hidden counts never reach the browser, not even in the JSON.
 */
import type { Condition, QuestionType, Questionnaire } from "../flows/schema.ts";
import { conditionText } from "../export/formats/condition-text.ts";
import type { DashboardPolicy } from "./policy.ts";
import type { Counts } from "./store.ts";
import { protect, shown, type Equation } from "./suppress.ts";
import { NO_VALUE } from "./tally.ts";

export type Translate = (key: string) => string;

export interface Category {
  code: string;
  label: string;
}

/** A count as the page shows it ("123", "<5" or "x") and its share in percent when it may be shown. */
export interface Cell {
  text: string;
  /** Percent of its column's base, one decimal; null when the count or the base is hidden. */
  share: number | null;
}

export interface Figure {
  id: string;
  kind: "single" | "multi" | "number";
  module: string;
  title: string;
  /** "Asked of everyone", "Asked of those who remit"… */
  askedOf: string;
  /** "Asked of those who remit: 678 respondents, 34% of the sample". */
  baseText: string;
  base: { text: string; shareOfSample: number | null };
  /** Multi-select: shares add up to more than 100%. */
  note?: string;
  categories: Category[];
  /** Overall first, then one per sex. */
  columns: Category[];
  /** rows[r][c]: category r in column c. */
  rows: Cell[][];
  /** Each column's base (who answered, in that column). */
  columnBases: string[];
}

export interface Filter {
  city?: string;
  from?: string;
  to?: string;
}

export interface FiguresPage {
  sample: { text: string; value: number | null };
  /** Set when too few interviews match to show anything. */
  tooFew?: string;
  figures: Figure[];
}

export const OVERALL = "all";

/** Adds the counters of the chosen city (or every city) by sex: sex → what → count. */
export function bySex(counts: Counts, city: string | undefined): Map<string, Map<string, number>> {
  const result = new Map<string, Map<string, number>>();
  for (const [field, n] of counts) {
    const first = field.indexOf("|");
    const second = field.indexOf("|", first + 1);
    if (first < 0 || second < 0) continue;
    if (city && field.slice(0, first) !== city) continue;
    const sex = field.slice(first + 1, second);
    const what = field.slice(second + 1);
    const into = result.get(sex) ?? new Map<string, number>();
    into.set(what, (into.get(what) ?? 0) + n);
    result.set(sex, into);
  }
  return result;
}

/**
 * The chart of each question type: shares of its options (single, multi), or the distribution of
 * the values given (number, year). Keyed by type, so a new type does not compile without one.
 */
const FIGURE_KIND: { [T in QuestionType]: Figure["kind"] } = { single: "single", multi: "multi", number: "number", year: "number" };

function words(cond: Condition | undefined, definition: Questionnaire, policy: DashboardPolicy, translate: Translate): string {
  if (!cond) return "Asked of everyone";
  if (cond.op === "is" && policy.setWords[cond.name]) return `Asked of ${policy.setWords[cond.name]}`;
  if (cond.op === "equals" || cond.op === "in") {
    const question = definition.questions.find((q) => q.id === cond.q);
    const values = cond.op === "equals" ? [cond.value] : cond.values;
    if (question && FIGURE_KIND[question.type] !== "number") {
      const labels = values.map((v) => {
        const option = (question.options ?? []).find((o) => o.code === String(v));
        return `“${option ? translate(option.labelKey) : String(v)}”`;
      });
      return `Asked of those who answered ${labels.join(" or ")} to “${translate(question.textKey)}”`;
    }
  }
  return `Asked if ${conditionText(cond, definition.sets)}`;
}

const percent = (part: number, whole: number) => Math.round((1000 * part) / whole) / 10;
const byNumber = (a: string, b: string) => {
  const [x, y] = [Number(a), Number(b)];
  return Number.isNaN(x) || Number.isNaN(y) ? Number(Number.isNaN(x)) - Number(Number.isNaN(y)) || a.localeCompare(b) : x - y;
};

interface FigurePlan {
  id: string;
  kind: Figure["kind"];
  module: string;
  titleKey?: string;
  askIf?: Condition;
  categories: Category[];
  /** Numbers: categories come from the values seen, not from the definition. */
  openValues: boolean;
}

function plans(definition: Questionnaire, translate: Translate): FigurePlan[] {
  const list: FigurePlan[] = [];
  for (const q of definition.questions) {
    if (q.id === definition.consent.question) continue; // every record agreed: nothing to show
    const options = (q.options ?? []).map((o) => ({ code: o.code, label: translate(o.labelKey) }));
    const kind = FIGURE_KIND[q.type];
    list.push({ id: q.id, kind, module: q.module, titleKey: q.textKey, ...(q.askIf ? { askIf: q.askIf } : {}), categories: options, openValues: kind === "number" });
  }
  for (const d of definition.derived) {
    const codes = d.kind === "category" ? [...new Set([...d.cases.map((c) => c.value), d.otherwise])] : [];
    list.push({
      id: d.id,
      kind: d.kind === "category" ? "single" : "number",
      module: "derived",
      titleKey: d.labelKey,
      ...(d.askIf ? { askIf: d.askIf } : {}),
      categories: codes.map((code) => ({ code, label: code.replace(/_/g, " ") })),
      openValues: d.kind === "number",
    });
  }
  return list;
}

export function buildFigures(input: {
  counts: Counts;
  definition: Questionnaire;
  policy: DashboardPolicy;
  translate: Translate;
  city?: string;
}): FiguresPage {
  const { definition, policy, translate } = input;
  const { k } = policy;
  const sexes = bySex(input.counts, input.city);
  const sexQuestion = definition.questions.find((q) => q.id === policy.sexQuestion);
  const sexColumns: Category[] = (sexQuestion?.options ?? []).map((o) => ({ code: o.code, label: translate(o.labelKey) }));
  if (sexes.has(NO_VALUE)) sexColumns.push({ code: NO_VALUE, label: "Sex not asked" });
  const count = (sex: string, what: string) => sexes.get(sex)?.get(what) ?? 0;
  const sample = sexColumns.reduce((s, c) => s + count(c.code, "n"), 0);
  if (sample < k) {
    return { sample: { text: sample === 0 ? "0" : `<${k}`, value: null }, tooFew: `Fewer than ${k} completed interviews match this filter, so no figure is shown.`, figures: [] };
  }

  const figures: Figure[] = [];
  for (const plan of plans(definition, translate)) {
    let categories = plan.categories;
    if (plan.openValues) {
      const seen = new Set<string>();
      for (const c of sexColumns) for (const what of sexes.get(c.code)?.keys() ?? []) if (what.startsWith(`a:${plan.id}:`)) seen.add(what.slice(plan.id.length + 3));
      const named = new Map(categories.map((c) => [c.code, c.label]));
      categories = [...seen].sort(byNumber).map((code) => ({ code, label: named.get(code) ?? code }));
    }
    const R = categories.length;
    const C = sexColumns.length;
    const cells = categories.flatMap((cat) => sexColumns.map((col) => count(col.code, `a:${plan.id}:${cat.code}`)));
    const rowTotals = categories.map((_, r) => sexColumns.reduce((s, _c, c) => s + cells[r * C + c]!, 0));
    const columnBases = sexColumns.map((col) => count(col.code, `q:${plan.id}`));
    const base = columnBases.reduce((a, b) => a + b, 0);
    // Layout: cells, row totals, column bases, base.
    const rowAt = (r: number) => R * C + r;
    const colAt = (c: number) => R * C + R + c;
    const baseAt = R * C + R + C;
    const equations: Equation[] = [];
    for (let r = 0; r < R; r++) equations.push({ whole: rowAt(r), parts: sexColumns.map((_, c) => r * C + c) });
    equations.push({ whole: baseAt, parts: sexColumns.map((_, c) => colAt(c)) });
    if (plan.kind !== "multi") {
      // One answer each: a column's counts add up to its base, and the overall counts to the base.
      for (let c = 0; c < C; c++) equations.push({ whole: colAt(c), parts: categories.map((_, r) => r * C + c) });
      equations.push({ whole: baseAt, parts: categories.map((_, r) => rowAt(r)) });
    }
    const marks = protect([...cells, ...rowTotals, ...columnBases, base], equations, k, sample);
    const cell = (at: number, baseAtIndex: number): Cell => {
      const mark = marks[at]!;
      const whole = marks[baseAtIndex]!;
      const share = !mark.hidden && !whole.hidden && whole.value > 0 ? percent(mark.value, whole.value) : null;
      return { text: shown(mark, k), share };
    };
    const rows = categories.map((_, r) => [cell(rowAt(r), baseAt), ...sexColumns.map((_, c) => cell(r * C + c, colAt(c)))]);
    const baseMark = marks[baseAt]!;
    const shareOfSample = baseMark.hidden ? null : Math.round((100 * baseMark.value) / sample);
    const askedOf = words(plan.askIf, definition, policy, translate);
    const baseText = baseMark.hidden
      ? `${askedOf}: ${shown(baseMark, k)} respondents`
      : `${askedOf}: ${baseMark.value.toLocaleString("en-US")} respondents, ${shareOfSample}% of the sample`;
    figures.push({
      id: plan.id,
      kind: plan.kind,
      module: plan.module,
      title: plan.titleKey ? translate(plan.titleKey) : plan.id,
      askedOf,
      baseText,
      base: { text: shown(baseMark, k), shareOfSample },
      ...(plan.kind === "multi" ? { note: "Several answers were allowed, so the shares add up to more than 100%." } : {}),
      categories,
      columns: [{ code: OVERALL, label: "All" }, ...sexColumns],
      rows,
      columnBases: [shown(baseMark, k), ...sexColumns.map((_, c) => shown(marks[colAt(c)]!, k))],
    });
  }
  return { sample: { text: sample.toLocaleString("en-US"), value: sample }, figures };
}
