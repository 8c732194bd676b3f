/**
 * The whole bot against a bare grammY bot, 500 simulated respondents at once, in one run.
 *
 * Both bots get the same kind of update (a button press) and make the same Telegram calls a
 * survey answer needs (answerCallbackQuery, editMessageText, sendMessage with buttons) to the
 * same Bot API emulator over HTTP. The bare bot does one Redis GET and one SET per update; the
 * full stack adds what the survey needs: lock, dedupe, encrypted session, engine, rendering,
 * funnel counters. So the ratio is the cost of our stack, not of Telegram's.
 *
 * Respondents move in lockstep rounds (every respondent sends one update per round), which also
 * gives the cost of an update at the last question against the first under equal load.
 */
import { Writable } from "node:stream";
import { performance } from "node:perf_hooks";
import { Bot, InlineKeyboard } from "grammy";
import type { Update } from "grammy/types";
import { Redis } from "ioredis";
import { createApp } from "../src/bot/app.ts";
import { shippedStudies } from "../tests/support/studies.ts";
import { decodeButton, type Button } from "../src/bot/callback-data.ts";
import { loadConfig } from "../src/platform/config.ts";
import { BotApiEmulator } from "../dev/emulator/bot-api-emulator.ts";
import type { WireMessage, WireUser } from "../dev/emulator/wire-types.ts";
import { createLogger } from "../src/platform/logger.ts";
import { Pseudonyms } from "../src/platform/privacy/pseudonym.ts";
import { startTestRedis } from "../tests/support/redis.ts";
import { line, median } from "./measure.ts";

const RESPONDENTS = Number(process.env.BENCH_RESPONDENTS ?? 500);
const TOKEN = "7000000001:AABenchmarkTokenForTheBenchOnly_0123";
const SECRET = "bench-pseudonym-secret-0123456789abcdef";
const SCRIPT: Record<string, string | number> = {
  a_consent: "agree", a_city: "astana", a_district: "ast_esil", a_age_group: "25_34", a_citizenship: "uzbekistan",
  a_kz_work: "working_now", a_prev_interview: "no", a_stay: "ge_1m", d_emp_status: "full_time", b_children: "yes",
  b_children_n: 2, b_children_kz: 1, b_children_origin: 1, d_remit: "yes", c_arrival_year: 2021,
};

let updateId = 1;
let emulatorRef: BotApiEmulator;
/** A button press as Telegram delivers it; the emulator registers the query so it can be answered. */
const callbackUpdate = (user: WireUser, message: WireMessage, data: string): Update => {
  // The bare bot's answer buttons are all alike; it presses the first.
  if (data === "a") data = message.reply_markup?.inline_keyboard[0]?.[0]?.callback_data ?? data;
  const press = emulatorRef.pressButton(user, message.message_id, data);
  return { update_id: press.updateId ?? updateId++, callback_query: { id: press.queryId, from: user, chat_instance: "bench", data, message } } as unknown as Update;
};

/** The newest bot message with buttons in a chat: what the respondent looks at. */
function screen(emulator: BotApiEmulator, chatId: number) {
  const entries = emulator.transcript(chatId).filter((e) => e.from === "bot" && e.buttons && e.buttons.length > 0);
  const last = entries.at(-1)!;
  return { message: last.raw, buttons: last.buttons!.flat().map((b) => ({ text: b.text, data: b.callbackData!, decoded: decodeButton(b.callbackData) })) };
}

/** What a scripted respondent presses next on the screen in front of them. */
function choose(buttons: { text: string; data: string; decoded: Button | undefined }[]): string {
  const find = (test: (b: Button) => boolean) => buttons.find((b) => b.decoded && test(b.decoded))?.data;
  // A multi-select: tick one option, then press Done.
  if (buttons.some((b) => b.decoded?.kind === "toggle")) {
    return buttons.some((b) => b.text.startsWith("✅")) ? find((b) => b.kind === "done")! : find((b) => b.kind === "toggle")!;
  }
  return (
    find((b) => b.kind === "confirm" && b.yes) ??
    find((b) => b.kind === "pickLanguage" && b.lang === "ru") ??
    find((b) => b.kind === "consent" && b.choice === "agree") ??
    find((b) => b.kind === "answer" && SCRIPT[b.q] === b.code) ??
    find((b) => b.kind === "number" && SCRIPT[b.q] === b.value) ??
    find((b) => b.kind === "number") ??
    find((b) => b.kind === "answer" && !SCRIPT[b.q] && !["pnta", "dk", "none", "decline"].includes(b.code)) ??
    find((b) => b.kind === "answer") ??
    buttons[0]!.data
  );
}

