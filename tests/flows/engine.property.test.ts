/**
 * Property-based tests over thousands of random respondents walking the real questionnaire.
 */
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import * as engine from "../../src/flows/engine.ts";
import { holds } from "../../src/flows/conditions.ts";
import { labourMigrantsKz as definition } from "../../src/flows/definitions/labour-migrants-kz.ts";
import type { Answer, Question } from "../../src/flows/schema.ts";
import { SurveyState } from "../../src/flows/state.ts";
import { ENV } from "./respondent.ts";
import { seeded as random } from "../support/random.ts";

const RUNS = 1500;

/** Picks a valid answer to a question from a random source of numbers in [0, 1). */
function validAnswer(question: Question, state: SurveyState, pick: () => number): Answer {
  const offered = engine.optionsFor(definition, question, state.answers, ENV);
  const choose = <T>(items: T[]) => items[Math.floor(pick() * items.length)]!;
  switch (question.type) {
    case "single":
      return choose(offered).code;
    case "multi": {
      const exclusive = offered.filter((o) => o.exclusive);
      if (exclusive.length > 0 && pick() < 0.2) return [choose(exclusive).code];
      const plain = offered.filter((o) => !o.exclusive);
      const count = 1 + Math.floor(pick() * Math.min(question.max ?? plain.length, plain.length));
      return [...new Set(Array.from({ length: count }, () => choose(plain).code))];
    }
    default: {
      if (offered.length > 0 && pick() < 0.1) return choose(offered).code;
      const { min, max } = engine.rangeFor(question, state.answers, ENV);
      return min + Math.floor(pick() * (max - min + 1));
    }
  }
}


/** Most random respondents should pass screening, or the later modules are never exercised. */
function answerFor(question: Question, state: SurveyState, pick: () => number): Answer {
  for (let attempt = 0; attempt < 10; attempt++) {
    const value = validAnswer(question, state, pick);
    if (pick() < 0.15) return value;
    if (engine.answer(definition, state, { q: question.id, value, confirmed: true }, ENV).kind !== "ineligible") return value;
  }
  return validAnswer(question, state, pick);
}

/** Runs one respondent; optionally round-trips the state through JSON before every step. */
function interview(seed: number, options: { roundTrip?: boolean; back?: boolean } = {}) {
  const pick = random(seed);
  let state = engine.start(definition);
  const trace: string[] = [];
  let result = engine.describe(definition, state, ENV);
  let steps = 0;
  while (result.kind === "ask" || result.kind === "confirm") {
    if (++steps > 1000) throw new Error("the interview did not end");
    if (options.roundTrip) state = SurveyState.parse(JSON.parse(JSON.stringify(state)));
    if (result.kind === "confirm") {
      result = engine.answer(definition, state, { q: result.question.id, value: state.unconfirmed!.value, confirmed: true }, ENV);
    } else if (options.back && pick() < 0.08 && Object.keys(state.answers).length > 1) {
      result = engine.back(definition, state, ENV);
      trace.push("back");
    } else {
      const value = answerFor(result.question, state, pick);
      trace.push(`${result.question.id}=${JSON.stringify(value)}`);
      result = engine.answer(definition, state, { q: result.question.id, value }, ENV);
      expect(result.kind, `${result.kind === "rejected" ? result.rejection.code : ""} for ${trace.at(-1)}`).not.toBe("rejected");
    }
    state = result.state;
  }
  return { result, state, trace, steps };
}

const seeds = fc.integer();

