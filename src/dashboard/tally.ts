/**
 * What one completed interview adds to the dashboard's counters, as a list of counter names.
 *
 * Every counter is split by city and sex ("<city>|<sex>|<what>"), so the page can filter by
 * city and break down by sex by adding counters, never by reading records. What is counted:
 *   n                      one completed interview
 *   q:<question>           the question was answered (the figure's base: asked and answered)
 *   a:<question>:<value>   an option chosen (each option of a multi-select), or a number given
 *   f:<flag>               an integrity flag raised (speeding, straight-lining, contradictions)
 *   s:<source>             the invite campaign the person came from ("direct" without one)
 *   t:<minutes>            whole minutes the interview took, when the bot measured it
 * Derived values (b_children_location) count like questions. Pure: no Redis, no clock.
 */
import { derive } from "../flows/engine.ts";
import type { Answer, Questionnaire } from "../flows/schema.ts";
import type { CompletedRecord } from "../records/record.ts";

export const NO_VALUE = "-";
export const DIRECT = "direct";

/** Codes, question ids and sources are [A-Za-z0-9_.-]; anything else is not counted. */
const SAFE = /^[A-Za-z0-9_.-]{1,64}$/;

export function cellOf(answers: Readonly<Record<string, Answer>>, cityQuestion: string | undefined, sexQuestion: string): string {
  const city = cityQuestion ? answers[cityQuestion] : undefined;
  const sex = answers[sexQuestion];
  return `${typeof city === "string" && SAFE.test(city) ? city : NO_VALUE}|${typeof sex === "string" && SAFE.test(sex) ? sex : NO_VALUE}|`;
}

function answerFields(id: string, value: Answer | string | number): string[] {
  const values = Array.isArray(value) ? value : [value];
  const fields = [`q:${id}`];
  for (const v of values) {
    const text = String(v);
    if (SAFE.test(text)) fields.push(`a:${id}:${text}`);
  }
  return fields;
}

export interface TallyInput {
  record: CompletedRecord;
  /** Seconds the interview took, when known (the bot knows it; a backfill from records does not). */
  durationSeconds?: number;
}

/** The counters one completed interview increments by one each. */
export function tally(definition: Questionnaire, sexQuestion: string, input: TallyInput): string[] {
  const { record } = input;
  const cell = cellOf(record.answers, definition.cityQuestion, sexQuestion);
  const fields = ["n"];
  const known = new Set(definition.questions.map((q) => q.id));
  for (const [id, value] of Object.entries(record.answers)) {
    // Only the definition's questions: a stray key in a record never becomes a counter.
    if (known.has(id)) fields.push(...answerFields(id, value));
  }
  if (record.version === definition.version) {
    const year = Number(record.day.slice(0, 4));
    for (const [id, value] of Object.entries(derive(definition, record.answers, { currentYear: year }))) fields.push(...answerFields(id, value));
  }
  for (const [flag, raised] of Object.entries(record.flags ?? {})) if (raised && SAFE.test(flag)) fields.push(`f:${flag}`);
  const source = record.source && SAFE.test(record.source) ? record.source : DIRECT;
  fields.push(`s:${source}`);
  if (input.durationSeconds !== undefined && Number.isFinite(input.durationSeconds) && input.durationSeconds >= 0) {
    fields.push(`t:${Math.floor(input.durationSeconds / 60)}`);
  }
  return fields.map((f) => cell + f);
}
