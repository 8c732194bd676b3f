import { describe, expect, it } from "vitest";
import * as engine from "../../src/flows/engine.ts";
import { defineQuestionnaire } from "../../src/flows/validate.ts";
import type { QuestionnaireInput } from "../../src/flows/schema.ts";
import { ENV } from "./respondent.ts";

const k = (s: string) => `survey:${s}`;
const opt = (code: string, extra: object = {}) => ({ code, labelKey: k(`o.${code}`), ...extra });

const input: QuestionnaireInput = {
  id: "mini",
  version: 1,
  titleKey: k("title"),
  modules: [{ id: "a", titleKey: k("m.a") }],
  consent: { question: "consent", agree: "agree" },
  questions: [
    { id: "consent", module: "a", type: "single", textKey: k("q.consent"), options: [opt("agree"), opt("decline")] },
    { id: "kids", module: "a", type: "single", textKey: k("q.kids"), options: [opt("yes"), opt("no")] },
    { id: "kids_n", module: "a", type: "number", textKey: k("q.kids_n"), askIf: { op: "equals", q: "kids", value: "yes" }, min: 1, max: 20, options: [opt("pnta")] },
    { id: "kids_here", module: "a", type: "number", textKey: k("q.kids_here"), askIf: { op: "equals", q: "kids", value: "yes" }, min: 0, max: { answer: "kids_n" } },
    { id: "why", module: "a", type: "multi", textKey: k("q.why"), max: 2, options: [opt("money"), opt("family"), opt("study"), opt("none", { exclusive: true }), opt("pnta", { exclusive: true })] },
    { id: "year", module: "a", type: "year", textKey: k("q.year"), min: 1960, max: { env: "currentYear" }, softChecks: [{ when: { op: "gte", q: "year", value: { env: "currentYear" } }, messageKey: k("check.year") }] },
    { id: "health", module: "a", type: "single", textKey: k("q.health"), options: [opt("yes"), opt("no", { needs: ["health"] })] },
  ],
  screening: [{ reason: "declined", when: { op: "equals", q: "consent", value: "decline" }, messageKey: k("s.declined") }],
};
const definition = defineQuestionnaire(input);

function at(...answers: [string, unknown][]) {
  let state = engine.start(definition);
  for (const [q, value] of answers) {
    const step = engine.answer(definition, state, { q, value: value as never }, ENV);
    if (step.kind === "rejected") throw new Error(`${q}: ${step.rejection.code}`);
    state = step.state;
  }
  return state;
}

describe("asking in order", () => {
  it("starts at the first question", () => {
    expect(engine.currentQuestion(definition, engine.start(definition), ENV)?.id).toBe("consent");
  });
  it("skips questions whose condition does not hold", () => {
    expect(engine.currentQuestion(definition, at(["consent", "agree"], ["kids", "no"]), ENV)?.id).toBe("why");
  });
  it("a range can depend on an earlier answer", () => {
    const state = at(["consent", "agree"], ["kids", "yes"], ["kids_n", 2]);
    const step = engine.answer(definition, state, { q: "kids_here", value: 3 }, ENV);
    expect(step.kind === "rejected" && step.rejection).toEqual({ code: "out_of_range", params: { min: 0, max: 2 } });
  });
  it("a number question also takes its codes (prefer not to answer)", () => {
    const state = at(["consent", "agree"], ["kids", "yes"]);
    expect(engine.answer(definition, state, { q: "kids_n", value: "pnta" }, ENV).kind).toBe("ask");
  });
  it("ends with ineligible and its reason when a screening rule holds", () => {
    const step = engine.answer(definition, engine.start(definition), { q: "consent", value: "decline" }, ENV);
    expect(step.kind === "ineligible" && step.reason).toBe("declined");
  });
  it("signals a need when the option carries one", () => {
    const state = at(["consent", "agree"], ["kids", "no"], ["why", ["money"]], ["year", 2020]);
    const step = engine.answer(definition, state, { q: "health", value: "no" }, ENV);
    expect(step.kind).toBe("completed");
    if (step.kind === "completed") expect(step.events).toContainEqual({ type: "need_signalled", q: "health", need: "health" });
  });
});