interface Stack {
  /** Sends one update per respondent, all at once; resolves when every one is handled. */
  round(): Promise<void>;
  /** True while respondents still have questions to answer. */
  more(): boolean;
  close(): Promise<void>;
}

/** A respondent's screen and stored session at one moment, to replay the same update from it. */
interface Snapshot {
  sealed: string;
  message: WireMessage;
  data: string;
}

async function fullStack(
  redisUrl: string,
  apiRoot: string,
  emulator: BotApiEmulator,
  users: WireUser[],
): Promise<Stack & { sessionBytes(): Promise<number>; snapshot(): Promise<Snapshot>; replay(snapshot: Snapshot): Promise<number> }> {
  const config = loadConfig({ BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: apiRoot, REDIS_URL: redisUrl, PSEUDONYM_SECRET: SECRET, REDIS_PREFIX: "full:" });
  const app = createApp({ config, studies: await shippedStudies(), logger: createLogger("error", new Writable({ write: (_c, _e, done) => done() })) });
  await app.bot.init();
  // Onboarding (not measured): /start, language, consent.
  await Promise.all(users.map((user) => app.bot.handleUpdate({ update_id: updateId++, message: emulator.sendCommand(user, "/start") } as unknown as Update)));
  for (let i = 0; i < 2; i++) await Promise.all(users.map((user) => { const s = screen(emulator, user.id); return app.bot.handleUpdate(callbackUpdate(user, s.message, choose(s.buttons))); }));
  const probe = new Redis(redisUrl);
  const sessionKey = `full:session:${new Pseudonyms(SECRET).chat(users[0]!.id)}`;
  const isQuestion = (b: { decoded: Button | undefined }) => b.decoded !== undefined && ["answer", "toggle", "number", "done", "confirm"].includes(b.decoded.kind);
  return {
    more: () => users.some((user) => screen(emulator, user.id).buttons.some(isQuestion)),
    async round() {
      const screens = users.map((user) => ({ user, ...screen(emulator, user.id) }));
      const updates = screens.map((s) => callbackUpdate(s.user, s.message, choose(s.buttons)));
      await Promise.all(updates.map((u) => app.bot.handleUpdate(u)));
    },
    sessionBytes: async () => probe.strlen(sessionKey),
    async snapshot() {
      const s = screen(emulator, users[0]!.id);
      return { sealed: (await probe.get(sessionKey))!, message: s.message, data: choose(s.buttons) };
    },
    /** Restores the snapshot's session and times the same button press on one respondent alone. */
    async replay(snapshot: Snapshot) {
      await probe.set(sessionKey, snapshot.sealed);
      const update = callbackUpdate(users[0]!, snapshot.message, snapshot.data);
      const start = performance.now();
      await app.bot.handleUpdate(update);
      return performance.now() - start;
    },
    async close() {
      probe.disconnect();
      await app.close();
    },
  };
}

