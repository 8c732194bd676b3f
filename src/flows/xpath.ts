/**
 * The XPath that XLSForms write in `relevant`, `constraint`, `calculation`, `required`,
 * `choice_filter` and `repeat_count`, parsed into a small tree.
 *
 * Only the subset a form actually uses is accepted: literals, `${name}` references, `.` (the
 * answer being checked), bare names inside a choice filter (a column of the choices sheet),
 * `..` as the argument of `position()`, the XPath 1.0 operators and function calls. Paths,
 * predicates, unions and axes are refused with a message that names them, so a form that needs
 * them fails at import instead of running differently from ODK.
 *
 * Precedence is XPath 1.0's: or < and < = != < < <= > >= < + - < * div mod < unary minus.
 */

export type BinaryOperator = "or" | "and" | "=" | "!=" | "<" | "<=" | ">" | ">=" | "+" | "-" | "*" | "div" | "mod";

export type XPathExpr =
  | { type: "number"; value: number }
  | { type: "string"; value: string }
  /** `${name}`: the value of another field of the form. */
  | { type: "ref"; name: string }
  /** `.`: the answer being checked (constraint) or the field itself. */
  | { type: "self" }
  /** `..`: only as the argument of position(). */
  | { type: "parent" }
  /** A bare name in a choice filter: that column of the choice being filtered. */
  | { type: "field"; name: string }
  | { type: "binary"; op: BinaryOperator; left: XPathExpr; right: XPathExpr }
  | { type: "negate"; operand: XPathExpr }
  | { type: "call"; name: string; args: XPathExpr[] };

export class XPathSyntaxError extends Error {
  readonly at: number;
  /** The XPath feature that is missing, e.g. "paths" or "predicates", for the import message. */
  readonly feature: string;

  constructor(message: string, at: number, feature: string) {
    super(message);
    this.name = "XPathSyntaxError";
    this.at = at;
    this.feature = feature;
  }
}

type Token =
  | { kind: "number"; value: number; at: number }
  | { kind: "string"; value: string; at: number }
  | { kind: "ref"; name: string; at: number }
  | { kind: "name"; name: string; at: number }
  | { kind: "punct"; value: string; at: number }
  | { kind: "end"; at: number };

const NAME = /^[A-Za-z_][\w.-]*(?::[A-Za-z_][\w.-]*)?/;
const NUMBER = /^(\d+(\.\d*)?|\.\d+)/;
const REF = /^\$\{\s*([A-Za-z_][\w.-]*)\s*\}/;
const PUNCT = ["!=", "<=", ">=", "..", "//", "=", "<", ">", "+", "-", "*", "(", ")", ",", ".", "/", "[", "]", "|", "@"];

function tokenize(source: string): Token[] {
  const tokens: Token[] = [];
  let i = 0;
  while (i < source.length) {
    const rest = source.slice(i);
    const space = /^\s+/.exec(rest);
    if (space) {
      i += space[0].length;
      continue;
    }
    const quote = rest[0];
    if (quote === "'" || quote === '"' || quote === "‘" || quote === "’") {
      const close = quote === "‘" ? "’" : quote;
      const end = source.indexOf(close, i + 1);
      if (end === -1) throw new XPathSyntaxError(`a quote opened at character ${i + 1} is never closed`, i, "syntax");
      tokens.push({ kind: "string", value: source.slice(i + 1, end), at: i });
      i = end + 1;
      continue;
    }
    const ref = REF.exec(rest);
    if (ref) {
      tokens.push({ kind: "ref", name: ref[1]!, at: i });
      i += ref[0].length;
      continue;
    }
    const number = NUMBER.exec(rest);
    if (number) {
      tokens.push({ kind: "number", value: Number(number[0]), at: i });
      i += number[0].length;
      continue;
    }
    const name = NAME.exec(rest);
    if (name) {
      tokens.push({ kind: "name", name: name[0], at: i });
      i += name[0].length;
      continue;
    }
    const punct = PUNCT.find((p) => rest.startsWith(p));
    if (!punct) throw new XPathSyntaxError(`unexpected "${rest[0]}" at character ${i + 1}`, i, "syntax");
    tokens.push({ kind: "punct", value: punct, at: i });
    i += punct.length;
  }
  tokens.push({ kind: "end", at: source.length });
  return tokens;
}

const LEVELS: BinaryOperator[][] = [["or"], ["and"], ["=", "!="], ["<", "<=", ">", ">="], ["+", "-"], ["*", "div", "mod"]];
const WORD_OPERATORS = new Set(["or", "and", "div", "mod"]);

