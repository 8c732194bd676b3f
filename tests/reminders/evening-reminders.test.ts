/**
 * Evening reminders as respondents live them, with the clock under the test's control: the bot
 * runs in this process against the Bot API emulator and a real Redis, its clock and the
 * emulator's moved together. REMINDER_DELAY_SCALE shrinks BullMQ's real waits (a day becomes
 * under a second); whether a reminder may go out is still decided by the moved clock.
 */
import { Writable } from "node:stream";
import { run, type RunnerHandle } from "@grammyjs/runner";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/bot/app.ts";
import { shippedStudies } from "../support/studies.ts";
import { loadConfig } from "../../src/platform/config.ts";
import { createLogger } from "../../src/platform/logger.ts";
import { BotApiEmulator } from "../../dev/emulator/bot-api-emulator.ts";
import { isInWindow, parseWindow } from "../../src/reminders/evening-window.ts";
import { Respondent, TEST_DATA_KEY, TEST_SECRET, TEST_TOKEN, type Harness } from "../bot/harness.ts";
import { answerAll, ELIGIBLE, onboard } from "../bot/interview.ts";
import { startTestRedis, type TestRedis } from "../support/redis.ts";
import en from "../../src/locales/en/reminders.json" with { type: "json" };

const HOUR = 3600_000;
const WINDOW = parseWindow("18:00-21:00")!;
/** 10:00 in Almaty on 1 December 2026. */
const START = Date.parse("2026-12-01T05:00:00Z");
const almaty = (day: number, hh: number, mm = 0) => Date.parse(`2026-12-0${day}T00:00:00Z`) + (hh - 5) * HOUR + mm * 60_000;

let redis: TestRedis;
let emulator: BotApiEmulator;
let app: App;
let runner: RunnerHandle;
let now = START;
const logLines: string[] = [];

beforeAll(async () => {
  redis = await startTestRedis();
  emulator = new BotApiEmulator({ token: TEST_TOKEN, botUsername: "reminder_bot", quietMs: 500 });
  emulator.clock.set(START);
  const { apiRoot } = await emulator.start();
  const config = loadConfig({
    BOT_TOKEN: TEST_TOKEN,
    TELEGRAM_API_ROOT: apiRoot,
    REDIS_URL: redis.url,
    PSEUDONYM_SECRET: TEST_SECRET,
    DATA_KEY: TEST_DATA_KEY,
    NODE_ENV: "test",
    REMINDER_DELAY_SCALE: "0.00001",
  });
  const logger = createLogger("info", new Writable({ write: (c, _e, done) => (logLines.push(String(c)), done()) }));
  app = createApp({ config, studies: await shippedStudies(), logger, clock: () => new Date(now) });
  await app.bot.init();
  runner = run(app.bot);
}, 30_000);

afterAll(async () => {
  const problems = logLines.filter((l) => /"level":(40|50|60)/.test(l));
  if (problems.length > 0) console.log(problems.join("").slice(0, 4000));
  if (runner?.isRunning()) await runner.stop();
  await app?.close();
  await emulator?.stop();
  await redis?.stop();
});

/** Moves the bot's clock and the emulator's together, to an instant. */
function setTime(at: number): void {
  now = at;
  emulator.clock.set(at);
}

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

function person(id: number): Respondent {
  return new Respondent({ emulator } as unknown as Harness, emulator.user({ id, first_name: `R${id}`, language_code: "en" }));
}

/** Reminders sent to this chat, with the (emulator) instant each was sent at. */
function remindersTo(r: Respondent): number[] {
  return emulator
    .callsTo("sendMessage")
    .filter((c) => Number(c.params.chat_id) === r.user.id && c.params.text === en.reminder.text)
    .map((c) => c.at);
}
const offersTo = (r: Respondent) => emulator.callsTo("sendMessage").filter((c) => Number(c.params.chat_id) === r.user.id && c.params.text === en.offer.text).length;

