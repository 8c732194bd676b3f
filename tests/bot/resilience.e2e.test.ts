/**
 * What survives: a bot killed with SIGKILL mid-interview, and two bot processes receiving the
 * same chat's updates at once (double taps, a repeated update_id).
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeButton } from "../../src/bot/callback-data.ts";
import { SessionStore } from "../../src/bot/session/session-store.ts";
import { AesGcmCodec, parseDataKeys } from "../../src/platform/privacy/data-codec.ts";
import { Pseudonyms } from "../../src/platform/privacy/pseudonym.ts";
import { Respondent, startHarness, TEST_DATA_KEY, TEST_SECRET, type Harness } from "./harness.ts";
import { answerAll, ELIGIBLE, onboard } from "./interview.ts";

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness();
}, 60_000);
afterAll(async () => harness?.stop());

async function sessionAnswers(userId: number): Promise<Record<string, unknown>> {
  const store = new SessionStore({ redis: harness.redis.client(), prefix: "survey:", ttlSeconds: 60, codec: new AesGcmCodec(parseDataKeys(TEST_DATA_KEY)) });
  const loaded = await store.load(new Pseudonyms(TEST_SECRET).chat(userId));
  return loaded.kind === "found" ? loaded.session.survey.answers : {};
}

describe("a crash mid-interview", () => {
  it("after kill -9 and a restart, the respondent continues at the same question with every answer kept", async () => {
    const bot = await harness.startBot();
    const respondent = new Respondent(harness, harness.emulator.user({ id: 920_000_001, first_name: "Crash", language_code: "en" }));
    await onboard(respondent, "en");
    let answered = 0;
    await answerAll(respondent, ELIGIBLE, {
      maxSteps: 12,
      onQuestion: async () => {
        answered++;
      },
    });
    const before = await sessionAnswers(respondent.user.id);
    const waitingAt = respondent.currentQuestion();
    expect(Object.keys(before).length).toBeGreaterThanOrEqual(10);

    await bot.kill("SIGKILL");
    await harness.startBot();
    await respondent.command("start");
    expect(respondent.botTexts().join("\n")).toMatch(/Welcome back! We continue at question \d+ of about \d+/);
    expect(respondent.currentQuestion()).toBe(waitingAt);
    expect(await sessionAnswers(respondent.user.id)).toEqual(before);
    expect(answered).toBeGreaterThan(0);
  });
});

describe("two bot processes on one Redis", () => {
  it("double taps and a repeated update_id lose nothing, record nothing twice and skip no question", async () => {
    // Both processes poll the same emulator; a repeated update is pushed twice with one id.
    while (harness.bots.length < 2) await harness.startBot();
    const respondent = new Respondent(harness, harness.emulator.user({ id: 920_000_002, first_name: "Twice", language_code: "en" }));
    await onboard(respondent, "en");
    const pressedOrder: string[] = [];
    for (let i = 0; i < 10; i++) {
      const keyboard = respondent.lastKeyboard();
      const answer = keyboard.buttons!.flat().map((b) => ({ raw: b.callbackData!, decoded: decodeButton(b.callbackData) })).find((b) => b.decoded?.kind === "answer" && !["pnta", "decline", "under_18", "kazakhstan", "none", "other_kz", "lt_1m"].includes(b.decoded.code) && !(b.decoded.q === "a_prev_interview" && b.decoded.code === "yes"));
      if (!answer || answer.decoded?.kind !== "answer") break;
      pressedOrder.push(answer.decoded.q);
      // A double tap: the same button twice at once, and one update delivered twice.
      const first = harness.emulator.pressButton(respondent.user, keyboard.messageId, answer.raw);
      harness.emulator.pressButton(respondent.user, keyboard.messageId, answer.raw);
      harness.emulator.pushUpdate({
        update_id: first.updateId!,
        callback_query: { id: first.queryId, from: respondent.user, chat_instance: "dup", data: answer.raw, message: keyboard.raw },
      } as never);
      await respondent.settle();
    }
    const answers = await sessionAnswers(respondent.user.id);
    // Every question pressed is answered once, in order, none skipped.
    expect(Object.keys(answers).filter((q) => q !== "a_consent")).toEqual(pressedOrder);
    expect(new Set(pressedOrder).size).toBe(pressedOrder.length);
  });
});
