/**
 * Evaluates parsed XLSForm XPath the way ODK does, through two exhaustive tables: one entry per
 * operator and one per function. Each entry says, in one place, how it computes; a function
 * the table lacks is refused at import (see `supportedFunction`), never guessed at run time.
 *
 * Values follow XPath 1.0: a string, a number, a boolean, or a node-set (the values of the
 * fields a `${name}` refers to: one node, or one per repeat instance). Dates are strings
 * "YYYY-MM-DD"; as numbers they count days since 1970-01-01, as in ODK.
 *
 * Nothing here reads a clock: `today()` is the date the caller put in the scope.
 */
import type { BinaryOperator, XPathExpr } from "./xpath.ts";

export interface NodeSet {
  nodes: string[];
}
export type XPathValue = string | number | boolean | NodeSet;

/** What an expression can see; the form engine provides it. */
export interface XPathScope {
  /** The fields `${name}` designates from here: one node, or one per repeat instance. */
  ref(name: string): NodeSet;
  /** The field being checked (`.`). */
  self(): NodeSet;
  /** A column of the choice being filtered (choice filters only). */
  field(name: string): NodeSet;
  /** position(..): the 1-based place of the field's parent among its namesakes (a repeat row's index). */
  position(): number;
  /** The field `name` in instance `index` of the repeat `repeat` (indexed-repeat). */
  indexed(name: string, repeat: string, index: number): NodeSet;
  /** Today's date, "YYYY-MM-DD", handed in by the caller. */
  today: string;
  /** The interview's id, which uuid() gives (ODK computes it once, when the form opens). */
  instanceId: string;
}

const isNodeSet = (value: XPathValue): value is NodeSet => typeof value === "object";

const DATE = /^(\d{4})-(\d{2})-(\d{2})(?:T.*)?$/;
const DAY_MS = 86_400_000;

export function toNumber(value: XPathValue): number {
  if (isNodeSet(value)) return toNumber(toStringValue(value));
  if (typeof value === "number") return value;
  if (typeof value === "boolean") return value ? 1 : 0;
  const text = value.trim();
  const date = DATE.exec(text);
  if (date) return Date.UTC(Number(date[1]), Number(date[2]) - 1, Number(date[3])) / DAY_MS;
  if (!/^-?(\d+(\.\d*)?|\.\d+)$/.test(text)) return NaN;
  return Number(text);
}

export function toStringValue(value: XPathValue): string {
  if (isNodeSet(value)) return value.nodes[0] ?? "";
  if (typeof value === "boolean") return value ? "true" : "false";
  if (typeof value === "number") return numberToString(value);
  return value;
}

function numberToString(n: number): string {
  if (Number.isNaN(n)) return "NaN";
  if (n === Infinity) return "Infinity";
  if (n === -Infinity) return "-Infinity";
  if (Number.isInteger(n)) return String(n === 0 ? 0 : n);
  return String(n);
}

export function toBoolean(value: XPathValue): boolean {
  if (isNodeSet(value)) return value.nodes.length > 0;
  if (typeof value === "boolean") return value;
  if (typeof value === "number") return value !== 0 && !Number.isNaN(value);
  return value.length > 0;
}

function daysToDate(days: number): string {
  return new Date(Math.floor(days) * DAY_MS).toISOString().slice(0, 10);
}

/** XPath 1.0 equality: node-sets compare node by node, then boolean > number > string. */
function equal(a: XPathValue, b: XPathValue): boolean {
  if (isNodeSet(a) && isNodeSet(b)) return a.nodes.some((x) => b.nodes.includes(x));
  if (isNodeSet(a) || isNodeSet(b)) {
    const [set, other] = (isNodeSet(a) ? [a, b] : [b, a]) as [NodeSet, XPathValue];
    if (typeof other === "boolean") return toBoolean(set) === other;
    if (typeof other === "number") return set.nodes.some((node) => toNumber(node) === other);
    return set.nodes.some((node) => node === other);
  }
  if (typeof a === "boolean" || typeof b === "boolean") return toBoolean(a) === toBoolean(b);
  if (typeof a === "number" || typeof b === "number") return toNumber(a) === toNumber(b);
  return a === b;
}

/** Relational operators compare numbers; a node-set holds when any of its nodes does. */
function relational(test: (a: number, b: number) => boolean) {
  return (a: XPathValue, b: XPathValue): boolean => {
    const left = isNodeSet(a) ? a.nodes : [a];
    const right = isNodeSet(b) ? b.nodes : [b];
    return left.some((x) => right.some((y) => test(toNumber(x), toNumber(y))));
  };
}

type Lazy = () => XPathValue;

