/**
 * Meaning checks on a questionnaire definition, on top of the zod shape.
 *
 * Every problem is reported, each with its path, so a survey team fixes a definition in one
 * round: unique ids and codes, conditions that look only at earlier questions and at codes that
 * exist, named sets that exist, ranges that make sense, and no question that can never be asked.
 */
import { conditionQuestions, conditionQuestionsDeep, conditionSets, evaluate, numberExprQuestions } from "./conditions.ts";
import { isNumericType, rulesOf } from "./question-types.ts";
import { Questionnaire, type Answer, type Condition, type NumberExpr, type Question, type QuestionnaireInput } from "./schema.ts";

export interface DefinitionIssue {
  path: (string | number)[];
  code:
    | "shape"
    | "duplicate_id"
    | "duplicate_code"
    | "unknown_module"
    | "unknown_question"
    | "forward_reference"
    | "unknown_code"
    | "unknown_set"
    | "set_cycle"
    | "bad_range"
    | "bad_max"
    | "unreachable";
  message: string;
}

export class QuestionnaireError extends Error {
  readonly issues: DefinitionIssue[];
  constructor(issues: DefinitionIssue[]) {
    super(`The questionnaire definition has ${issues.length} problem(s):\n${issues.map((i) => `  ${formatPath(i.path)}: ${i.message}`).join("\n")}`);
    this.issues = issues;
    this.name = "QuestionnaireError";
  }
}

export function formatPath(path: readonly (string | number)[]): string {
  return path.map((p, i) => (typeof p === "number" ? `[${p}]` : i === 0 ? p : `.${p}`)).join("") || "(root)";
}

/** Parses and checks a definition; throws a QuestionnaireError listing every problem. */
export function parseQuestionnaire(input: unknown): Questionnaire {
  const shaped = Questionnaire.safeParse(input);
  if (!shaped.success) {
    throw new QuestionnaireError(
      shaped.error.issues.map((issue) => ({ path: issue.path.map((p) => (typeof p === "symbol" ? String(p) : p)), code: "shape", message: issue.message })),
    );
  }
  const issues = checkMeaning(shaped.data);
  if (issues.length > 0) throw new QuestionnaireError(issues);
  return shaped.data;
}

/** Builds and checks a definition written in TypeScript. */
export function defineQuestionnaire(input: QuestionnaireInput): Questionnaire {
  return parseQuestionnaire(input);
}

