/**
 * Telegram failing 10% of the bot's calls, half with 429 "retry after 1", half with 500, while
 * 10 people answer at once: everyone finishes, no reply comes later than 10 s after its tap,
 * and no question is left live twice. Where Telegram refused a question for good (every retry
 * within the bot's 4 s budget failed), the person writes once and must get that question back.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { liveQuestions, walk } from "./crowd.ts";
import { Respondent, startHarness, type Harness } from "./harness.ts";
import { onboard } from "./interview.ts";
import { seeded } from "../support/random.ts";

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness();
  await harness.startBot();
}, 60_000);
afterAll(async () => harness?.stop());

describe("Telegram failing 10% of calls with 429 and 5xx", () => {
  it("everyone finishes, no reply later than 10 s after its tap, no live duplicate", async () => {
    const people = Array.from({ length: 10 }, (_, i) => new Respondent(harness, harness.emulator.user({ id: 940_100_000 + i, first_name: `T${i}`, language_code: "en" })));
    for (const person of people) await onboard(person, "en");
    const seed = Number(process.env.FAULT_SEED ?? Date.now() % 100_000);
    harness.emulator.failRandomly({
      rate: 0.1,
      failures: [{ error_code: 429, retry_after: 1 }, { error_code: 500, description: "Internal Server Error" }, { error_code: 502, description: "Bad Gateway" }],
      methods: ["sendMessage", "editMessageText", "editMessageReplyMarkup", "answerCallbackQuery", "deleteMessages"],
      random: seeded(seed),
    });
    try {
      const walks = await Promise.all(people.map((p) => walk(p, { waitMs: 15_000, pauseMs: () => Math.random() * 60, nudge: true })));
      const failed = harness.emulator.calls.filter((c) => c.result && !c.result.ok && c.method !== "getUpdates").length;
      expect(failed, "the faults should really have happened").toBeGreaterThan(25);
      const nudges = walks.reduce((sum, w) => sum + w.nudges, 0);
      process.stdout.write(`seed ${seed}: ${failed} Bot API calls failed; ${nudges} time(s) a person wrote once to get a question Telegram refused for good\n`);
      walks.forEach((w, i) => {
        const person = people[i]!;
        expect(w.problem, `seed ${seed}: ${w.problem}`).toBeUndefined();
        expect(w.completed).toBe(true);
        expect(Math.max(...w.waits), `seed ${seed}: slowest reply of ${person.user.first_name}`).toBeLessThanOrEqual(10_000);
        expect(liveQuestions(person), `seed ${seed}:\n${person.emulator.formatTranscript(person.user.id)}`).toEqual([]);
        expect(person.botTexts().join("\n")).not.toContain("Sorry, something went wrong");
      });
    } finally {
      harness.emulator.failRandomly(undefined);
    }
  }, 120_000);
});
