/**
 * Engine throughput, and whether an answer costs more late in the interview than early.
 * The state is small and the current question is found by one pass over the definition, so the
 * cost of an answer should not grow with the number of answers (limit: 1.2×).
 */
import * as engine from "../src/flows/engine.ts";
import { labourMigrantsKz as definition } from "../src/flows/definitions/labour-migrants-kz.ts";
import type { Answer, Question } from "../src/flows/schema.ts";
import type { SurveyState } from "../src/flows/state.ts";
import { compare, line, timeSync } from "./measure.ts";

const env = { currentYear: 2026 };

function plainAnswer(question: Question, state: SurveyState): Answer {
  const offered = engine.optionsFor(definition, question, state.answers, env);
  if (question.type === "single") return (offered.find((o) => !o.exclusive && o.code !== "pnta" && o.code !== "decline") ?? offered[0]!).code;
  if (question.type === "multi") return [offered.find((o) => !o.exclusive)!.code];
  return engine.rangeFor(question, state.answers, env).max;
}

/** The states before each question of the longest plain path, with the answer given there. */
function path(): { state: SurveyState; q: string; value: Answer }[] {
  const steps: { state: SurveyState; q: string; value: Answer }[] = [];
  const script: Record<string, Answer> = { a_consent: "agree", a_city: "astana", a_age_group: "25_34", a_citizenship: "uzbekistan", a_kz_work: "working_now", a_prev_interview: "no", a_stay: "ge_1m", d_emp_status: "full_time", b_children: "yes", d_remit: "yes", e_housing: "temporary", e_access_health: "no", c_arrival_year: 2020 };
  let result = engine.describe(definition, engine.start(definition), env);
  while (result.kind === "ask" || result.kind === "confirm") {
    if (result.kind === "confirm") {
      result = engine.answer(definition, result.state, { q: result.question.id, value: result.state.unconfirmed!.value, confirmed: true }, env);
      continue;
    }
    const value = script[result.question.id] ?? plainAnswer(result.question, result.state);
    steps.push({ state: result.state, q: result.question.id, value });
    result = engine.answer(definition, result.state, { q: result.question.id, value }, env);
  }
  if (result.kind !== "completed") throw new Error(`the benchmark path ended ${result.kind}`);
  return steps;
}

export async function benchEngine(): Promise<{ ratio: number }> {
  const steps = path();
  const first = steps[0]!;
  const last = steps.at(-1)!;
  const answer = (s: (typeof steps)[number]) => () => void engine.answer(definition, s.state, { q: s.q, value: s.value }, env);
  const iterations = 2000;
  timeSync(iterations, answer(first));
  timeSync(iterations, answer(last));
  const result = await compare(15, () => timeSync(iterations, answer(last)), () => timeSync(iterations, answer(first)));

  let answered = 0;
  const wholeRun = timeSync(200, () => {
    for (const s of steps) {
      engine.answer(definition, s.state, { q: s.q, value: s.value }, env);
      answered++;
    }
  });
  line("engine: answers per second (whole interviews)", `${Math.round((answered / wholeRun) * 1000).toLocaleString("en")}`);
  line(`engine: answer at question ${steps.length} vs question 1 (≤ 1.20)`, `${result.ratio.toFixed(2)}×`);
  line("engine: serialized state at the last question", `${Buffer.byteLength(JSON.stringify(last.state))} bytes`);
  return { ratio: result.ratio };
}