async function bareBot(redisUrl: string, apiRoot: string, emulator: BotApiEmulator, users: WireUser[]): Promise<Stack> {
  const redis = new Redis(redisUrl);
  const bot = new Bot(TOKEN, { client: { apiRoot } });
  // A message the size of a typical survey question: ~250 characters, eight answers, Back and Help.
  const keyboard = new InlineKeyboard();
  for (let i = 0; i < 8; i++) keyboard.text(`Answer number ${i + 1} of this question`, `1|a|d_remit_channel|option_${i}`).row();
  keyboard.text("⬅️ Back", "1|b|d_remit_channel").text("🆘 Help", "1|h");
  const questionText = `▓▓▓▓▓░░░░░ 50%\nQuestion 30 of about 60\n\n${"How do you usually send money home? Choose the one you use most often. ".repeat(3)}`;
  bot.on("callback_query:data", async (ctx) => {
    const key = `bare:${ctx.from.id}`;
    const count = Number((await redis.get(key)) ?? 0);
    await redis.set(key, String(count + 1));
    await ctx.answerCallbackQuery();
    await ctx.editMessageText(`${questionText.slice(0, 180)}\n\nYour answer: Answer number 1 (${count})`);
    await ctx.reply(questionText, { reply_markup: keyboard });
  });
  await bot.init();
  for (const user of users) emulator.sendText(user, "hello"); // a bot may only write to people who wrote first
  await Promise.all(users.map((user) => bot.api.sendMessage(user.id, "Question 0", { reply_markup: keyboard })));
  return {
    more: () => true,
    async round() {
      const updates = users.map((user) => {
        const s = screen(emulator, user.id);
        return callbackUpdate(user, s.message, "a");
      });
      await Promise.all(updates.map((u) => bot.handleUpdate(u)));
    },
    async close() {
      redis.disconnect();
    },
  };
}

async function timed(work: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await work();
  return performance.now() - start;
}

export async function benchBot(): Promise<{ throughputRatio: number; lateEarlyRatio: number; sessionBytes: number }> {
  const redis = await startTestRedis();
  const emulator = new BotApiEmulator({ token: TOKEN, botUsername: "bench_bot", quietMs: 50 });
  const { apiRoot } = await emulator.start();
  emulatorRef = emulator;
  const users = Array.from({ length: RESPONDENTS }, (_, i) => emulator.user({ id: 5_000_000 + i, first_name: `R${i}`, language_code: "ru" }));
  const bareUsers = Array.from({ length: RESPONDENTS }, (_, i) => emulator.user({ id: 6_000_000 + i, first_name: `B${i}`, language_code: "ru" }));
  try {
    const full = await fullStack(redis.url, apiRoot, emulator, users);
    const bare = await bareBot(redis.url, apiRoot, emulator, bareUsers);
    // Rounds alternate between the two bots (order flipped each time) so load and warm-up
    // affect both alike; the full stack's rounds walk the whole questionnaire.
    const fullTimes: number[] = [];
    const bareTimes: number[] = [];
    let sessionBytes = 0;
    const atFirst = await full.snapshot();
    let atLast = atFirst;
    for (let round = 0; full.more(); round++) {
      sessionBytes = (await full.sessionBytes()) || sessionBytes;
      atLast = await full.snapshot();
      if (round % 2 === 0) {
        fullTimes.push(await timed(() => full.round()));
        bareTimes.push(await timed(() => bare.round()));
      } else {
        bareTimes.push(await timed(() => bare.round()));
        fullTimes.push(await timed(() => full.round()));
      }
    }
    // The cost of one update at the last question against the first: the same respondent, alone,
    // replaying each many times in alternation (machine noise hits both alike).
    const first: number[] = [];
    const last: number[] = [];
    for (let i = 0; i < 60; i++) {
      first.push(await full.replay(atFirst));
      last.push(await full.replay(atLast));
    }
    await full.close();
    await bare.close();
    const sum = (xs: number[]) => xs.reduce((a, b) => a + b, 0);
    const fullRate = ((users.length * fullTimes.length) / sum(fullTimes)) * 1000;
    const bareRate = ((users.length * bareTimes.length) / sum(bareTimes)) * 1000;
    const throughputRatio = fullRate / bareRate;
    const lateEarlyRatio = median(last.slice(10)) / median(first.slice(10));
    line(`bot: full stack, ${RESPONDENTS} respondents at once (updates/s)`, fullRate.toFixed(0));
    line(`bot: bare grammY + Redis GET/SET, same Telegram calls (updates/s)`, bareRate.toFixed(0));
    line("bot: full stack / bare (≥ 0.50)", `${throughputRatio.toFixed(2)}`);
    line("bot: session bytes at the last question (≤ 4096)", String(sessionBytes));
    line("bot: update at the last question vs the first (≤ 1.20)", `${lateEarlyRatio.toFixed(2)}×`);
    return { throughputRatio, lateEarlyRatio, sessionBytes };
  } finally {
    await emulator.stop();
    await redis.stop();
  }
}
