/** A scripted respondent for engine tests: answers whatever is asked, from a script or a chooser. */
import * as engine from "../../src/flows/engine.ts";
import type { Answer, Environment, Question, Questionnaire } from "../../src/flows/schema.ts";
import type { SurveyState } from "../../src/flows/state.ts";

export const ENV: Environment = { currentYear: 2026 };

export type Chooser = (question: Question, state: SurveyState) => Answer;

/** A plain valid answer: the first offered option that is not pnta/dk, or the range minimum. */
export const firstPlainAnswer = (definition: Questionnaire): Chooser => (question, state) => {
  const offered = engine.optionsFor(definition, question, state.answers, ENV);
  if (question.type === "single") return (offered.find((o) => !o.exclusive && o.code !== "pnta") ?? offered[0]!).code;
  if (question.type === "multi") return [(offered.find((o) => !o.exclusive && o.code !== "pnta") ?? offered[0]!).code];
  return engine.rangeFor(question, state.answers, ENV).min;
};

export interface Walk {
  result: engine.StepResult;
  asked: string[];
  state: SurveyState;
}

/** Walks the whole interview: scripted answers where given, the chooser elsewhere; confirms soft checks. */
export function walk(definition: Questionnaire, script: Record<string, Answer>, chooser: Chooser = firstPlainAnswer(definition)): Walk {
  let state = engine.start(definition);
  const asked: string[] = [];
  let result = engine.describe(definition, state, ENV);
  for (let guard = 0; guard < 500 && (result.kind === "ask" || result.kind === "confirm"); guard++) {
    const question = result.question;
    if (result.kind === "confirm") {
      result = engine.answer(definition, result.state, { q: question.id, value: result.state.unconfirmed!.value, confirmed: true }, ENV);
    } else {
      asked.push(question.id);
      const value = question.id in script ? script[question.id]! : chooser(question, result.state);
      result = engine.answer(definition, result.state, { q: question.id, value }, ENV);
      if (result.kind === "rejected") throw new Error(`answer ${JSON.stringify(value)} to ${question.id} was rejected: ${result.rejection.code}`);
    }
    state = result.state;
  }
  return { result, asked, state };
}