const operators: { [Op in BinaryOperator]: (left: Lazy, right: Lazy) => XPathValue } = {
  or: (left, right) => toBoolean(left()) || toBoolean(right()),
  and: (left, right) => toBoolean(left()) && toBoolean(right()),
  "=": (left, right) => equal(left(), right()),
  "!=": (left, right) => !equal(left(), right()),
  "<": (left, right) => relational((a, b) => a < b)(left(), right()),
  "<=": (left, right) => relational((a, b) => a <= b)(left(), right()),
  ">": (left, right) => relational((a, b) => a > b)(left(), right()),
  ">=": (left, right) => relational((a, b) => a >= b)(left(), right()),
  "+": (left, right) => toNumber(left()) + toNumber(right()),
  "-": (left, right) => toNumber(left()) - toNumber(right()),
  "*": (left, right) => toNumber(left()) * toNumber(right()),
  div: (left, right) => toNumber(left()) / toNumber(right()),
  mod: (left, right) => toNumber(left()) % toNumber(right()),
};

interface FunctionSpec {
  /** Fewest and most arguments; Infinity for "any number". */
  arity: [number, number];
  /** The arguments come unevaluated, so if() and coalesce() evaluate only what they need. */
  evaluate(args: XPathExpr[], scope: XPathScope): XPathValue;
}

const value = (expr: XPathExpr, scope: XPathScope) => evaluateXPath(expr, scope);
const str = (expr: XPathExpr, scope: XPathScope) => toStringValue(value(expr, scope));
const num = (expr: XPathExpr, scope: XPathScope) => toNumber(value(expr, scope));
const selectedList = (text: string) => text.split(/\s+/).filter(Boolean);

/** ODK rounds half away from zero, to a number of digits (default 0), exactly so. */
function round(n: number, digits: number): number {
  if (Number.isNaN(n) || Number.isNaN(digits)) return NaN;
  const factor = 10 ** digits;
  return (Math.round(Math.abs(n) * factor) / factor) * (n < 0 ? -1 : 1);
}

/** ODK's sum, min and max: NaN over no values or when any value is not a number. */
function aggregate(values: number[], combine: (values: number[]) => number): number {
  return values.length === 0 || values.some(Number.isNaN) ? NaN : combine(values);
}

const functions = {
  true: { arity: [0, 0], evaluate: () => true },
  false: { arity: [0, 0], evaluate: () => false },
  not: { arity: [1, 1], evaluate: ([a], s) => !toBoolean(value(a!, s)) },
  boolean: { arity: [1, 1], evaluate: ([a], s) => toBoolean(value(a!, s)) },
  "boolean-from-string": { arity: [1, 1], evaluate: ([a], s) => ["true", "1"].includes(str(a!, s)) },
  if: { arity: [3, 3], evaluate: ([c, a, b], s) => (toBoolean(value(c!, s)) ? value(a!, s) : value(b!, s)) },
  // As in ODK, a blank answer "contains" the blank code: selected(${x}, '') holds while x is blank.
  selected: { arity: [2, 2], evaluate: ([list, code], s) => str(list!, s).trim().split(/\s+/).includes(str(code!, s).trim()) },
  "count-selected": { arity: [1, 1], evaluate: ([list], s) => selectedList(str(list!, s)).length },
  "selected-at": { arity: [2, 2], evaluate: ([list, i], s) => selectedList(str(list!, s))[num(i!, s)] ?? "" },
  regex: { arity: [2, 2], evaluate: ([text, pattern], s) => new RegExp(str(pattern!, s)).test(str(text!, s)) },
  contains: { arity: [2, 2], evaluate: ([a, b], s) => str(a!, s).includes(str(b!, s)) },
  "starts-with": { arity: [2, 2], evaluate: ([a, b], s) => str(a!, s).startsWith(str(b!, s)) },
  "ends-with": { arity: [2, 2], evaluate: ([a, b], s) => str(a!, s).endsWith(str(b!, s)) },
  number: { arity: [1, 1], evaluate: ([a], s) => num(a!, s) },
  int: { arity: [1, 1], evaluate: ([a], s) => Math.trunc(num(a!, s)) },
  round: { arity: [1, 2], evaluate: ([a, digits], s) => round(num(a!, s), digits ? num(digits, s) : 0) },
  floor: { arity: [1, 1], evaluate: ([a], s) => Math.floor(num(a!, s)) },
  ceiling: { arity: [1, 1], evaluate: ([a], s) => Math.ceil(num(a!, s)) },
  abs: { arity: [1, 1], evaluate: ([a], s) => Math.abs(num(a!, s)) },
  pow: { arity: [2, 2], evaluate: ([a, b], s) => num(a!, s) ** num(b!, s) },
  min: { arity: [1, Infinity], evaluate: (args, s) => aggregate(args.flatMap((a) => numbersOf(value(a, s))), (v) => Math.min(...v)) },
  max: { arity: [1, Infinity], evaluate: (args, s) => aggregate(args.flatMap((a) => numbersOf(value(a, s))), (v) => Math.max(...v)) },
  sum: { arity: [1, 1], evaluate: ([a], s) => aggregate(numbersOf(value(a!, s)), (v) => v.reduce((x, y) => x + y, 0)) },
  count: { arity: [1, 1], evaluate: ([a], s) => nodesOf(value(a!, s)).length },
  "string-length": { arity: [0, 1], evaluate: ([a], s) => [...(a ? str(a, s) : toStringValue(s.self()))].length },
  string: { arity: [1, 1], evaluate: ([a], s) => str(a!, s) },
  concat: { arity: [0, Infinity], evaluate: (args, s) => args.map((a) => nodesOf(value(a, s)).join("")).join("") },
  coalesce: { arity: [2, 2], evaluate: ([a, b], s) => (str(a!, s) !== "" ? str(a!, s) : str(b!, s)) },
  substr: { arity: [2, 3], evaluate: ([a, start, end], s) => str(a!, s).slice(num(start!, s), end ? num(end, s) : undefined) },
  "normalize-space": { arity: [1, 1], evaluate: ([a], s) => str(a!, s).trim().replace(/\s+/g, " ") },
  position: { arity: [1, 1], evaluate: ([a], s) => (a!.type === "parent" ? s.position() : NaN) },
  "indexed-repeat": {
    arity: [3, 3],
    evaluate([field, repeat, index], s) {
      if (field!.type !== "ref" || repeat!.type !== "ref") return { nodes: [] };
      return s.indexed(field!.name, repeat!.name, num(index!, s));
    },
  },
  today: { arity: [0, 0], evaluate: (_args, s) => s.today },
  uuid: { arity: [0, 0], evaluate: (_args, s) => s.instanceId },
  date: { arity: [1, 1], evaluate: ([a], s) => dateOf(value(a!, s)) },
  "decimal-date": { arity: [1, 1], evaluate: ([a], s) => num(a!, s) },
  "format-date": { arity: [2, 2], evaluate: ([a, format], s) => formatDate(dateOf(value(a!, s)), str(format!, s)) },
} satisfies Record<string, FunctionSpec>;

