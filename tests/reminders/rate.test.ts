/**
 * 1,000 reminders due at once go out no faster than REMINDER_RATE, across two worker processes'
 * worth of senders, as the emulator (the Telegram side) receives them.
 */
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/bot/app.ts";
import { shippedStudies } from "../support/studies.ts";
import { loadConfig } from "../../src/platform/config.ts";
import { createLogger } from "../../src/platform/logger.ts";
import { BotApiEmulator } from "../../dev/emulator/bot-api-emulator.ts";
import { TEST_DATA_KEY, TEST_SECRET, TEST_TOKEN } from "../bot/harness.ts";
import { startTestRedis, type TestRedis } from "../support/redis.ts";
import en from "../../src/locales/en/reminders.json" with { type: "json" };

const RATE = 25;
const COUNT = 1_000;
/** 19:00 in Almaty: the window is open, so every reminder is due at once. */
const EVENING = Date.parse("2026-12-01T14:00:00Z");

let redis: TestRedis;
let emulator: BotApiEmulator;
const apps: App[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
  emulator = new BotApiEmulator({ token: TEST_TOKEN, botUsername: "rate_bot" });
  const { apiRoot } = await emulator.start();
  const config = loadConfig({ BOT_TOKEN: TEST_TOKEN, TELEGRAM_API_ROOT: apiRoot, REDIS_URL: redis.url, PSEUDONYM_SECRET: TEST_SECRET, DATA_KEY: TEST_DATA_KEY, NODE_ENV: "test", REMINDER_RATE: String(RATE) });
  const logger = createLogger("warn", new Writable({ write: (_c, _e, done) => done() }));
  // Two senders on one Redis, as two bot processes would be.
  for (let i = 0; i < 2; i++) apps.push(createApp({ config, studies: await shippedStudies(), logger, clock: () => new Date(EVENING) }));
}, 30_000);

afterAll(async () => {
  for (const app of apps) await app.close();
  await emulator?.stop();
  await redis?.stop();
});

describe("the sending rate", () => {
  it(`${COUNT} due reminders arrive no faster than ${RATE} a second, in any second`, async () => {
    const [first] = apps;
    const reminders = first!.deps.reminders!;
    for (let i = 0; i < COUNT; i++) {
      const user = emulator.user({ id: 990_000_000 + i, first_name: `P${i}`, language_code: "en" });
      await reminders.answer(first!.deps.pseudonyms.chat(user.id), user.id, "en", "tonight");
    }
    const sent = () => emulator.callsTo("sendMessage").filter((c) => c.params.text === en.reminder.text);
    const deadline = Date.now() + 170_000;
    while (sent().length < COUNT && Date.now() < deadline) await new Promise((r) => setTimeout(r, 250));
    const times = sent().map((c) => c.at).sort((a, b) => a - b);
    expect(times).toHaveLength(COUNT);
    // Every chat got exactly one.
    expect(new Set(sent().map((c) => Number(c.params.chat_id))).size).toBe(COUNT);
    // In any sliding second, at most RATE arrived.
    let busiest = 0;
    for (let i = 0, j = 0; i < times.length; i++) {
      while (times[i]! - times[j]! >= 1_000) j++;
      busiest = Math.max(busiest, i - j + 1);
    }
    const seconds = (times.at(-1)! - times[0]!) / 1_000;
    console.log(`${COUNT} reminders in ${seconds.toFixed(1)} s (${(COUNT / seconds).toFixed(1)}/s); busiest second: ${busiest}`);
    expect(busiest).toBeLessThanOrEqual(RATE);
    expect(seconds).toBeGreaterThanOrEqual((COUNT - RATE) / RATE);
  }, 240_000);
});
