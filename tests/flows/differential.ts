/**
 * Plays one seeded random interview through our engine (from the .xlsx) and ODK's engine (from
 * pyxform's XForm of the same workbook) side by side, and lists every disagreement: at each step
 * the relevance of every field, the calculated values, the choices offered, and whether each
 * answer given is accepted (constraint and required).
 *
 * Answers are drawn to probe the logic: in-range and out-of-range numbers, blanks, every choice,
 * dates around today; a refused answer is retried with another, as a person would.
 */
import { answerField, answerRepeat, currentStep, emptyFormState, FormSnapshot, type FormEnvironment, type FormState } from "../../src/flows/form-engine.ts";
import type { Form, FormNode, FormQuestion } from "../../src/flows/form.ts";
import { odkNodes, odkValue, openXForm, type OdkNode } from "./odk-engine.ts";
import { pick, random } from "../support/random.ts";

export { random };

export interface PathReport {
  steps: number;
  answered: number;
  refusals: number;
  mismatches: string[];
  /** The path ended because every answer tried was refused (not a disagreement). */
  stuck: boolean;
  /** The question every tried answer was refused at, when stuck. */
  stuckAt?: string;
}


/** Numbers a constraint compares with, and their neighbours: where verdicts change. */
function boundaries(question: FormQuestion): number[] {
  const found = (question.constraint ?? "").match(/\d+(\.\d+)?/g) ?? [];
  return found.map(Number).flatMap((n) => [n - 1, n, n + 1]);
}

function candidate(question: FormQuestion, choices: string[], rand: () => number, today: string, counts: boolean): string | string[] {
  if (rand() < 0.08 && question.type !== "note") return "";
  // A number that sets how often a repeat runs stays small: ODK's engine gives up on thousands of rows.
  if (counts && question.type === "integer") return String(pick(rand, [-1, 0, 1, 2, 3, 5, 8]));
  const near = boundaries(question);
  if ((question.type === "integer" || question.type === "decimal") && near.length > 0 && rand() < 0.5) return String(pick(rand, near));
  switch (question.type) {
    case "note":
      return "";
    case "acknowledge":
      return "OK";
    case "select_one":
      return choices.length === 0 ? "" : pick(rand, choices);
    case "select_multiple": {
      // Mostly one to three choices, sometimes many: limits like count-selected(.) < 4 get both sides.
      const size = rand() < 0.8 ? 1 + Math.floor(rand() * 3) : Math.ceil(rand() * choices.length);
      const chosen = new Set<string>();
      while (chosen.size < Math.min(size, choices.length)) chosen.add(pick(rand, choices));
      return [...chosen];
    }
    case "integer":
      return String(pick(rand, [-999, -1, 0, 1, 2, 3, 4, 5, 7, 10, 12, 15, 17, 18, 25, 40, 60, 99, 100, 120, 150, Math.floor(rand() * 200)]));
    case "decimal":
      return String(pick(rand, [-1, 0, 0.5, 1.25, 3, 10.75, 99.9, 1000, Math.round(rand() * 5000) / 10]));
    case "text":
      return pick(rand, ["yes", "Abc", "x", "12345", "other thing", "0777123456", "a b c"]);
    case "date": {
      const base = Date.parse(`${today}T00:00:00Z`);
      return new Date(base + Math.round((rand() - 0.7) * 365 * 40) * 86_400_000).toISOString().slice(0, 10);
    }
  }
}

function setOdk(node: OdkNode, question: FormQuestion, value: string | string[]): void {
  if (node.selectValues) {
    const values = Array.isArray(value) ? value : value === "" ? [] : [value];
    node.selectValues(values);
  } else if (question.type === "acknowledge") node.setValue?.(value === "OK");
  else if (question.type !== "note") node.setValue?.(Array.isArray(value) ? value.join(" ") : value);
}

/** Makes ODK's uncontrolled repeats hold as many instances as ours (ODK starts each with one). */
function syncRepeats(root: OdkNode, state: FormState): void {
  for (let round = 0; round < 200; round++) {
    let changed = false;
    for (const [ref, node] of odkNodes(root)) {
      if (node.nodeType !== "repeat-range:uncontrolled") continue;
      const have = node.currentState.children?.length ?? 0;
      const want = state.repeats[ref] ?? 0;
      if (have > want) node.removeInstances!(want, have - want);
      else if (have < want) node.addInstances!(have - 1, want - have);
      else continue;
      // Removed nodes are disposed: walk the tree afresh after each change.
      changed = true;
      break;
    }
    if (!changed) return;
  }
}

