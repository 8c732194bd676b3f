/**
 * "Clear this chat": the bot deletes every message of the chat that is under 48 hours old
 * (Telegram's limit for bots), and none older. The bot runs in this process with a clock the
 * test moves in step with the emulator's.
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

const HOUR = 3600_000;
let redis: TestRedis;
let emulator: BotApiEmulator;
let app: App;
let runner: RunnerHandle;
let now = Date.now();

beforeAll(async () => {
  redis = await startTestRedis();
  emulator = new BotApiEmulator({ token: TEST_TOKEN, botUsername: "clear_chat_bot", quietMs: 100 });
  const { apiRoot } = await emulator.start();
  const config = loadConfig({ BOT_TOKEN: TEST_TOKEN, TELEGRAM_API_ROOT: apiRoot, REDIS_URL: redis.url, PSEUDONYM_SECRET: TEST_SECRET, DATA_KEY: TEST_DATA_KEY, NODE_ENV: "test" });
  const logger = createLogger("warn", new Writable({ write: (_c, _e, done) => done() }));
  app = createApp({ config, studies: await shippedStudies(), logger, clock: () => new Date(now) });
  await app.bot.init();
  runner = run(app.bot);
}, 30_000);

afterAll(async () => {
  if (runner?.isRunning()) await runner.stop();
  await app?.close();
  await emulator?.stop();
  await redis?.stop();
});

/** Moves the bot's clock and the emulator's together. */
function advance(ms: number): void {
  now += ms;
  emulator.clock.advance(ms);
}

describe("clear my chat", () => {
  it("deletes every message under 48 hours old and none older", async () => {
    const harness = { emulator } as unknown as Harness;
    const respondent = new Respondent(harness, emulator.user({ id: 970_000_001, first_name: "Clear", language_code: "en" }));
    await onboard(respondent, "en");
    await answerAll(respondent, ELIGIBLE, { maxSteps: 4 });
    const old = respondent.transcript().map((e) => e.messageId);

    advance(47 * HOUR);
    await answerAll(respondent, ELIGIBLE, { maxSteps: 3 });
    advance(2 * HOUR); // the first messages are now 49 hours old, the others 2
    const recent = respondent.transcript().map((e) => e.messageId).filter((id) => !old.includes(id));
    expect(recent.length).toBeGreaterThanOrEqual(3);

    await respondent.command("delete");
    await respondent.press((b) => b.kind === "deleteData" && b.choice === "delete_clear");

    const deleted = new Set(
      emulator
        .callsTo("deleteMessages")
        .flatMap((call) => (call.params.message_ids as number[]) ?? [])
        .concat(emulator.callsTo("deleteMessage").map((call) => call.params.message_id as number)),
    );
    for (const id of recent) expect(deleted.has(id), `message ${id} (under 48 h) was not deleted`).toBe(true);
    for (const id of old) expect(deleted.has(id), `message ${id} (over 48 h) was deleted`).toBe(false);
    // Only the final notice remains of the recent part of the chat.
    const left = respondent.transcript().filter((e) => recent.includes(e.messageId));
    expect(left).toEqual([]);
  });
});
