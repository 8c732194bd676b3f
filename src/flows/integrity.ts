/**
 * Integrity flags for a completed interview: speeding, straight-lining on the definition's
 * batteries, and contradictions it names. Flags go into exports as columns; nobody is dropped.
 */
import { holds } from "./conditions.ts";
import type { Answers, Environment, Questionnaire } from "./schema.ts";

export interface IntegrityInput {
  answers: Answers;
  /** Seconds spent on each answered question. */
  pace: readonly number[];
  /** Below this median number of seconds per question, an interview counts as speeding. */
  speedingFloorSeconds: number;
  env: Environment;
}

export function median(values: readonly number[]): number | undefined {
  if (values.length === 0) return undefined;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle]! : (sorted[middle - 1]! + sorted[middle]!) / 2;
}

export function integrityFlags(definition: Questionnaire, input: IntegrityInput): Record<string, boolean> {
  const flags: Record<string, boolean> = {};
  const paceMedian = median(input.pace);
  flags.speeding = paceMedian !== undefined && paceMedian < input.speedingFloorSeconds;
  for (const battery of definition.integrity.batteries) {
    const given = battery.questions.map((q) => input.answers[q]).filter((a) => a !== undefined && a !== "pnta");
    // Straight-lining means the same answer to every item; it needs at least three items to mean anything.
    flags[`straightlining_${battery.name}`] = given.length >= 3 && given.length === battery.questions.length && given.every((a) => JSON.stringify(a) === JSON.stringify(given[0]));
  }
  for (const contradiction of definition.integrity.contradictions) {
    flags[`contradiction_${contradiction.name}`] = holds(contradiction.when, { answers: input.answers, env: input.env, sets: definition.sets });
  }
  return flags;
}
