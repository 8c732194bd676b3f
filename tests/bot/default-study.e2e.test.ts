/**
 * Plain /start opens the default study (DEFAULT_FORM): here a second study, so the IOM study is
 * reached only by its links. The bot runs in this process with a catalog of two native studies.
 */
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/bot/app.ts";
import { startPolling, type Polling } from "../../src/bot/polling.ts";
import { signInvite, workerCode } from "../../src/bot/outreach/invite-payload.ts";
import { loadConfig } from "../../src/platform/config.ts";
import { createLogger } from "../../src/platform/logger.ts";
import { catalogOf, nativeStudyOf } from "../../src/studies/catalog.ts";
import type { NativeStudy } from "../../src/studies/study.ts";
import { BotApiEmulator } from "../../dev/emulator/bot-api-emulator.ts";
import { Respondent, TEST_DATA_KEY, TEST_SECRET, TEST_TOKEN, type Harness } from "./harness.ts";
import { answerAll, ELIGIBLE, onboard } from "./interview.ts";
import { shippedStudies } from "../support/studies.ts";
import { startTestRedis, type TestRedis } from "../support/redis.ts";

let redis: TestRedis;
let emulator: BotApiEmulator;
let app: App;
let polling: Polling;
let iom: NativeStudy;
let pilot: NativeStudy;

beforeAll(async () => {
  iom = (await shippedStudies()).default as NativeStudy;
  pilot = nativeStudyOf({ ...iom.definition, id: "pilot_kz" }, { ...iom.form, id: "pilot_kz" });
  redis = await startTestRedis();
  emulator = new BotApiEmulator({ token: TEST_TOKEN, botUsername: "default_study_bot", quietMs: 150 });
  const { apiRoot } = await emulator.start();
  const config = loadConfig({ BOT_TOKEN: TEST_TOKEN, TELEGRAM_API_ROOT: apiRoot, REDIS_URL: redis.url, PSEUDONYM_SECRET: TEST_SECRET, DATA_KEY: TEST_DATA_KEY, NODE_ENV: "test", DEFAULT_FORM: "pilot_kz" });
  const logger = createLogger("warn", new Writable({ write: (_c, _e, done) => done() }));
  // As run-bot builds it from DEFAULT_FORM (the catalog test covers loading it from FORMS_DIR).
  app = createApp({ config, studies: catalogOf([iom, pilot], pilot.key), logger, reminderWorker: false });
  await app.bot.init();
  // As production polls: an update counts as delivered only once handled, so the emulator's
  // "idle" means the bot has answered, however slow the machine.
  polling = startPolling(app.bot, { allowedUpdates: ["message", "callback_query"], logger, timeoutSeconds: 1 });
}, 60_000);

afterAll(async () => {
  await polling?.stop();
  await app?.close();
  await emulator?.stop();
  await redis?.stop();
});

const studyOfChat = async (userId: number) => {
  const loaded = await app.deps.sessions.load(app.deps.pseudonyms.chat(userId));
  return loaded.kind === "found" ? loaded.session.study : undefined;
};

describe("the default study", () => {
  it("is what plain /start opens; an invite link still opens its own study", async () => {
    const harness = { emulator } as unknown as Harness;
    const plain = new Respondent(harness, emulator.user({ id: 981_000_001, first_name: "Plain", language_code: "en" }));
    await onboard(plain, "en");
    await answerAll(plain, ELIGIBLE, { maxSteps: 1 });
    expect(await studyOfChat(981_000_001)).toBe(pilot.key);

    const invited = new Respondent(harness, emulator.user({ id: 981_000_002, first_name: "Invited", language_code: "en" }));
    await onboard(invited, "en", { payload: signInvite({ workerCode: workerCode(7, TEST_SECRET), city: "astana", label: "iom", study: iom.formId }, TEST_SECRET) });
    await answerAll(invited, ELIGIBLE, { maxSteps: 1 });
    expect(await studyOfChat(981_000_002)).toBe(iom.key);
  }, 90_000);
});