async function until(check: () => boolean, what: string, timeoutMs = 15_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for: ${what}`);
    await sleep(50);
  }
}

/** The whole interview, one answer at a time, each time waiting until the bot has moved on. */
async function finishInterview(r: Respondent): Promise<void> {
  const done = () => r.botTexts().some((t) => /Thank you! Your answers are saved/.test(t));
  for (let step = 0; step < 300 && !done(); step++) {
    const shown = r.lastKeyboard().messageId;
    await answerAll(r, ELIGIBLE, { maxSteps: 1 });
    await until(() => done() || r.lastKeyboard().messageId !== shown || r.lastKeyboard().edited, `an answer taken at step ${step}`);
  }
  expect(done(), r.emulator.formatTranscript(r.user.id)).toBe(true);
}

/** Bot messages that still carry answer buttons (answers, ticks, numbers, Done, Back). */
function liveQuestions(r: Respondent) {
  return r.transcript().filter((e) => e.from === "bot" && e.buttons?.flat().some((b) => /^1[antdb]\|/.test(b.callbackData ?? "")));
}

async function startAndPause(r: Respondent, choice: "tonight" | "tomorrow" | "no" | undefined): Promise<void> {
  await onboard(r, "en");
  await answerAll(r, ELIGIBLE, { maxSteps: 3 });
  if (choice === undefined) return;
  await r.command("stop");
  // The machine may be slow: wait for what the person would wait for, not for a quiet spell.
  await until(() => offersTo(r) === 1, `the reminder question for ${r.user.id}`);
  await r.press((b) => b.kind === "reminderOffer" && b.choice === choice);
  await until(() => r.botTexts().includes(en.answer[choice]), `the answer to ${choice}`);
}

describe("evening reminders", () => {
  let yes: Respondent, completes: Respondent, deletes: Respondent, stops: Respondent, says_no: Respondent, silent: Respondent, tomorrow: Respondent;

  it("asks once, at /stop or after a silence; people who say yes are reminded only inside the evening window, at most twice", async () => {
    [yes, completes, deletes, stops, says_no, silent, tomorrow] = [1, 2, 3, 4, 5, 6, 7].map((n) => person(880_000_000 + n)) as [Respondent, Respondent, Respondent, Respondent, Respondent, Respondent, Respondent];
    await startAndPause(yes, "tonight");
    await startAndPause(completes, "tonight");
    await startAndPause(deletes, "tonight");
    await startAndPause(stops, "tonight");
    await startAndPause(says_no, "no");
    await startAndPause(silent, undefined);
    await startAndPause(tomorrow, "tomorrow");
    for (const r of [yes, completes, deletes, stops, says_no, tomorrow]) expect(offersTo(r), `${r.user.id} asked once`).toBe(1);
    expect(offersTo(silent)).toBe(0);

    // Asked once only: a second /stop does not ask again.
    await says_no.command("stop");
    expect(offersTo(says_no)).toBe(1);

    // One finishes the interview before the evening, one deletes everything.
    await completes.command("start");
    await until(() => completes.botTexts().some((t) => /Welcome back/.test(t)), "welcome back");
    await finishInterview(completes);
    await deletes.command("delete");
    await deletes.press((b) => b.kind === "deleteData" && b.choice === "delete");
    await until(() => deletes.botTexts().some((t) => /deleted/i.test(t)), "the deletion to be confirmed");
    const deletedKey = app.deps.pseudonyms.chat(deletes.user.id);
    expect(await app.redis.exists(`survey:reminders:of:${deletedKey}`)).toBe(0);

    // 15:00: the silent one has been quiet past the pause and is asked; no reminder goes out.
    setTime(almaty(1, 15));
    await until(() => offersTo(silent) === 1, "the question after a silence");
    // It can come at any hour, so it comes without a sound.
    const silentOffer = emulator.callsTo("sendMessage").find((c) => Number(c.params.chat_id) === silent.user.id && c.params.text === en.offer.text)!;
    expect(silentOffer.params.disable_notification).toBe(true);
    await sleep(2_500);
    for (const r of [yes, completes, deletes, stops, says_no, silent, tomorrow]) expect(remindersTo(r), `${r.user.id} before the window`).toEqual([]);

    // 18:30: the evening window is open.
    setTime(almaty(1, 18, 30));
    await until(() => remindersTo(yes).length === 1 && remindersTo(stops).length === 1, "the first reminders");
    await sleep(2_000);
    for (const r of [completes, deletes, says_no, silent, tomorrow]) expect(remindersTo(r), `${r.user.id} in the first evening`).toEqual([]);
    expect(offersTo(silent)).toBe(1);

    // "Stop reminding me" on the reminder.
    await stops.press((b) => b.kind === "reminderStop");
    await until(() => stops.botTexts().includes(en.stopped), "the reply to 'stop reminding me'");

    // Next day, noon: the second reminder waits for the evening.
    setTime(almaty(2, 12));
    await sleep(2_500);
    expect(remindersTo(yes)).toHaveLength(1);
    expect(remindersTo(tomorrow)).toEqual([]);

    setTime(almaty(2, 18, 40));
    await until(() => remindersTo(yes).length === 2 && remindersTo(tomorrow).length === 1, "the second reminder and the 'tomorrow' one");

    // Continue: the current question comes back, and only that copy has buttons.
    const before = liveQuestions(yes).at(-1)!.messageId;
    const beforeText = liveQuestions(yes).at(-1)!.text;
    await yes.press((b) => b.kind === "reminderContinue");
    await until(() => yes.botTexts().some((t) => /Welcome back/.test(t)) && liveQuestions(yes).at(-1)?.messageId !== before, "the question back after Continue");
    const live = liveQuestions(yes);
    expect(live, yes.emulator.formatTranscript(yes.user.id)).toHaveLength(1);
    expect(live[0]!.text).toBe(beforeText);

    // Later evenings: the person who got two gets no third; nobody else gets any.
    setTime(almaty(3, 19));
    await sleep(1_500);
    setTime(almaty(4, 19));
    await sleep(1_500);
    expect(remindersTo(yes)).toHaveLength(2);
    expect(remindersTo(stops)).toHaveLength(1);
    expect(remindersTo(tomorrow)).toHaveLength(2);
    for (const r of [completes, deletes, says_no, silent]) expect(remindersTo(r), `${r.user.id} never`).toEqual([]);

    // Every reminder went out inside the window, by the clock the person lives by.
    const all = [yes, stops, tomorrow].flatMap(remindersTo);
    expect(all).toHaveLength(5);
    for (const at of all) expect(isInWindow(WINDOW, new Date(at)), new Date(at).toISOString()).toBe(true);

    // The first line of a reminder names no survey and no subject.
    const firstLine = en.reminder.text.split("\n")[0]!;
    expect(firstLine).not.toMatch(/survey|question|migra|work|answer/i);

    // Counted: sent 5; one came back after a reminder (yes, by Continue).
    expect(await app.deps.reminders!.counts()).toEqual({ sent: 5, returned: 1, completed: 0 });

    // The one who came back finishes: counted, and nothing about them is kept for reminders.
    await finishInterview(yes);
    expect(await app.deps.reminders!.counts()).toEqual({ sent: 5, returned: 1, completed: 1 });
    expect(await app.redis.exists(`survey:reminders:of:${app.deps.pseudonyms.chat(yes.user.id)}`)).toBe(0);
    // The same totals on /metrics, read from Redis at scrape time.
    const metrics = await app.deps.metrics.registry.metrics();
    expect(metrics).toMatch(/survey_reminders\{what="sent"\} 5/);
    expect(metrics).toMatch(/survey_reminders\{what="returned"\} 1/);
    expect(metrics).toMatch(/survey_reminders\{what="completed"\} 1/);
  }, 300_000);

  it("keeps chat ids only for people who said yes, sealed, and never logs them", async () => {
    const keys = await app.redis.keys("survey:reminders:of:*");
    const byId = new Map([yes, completes, deletes, stops, says_no, silent, tomorrow].map((r) => [`survey:reminders:of:${app.deps.pseudonyms.chat(r.user.id)}`, r]));
    for (const key of keys) {
      const entry = await app.redis.hgetall(key);
      const r = byId.get(key);
      if (entry.chat !== undefined) {
        expect(entry.state, `${key} keeps a chat id`).toBe("yes");
        expect(entry.chat).not.toContain(String(r?.user.id));
        expect(app.deps.codec.open(entry.chat)).toBe(String(r?.user.id));
      }
    }
    const dump = JSON.stringify(await Promise.all(keys.map((k) => app.redis.hgetall(k))));
    for (const r of byId.values()) {
      expect(dump).not.toContain(String(r.user.id));
      expect(logLines.join("")).not.toContain(String(r.user.id));
    }
  });
});