describe("random respondents", () => {
  it("every interview ends, completed or ineligible", () => {
    fc.assert(
      fc.property(seeds, (seed) => {
        const { result, steps } = interview(seed, { back: true });
        expect(["completed", "ineligible"]).toContain(result.kind);
        expect(steps).toBeLessThan(1000);
      }),
      { numRuns: RUNS },
    );
  });

  it("a question is answered exactly when its condition holds for the answers given", () => {
    fc.assert(
      fc.property(seeds, (seed) => {
        const { result, state } = interview(seed, { back: true });
        if (result.kind !== "completed") return;
        for (const question of definition.questions) {
          const shouldBeAsked = holds(question.askIf, { answers: state.answers, env: ENV, sets: definition.sets });
          expect(state.answers[question.id] !== undefined, question.id).toBe(shouldBeAsked);
        }
      }),
      { numRuns: RUNS },
    );
  });

  it("a state round-tripped through JSON behaves the same", () => {
    fc.assert(
      fc.property(seeds, (seed) => {
        const plain = interview(seed);
        const roundTripped = interview(seed, { roundTrip: true });
        expect(roundTripped.trace).toEqual(plain.trace);
        expect(roundTripped.state).toEqual(plain.state);
      }),
      { numRuns: 300 },
    );
  });

  it("the serialized state at the last question stays under 4 KB", () => {
    let largest = 0;
    fc.assert(
      fc.property(seeds, (seed) => {
        const pick = random(seed);
        let state = engine.start(definition);
        let result = engine.describe(definition, state, ENV);
        while (result.kind === "ask" || result.kind === "confirm") {
          state = result.state;
          largest = Math.max(largest, Buffer.byteLength(JSON.stringify(state)));
          result =
            result.kind === "confirm"
              ? engine.answer(definition, state, { q: result.question.id, value: state.unconfirmed!.value, confirmed: true }, ENV)
              : engine.answer(definition, state, { q: result.question.id, value: answerFor(result.question, state, pick) }, ENV);
        }
      }),
      { numRuns: 500 },
    );
    expect(largest).toBeGreaterThan(1000); // the walk did reach the later modules
    expect(largest).toBeLessThan(4096);
  });
});

describe("the engine refuses what does not belong", () => {
  const allCodes = [...new Set(definition.questions.flatMap((q) => (q.options ?? []).map((o) => o.code))), "junk", "", "pnta"];

  it("never accepts a code outside the question, more than the maximum, or an exclusive option with others", () => {
    fc.assert(
      fc.property(seeds, fc.array(fc.constantFrom(...allCodes), { minLength: 1, maxLength: 6 }), fc.integer({ min: -5, max: 3000 }), (seed, codes, number) => {
        // Walk a fresh respondent to a random point, then throw arbitrary input at the current question.
        let state = engine.start(definition);
        let result = engine.describe(definition, state, ENV);
        const pick = random(seed);
        const stopAfter = Math.floor(pick() * 40);
        for (let n = 0; n < stopAfter && result.kind === "ask"; n++) {
          result = engine.answer(definition, result.state, { q: result.question.id, value: answerFor(result.question, result.state, pick) }, ENV);
        }
        if (result.kind !== "ask") return;
        state = result.state;
        const question = result.question;
        const offered = engine.optionsFor(definition, question, state.answers, ENV);
        const offeredCodes = new Set(offered.map((o) => o.code));
        const exclusive = new Set(offered.filter((o) => o.exclusive).map((o) => o.code));
        const inputs: Answer[] = [codes[0]!, codes, number];
        for (const value of inputs) {
          const outcome = engine.answer(definition, state, { q: question.id, value }, ENV);
          const accepted = outcome.kind !== "rejected";
          let valid: boolean;
          if (question.type === "single") valid = typeof value === "string" && offeredCodes.has(value);
          else if (question.type === "multi") {
            const set = new Set(Array.isArray(value) ? value : []);
            valid =
              Array.isArray(value) && set.size > 0 && [...set].every((c) => offeredCodes.has(c)) &&
              (set.size === 1 || ![...set].some((c) => exclusive.has(c))) && (question.max === undefined || set.size <= question.max);
          } else {
            const { min, max } = engine.rangeFor(question, state.answers, ENV);
            valid = typeof value === "number" ? value >= min && value <= max : typeof value === "string" && offeredCodes.has(value);
          }
          expect(accepted, `${question.id} <- ${JSON.stringify(value)}`).toBe(valid);
          if (!accepted) expect(outcome.state).toBe(state);
        }
      }),
      { numRuns: 2000 },
    );
  });

  it("an answer to any question other than the current one is refused as stale", () => {
    const state = engine.start(definition);
    const later = definition.questions[5]!;
    const outcome = engine.answer(definition, state, { q: later.id, value: later.options?.[0]?.code ?? 1 }, ENV);
    expect(outcome.kind === "rejected" && outcome.rejection.code).toBe("not_current");
  });
});