/** The meaning checks alone, on a definition of the right shape. */
export function checkMeaning(definition: Questionnaire): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  const positions = new Map<string, number>();
  const modules = new Set(definition.modules.map((m) => m.id));
  /** Per question, the number expressions its type's check asked to be checked. */
  const numberChecks: [NumberExpr | number, (string | number)[]][][] = [];

  definition.modules.forEach((m, i) => {
    if (definition.modules.findIndex((other) => other.id === m.id) !== i) {
      issues.push({ path: ["modules", i, "id"], code: "duplicate_id", message: `module id "${m.id}" is used twice; give each module its own id` });
    }
  });

  definition.questions.forEach((question, index) => {
    const path = ["questions", index];
    if (positions.has(question.id)) {
      issues.push({ path: [...path, "id"], code: "duplicate_id", message: `question id "${question.id}" is used twice; ids are the export contract and must be unique` });
    } else positions.set(question.id, index);
    if (!modules.has(question.module)) {
      issues.push({ path: [...path, "module"], code: "unknown_module", message: `module "${question.module}" is not listed under "modules"` });
    }
    const seen = new Set<string>();
    (question.options ?? []).forEach((option, o) => {
      if (seen.has(option.code)) {
        issues.push({ path: [...path, "options", o, "code"], code: "duplicate_code", message: `option code "${option.code}" appears twice in ${question.id}` });
      }
      seen.add(option.code);
    });
    // The type's own checks; the number expressions it names are checked below, once every id is known.
    const numbers: [NumberExpr | number, (string | number)[]][] = [];
    numberChecks.push(numbers);
    rulesOf(question).check(question as never, { path, report: (issue) => issues.push(issue), numberExpr: (expr, at) => numbers.push([expr, at]) });
  });

  const questionAt = (id: string) => {
    const index = positions.get(id);
    return index === undefined ? undefined : definition.questions[index];
  };

  /** Checks a condition that may read questions strictly before `before` (or up to and including it). */
  const checkCondition = (cond: Condition, path: (string | number)[], before: number, inclusive = false) => {
    walk(cond, path, (node, nodePath) => {
      for (const name of conditionSets(node)) {
        if (!(name in definition.sets)) issues.push({ path: nodePath, code: "unknown_set", message: `named condition "${name}" is not defined under "sets"` });
      }
      for (const id of conditionQuestions(node)) {
        const index = positions.get(id);
        if (index === undefined) {
          issues.push({ path: nodePath, code: "unknown_question", message: `"${id}" is not a question of this definition` });
          continue;
        }
        if (index > before || (index === before && !inclusive)) {
          issues.push({ path: nodePath, code: "forward_reference", message: `"${id}" is not asked before this point; a condition may only look at earlier answers` });
        }
      }
      checkCodes(node, nodePath);
    });
    // Named sets are checked where they are used, against the same position.
    for (const id of conditionQuestionsDeep(cond, definition.sets).filter((id) => !conditionQuestions(cond).includes(id))) {
      const index = positions.get(id);
      if (index !== undefined && (index > before || (index === before && !inclusive))) {
        issues.push({ path, code: "forward_reference", message: `a named condition used here reads "${id}", which is not asked before this point` });
      }
    }
  };

  const checkCodes = (node: Condition, path: (string | number)[]) => {
    const values = node.op === "equals" || node.op === "includes" ? [node.value] : node.op === "in" ? node.values : [];
    if (values.length === 0 || !("q" in node)) return;
    const question = questionAt(node.q);
    if (!question) return;
    const codes = new Set((question.options ?? []).map((o) => o.code));
    const numeric = isNumericType(question.type);
    for (const value of values) {
      if (typeof value === "number" ? !numeric : !codes.has(value)) {
        issues.push({ path, code: "unknown_code", message: `${JSON.stringify(value)} is not an answer of "${node.q}"` });
      }
    }
  };

  const checkNumber = (expr: NumberExpr | number, path: (string | number)[], before: number) => {
    if (typeof expr === "number") return;
    for (const id of numberExprQuestions(expr)) {
      const question = questionAt(id);
      if (!question) issues.push({ path, code: "unknown_question", message: `"${id}" is not a question of this definition` });
      else if (!isNumericType(question.type)) issues.push({ path, code: "unknown_code", message: `"${id}" is not a numeric question` });
      else if ((positions.get(id) ?? 0) >= before) issues.push({ path, code: "forward_reference", message: `"${id}" is not asked before this point` });
    }
  };

  definition.questions.forEach((question, index) => {
    const path = ["questions", index];
    if (question.askIf) checkCondition(question.askIf, [...path, "askIf"], index);
    (question.options ?? []).forEach((option, o) => {
      if (option.showIf) checkCondition(option.showIf, [...path, "options", o, "showIf"], index);
    });
    question.softChecks?.forEach((check, c) => checkCondition(check.when, [...path, "softChecks", c, "when"], index, true));
    for (const [expr, at] of numberChecks[index] ?? []) checkNumber(expr, at, index);
  });

  const last = definition.questions.length - 1;
  for (const [name, cond] of Object.entries(definition.sets)) checkCondition(cond, ["sets", name], last, true);
  definition.screening.forEach((rule, r) => checkCondition(rule.when, ["screening", r, "when"], last, true));
  definition.derived.forEach((derived, d) => {
    if (derived.askIf) checkCondition(derived.askIf, ["derived", d, "askIf"], last, true);
    if (derived.kind === "number") checkNumber(derived.expr, ["derived", d, "expr"], last + 1);
    else derived.cases.forEach((c, i) => checkCondition(c.when, ["derived", d, "cases", i, "when"], last, true));
  });

  const consent = questionAt(definition.consent.question);
  if (!consent) issues.push({ path: ["consent", "question"], code: "unknown_question", message: `consent question "${definition.consent.question}" is not a question of this definition` });
  else if (!(consent.options ?? []).some((o) => o.code === definition.consent.agree)) {
    issues.push({ path: ["consent", "agree"], code: "unknown_code", message: `"${definition.consent.agree}" is not an option of "${consent.id}"` });
  }

  issues.push(...findSetCycles(definition));
  if (issues.length === 0) issues.push(...findUnreachable(definition));
  return issues;
}

