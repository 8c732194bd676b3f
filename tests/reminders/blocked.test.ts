/**
 * A person who blocked the bot is tried once, gets a 403 from Telegram, and is never tried again:
 * their chat id and pending reminders are gone at once. The bot runs in this process with a clock
 * the test moves, against the emulator (which answers 403 for a blocked chat, as Telegram does).
 */
import { Writable } from "node:stream";
import { run, type RunnerHandle } from "@grammyjs/runner";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/bot/app.ts";
import { shippedStudies } from "../support/studies.ts";
import { loadConfig } from "../../src/platform/config.ts";
import { createLogger } from "../../src/platform/logger.ts";
import { BotApiEmulator } from "../../dev/emulator/bot-api-emulator.ts";
import { Respondent, TEST_DATA_KEY, TEST_SECRET, TEST_TOKEN, type Harness } from "../bot/harness.ts";
import { answerAll, ELIGIBLE, onboard } from "../bot/interview.ts";
import { startTestRedis, type TestRedis } from "../support/redis.ts";
import en from "../../src/locales/en/reminders.json" with { type: "json" };

const HOUR = 3600_000;
/** 11:00 in Almaty. */
const START = Date.parse("2026-12-01T06:00:00Z");
let now = START;
let redis: TestRedis;
let emulator: BotApiEmulator;
let app: App;
let runner: RunnerHandle;

beforeAll(async () => {
  redis = await startTestRedis();
  emulator = new BotApiEmulator({ token: TEST_TOKEN, botUsername: "blocked_bot", quietMs: 500 });
  emulator.clock.set(START);
  const { apiRoot } = await emulator.start();
  const config = loadConfig({ BOT_TOKEN: TEST_TOKEN, TELEGRAM_API_ROOT: apiRoot, REDIS_URL: redis.url, PSEUDONYM_SECRET: TEST_SECRET, DATA_KEY: TEST_DATA_KEY, NODE_ENV: "test", REMINDER_DELAY_SCALE: "0.00001" });
  app = createApp({ config, studies: await shippedStudies(), logger: createLogger("warn", new Writable({ write: (_c, _e, done) => done() })), clock: () => new Date(now) });
  await app.bot.init();
  runner = run(app.bot);
}, 30_000);

afterAll(async () => {
  if (runner?.isRunning()) await runner.stop();
  await app?.close();
  await emulator?.stop();
  await redis?.stop();
});

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));
async function until(check: () => boolean, what: string, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await sleep(50);
  }
}

describe("a person who blocked the bot", () => {
  it("is tried once, then forgotten: no second attempt, no chat id kept", async () => {
    const r = new Respondent({ emulator } as unknown as Harness, emulator.user({ id: 890_000_001, first_name: "Blocks", language_code: "en" }));
    await onboard(r, "en");
    await answerAll(r, ELIGIBLE, { maxSteps: 2 });
    await r.command("stop");
    await until(() => r.botTexts().includes(en.offer.text), "the reminder question");
    await r.press((b) => b.kind === "reminderOffer" && b.choice === "tonight");
    await until(() => r.botTexts().includes(en.answer.tonight), "the answer");
    const key = `survey:reminders:of:${app.deps.pseudonyms.chat(r.user.id)}`;
    expect(await app.redis.hget(key, "chat")).not.toBeNull();

    emulator.blockBot(r.user);
    const attempts = () => emulator.callsTo("sendMessage").filter((c) => Number(c.params.chat_id) === r.user.id && c.params.text === en.reminder.text);
    now = START + 8 * HOUR; // 19:00 in Almaty
    emulator.clock.set(now);
    await until(() => attempts().length === 1, "the first (refused) attempt");
    await until(() => attempts()[0]!.result !== undefined, "Telegram's answer");
    expect(JSON.stringify(attempts()[0]!.result)).toMatch(/403/);

    // The next evenings: nothing is tried, and nothing about them is kept.
    for (const day of [1, 2]) {
      now = START + 8 * HOUR + day * 24 * HOUR;
      emulator.clock.set(now);
      await sleep(2_000);
    }
    expect(attempts()).toHaveLength(1);
    expect(await app.redis.exists(key)).toBe(0);
    expect(await app.deps.reminders!.counts()).toMatchObject({ sent: 0 });
  }, 120_000);
});
