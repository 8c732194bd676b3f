/**
 * Webhook mode: the emulator posts updates to the bot's webhook with the secret token, as
 * Telegram does. A call without the secret is refused. While Redis is down the webhook answers
 * 5xx so Telegram keeps the update; once Redis is back the redelivered update is processed
 * exactly once.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AesGcmCodec, parseDataKeys } from "../../src/platform/privacy/data-codec.ts";
import { Pseudonyms } from "../../src/platform/privacy/pseudonym.ts";
import { SessionStore } from "../../src/bot/session/session-store.ts";
import { freePort } from "../support/redis.ts";
import { decodeButton } from "../../src/bot/callback-data.ts";
import { Respondent, startHarness, TEST_DATA_KEY, TEST_SECRET, type BotProcess, type Harness } from "./harness.ts";
import { answerAll, ELIGIBLE, onboard } from "./interview.ts";

const SECRET_TOKEN = "webhook-secret-token-for-tests_0123";
let harness: Harness;
let bot: BotProcess;
let webhookUrl: string;

beforeAll(async () => {
  // Append-only with fsync on every write: a killed Redis keeps what it acknowledged.
  harness = await startHarness({ redisArgs: ["--appendonly", "yes", "--appendfsync", "always"] });
  const port = await freePort();
  webhookUrl = `http://127.0.0.1:${port}/telegram/webhook`;
  bot = await harness.startBot({ PORT: String(port), WEBHOOK_URL: webhookUrl, WEBHOOK_SECRET: SECRET_TOKEN });
}, 60_000);
afterAll(async () => harness?.stop());

interface WebhookInfo {
  result: { url: string; pending_update_count: number; last_error_message?: string };
}

async function webhookInfo(): Promise<WebhookInfo["result"]> {
  const response = await fetch(`${harness.apiRoot}/bot${harness.env.BOT_TOKEN}/getWebhookInfo`);
  return ((await response.json()) as WebhookInfo).result;
}

async function answersOf(userId: number): Promise<Record<string, unknown>> {
  const store = new SessionStore({ redis: harness.redis.client(), prefix: "survey:", ttlSeconds: 60, codec: new AesGcmCodec(parseDataKeys(TEST_DATA_KEY)) });
  const loaded = await store.load(new Pseudonyms(TEST_SECRET).chat(userId));
  return loaded.kind === "found" ? { ...loaded.session.survey.answers } : {};
}

describe("webhook mode", () => {
  it("registers its webhook with the secret and runs an interview through it", async () => {
    expect((await webhookInfo()).url).toBe(webhookUrl);
    const respondent = new Respondent(harness, harness.emulator.user({ id: 980_000_001, first_name: "Hook", language_code: "en" }));
    await onboard(respondent, "en");
    await answerAll(respondent, ELIGIBLE, { maxSteps: 3 });
    expect(Object.keys(await answersOf(respondent.user.id))).toHaveLength(4);
  });

  it("refuses a call without the secret token", async () => {
    const response = await fetch(webhookUrl, { method: "POST", headers: { "content-type": "application/json" }, body: JSON.stringify({ update_id: 1 }) });
    expect(response.status).toBe(401);
  });

  it("answers 5xx while Redis is down, then processes the redelivered update exactly once", async () => {
    const respondent = new Respondent(harness, harness.emulator.user({ id: 980_000_002, first_name: "Outage", language_code: "en" }));
    await onboard(respondent, "en");
    await answerAll(respondent, ELIGIBLE, { maxSteps: 2 });
    const before = await answersOf(respondent.user.id);
    const waitingAt = respondent.currentQuestion()!;
    // Questions sent to this chat so far (answered ones are later edited, so count the sends).
    const questionsShown = () =>
      harness.emulator.callsTo("sendMessage").filter((c) => c.params.chat_id === respondent.user.id && String(c.params.text).includes("of about")).length;
    const shownBefore = questionsShown();

    await harness.redis.kill();
    // Press the scripted (eligible) answer; the bot cannot settle it until Redis is back.
    const keyboard = respondent.lastKeyboard();
    const chosen = keyboard.buttons!.flat().find((b) => {
      const decoded = decodeButton(b.callbackData);
      return decoded?.kind === "answer" && decoded.code === ELIGIBLE[waitingAt];
    })!;
    harness.emulator.pressButton(respondent.user, keyboard.messageId, chosen.callbackData!);
    // Telegram (the emulator) got a 5xx and keeps the update for redelivery.
    await new Promise((r) => setTimeout(r, 1_500));
    const info = await webhookInfo();
    expect(info.pending_update_count).toBeGreaterThanOrEqual(1);
    expect(String(info.last_error_message)).toMatch(/50\d/);

    await harness.redis.restart();
    await harness.emulator.waitFor(
      (e) => e.kind === "message" && e.sender === "bot" && e.action === "sent" && e.chatId === respondent.user.id && (e.message.text ?? "").includes("of about"),
      { timeoutMs: 30_000 },
    ).catch((error: unknown) => {
      const info = JSON.stringify(harness.emulator.calls.slice(-5).map((c) => [c.method, c.params]));
      throw new Error(`${String(error)}\n${info}\n${harness.emulator.formatTranscript(respondent.user.id)}`);
    });
    await respondent.settle();
    const after = await answersOf(respondent.user.id);
    expect(Object.keys(after)).toHaveLength(Object.keys(before).length + 1);
    expect(after[waitingAt]).toBeDefined();
    // Exactly once: one new question, not two.
    expect(questionsShown()).toBe(shownBefore + 1);
    expect(respondent.currentQuestion()).not.toBe(waitingAt);
    expect(bot.child.exitCode).toBeNull();
  }, 60_000);
});
