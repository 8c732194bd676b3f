/**
 * Many respondents answering at once, as people do: each taps, waits for the bot's answer and
 * taps again, never sending /start again. Each tap is timed from the press until the bot has
 * handled it (Telegram, here the emulator, saw it confirmed), which is when the person has
 * their answer. Used by the fault tests: whatever happens to the bot, every walk must finish.
 */
import { decodeButton, type Button } from "../../src/bot/callback-data.ts";
import type { TranscriptEntry } from "../../dev/emulator/bot-api-emulator.ts";
import type { Respondent } from "./harness.ts";
import { ELIGIBLE } from "./interview.ts";

export const COMPLETED_TEXT = "Thank you! Your answers are saved.";
/** Buttons that belong to a question; a message still showing one is a live question. */
const QUESTION_BUTTONS = new Set(["answer", "toggle", "number", "done", "back", "confirm"]);

export interface Walk {
  completed: boolean;
  taps: number;
  /** Milliseconds from each tap to its handling, in order. */
  waits: number[];
  /** Messages sent because no question was showing (see `nudge`). */
  nudges: number;
  /** Set when the walk stopped for another reason than the end of the interview. */
  problem?: string;
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function questionButtons(entry: TranscriptEntry): Button[] {
  return (entry.buttons ?? []).flat().map((b) => decodeButton(b.callbackData)).filter((b): b is Button => b !== undefined && QUESTION_BUTTONS.has(b.kind));
}

/** Bot messages that still show a question's buttons: after the end there must be none. */
export function liveQuestions(respondent: Respondent): TranscriptEntry[] {
  return respondent.transcript().filter((e) => e.from === "bot" && questionButtons(e).length > 0);
}

/** Waits until the bot has handled everything this person sent. */
async function handled(respondent: Respondent, timeoutMs: number): Promise<boolean> {
  const deadline = Date.now() + timeoutMs;
  while (respondent.emulator.pendingUpdates(respondent.user.id) > 0) {
    if (Date.now() > deadline) return false;
    await sleep(20);
  }
  return true;
}

/** Answers the interview from wherever it stands until it ends, one tap at a time. */
export async function walk(
  respondent: Respondent,
  options: {
    waitMs?: number;
    maxTaps?: number;
    pauseMs?: () => number;
    /**
     * When no question shows (Telegram refused to deliver it for good), write to the bot once,
     * as a person left waiting does; the bot must then show the question again. Off: that is a problem.
     */
    nudge?: boolean;
  } = {},
): Promise<Walk> {
  const result: Walk = { completed: false, taps: 0, waits: [], nudges: 0 };
  let nudgedAtTap: number | undefined;
  const waitMs = options.waitMs ?? 30_000;
  let toggled: string | undefined;
  for (let tap = 0; tap < (options.maxTaps ?? 120); tap++) {
    if (respondent.botTexts().some((t) => t.includes(COMPLETED_TEXT))) {
      result.completed = true;
      return result;
    }
    const live = liveQuestions(respondent);
    const current = live.at(-1);
    if (!current && options.nudge && nudgedAtTap !== result.taps) {
      nudgedAtTap = result.taps;
      result.nudges++;
      respondent.emulator.sendText(respondent.user, "?");
      if (!(await handled(respondent, waitMs))) {
        result.problem = `a message was not answered within ${waitMs} ms:\n${respondent.emulator.formatTranscript(respondent.user.id)}`;
        return result;
      }
      continue;
    }
    if (!current) {
      result.problem = `no question to answer after ${result.taps} taps${result.nudges > 0 ? " and a message to the bot" : ""}:\n${respondent.emulator.formatTranscript(respondent.user.id)}`;
      return result;
    }
    const buttons = questionButtons(current);
    const rawOf = (wanted: Button) => current.buttons!.flat().find((b) => JSON.stringify(decodeButton(b.callbackData)) === JSON.stringify(wanted))!.callbackData!;
    const confirm = buttons.find((b) => b.kind === "confirm" && b.yes);
    const q = buttons.find((b): b is Extract<Button, { q: string }> => "q" in b)?.q;
    const scripted = q ? ELIGIBLE[q] : undefined;
    let press: Button | undefined;
    let typed: string | undefined;
    if (confirm) press = confirm;
    else if (buttons.some((b) => b.kind === "toggle")) {
      const toggles = buttons.filter((b): b is Extract<Button, { kind: "toggle" }> => b.kind === "toggle");
      if (toggled !== q) {
        const code = Array.isArray(scripted) ? scripted[0] : toggles.find((t) => !["pnta", "none", "dk"].includes(t.code))!.code;
        press = toggles.find((t) => t.code === code);
        toggled = q;
      } else press = buttons.find((b) => b.kind === "done");
    } else if (typeof scripted === "number") {
      press = buttons.find((b) => b.kind === "number" && b.value === scripted);
      if (!press) typed = String(scripted);
    } else {
      const answers = buttons.filter((b): b is Extract<Button, { kind: "answer" }> => b.kind === "answer");
      const numbers = buttons.filter((b) => b.kind === "number");
      press = typeof scripted === "string" ? answers.find((a) => a.code === scripted) : answers.find((a) => a.code !== "pnta" && a.code !== "dk") ?? numbers[0];
    }
    if (!press && typed === undefined) {
      result.problem = `nothing to press at ${q}`;
      return result;
    }
    await sleep(options.pauseMs?.() ?? 0);
    const pressedAt = Date.now();
    if (typed !== undefined) respondent.emulator.sendText(respondent.user, typed);
    else respondent.emulator.pressButton(respondent.user, current.messageId, rawOf(press!));
    result.taps++;
    if (!(await handled(respondent, waitMs))) {
      result.problem = `a tap was not answered within ${waitMs} ms:\n${respondent.emulator.formatTranscript(respondent.user.id)}`;
      return result;
    }
    result.waits.push(Date.now() - pressedAt);
  }
  result.problem = `too many taps:\n${respondent.emulator.formatTranscript(respondent.user.id)}`;
  return result;
}
