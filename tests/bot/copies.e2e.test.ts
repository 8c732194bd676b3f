/**
 * One live copy of the current question, whatever the person does: Back, a typed word where
 * buttons are expected, /help in the middle, /stop and a message. Older copies lose their
 * buttons. Back leaves the question it left without a made-up "Your answer: —".
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { liveQuestions } from "./crowd.ts";
import { Respondent, startHarness, type Harness } from "./harness.ts";
import { answerAll, ELIGIBLE, onboard } from "./interview.ts";

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness();
  await harness.startBot();
}, 60_000);
afterAll(async () => harness?.stop());

describe("copies of the current question", () => {
  it("Back, a typed word, /help and /stop plus a message leave exactly one live copy; Back shows no empty answer", async () => {
    const r = new Respondent(harness, harness.emulator.user({ id: 955_000_001, first_name: "Copy", language_code: "en" }));
    await onboard(r, "en");
    await answerAll(r, ELIGIBLE, { maxSteps: 3 });
    const before = r.currentQuestion();
    const left = r.lastKeyboard().messageId;

    await r.press((b) => b.kind === "back");
    const leftText = r.transcript().find((e) => e.messageId === left)!.text ?? "";
    expect(leftText).not.toContain("Your answer: —");
    expect(r.currentQuestion()).not.toBe(before);
    expect(liveQuestions(r)).toHaveLength(1);

    await r.type("hello");
    expect(liveQuestions(r), r.emulator.formatTranscript(r.user.id)).toHaveLength(1);

    await r.command("help");
    expect(liveQuestions(r), r.emulator.formatTranscript(r.user.id)).toHaveLength(1);

    await r.command("stop");
    await r.type("what now?");
    expect(liveQuestions(r), r.emulator.formatTranscript(r.user.id)).toHaveLength(1);
  });
});