function walk(cond: Condition, path: (string | number)[], visit: (node: Condition, path: (string | number)[]) => void): void {
  visit(cond, path);
  if (cond.op === "not") walk(cond.cond, [...path, "cond"], visit);
  if (cond.op === "and") cond.all.forEach((c, i) => walk(c, [...path, "all", i], visit));
  if (cond.op === "or") cond.any.forEach((c, i) => walk(c, [...path, "any", i], visit));
}

function findSetCycles(definition: Questionnaire): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  const visiting = new Set<string>();
  const visit = (name: string, trail: string[]): void => {
    if (trail.includes(name)) {
      issues.push({ path: ["sets", name], code: "set_cycle", message: `named conditions refer to each other in a loop: ${[...trail, name].join(" → ")}` });
      return;
    }
    if (visiting.has(name)) return;
    visiting.add(name);
    const cond = definition.sets[name];
    if (!cond) return;
    const names: string[] = [];
    walk(cond, [], (node) => names.push(...conditionSets(node)));
    for (const next of names) visit(next, [...trail, name]);
  };
  for (const name of Object.keys(definition.sets)) visit(name, []);
  return issues;
}

/**
 * A question is unreachable when no combination of the answers its condition reads makes the
 * condition hold without an earlier screening rule ending the interview. The answers tried are
 * each question's codes, the bounds and compared numbers, and "not answered".
 */
function findUnreachable(definition: Questionnaire): DefinitionIssue[] {
  const issues: DefinitionIssue[] = [];
  const comparedNumbers = collectComparedNumbers(definition);
  const env = { currentYear: 2100 };
  definition.questions.forEach((question, index) => {
    if (!question.askIf) return;
    const reads = [...new Set(conditionQuestionsDeep(question.askIf, definition.sets))];
    const domains = reads.map((id) => domainOf(definition.questions.find((q) => q.id === id), comparedNumbers.get(id) ?? []));
    const combinations = domains.reduce((n, d) => n * d.length, 1);
    if (combinations > 50_000) return; // too many to try; the property tests cover such questions
    const screening = definition.screening.filter((rule) => conditionQuestionsDeep(rule.when, definition.sets).every((id) => reads.includes(id)));
    const reachable = someAssignment(reads, domains, (answers) => {
      const ctx = { answers, env, sets: definition.sets };
      return evaluate(question.askIf!, ctx) === true && !screening.some((rule) => evaluate(rule.when, ctx) === true);
    });
    if (!reachable) {
      issues.push({ path: ["questions", index, "askIf"], code: "unreachable", message: `"${question.id}" can never be asked: no answers to ${reads.join(", ")} make this condition hold` });
    }
  });
  return issues;
}

function collectComparedNumbers(definition: Questionnaire): Map<string, number[]> {
  const found = new Map<string, number[]>();
  const note = (q: string, n: number) => found.set(q, [...(found.get(q) ?? []), n - 1, n, n + 1]);
  const all: Condition[] = [
    ...definition.questions.flatMap((q) => [q.askIf, ...(q.options ?? []).map((o) => o.showIf)]),
    ...Object.values(definition.sets),
  ].filter((c): c is Condition => c !== undefined);
  for (const cond of all) {
    walk(cond, [], (node) => {
      if ((node.op === "gt" || node.op === "gte" || node.op === "lt" || node.op === "lte") && typeof node.value === "number") note(node.q, node.value);
      if (node.op === "equals" && typeof node.value === "number") note(node.q, node.value);
    });
  }
  return found;
}

function domainOf(question: Question | undefined, compared: number[]): (Answer | undefined)[] {
  if (!question) return [undefined];
  return [undefined, ...rulesOf(question).domain(question as never, compared)];
}

function someAssignment(ids: string[], domains: (Answer | undefined)[][], test: (answers: Record<string, Answer>) => boolean): boolean {
  const answers: Record<string, Answer> = {};
  const step = (i: number): boolean => {
    if (i === ids.length) return test(answers);
    for (const value of domains[i]!) {
      if (value === undefined) delete answers[ids[i]!];
      else answers[ids[i]!] = value;
      if (step(i + 1)) return true;
    }
    delete answers[ids[i]!];
    return false;
  };
  return step(0);
}