export type FunctionName = keyof typeof functions;

export function supportedFunction(name: string): name is FunctionName {
  return Object.hasOwn(functions, name);
}

/** Whether a call has an argument count the function takes; undefined when it does. */
export function arityProblem(name: FunctionName, count: number): string | undefined {
  const [min, max] = (functions[name] as FunctionSpec).arity;
  if (count >= min && count <= max) return undefined;
  const expected = min === max ? `${min}` : max === Infinity ? `at least ${min}` : `${min} to ${max}`;
  return `${name}() takes ${expected} argument(s), not ${count}`;
}

function nodesOf(value: XPathValue): string[] {
  return isNodeSet(value) ? value.nodes : [toStringValue(value)];
}

function numbersOf(value: XPathValue): number[] {
  return nodesOf(value).map(toNumber);
}

function dateOf(value: XPathValue): string {
  if (typeof value === "number") return daysToDate(value);
  const text = toStringValue(value);
  if (DATE.test(text)) return text.slice(0, 10);
  const n = toNumber(text);
  return Number.isNaN(n) ? "" : daysToDate(n);
}

function formatDate(date: string, format: string): string {
  const parts = DATE.exec(date);
  if (!parts) return "";
  const [, year, month, day] = parts as unknown as [string, string, string, string];
  const codes: Record<string, string> = { Y: year, y: year.slice(2), m: month, n: String(Number(month)), d: day, e: String(Number(day)) };
  return format.replace(/%([a-zA-Z])/g, (whole, code: string) => codes[code] ?? whole);
}

export function evaluateXPath(expr: XPathExpr, scope: XPathScope): XPathValue {
  switch (expr.type) {
    case "number":
      return expr.value;
    case "string":
      return expr.value;
    case "ref":
      return scope.ref(expr.name);
    case "self":
      return scope.self();
    case "parent":
      return { nodes: [] };
    case "field":
      return scope.field(expr.name);
    case "negate":
      return -toNumber(evaluateXPath(expr.operand, scope));
    case "binary":
      return operators[expr.op](
        () => evaluateXPath(expr.left, scope),
        () => evaluateXPath(expr.right, scope),
      );
    case "call":
      return (functions[expr.name as FunctionName] as FunctionSpec).evaluate(expr.args, scope);
  }
}
