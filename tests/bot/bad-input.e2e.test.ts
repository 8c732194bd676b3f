/**
 * Bad input of every kind gets a clear, localized reply; nothing crashes and nothing invalid
 * is stored. Afterwards, no test user's id, username or name is anywhere in Redis or the logs.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { encodeButton } from "../../src/bot/callback-data.ts";
import { SessionStore } from "../../src/bot/session/session-store.ts";
import { AesGcmCodec, parseDataKeys } from "../../src/platform/privacy/data-codec.ts";
import { Pseudonyms } from "../../src/platform/privacy/pseudonym.ts";
import { createTranslator } from "../../src/locales/i18n.ts";
import { Respondent, startHarness, TEST_DATA_KEY, TEST_SECRET, type Harness, type BotProcess } from "./harness.ts";
import { answerAll, ELIGIBLE, onboard } from "./interview.ts";

const translator = createTranslator();
const ru = (key: string) => translator.t("ru", key);
let harness: Harness;
let bot: BotProcess;
let respondent: Respondent;

const USER = { id: 930_000_017, first_name: "Zarinaqanarya", username: "zarina_canary_930", language_code: "ru" };

async function answers(): Promise<Record<string, unknown>> {
  const store = new SessionStore({ redis: harness.redis.client(), prefix: "survey:", ttlSeconds: 60, codec: new AesGcmCodec(parseDataKeys(TEST_DATA_KEY)) });
  const loaded = await store.load(new Pseudonyms(TEST_SECRET).chat(USER.id));
  return loaded.kind === "found" ? { ...loaded.session.survey.answers } : {};
}

beforeAll(async () => {
  harness = await startHarness();
  bot = await harness.startBot();
  respondent = new Respondent(harness, harness.emulator.user(USER));
  await onboard(respondent, "ru");
  await answerAll(respondent, ELIGIBLE, { maxSteps: 9 });
}, 60_000);
afterAll(async () => harness?.stop());

describe("bad input mid-interview (in Russian)", () => {
  it("a stale button gets a notice and the current question again, and changes nothing", async () => {
    const before = await answers();
    const old = respondent.transcript().find((e) => e.from === "bot" && e.edited)!;
    harness.emulator.pressButton(respondent.user, old.messageId, encodeButton({ kind: "answer", q: "a_city", code: "almaty" }));
    await respondent.settle();
    expect(harness.emulator.callbackAnswers(USER.id).at(-1)?.text).toBe(ru("bot:hint.stale_button"));
    expect(await answers()).toEqual(before);
  });

  it.each([
    ["an unknown question", encodeButton({ kind: "answer", q: "z_nothing", code: "yes" })],
    ["an unknown option", "1|a|b_sex|martian"],
    ["64 bytes of junk", "x".repeat(64)],
    ["a wrong version", "9|a|b_sex|male"],
  ])("forged callback data (%s) is refused politely and stores nothing", async (_name, data) => {
    const before = await answers();
    const current = respondent.lastKeyboard();
    harness.emulator.pressButton(respondent.user, current.messageId, data);
    await respondent.settle();
    expect(harness.emulator.callbackAnswers(USER.id).at(-1)?.text ?? "").not.toBe("");
    expect(await answers()).toEqual(before);
    expect(bot.child.exitCode).toBeNull();
  });

  it("a sticker, a voice message and a photo get a hint and are not stored", async () => {
    for (const send of [() => harness.emulator.sendSticker(respondent.user), () => harness.emulator.sendVoice(respondent.user), () => harness.emulator.sendPhoto(respondent.user)]) {
      const before = await answers();
      send();
      await respondent.settle();
      expect(respondent.botTexts().at(-1)).toBe(ru("bot:hint.media"));
      expect(await answers()).toEqual(before);
    }
  });

  it("a shared contact is not kept, not even its phone number", async () => {
    harness.emulator.sendContact(respondent.user, { phone_number: "+77011234567", first_name: USER.first_name });
    await respondent.settle();
    expect(respondent.botTexts().at(-1)).toBe(ru("bot:hint.contact_not_kept"));
    expect(bot.logs.join("")).not.toContain("77011234567");
  });

  it("a 4,096-character text is answered with a hint", async () => {
    await respondent.type("щ".repeat(4096));
    // The hint, then the question again so its buttons are at hand.
    expect(respondent.botTexts().slice(-2)[0]).toBe(ru("bot:hint.too_long"));
    expect(respondent.currentQuestion()).toBeDefined();
  });

  it("an edited message gets a hint and changes no answer", async () => {
    const before = await answers();
    const mine = respondent.transcript().find((e) => e.from === "user")!;
    harness.emulator.editMessage(respondent.user, mine.messageId, "2019");
    await respondent.settle();
    expect(respondent.botTexts().at(-1)).toBe(ru("bot:hint.use_buttons"));
    expect(await answers()).toEqual(before);
  });

  it("in a group the bot says it works only in private chats, and stores nothing", async () => {
    const group = harness.emulator.group({ id: -100_555, title: "Market workers" });
    harness.emulator.sendToGroup(group, respondent.user, "/start");
    await harness.emulator.waitForIdle(group.id);
    const texts = harness.emulator.transcript(group.id).filter((e) => e.from === "bot").map((e) => e.text);
    expect(texts).toContain(ru("bot:private_only"));
  });

  it("another bot account is ignored: no reply and nothing stored", async () => {
    const robot = { id: 930_000_777, is_bot: true, first_name: "Spam bot" };
    const callsBefore = harness.emulator.calls.length;
    harness.emulator.pushUpdate({
      update_id: 930_777,
      message: { message_id: 1, date: Math.floor(Date.now() / 1000), chat: { id: robot.id, type: "private", first_name: robot.first_name }, from: robot, text: "/start", entities: [{ type: "bot_command", offset: 0, length: 6 }] },
    } as never);
    await harness.emulator.waitForIdle(undefined, { timeoutMs: 5_000 });
    const repliesToRobot = harness.emulator.calls.slice(callsBefore).filter((c) => c.params.chat_id === robot.id);
    expect(repliesToRobot).toEqual([]);
    expect(await harness.redis.client().keys(`survey:session:${new Pseudonyms(TEST_SECRET).chat(robot.id)}`)).toEqual([]);
  });

  it("the bot is still alive and the interview goes on", async () => {
    expect(bot.child.exitCode).toBeNull();
    const q = respondent.currentQuestion();
    expect(q).toBeDefined();
  });
});

describe("privacy after the run", () => {
  it("no test user's id, username or name is in any Redis key or value, nor in the logs", async () => {
    const redis = harness.redis.client();
    const needles = [String(USER.id), USER.username, USER.first_name, USER.id.toString(16)];
    const keys = await redis.keys("*");
    for (const key of keys) {
      const type = await redis.type(key);
      const dump = type === "string" ? await redis.get(key) : type === "hash" ? JSON.stringify(await redis.hgetall(key)) : type === "stream" ? JSON.stringify(await redis.xrange(key, "-", "+")) : type === "zset" ? JSON.stringify(await redis.zrange(key, "0", "-1")) : type === "set" ? JSON.stringify(await redis.smembers(key)) : type === "list" ? JSON.stringify(await redis.lrange(key, 0, -1)) : "";
      for (const needle of needles) {
        expect(key).not.toContain(needle);
        expect(dump ?? "").not.toContain(needle);
      }
    }
    const logs = harness.bots.flatMap((b) => b.logs).join("");
    expect(logs.length).toBeGreaterThan(0);
    for (const needle of needles) expect(logs).not.toContain(needle);
  });
});
