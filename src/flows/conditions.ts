/**
 * The condition operators. Each operator declares, in one place, how it evaluates, which
 * questions it reads, and how it reads as an XLSForm `relevant` expression, so no shared code
 * ever branches on a particular question.
 *
 * Evaluation is three-valued (Kleene logic): `undefined` means "not known yet", because a
 * question it reads is still ahead. Once every question read is settled, the result is a boolean.
 * This lets the engine estimate how many questions remain on the respondent's path.
 */
import type { Answer, Answers, Comparison, Condition, Environment, NumberExpr } from "./schema.ts";

export type Truth = boolean | undefined;

export interface EvaluationContext {
  answers: Answers;
  env: Environment;
  /** Named conditions of the definition (WORKING, REMITTER, …). */
  sets: Readonly<Record<string, Condition>>;
  /** Questions not answered yet that may still be asked: reading one gives "unknown". */
  pending?: ReadonlySet<string>;
}

export interface XPathContext {
  sets: Readonly<Record<string, Condition>>;
  /** Question ids of type multi, which XLSForm tests with selected(). */
  multi: ReadonlySet<string>;
  /** Question ids of a numeric type, whose values are not quoted. */
  numeric: ReadonlySet<string>;
  /**
   * Per numeric question with codes (pnta, dk): code → the number that stands for it in an
   * XLSForm integer (see numeric-codes.ts). Absent: codes are quoted as they are.
   */
  numericCodes?: ReadonlyMap<string, ReadonlyMap<string, number>>;
}

type ConditionOf<Op extends Condition["op"]> = Extract<Condition, { op: Op }>;

interface Operator<Op extends Condition["op"]> {
  evaluate(cond: ConditionOf<Op>, ctx: EvaluationContext): Truth;
  /** Question ids this condition reads, directly (named sets are followed by the caller). */
  questions(cond: ConditionOf<Op>): string[];
  /** Named sets this condition refers to. */
  sets(cond: ConditionOf<Op>): string[];
  xpath(cond: ConditionOf<Op>, ctx: XPathContext): string;
}

/** Evaluates a number expression; undefined when an answer it needs is missing or not numeric. */
export function evaluateNumber(expr: NumberExpr, answers: Answers, env: Environment): number | undefined {
  if ("const" in expr) return expr.const;
  if ("env" in expr) return env.currentYear;
  if ("answer" in expr) {
    const value = answers[expr.answer];
    return typeof value === "number" ? value : undefined;
  }
  const parts = ("sub" in expr ? expr.sub : expr.add).map((part) => evaluateNumber(part, answers, env));
  if (parts.some((p) => p === undefined)) return undefined;
  const [first, ...rest] = parts as number[];
  return "sub" in expr ? rest.reduce((a, b) => a - b, first!) : rest.reduce((a, b) => a + b, first!);
}

export function numberExprQuestions(expr: NumberExpr): string[] {
  if ("answer" in expr) return [expr.answer];
  if ("sub" in expr) return expr.sub.flatMap(numberExprQuestions);
  if ("add" in expr) return expr.add.flatMap(numberExprQuestions);
  return [];
}

function numberExprXPath(expr: NumberExpr): string {
  if ("const" in expr) return String(expr.const);
  if ("env" in expr) return "format-date(today(), '%Y')";
  if ("answer" in expr) return `\${${expr.answer}}`;
  const sign = "sub" in expr ? " - " : " + ";
  return `(${("sub" in expr ? expr.sub : expr.add).map(numberExprXPath).join(sign)})`;
}

/** Reads an answer, or says it is unknown (pending) or absent (skipped or not reached). */
function read(q: string, ctx: EvaluationContext): { known: true; value: Answer | undefined } | { known: false } {
  if (ctx.pending?.has(q)) return { known: false };
  return { known: true, value: ctx.answers[q] };
}

function literal(value: string | number, q: string, ctx: XPathContext): string {
  if (!ctx.numeric.has(q)) return `'${value}'`;
  if (typeof value === "number") return String(value);
  const standsFor = ctx.numericCodes?.get(q)?.get(value);
  return standsFor === undefined ? `'${value}'` : String(standsFor);
}

/**
 * The engine compares only numbers, so "prefer not to answer" is never below or above anything.
 * In XLSForm that code is a negative number, which `<` would count; it is excluded explicitly.
 */
function notACode(q: string, ctx: XPathContext): string {
  return [...(ctx.numericCodes?.get(q)?.values() ?? [])].map((n) => ` and \${${q}} != ${n}`).join("");
}

type ComparisonOp = "gt" | "gte" | "lt" | "lte";
const comparison = <Op extends ComparisonOp>(symbol: string, test: (a: number, b: number) => boolean): Operator<Op> => ({
  evaluate(cond: Comparison<ComparisonOp>, ctx) {
    const answer = read(cond.q, ctx);
    if (!answer.known) return undefined;
    const bound = typeof cond.value === "number" ? cond.value : evaluateNumber(cond.value, ctx.answers, ctx.env);
    if (typeof answer.value !== "number" || bound === undefined) return false;
    return test(answer.value, bound);
  },
  questions: (cond: Comparison<ComparisonOp>) => [cond.q, ...(typeof cond.value === "number" ? [] : numberExprQuestions(cond.value))],
  sets: () => [],
  xpath(cond: Comparison<ComparisonOp>, ctx) {
    const compared = `\${${cond.q}} ${symbol} ${typeof cond.value === "number" ? cond.value : numberExprXPath(cond.value)}`;
    const codes = notACode(cond.q, ctx);
    return codes === "" ? compared : `(${compared}${codes})`;
  },
});