/** Parses one expression; throws XPathSyntaxError naming what is not supported. */
export function parseXPath(source: string): XPathExpr {
  const tokens = tokenize(source);
  let position = 0;
  const peek = () => tokens[position]!;
  const next = () => tokens[position++]!;
  const isPunct = (value: string) => peek().kind === "punct" && (peek() as { value: string }).value === value;
  const expect = (value: string) => {
    if (!isPunct(value)) throw new XPathSyntaxError(`expected "${value}" at character ${peek().at + 1}`, peek().at, "syntax");
    next();
  };
  const operatorAhead = (): BinaryOperator | undefined => {
    const token = peek();
    if (token.kind === "punct" && ["=", "!=", "<", "<=", ">", ">=", "+", "-", "*"].includes(token.value)) return token.value as BinaryOperator;
    if (token.kind === "name" && WORD_OPERATORS.has(token.name)) return token.name as BinaryOperator;
    return undefined;
  };

  const binary = (level: number): XPathExpr => {
    if (level === LEVELS.length) return unary();
    let left = binary(level + 1);
    for (let op = operatorAhead(); op && LEVELS[level]!.includes(op); op = operatorAhead()) {
      next();
      left = { type: "binary", op, left, right: binary(level + 1) };
    }
    return left;
  };

  const unary = (): XPathExpr => {
    if (isPunct("-")) {
      next();
      return { type: "negate", operand: unary() };
    }
    const primary = primaryExpr();
    refusePathSteps();
    return primary;
  };

  const refusePathSteps = () => {
    const token = peek();
    if (token.kind !== "punct") return;
    const feature = token.value === "/" || token.value === "//" ? "paths" : token.value === "[" ? "predicates" : token.value === "|" ? "unions" : undefined;
    if (feature) throw new XPathSyntaxError(`XPath ${feature} ("${token.value}" at character ${token.at + 1}) are not supported; refer to fields as \${name}`, token.at, feature);
  };

  const primaryExpr = (): XPathExpr => {
    const token = next();
    switch (token.kind) {
      case "number":
        return { type: "number", value: token.value };
      case "string":
        return { type: "string", value: token.value };
      case "ref":
        return { type: "ref", name: token.name };
      case "name": {
        if (isPunct("(")) {
          next();
          const args: XPathExpr[] = [];
          if (!isPunct(")")) {
            do args.push(binary(0));
            while (isPunct(",") && next());
          }
          expect(")");
          return { type: "call", name: token.name, args };
        }
        if (token.name.includes(":")) throw new XPathSyntaxError(`"${token.name}" is not supported`, token.at, "namespaced names");
        return { type: "field", name: token.name };
      }
      case "punct":
        if (token.value === "(") {
          const inner = binary(0);
          expect(")");
          return inner;
        }
        if (token.value === ".") return { type: "self" };
        if (token.value === "..") return { type: "parent" };
        if (token.value === "/" || token.value === "//") throw new XPathSyntaxError(`absolute paths ("${token.value}" at character ${token.at + 1}) are not supported; refer to fields as \${name}`, token.at, "paths");
        if (token.value === "@") throw new XPathSyntaxError(`attributes ("@" at character ${token.at + 1}) are not supported`, token.at, "attributes");
        throw new XPathSyntaxError(`unexpected "${token.value}" at character ${token.at + 1}`, token.at, "syntax");
      case "end":
        throw new XPathSyntaxError("the expression ends too early", token.at, "syntax");
    }
  };

  const expr = binary(0);
  if (peek().kind !== "end") {
    refusePathSteps();
    throw new XPathSyntaxError(`unexpected text at character ${peek().at + 1}`, peek().at, "syntax");
  }
  return expr;
}

/** Every node of an expression, depth first, for checks over references and calls. */
export function* xpathNodes(expr: XPathExpr): Generator<XPathExpr> {
  yield expr;
  if (expr.type === "binary") {
    yield* xpathNodes(expr.left);
    yield* xpathNodes(expr.right);
  } else if (expr.type === "negate") yield* xpathNodes(expr.operand);
  else if (expr.type === "call") for (const arg of expr.args) yield* xpathNodes(arg);
}

/** The field names an expression reads through `${name}`. */
export function xpathReferences(expr: XPathExpr): string[] {
  return [...xpathNodes(expr)].flatMap((node) => (node.type === "ref" ? [node.name] : []));
}
