/**
 * "Delete and clear this chat" as a person afraid of someone looking at their phone uses it:
 * after the interview, in the middle of it, and before agreeing to anything. Afterwards the
 * chat on the phone (the emulator's chat) holds no message at all, the bot's or the person's.
 * A forged or stale delete press deletes nothing.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeButton } from "../../src/bot/callback-data.ts";
import { Respondent, startHarness, type Harness } from "./harness.ts";
import { answerAll, ELIGIBLE, onboard } from "./interview.ts";
import { recordOf, sessionOf } from "./stored-data.ts";

let harness: Harness;
let nextId = 950_000_001;

beforeAll(async () => {
  harness = await startHarness();
  await harness.startBot();
}, 60_000);
afterAll(async () => harness?.stop());

function person(): Respondent {
  const id = nextId++;
  return new Respondent(harness, harness.emulator.user({ id, first_name: `D${id}`, language_code: "en" }));
}

async function deleteAndClear(respondent: Respondent): Promise<void> {
  await respondent.command("delete");
  await respondent.press((b) => b.kind === "deleteData" && b.choice === "delete_clear");
}

/** A callback press with made-up data on a message of the chat, as a modified client could send. */
async function forgedPress(respondent: Respondent, messageId: number, data: string): Promise<void> {
  const message = respondent.transcript().find((e) => e.messageId === messageId)!.raw;
  harness.emulator.pushUpdate({
    callback_query: { id: `forged-${messageId}-${Date.now()}`, from: respondent.user, chat_instance: "forged", data, message },
  } as never);
  await respondent.settle();
}

describe("delete and clear this chat", () => {
  it("after the interview: the record is deleted and no message is left in the chat", async () => {
    const r = person();
    await onboard(r, "en");
    await answerAll(r, ELIGIBLE);
    expect(await recordOf(harness, r.user.id)).toBeDefined();
    expect(r.transcript().length).toBeGreaterThan(40);
    await deleteAndClear(r);
    expect(r.transcript(), r.emulator.formatTranscript(r.user.id)).toEqual([]);
    expect(await recordOf(harness, r.user.id)).toBeUndefined();
    expect(await sessionOf(harness, r.user.id)).toBeUndefined();
  }, 60_000);

  it("in the middle of the interview: the answers are deleted and no message is left", async () => {
    const r = person();
    await onboard(r, "en");
    await answerAll(r, ELIGIBLE, { maxSteps: 6 });
    r.emulator.sendText(r.user, "hello"); // the person's own words are on the phone too
    await r.settle();
    await deleteAndClear(r);
    expect(r.transcript(), r.emulator.formatTranscript(r.user.id)).toEqual([]);
    expect(await sessionOf(harness, r.user.id)).toBeUndefined();
  });

  it("before consent: /start, the language and the consent question all disappear", async () => {
    const r = person();
    await r.command("start");
    await r.press((b) => b.kind === "pickLanguage" && b.lang === "en");
    expect(r.botTexts().join("\n")).toMatch(/Do you agree to take part/);
    await deleteAndClear(r);
    expect(r.transcript(), r.emulator.formatTranscript(r.user.id)).toEqual([]);
  });
});

describe("forged and stale delete presses", () => {
  it("delete nothing: not the answers, not a message", async () => {
    const r = person();
    await onboard(r, "en");
    await answerAll(r, ELIGIBLE, { maxSteps: 5 });
    const answersBefore = (await sessionOf(harness, r.user.id))!.survey.answers;
    const questionMessage = r.lastKeyboard().messageId;
    const messagesBefore = r.transcript().map((e) => e.messageId);

    // Forged: delete buttons the bot never put on this message.
    await forgedPress(r, questionMessage, encodeButton({ kind: "deleteData", choice: "delete" }));
    await forgedPress(r, questionMessage, encodeButton({ kind: "deleteData", choice: "delete_clear" }));
    // Stale: a /delete question answered "keep", then a delete press on that old message.
    await r.command("delete");
    const asked = r.lastKeyboard().messageId;
    await r.press((b) => b.kind === "deleteData" && b.choice === "keep");
    await forgedPress(r, asked, encodeButton({ kind: "deleteData", choice: "delete_clear" }));

    expect((await sessionOf(harness, r.user.id))?.survey.answers).toEqual(answersBefore);
    const messagesAfter = r.transcript().map((e) => e.messageId);
    for (const id of messagesBefore) expect(messagesAfter, `message ${id} was deleted`).toContain(id);
    expect(r.emulator.callsTo("deleteMessages").filter((c) => c.params.chat_id === r.user.id)).toEqual([]);
  });
});