describe("multi-select ticks", () => {
  const state = at(["consent", "agree"], ["kids", "no"]);
  const tick = (s: typeof state, code: string) => {
    const r = engine.toggle(definition, s, "why", code, ENV);
    if (r.kind === "rejected") throw new Error(r.rejection.code);
    return r;
  };
  it("ticks and unticks", () => {
    const once = tick(state, "money");
    expect(once.selected).toEqual(["money"]);
    expect(tick(once.state, "money").selected).toEqual([]);
  });
  it("refuses a tick over the maximum, keeping what was ticked", () => {
    const two = tick(tick(state, "money").state, "family");
    const third = engine.toggle(definition, two.state, "why", "study", ENV);
    expect(third.kind === "rejected" && third.rejection).toEqual({ code: "too_many", params: { max: 2 } });
    expect(third.state.draft?.codes).toEqual(["money", "family"]);
  });
  it("an exclusive option clears the others, and another option clears it", () => {
    const none = tick(tick(state, "money").state, "none");
    expect(none.selected).toEqual(["none"]);
    expect(tick(none.state, "family").selected).toEqual(["family"]);
  });
  it("Done with nothing ticked is refused", () => {
    const step = engine.submitDraft(definition, state, "why", ENV);
    expect(step.kind === "rejected" && step.rejection.code).toBe("empty_selection");
  });
  it("Done stores the ticks in the definition's order", () => {
    const ticked = tick(tick(state, "family").state, "money");
    const step = engine.submitDraft(definition, ticked.state, "why", ENV);
    expect(step.state.answers.why).toEqual(["money", "family"]);
  });
});

describe("soft checks", () => {
  const state = at(["consent", "agree"], ["kids", "no"], ["why", ["money"]]);
  it("asks to confirm an unusual answer instead of storing it", () => {
    const step = engine.answer(definition, state, { q: "year", value: ENV.currentYear }, ENV);
    expect(step.kind).toBe("confirm");
    expect(step.state.answers.year).toBeUndefined();
  });
  it("stores it once confirmed, and never loops", () => {
    const pending = engine.answer(definition, state, { q: "year", value: ENV.currentYear }, ENV).state;
    const step = engine.answer(definition, pending, { q: "year", value: ENV.currentYear, confirmed: true }, ENV);
    expect(step.kind).toBe("ask");
    expect(step.state.answers.year).toBe(ENV.currentYear);
  });
  it("'change it' asks the question again", () => {
    const pending = engine.answer(definition, state, { q: "year", value: ENV.currentYear }, ENV).state;
    const step = engine.retract(definition, pending, ENV);
    expect(step.kind === "ask" && step.question.id).toBe("year");
    expect(step.state.unconfirmed).toBeUndefined();
  });
});

describe("going back", () => {
  it("returns to the previous question asked and drops its answer", () => {
    const state = at(["consent", "agree"], ["kids", "yes"], ["kids_n", 3]);
    const step = engine.back(definition, state, ENV);
    expect(step.kind === "ask" && step.question.id).toBe("kids_n");
    expect(step.state.answers.kids_n).toBeUndefined();
    expect(step.state.answers.kids).toBe("yes");
  });
  it("skipped questions are skipped going back too", () => {
    const state = at(["consent", "agree"], ["kids", "no"]);
    const step = engine.back(definition, state, ENV);
    expect(step.kind === "ask" && step.question.id).toBe("kids");
  });
  it("a changed answer drops later answers that no longer fit", () => {
    // Back twice to kids_n, answer fewer children than are "here": kids_here must go.
    let state = at(["consent", "agree"], ["kids", "yes"], ["kids_n", 3], ["kids_here", 3]);
    state = engine.back(definition, state, ENV).state; // at kids_here
    state = engine.back(definition, state, ENV).state; // at kids_n
    const reanswered = engine.answer(definition, { ...state, answers: { ...state.answers, kids_here: 3 } }, { q: "kids_n", value: 1 }, ENV);
    expect(reanswered.state.answers.kids_here).toBeUndefined();
    expect(reanswered.kind === "ask" && reanswered.question.id).toBe("kids_here");
  });
  it("from the first question there is nothing to go back to", () => {
    const step = engine.back(definition, engine.start(definition), ENV);
    expect(step.kind === "rejected" && step.rejection.code).toBe("nothing_to_go_back_to");
  });
});

