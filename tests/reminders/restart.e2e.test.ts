/**
 * A bot killed (SIGKILL to its process group) and started again between planning a reminder and
 * sending it delivers each reminder exactly once: the jobs wait in Redis under deterministic ids,
 * and the claim in the reminder store keeps a retried job from sending twice.
 *
 * The bot runs as production runs it (node src/bot/main.ts) against the emulator, in pilot time:
 * REMINDER_DELAY_SCALE=0.001 makes a day last 86 seconds. The pilot clock's starting instant is
 * written to Redis before the bot starts, so the test knows what time it is in Almaty.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Respondent, startHarness, type BotProcess, type Harness } from "../bot/harness.ts";
import { answerAll, ELIGIBLE, onboard } from "../bot/interview.ts";
import en from "../../src/locales/en/reminders.json" with { type: "json" };

const SCALE = 0.001;
let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({ env: { REMINDER_DELAY_SCALE: String(SCALE) } });
}, 30_000);

afterAll(async () => {
  for (const bot of harness?.bots ?? []) await killEverything(bot);
  await harness?.stop();
});

/** SIGKILL to the bot's process group; the harness fails if the bot's PID is still there. */
async function killEverything(bot: BotProcess): Promise<void> {
  await bot.kill("SIGKILL");
}

const remindersTo = (r: Respondent) => harness.emulator.callsTo("sendMessage").filter((c) => Number(c.params.chat_id) === r.user.id && c.params.text === en.reminder.text);

async function until(check: () => boolean | Promise<boolean>, what: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await new Promise((r) => setTimeout(r, 100));
  }
}

describe("a restart between planning and sending", () => {
  it("delivers the first and the second reminder exactly once each", async () => {
    // Pilot time starts at 05:00 in Almaty: this evening's window opens 13 pilot hours (47 s) on.
    const realNow = Date.now();
    const startsAt = Date.parse("2026-12-01T00:00:00Z");
    const anchor = Math.round((realNow - SCALE * startsAt) / (1 - SCALE));
    const redis = harness.redis.client();
    await redis.set("survey:reminders:pilot-clock", String(anchor));

    let bot = await harness.startBot();
    const r = new Respondent(harness, harness.emulator.user({ id: 930_000_001, first_name: "Restart", language_code: "en" }));
    await onboard(r, "en");
    await answerAll(r, ELIGIBLE, { maxSteps: 2 });
    await r.command("stop");
    await until(() => r.botTexts().includes(en.offer.text), "the reminder question", 20_000);
    await r.press((b) => b.kind === "reminderOffer" && b.choice === "tonight");
    await until(() => r.botTexts().includes(en.answer.tonight), "the answer to 'this evening'", 20_000);

    // Planned, not sent: the job waits in Redis.
    const delayed = await redis.zrange("bull:reminders:delayed", "0", "-1");
    expect(delayed.some((id) => /^reminder-.+-1$/.test(id)), `delayed jobs: ${delayed.join(", ")}`).toBe(true);
    expect(remindersTo(r)).toHaveLength(0);

    await killEverything(bot);
    bot = await harness.startBot();
    await until(() => remindersTo(r).length >= 1, "the first reminder after the restart", 120_000);

    // Killed again while the second one waits; started again.
    await until(async () => (await redis.zrange("bull:reminders:delayed", "0", "-1")).some((id) => /^reminder-.+-2$/.test(id)), "the second reminder planned", 20_000);
    await killEverything(bot);
    bot = await harness.startBot();
    await until(() => remindersTo(r).length >= 2, "the second reminder after the restart", 150_000);

    // Longer than BullMQ's stalled-job check (30 s): a job retried after a kill would show by now.
    await new Promise((resolve) => setTimeout(resolve, 35_000));
    expect(remindersTo(r)).toHaveLength(2);
    const counts = await redis.hgetall("survey:reminders:counts");
    expect(Number(counts.sent)).toBe(2);
  }, 420_000);
});
