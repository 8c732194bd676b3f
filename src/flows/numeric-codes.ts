/**
 * The numbers that stand for the codes of a number or year question (pnta, dk) wherever only a
 * number fits: the SPSS export's value labels and the XLSForm's integer rows. One rule for both,
 * so an analyst who reads -1 in SPSS and a KoBoToolbox team who types -1 mean the same answer.
 *
 * The first code is -1, the next -2, in the order the question lists them. A range that admits
 * negative numbers would make -1 ambiguous; the meaning checks (`question-types.ts`) refuse one on a question with codes.
 */
import type { Question } from "./schema.ts";

type NumericQuestion = Extract<Question, { type: "number" | "year" }>;

export function isNumericQuestion(question: Question): question is NumericQuestion {
  return question.type === "number" || question.type === "year";
}

/** Code → its number, for a number or year question; empty for one without codes. */
export function numericCodeValues(question: NumericQuestion): ReadonlyMap<string, number> {
  return new Map((question.options ?? []).map((option, i) => [option.code, -(i + 1)]));
}