describe("progress", () => {
  it("counts answered questions and those still expected on this path", () => {
    const noKids = engine.progress(definition, at(["consent", "agree"], ["kids", "no"]), ENV);
    expect(noKids).toMatchObject({ answered: 2, remaining: 3, total: 5, position: 3, percent: 40 });
  });
  it("counts undecided branches as expected until they are decided", () => {
    expect(engine.progress(definition, at(["consent", "agree"]), ENV).remaining).toBe(6);
  });
});

describe("a changed definition carries respondents forward", () => {
  const state = at(["consent", "agree"], ["kids", "yes"], ["kids_n", 2], ["kids_here", 1], ["why", ["money"]]);

  it("answers to a removed question are dropped and nobody is sent back to the start", () => {
    const v2 = defineQuestionnaire({ ...input, version: 2, questions: input.questions.filter((q) => q.id !== "kids_here") });
    const carried = engine.reconcile(v2, state, ENV);
    expect(carried.version).toBe(2);
    expect(carried.answers).not.toHaveProperty("kids_here");
    expect(carried.answers).toMatchObject({ consent: "agree", kids: "yes", kids_n: 2, why: ["money"] });
    expect(engine.currentQuestion(v2, carried, ENV)?.id).toBe("year");
  });

  it("a new question is asked when its condition holds, then the interview goes on where it was", () => {
    const added = { id: "kids_school", module: "a", type: "single" as const, textKey: k("q.kids_school"), askIf: { op: "equals" as const, q: "kids", value: "yes" }, options: [opt("yes"), opt("no")] };
    const questions = [...input.questions];
    questions.splice(4, 0, added);
    const v2 = defineQuestionnaire({ ...input, version: 2, questions });
    const carried = engine.reconcile(v2, state, ENV);
    expect(engine.currentQuestion(v2, carried, ENV)?.id).toBe("kids_school");
    const next = engine.answer(v2, carried, { q: "kids_school", value: "yes" }, ENV);
    expect(next.kind === "ask" && next.question.id).toBe("year");
  });

  it("an answer whose option was removed is asked again", () => {
    const v2 = defineQuestionnaire({
      ...input,
      version: 2,
      questions: input.questions.map((q) => (q.id === "why" ? { ...q, options: (q.options ?? []).filter((o) => o.code !== "money") } : q)),
    } as QuestionnaireInput);
    const carried = engine.reconcile(v2, state, ENV);
    expect(engine.currentQuestion(v2, carried, ENV)?.id).toBe("why");
  });
});

describe("derived values", () => {
  it("computes numbers and categories from answers", () => {
    const withDerived = defineQuestionnaire({
      ...input,
      derived: [
        { id: "kids_away", kind: "number", labelKey: k("d.away"), askIf: { op: "equals", q: "kids", value: "yes" }, expr: { sub: [{ answer: "kids_n" }, { answer: "kids_here" }] } },
        { id: "kids_where", kind: "category", labelKey: k("d.where"), askIf: { op: "equals", q: "kids", value: "yes" }, cases: [{ when: { op: "gte", q: "kids_here", value: { answer: "kids_n" } }, value: "all_here" }], otherwise: "some_away" },
      ],
    });
    expect(engine.derive(withDerived, { kids: "yes", kids_n: 3, kids_here: 1 }, ENV)).toEqual({ kids_away: 2, kids_where: "some_away" });
    expect(engine.derive(withDerived, { kids: "yes", kids_n: 2, kids_here: 2 }, ENV)).toEqual({ kids_away: 0, kids_where: "all_here" });
    expect(engine.derive(withDerived, { kids: "no" }, ENV)).toEqual({});
  });
});
