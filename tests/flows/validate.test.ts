import { describe, expect, it } from "vitest";
import { QuestionnaireError, parseQuestionnaire, type DefinitionIssue } from "../../src/flows/validate.ts";
import type { QuestionnaireInput } from "../../src/flows/schema.ts";

const key = (s: string) => `survey:${s}`;
const opt = (code: string) => ({ code, labelKey: key(`o.${code}`) });

/** A small definition that is valid; each case below breaks one thing. */
function base(): QuestionnaireInput {
  return {
    id: "mini",
    version: 1,
    titleKey: key("title"),
    modules: [{ id: "a", titleKey: key("modules.a") }],
    sets: { WORKS: { op: "equals", q: "work", value: "yes" } },
    questions: [
      { id: "city", module: "a", type: "single", textKey: key("q.city"), options: [opt("almaty"), opt("astana"), opt("other")] },
      { id: "work", module: "a", type: "single", textKey: key("q.work"), options: [opt("yes"), opt("no")] },
      { id: "kids", module: "a", type: "number", textKey: key("q.kids"), min: 0, max: 20 },
      { id: "sector", module: "a", type: "single", textKey: key("q.sector"), askIf: { op: "is", name: "WORKS" }, options: [opt("construction"), opt("trade")] },
      { id: "why", module: "a", type: "multi", textKey: key("q.why"), max: 2, options: [opt("money"), opt("family"), { ...opt("pnta"), exclusive: true }] },
    ],
    consent: { question: "city", agree: "almaty" },
    screening: [{ reason: "outside", when: { op: "equals", q: "city", value: "other" }, messageKey: key("screening.outside") }],
  };
}

function issuesOf(mutate: (d: QuestionnaireInput) => void): DefinitionIssue[] {
  const definition = structuredClone(base());
  mutate(definition);
  try {
    parseQuestionnaire(definition);
  } catch (error) {
    if (error instanceof QuestionnaireError) return error.issues;
    throw error;
  }
  return [];
}

const q = (d: QuestionnaireInput, id: string) => d.questions.find((x) => x.id === id)! as Record<string, unknown>;

describe("a valid definition", () => {
  it("parses without issues", () => {
    expect(issuesOf(() => {})).toEqual([]);
  });
});

describe("invalid definitions are reported with a path", () => {
  const cases: { name: string; mutate: (d: QuestionnaireInput) => void; code: DefinitionIssue["code"]; path: string }[] = [
    { name: "a duplicate question id", mutate: (d) => d.questions.push({ ...d.questions[1]! }), code: "duplicate_id", path: "questions.5.id" },
    { name: "a duplicate option code", mutate: (d) => (q(d, "city").options as unknown[]).push(opt("astana")), code: "duplicate_code", path: "questions.0.options.3.code" },
    { name: "a question in an unknown module", mutate: (d) => (q(d, "kids").module = "z"), code: "unknown_module", path: "questions.2.module" },
    { name: "a condition on an unknown question", mutate: (d) => (q(d, "kids").askIf = { op: "answered", q: "ghost" }), code: "unknown_question", path: "questions.2.askIf" },
    { name: "a condition on a later question", mutate: (d) => (q(d, "work").askIf = { op: "equals", q: "sector", value: "trade" }), code: "forward_reference", path: "questions.1.askIf" },
    { name: "a condition on the question itself", mutate: (d) => (q(d, "work").askIf = { op: "equals", q: "work", value: "yes" }), code: "forward_reference", path: "questions.1.askIf" },
    { name: "a named set reading a later question", mutate: (d) => (q(d, "city").askIf = { op: "is", name: "WORKS" }), code: "forward_reference", path: "questions.0.askIf" },
    { name: "a condition on a code the question lacks", mutate: (d) => (q(d, "kids").askIf = { op: "equals", q: "city", value: "paris" }), code: "unknown_code", path: "questions.2.askIf" },
    { name: "a number compared with a code", mutate: (d) => (q(d, "sector").askIf = { op: "equals", q: "kids", value: "three" }), code: "unknown_code", path: "questions.3.askIf" },
    { name: "an unknown named set", mutate: (d) => (q(d, "kids").askIf = { op: "is", name: "NOBODY" }), code: "unknown_set", path: "questions.2.askIf" },
    { name: "named sets in a loop", mutate: (d) => (d.sets = { A: { op: "is", name: "B" }, B: { op: "is", name: "A" } }), code: "set_cycle", path: "sets.A" },
    { name: "a range whose min is above its max", mutate: (d) => (q(d, "kids").min = 30), code: "bad_range", path: "questions.2.min" },
    {
      name: "a number with codes whose range admits negatives (its codes are written -1, -2…)",
      mutate: (d) => Object.assign(q(d, "kids"), { min: -5, options: [opt("pnta")] }),
      code: "bad_range",
      path: "questions.2.min",
    },
    { name: "a maximum above the number of options", mutate: (d) => (q(d, "why").max = 9), code: "bad_max", path: "questions.4.max" },
    { name: "a range that reads a later answer", mutate: (d) => (q(d, "kids").max = { answer: "kids" }), code: "forward_reference", path: "questions.2.max" },
    {
      name: "a question that can never be asked (contradiction)",
      mutate: (d) => (q(d, "sector").askIf = { op: "and", all: [{ op: "equals", q: "work", value: "yes" }, { op: "equals", q: "work", value: "no" }] }),
      code: "unreachable",
      path: "questions.3.askIf",
    },
    {
      name: "a question only asked of people screening has already ended",
      mutate: (d) => (q(d, "kids").askIf = { op: "equals", q: "city", value: "other" }),
      code: "unreachable",
      path: "questions.2.askIf",
    },
    { name: "a consent question that does not exist", mutate: (d) => (d.consent = { question: "ghost", agree: "yes" }), code: "unknown_question", path: "consent.question" },
    { name: "an id with capitals (shape)", mutate: (d) => (q(d, "kids").id = "Kids"), code: "shape", path: "questions.2.id" },
    { name: "a question without a text key (shape)", mutate: (d) => delete q(d, "kids").textKey, code: "shape", path: "questions.2.textKey" },
    { name: "an unknown condition operator (shape)", mutate: (d) => (q(d, "kids").askIf = { op: "like", q: "city" } as never), code: "shape", path: "questions.2.askIf.op" },
  ];

  it.each(cases)("$name", ({ mutate, code, path }) => {
    const issues = issuesOf(mutate);
    expect(issues.map((i) => ({ code: i.code, path: i.path.join(".") }))).toContainEqual({ code, path });
  });

  it("reports every problem at once, not just the first", () => {
    const issues = issuesOf((d) => {
      q(d, "kids").module = "z";
      q(d, "why").max = 9;
    });
    expect(issues.map((i) => i.code).sort()).toEqual(["bad_max", "unknown_module"]);
  });

  it("the error message names each path and says what is wrong", () => {
    expect(() => parseQuestionnaire({ ...base(), questions: [...base().questions, { ...base().questions[0]! }] })).toThrow(
      /questions\[5\]\.id: question id "city" is used twice/,
    );
  });
});
