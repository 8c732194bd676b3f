/** Drives a whole interview through the emulator, recording what was pressed and typed. */
import { decodeButton, type Button } from "../../src/bot/callback-data.ts";
import type { Answer } from "../../src/flows/schema.ts";
import type { Respondent } from "./harness.ts";
import { PASSES_SCREENING } from "../support/eligible.ts";

export type Script = Record<string, Answer>;

/** Answers that pass screening; scenarios override some. */
export const ELIGIBLE: Script = {
  ...PASSES_SCREENING,
  a_district: "ast_esil",
  d_emp_status: "full_time",
  c_arrival_year: 2021,
};

export interface InterviewOutcome {
  /** What the respondent gave, by question id, as the record should hold it. */
  given: Record<string, Answer>;
  asked: string[];
}

function buttonsOf(respondent: Respondent): Button[] {
  return respondent
    .lastKeyboard()
    .buttons!.flat()
    .map((b) => decodeButton(b.callbackData))
    .filter((b): b is Button => b !== undefined);
}

/** Starts, picks the language and agrees (or declines). */
export async function onboard(respondent: Respondent, lang: string, options: { payload?: string; consent?: "agree" | "decline" } = {}): Promise<void> {
  await respondent.command("start", options.payload);
  await respondent.press((b) => b.kind === "pickLanguage" && b.lang === lang);
  const choice = options.consent ?? "agree";
  await respondent.press((b) => b.kind === "consent" && b.choice === choice);
}

/** Answers every question until the interview ends; returns what was given. */
export async function answerAll(respondent: Respondent, script: Script, options: { maxSteps?: number; onQuestion?: (q: string) => Promise<void> } = {}): Promise<InterviewOutcome> {
  const given: Record<string, Answer> = { a_consent: "agree" };
  const asked: string[] = [];
  for (let step = 0; step < (options.maxSteps ?? 200); step++) {
    const buttons = buttonsOf(respondent);
    const confirm = buttons.find((b) => b.kind === "confirm" && b.yes);
    if (confirm) {
      await respondent.press((b) => b.kind === "confirm" && b.yes);
      continue;
    }
    const q = respondent.currentQuestion();
    if (!q) break;
    if (asked.at(-1) === q) throw new Error(`question ${q} was asked again after an answer:\n${respondent.emulator.formatTranscript(respondent.user.id)}`);
    asked.push(q);
    await options.onQuestion?.(q);
    const scripted = script[q];
    const answers = buttons.filter((b): b is Extract<Button, { kind: "answer" }> => b.kind === "answer" && b.q === q);
    const toggles = buttons.filter((b): b is Extract<Button, { kind: "toggle" }> => b.kind === "toggle" && b.q === q);
    const numbers = buttons.filter((b): b is Extract<Button, { kind: "number" }> => b.kind === "number" && b.q === q);
    if (toggles.length > 0) {
      const codes = Array.isArray(scripted) ? scripted : [toggles.find((t) => t.code !== "pnta" && t.code !== "none" && t.code !== "dk")!.code];
      for (const code of codes) await respondent.press((b) => b.kind === "toggle" && b.q === q && b.code === code);
      await respondent.press((b) => b.kind === "done" && b.q === q);
      given[q] = toggles.map((t) => t.code).filter((c) => codes.includes(c));
    } else if (typeof scripted === "number") {
      if (numbers.some((n) => n.value === scripted)) await respondent.press((b) => b.kind === "number" && b.q === q && b.value === scripted);
      else await respondent.type(String(scripted));
      given[q] = scripted;
    } else if (numbers.length > 0 && scripted === undefined) {
      await respondent.press((b) => b.kind === "number" && b.q === q && b.value === numbers[0]!.value);
      given[q] = numbers[0]!.value;
    } else {
      const code = typeof scripted === "string" ? scripted : answers.find((a) => a.code !== "pnta" && a.code !== "dk")?.code ?? answers[0]!.code;
      await respondent.answer(q, code);
      given[q] = code;
    }
  }
  return { given, asked };
}
