/**
 * Conditions as text an analyst reads in the codebook, e.g. "a_city in {almaty, astana}".
 * One renderer per operator, like conditions.ts, so no shared code branches on a question.
 */
import type { Comparison, Condition, NumberExpr } from "../../flows/schema.ts";

type Sets = Readonly<Record<string, Condition>>;
type ConditionOf<Op extends Condition["op"]> = Extract<Condition, { op: Op }>;

export function numberExprText(expr: number | NumberExpr): string {
  if (typeof expr === "number") return String(expr);
  if ("const" in expr) return String(expr.const);
  if ("env" in expr) return "current year";
  if ("answer" in expr) return expr.answer;
  const parts = ("sub" in expr ? expr.sub : expr.add).map(numberExprText);
  return `(${parts.join("sub" in expr ? " - " : " + ")})`;
}

const comparison =
  (symbol: string) =>
  (cond: Comparison<"gt" | "gte" | "lt" | "lte">): string =>
    `${cond.q} ${symbol} ${numberExprText(cond.value)}`;

const renderers: { [Op in Condition["op"]]: (cond: ConditionOf<Op>, sets: Sets) => string } = {
  equals: (cond) => `${cond.q} = ${cond.value}`,
  in: (cond) => `${cond.q} in {${cond.values.join(", ")}}`,
  includes: (cond) => `${cond.q} includes ${cond.value}`,
  answered: (cond) => `${cond.q} answered`,
  gt: comparison(">"),
  gte: comparison(">="),
  lt: comparison("<"),
  lte: comparison("<="),
  not: (cond, sets) => `not (${conditionText(cond.cond, sets)})`,
  and: (cond, sets) => cond.all.map((c) => grouped(c, sets)).join(" and "),
  or: (cond, sets) => cond.any.map((c) => grouped(c, sets)).join(" or "),
  is: (cond, sets) => {
    const named = sets[cond.name];
    return named ? `${cond.name} [${conditionText(named, sets)}]` : cond.name;
  },
};

/** Brackets a sub-condition that joins several parts, so "and" inside "or" reads unambiguously. */
function grouped(cond: Condition, sets: Sets): string {
  const text = conditionText(cond, sets);
  return cond.op === "and" || cond.op === "or" ? `(${text})` : text;
}

export function conditionText(cond: Condition, sets: Sets = {}): string {
  return (renderers[cond.op] as (c: Condition, s: Sets) => string)(cond, sets);
}