function compare(form: Form, state: FormState, env: FormEnvironment, root: OdkNode, where: string, mismatches: string[]): void {
  const snapshot = new FormSnapshot(form, state, env);
  const odk = odkNodes(root);
  for (const field of snapshot.fields) {
    const node = odk.get(field.ref);
    const kind = field.node.kind;
    if (kind === "unanswerable") continue;
    if (!node) {
      mismatches.push(`${where}: ${field.ref} exists in ours, not in ODK`);
      continue;
    }
    const ours = snapshot.isRelevant(field);
    if (ours !== node.currentState.relevant) mismatches.push(`${where}: relevant(${field.ref}) ours ${ours}, ODK ${node.currentState.relevant}`);
    if (!ours) continue;
    if (kind === "calculate") {
      const mine = snapshot.valueOf(field);
      const theirs = odkValue(node);
      if (!sameValue(mine, theirs)) mismatches.push(`${where}: value(${field.ref}) ours "${mine}", ODK "${theirs}"`);
    }
    if (kind === "question" && (field.node.type === "select_one" || field.node.type === "select_multiple")) {
      const mine = snapshot.choicesFor(field).map((c) => c.name);
      const theirs = ((node.currentState.valueOptions ?? []) as { value: string }[]).map((o) => o.value);
      if (mine.join(" ") !== theirs.join(" ")) mismatches.push(`${where}: choices(${field.ref}) ours [${mine.join(" ")}], ODK [${theirs.join(" ")}]`);
    }
  }
  for (const [ref, node] of odk) {
    if (/^(repeat-instance|repeat-range)/.test(node.nodeType) && !snapshot.field(ref)) mismatches.push(`${where}: ${ref} exists in ODK, not in ours`);
  }
}

const GENERATED_ID = /^(uuid:)?[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

/** Numbers may print differently ("2" vs "2.0"); ids from uuid() are random in ODK; the rest must be equal. */
function sameValue(a: string, b: string): boolean {
  if (a === b) return true;
  if (GENERATED_ID.test(a) && GENERATED_ID.test(b)) return true;
  const x = Number(a);
  const y = Number(b);
  return a !== "" && b !== "" && Number.isFinite(x) && Number.isFinite(y) && Math.abs(x - y) < 1e-9;
}

/** Names read by repeat_count expressions. */
function repeatCountNames(nodes: readonly FormNode[]): Set<string> {
  const names = new Set<string>();
  const visit = (node: FormNode) => {
    if (node.kind === "repeat" && node.count) for (const match of node.count.matchAll(/\$\{([^}]+)\}/g)) names.add(match[1]!.trim());
    if (node.kind === "group" || node.kind === "repeat") node.children.forEach(visit);
  };
  nodes.forEach(visit);
  return names;
}

/** The first calculate holding uuid(): ODK draws it at random, so ours is handed the same id. */
function uuidField(nodes: readonly FormNode[], prefix = ""): string | undefined {
  for (const node of nodes) {
    if (node.kind === "calculate" && /^\s*uuid\(\)\s*$/.test(node.calculation)) return `${prefix}${node.name}`;
    if (node.kind === "group") {
      const inner = uuidField(node.children, `${prefix}${node.name}/`);
      if (inner) return inner;
    }
  }
  return undefined;
}

export async function playPath(form: Form, xml: string, seed: number, givenEnv: FormEnvironment, maxSteps = 2000): Promise<PathReport> {
  const rand = random(seed);
  const root = await openXForm(xml);
  const counting = repeatCountNames(form.children);
  const uuidRef = uuidField(form.children);
  const odkUuid = uuidRef ? odkNodes(root).get(uuidRef) : undefined;
  const env = odkUuid ? { ...givenEnv, instanceId: odkValue(odkUuid) } : givenEnv;
  let state = emptyFormState();
  const report: PathReport = { steps: 0, answered: 0, refusals: 0, mismatches: [], stuck: false };
  for (; report.steps < maxSteps; report.steps++) {
    syncRepeats(root, state);
    const where = `seed ${seed} step ${report.steps}`;
    compare(form, state, env, root, where, report.mismatches);
    if (report.mismatches.length > 20) return report;
    const step = currentStep(form, state, env);
    if (step.kind === "completed") return report;
    if (step.kind === "repeat") {
      const result = answerRepeat(form, state, step.ref, step.count < 3 && rand() < 0.6, env);
      if (result.kind === "accepted") state = result.state;
      continue;
    }
    const node = odkNodes(root).get(step.ref);
    if (!node) {
      report.mismatches.push(`${where}: ODK has no ${step.ref}`);
      return report;
    }
    let accepted = false;
    for (let attempt = 0; attempt < 30 && !accepted; attempt++) {
      const value = candidate(step.question, step.choices.map((c) => c.name), rand, env.today, counting.has(step.question.name));
      const result = answerField(form, state, step.ref, value, env);
      setOdk(node, step.question, value);
      const odkConstraint = node.validationState.constraint?.valid ?? true;
      const odkRequired = node.validationState.required?.valid ?? true;
      if (result.kind === "accepted") {
        if (!odkConstraint || !odkRequired) report.mismatches.push(`${where}: ${step.ref} = ${JSON.stringify(value)} accepted by ours, refused by ODK (${odkConstraint ? "required" : "constraint"})`);
        state = result.state;
        accepted = true;
        report.answered++;
      } else {
        report.refusals++;
        const code = result.rejection.code;
        if (code === "constraint" && odkConstraint) report.mismatches.push(`${where}: ${step.ref} = ${JSON.stringify(value)} refused by our constraint, accepted by ODK`);
        if (code === "required" && odkRequired) report.mismatches.push(`${where}: ${step.ref} = ${JSON.stringify(value)} refused as required by ours, accepted by ODK`);
      }
    }
    if (!accepted) {
      report.stuck = true;
      report.stuckAt = `${step.ref} (${step.question.type}, constraint ${step.question.constraint ?? "none"}, required ${step.question.required ?? "no"})`;
      return report;
    }
  }
  return report;
}