const and = (values: Truth[]): Truth => (values.includes(false) ? false : values.includes(undefined) ? undefined : true);
const or = (values: Truth[]): Truth => (values.includes(true) ? true : values.includes(undefined) ? undefined : false);

const operators: { [Op in Condition["op"]]: Operator<Op> } = {
  equals: {
    evaluate(cond, ctx) {
      const answer = read(cond.q, ctx);
      return answer.known ? answer.value === cond.value : undefined;
    },
    questions: (cond) => [cond.q],
    sets: () => [],
    xpath: (cond, ctx) => `\${${cond.q}} = ${literal(cond.value, cond.q, ctx)}`,
  },
  in: {
    evaluate(cond, ctx) {
      const answer = read(cond.q, ctx);
      if (!answer.known) return undefined;
      return answer.value !== undefined && !Array.isArray(answer.value) && cond.values.includes(answer.value);
    },
    questions: (cond) => [cond.q],
    sets: () => [],
    xpath: (cond, ctx) => `(${cond.values.map((v) => `\${${cond.q}} = ${literal(v, cond.q, ctx)}`).join(" or ")})`,
  },
  includes: {
    evaluate(cond, ctx) {
      const answer = read(cond.q, ctx);
      if (!answer.known) return undefined;
      return Array.isArray(answer.value) && answer.value.includes(cond.value);
    },
    questions: (cond) => [cond.q],
    sets: () => [],
    xpath: (cond) => `selected(\${${cond.q}}, '${cond.value}')`,
  },
  answered: {
    evaluate(cond, ctx) {
      const answer = read(cond.q, ctx);
      return answer.known ? answer.value !== undefined : undefined;
    },
    questions: (cond) => [cond.q],
    sets: () => [],
    xpath: (cond) => `\${${cond.q}} != ''`,
  },
  gt: comparison(">", (a, b) => a > b),
  gte: comparison(">=", (a, b) => a >= b),
  lt: comparison("<", (a, b) => a < b),
  lte: comparison("<=", (a, b) => a <= b),
  not: {
    evaluate(cond, ctx) {
      const inner = evaluate(cond.cond, ctx);
      return inner === undefined ? undefined : !inner;
    },
    questions: (cond) => conditionQuestions(cond.cond),
    sets: (cond) => conditionSets(cond.cond),
    xpath: (cond, ctx) => `not(${toXPath(cond.cond, ctx)})`,
  },
  and: {
    evaluate: (cond, ctx) => and(cond.all.map((c) => evaluate(c, ctx))),
    questions: (cond) => cond.all.flatMap(conditionQuestions),
    sets: (cond) => cond.all.flatMap(conditionSets),
    xpath: (cond, ctx) => `(${cond.all.map((c) => toXPath(c, ctx)).join(" and ")})`,
  },
  or: {
    evaluate: (cond, ctx) => or(cond.any.map((c) => evaluate(c, ctx))),
    questions: (cond) => cond.any.flatMap(conditionQuestions),
    sets: (cond) => cond.any.flatMap(conditionSets),
    xpath: (cond, ctx) => `(${cond.any.map((c) => toXPath(c, ctx)).join(" or ")})`,
  },
  is: {
    evaluate(cond, ctx) {
      const named = ctx.sets[cond.name];
      if (!named) throw new Error(`unknown named condition ${cond.name}: define it under "sets"`);
      return evaluate(named, ctx);
    },
    questions: () => [],
    sets: (cond) => [cond.name],
    xpath(cond, ctx) {
      const named = ctx.sets[cond.name];
      if (!named) throw new Error(`unknown named condition ${cond.name}: define it under "sets"`);
      return toXPath(named, ctx);
    },
  },
};

function operatorOf<C extends Condition>(cond: C): Operator<C["op"]> {
  return operators[cond.op] as unknown as Operator<C["op"]>;
}

/** Three-valued evaluation: true, false, or undefined while a question it reads is pending. */
export function evaluate(cond: Condition, ctx: EvaluationContext): Truth {
  return operatorOf(cond).evaluate(cond as never, ctx);
}

/** Two-valued evaluation over the answers given so far: a missing answer makes comparisons false. */
export function holds(cond: Condition | undefined, ctx: Omit<EvaluationContext, "pending">): boolean {
  return cond === undefined || evaluate(cond, ctx) === true;
}

/** Question ids a condition reads directly (not through named sets). */
export function conditionQuestions(cond: Condition): string[] {
  return operatorOf(cond).questions(cond as never);
}

/** Named sets a condition refers to directly. */
export function conditionSets(cond: Condition): string[] {
  return operatorOf(cond).sets(cond as never);
}

/** Every question id a condition reads, following named sets. */
export function conditionQuestionsDeep(cond: Condition, sets: Readonly<Record<string, Condition>>, seen = new Set<string>()): string[] {
  const direct = conditionQuestions(cond);
  for (const name of conditionSets(cond)) {
    const named = sets[name];
    if (!named || seen.has(name)) continue;
    seen.add(name);
    direct.push(...conditionQuestionsDeep(named, sets, seen));
  }
  return direct;
}

/** The condition as an XLSForm (ODK XPath) expression. */
export function toXPath(cond: Condition, ctx: XPathContext): string {
  return operatorOf(cond).xpath(cond as never, ctx);
}
