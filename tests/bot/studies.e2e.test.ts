/**
 * Two studies at once, one person in both. The bot runs in this process (as in
 * tests/privacy/clear-chat.test.ts) with a catalog of two native studies: the IOM study and a
 * pilot copy of it under another form_id, so both interviews run for real.
 *
 * - Each study's invite link opens its own study; an invite to the other study mid-interview
 *   asks first (carry on, or start the other), and either way nothing is lost.
 * - The chat remembers its current study; going back brings the interview back where it was.
 * - Each study's completed record goes to its own stream, with its form id and version, and each
 *   study's funnel counts apart.
 */
import { Writable } from "node:stream";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createApp, type App } from "../../src/bot/app.ts";
import { startPolling, type Polling } from "../../src/bot/polling.ts";
import { signInvite, verifyInvite, workerCode } from "../../src/bot/outreach/invite-payload.ts";
import { sourceCode } from "../../src/bot/outreach/invite.ts";
import { loadConfig } from "../../src/platform/config.ts";
import { createLogger } from "../../src/platform/logger.ts";
import type { CompletedRecord } from "../../src/records/record.ts";
import { catalogOf, nativeStudyOf } from "../../src/studies/catalog.ts";
import { studyRef } from "../../src/studies/study-ref.ts";
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
const STAFF_ID = 980_000_900;

beforeAll(async () => {
  const shipped = await shippedStudies();
  iom = shipped.default as NativeStudy;
  pilot = nativeStudyOf({ ...iom.definition, id: "pilot_kz" }, { ...iom.form, id: "pilot_kz" });
  redis = await startTestRedis();
  emulator = new BotApiEmulator({ token: TEST_TOKEN, botUsername: "studies_bot", quietMs: 150 });
  const { apiRoot } = await emulator.start();
  const config = loadConfig({ BOT_TOKEN: TEST_TOKEN, TELEGRAM_API_ROOT: apiRoot, REDIS_URL: redis.url, PSEUDONYM_SECRET: TEST_SECRET, DATA_KEY: TEST_DATA_KEY, NODE_ENV: "test", OUTREACH_IDS: String(STAFF_ID), ANALYST_IDS: String(STAFF_ID) });
  const logger = createLogger("warn", new Writable({ write: (_c, _e, done) => done() }));
  app = createApp({ config, studies: catalogOf([iom, pilot]), logger, reminderWorker: false });
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

const worker = () => workerCode(42, TEST_SECRET);
const inviteTo = (study: NativeStudy, label: string) => signInvite({ workerCode: worker(), city: "astana", label, study: study.formId }, TEST_SECRET);

async function scan(study: NativeStudy): Promise<CompletedRecord[]> {
  const store = app.deps.records.of(study.key) as unknown as { scan(): AsyncGenerator<CompletedRecord> };
  const out: CompletedRecord[] = [];
  for await (const record of store.scan()) out.push(record);
  return out;
}

const lastText = (respondent: Respondent) => respondent.botTexts().at(-1) ?? "";

describe("a person in two studies", () => {
  it("is asked before switching, keeps each interview where it was, and each study keeps its own records and funnel", async () => {
    const harness = { emulator } as unknown as Harness;
    const person = new Respondent(harness, emulator.user({ id: 980_000_001, first_name: "Two", language_code: "en" }));

    // The IOM study, by its invite link (version 2, naming the study).
    await onboard(person, "en", { payload: inviteTo(iom, "iom-1") });
    await answerAll(person, ELIGIBLE, { maxSteps: 3 });
    const iomQuestion = person.currentQuestion();
    expect(iomQuestion).toBeDefined();

    // The pilot's link mid-interview: asked first. Carrying on shows the same question again.
    await person.command("start", inviteTo(pilot, "pilot-1"));
    expect(lastText(person)).toBe("You are in the middle of another survey. Do you want to go on with it, or start the new one? Your answers so far are kept either way.");
    await person.press((b) => b.kind === "keepStudy");
    expect(person.botTexts().at(-2)).toMatch(/^Welcome back! We continue at question \d+ of about \d+\.$/);
    expect(person.currentQuestion()).toBe(iomQuestion);

    // Asked again, they start the pilot: its consent screen in their language, then its questions.
    await person.command("start", inviteTo(pilot, "pilot-1"));
    await person.press((b) => b.kind === "switchStudy");
    await person.press((b) => b.kind === "consent" && b.choice === "agree");
    expect(person.currentQuestion()).toBe("a_city");
    await answerAll(person, ELIGIBLE, { maxSteps: 2 });
    const pilotQuestion = person.currentQuestion();

    // The chat remembers its study: plain /start carries on in the pilot.
    await person.command("start");
    expect(person.currentQuestion()).toBe(pilotQuestion);

    // Back to the IOM study by its link: where they left it.
    await person.command("start", inviteTo(iom, "iom-1"));
    await person.press((b) => b.kind === "switchStudy");
    expect(person.currentQuestion()).toBe(iomQuestion);
    await answerAll(person, ELIGIBLE);
    expect(await scan(iom)).toHaveLength(1);
    expect(await scan(pilot)).toHaveLength(0);

    // The IOM interview is over: the pilot's link goes straight back to the pilot, no question asked.
    await person.command("start", inviteTo(pilot, "pilot-1"));
    expect(person.currentQuestion()).toBe(pilotQuestion);
    await answerAll(person, ELIGIBLE);

    const [iomRecords, pilotRecords] = [await scan(iom), await scan(pilot)];
    expect(iomRecords.map((r) => [r.formId, r.formVersion])).toEqual([["labour_migrants_kz", "1"]]);
    expect(pilotRecords.map((r) => [r.formId, r.formVersion])).toEqual([["pilot_kz", "1"]]);
    expect(iomRecords[0]!.pseudonym).toBe(pilotRecords[0]!.pseudonym);

    // Each study's funnel counts its own link apart.
    const source = (label: string) => sourceCode({ workerCode: worker(), city: "astana", label });
    expect(await app.deps.funnelStore.funnel(source("iom-1"), iom.key)).toMatchObject({ started: 1, consented: 1, completed: 1 });
    expect(await app.deps.funnelStore.funnel(source("pilot-1"), pilot.key)).toMatchObject({ started: 1, consented: 1, completed: 1 });
    expect(await app.deps.funnelStore.funnel(source("pilot-1"), iom.key)).toMatchObject({ started: 0, consented: 0, completed: 0 });

    // /delete removes both studies' records and sessions.
    await person.command("delete");
    await person.press((b) => b.kind === "deleteData" && b.choice === "delete");
    expect(await scan(iom)).toHaveLength(0);
    expect(await scan(pilot)).toHaveLength(0);
    const left = await app.redis.keys("survey:session:*");
    expect(left).toEqual([]);
  }, 300_000);

  it("opens the native study from a version-1 link printed before studies were data", async () => {
    const harness = { emulator } as unknown as Harness;
    const person = new Respondent(harness, emulator.user({ id: 980_000_002, first_name: "One", language_code: "en" }));
    const v1 = signInvite({ workerCode: worker(), city: "almaty", label: "old-poster" }, TEST_SECRET);
    expect(v1.startsWith("1")).toBe(true);
    await onboard(person, "en", { payload: v1 });
    await answerAll(person, ELIGIBLE, { maxSteps: 1 });
    const stored = await app.deps.sessions.load(app.deps.pseudonyms.chat(980_000_002));
    expect(stored.kind === "found" && stored.session.study).toBe(iom.key);
    expect(await app.deps.funnelStore.funnel(sourceCode({ workerCode: worker(), city: "almaty", label: "old-poster" }), iom.key)).toMatchObject({ started: 1, consented: 1 });
  }, 60_000);

  it("lets a worker pick the study of an invite link, and /stats shows each study", async () => {
    const harness = { emulator } as unknown as Harness;
    const staff = new Respondent(harness, emulator.user({ id: STAFF_ID, first_name: "Worker", language_code: "en" }));
    await staff.command("invite");
    expect(staff.botTexts().at(-1)).toBe("Which survey is this link for?");
    await staff.press((b) => b.kind === "staffChoice" && b.step === "study" && b.value === studyRef("pilot_kz"));
    await staff.press((b) => b.kind === "staffChoice" && b.step === "city" && b.value === "almaty");
    await staff.press((b) => b.kind === "staffChoice" && b.step === "district" && b.value === "any");
    await staff.type("Bazaar-2");
    const link = /https:\/\/t\.me\/\S+/.exec(staff.botTexts().find((text) => text.includes("https://t.me/"))!)![0];
    const payload = new URL(link).searchParams.get("start")!;
    expect(verifyInvite(payload, TEST_SECRET, ["labour_migrants_kz", "pilot_kz"])).toMatchObject({ label: "bazaar-2", study: "pilot_kz" });

    const person = new Respondent(harness, emulator.user({ id: 980_000_003, first_name: "Three", language_code: "en" }));
    await onboard(person, "en", { payload });
    const stored = await app.deps.sessions.load(app.deps.pseudonyms.chat(980_000_003));
    expect(stored.kind === "found" && stored.session.study).toBe(pilot.key);

    await staff.command("stats");
    const stats = staff.botTexts().at(-1)!;
    const iomAt = stats.indexOf(`Survey ${iom.form.title} (${iom.key}):`);
    const pilotAt = stats.indexOf(`Survey ${pilot.form.title} (${pilot.key}):`);
    expect(iomAt).toBeGreaterThanOrEqual(0);
    expect(pilotAt).toBeGreaterThan(iomAt);
    // An analyst sees every study; the new link is the pilot's, and counts one start and one agreement there only.
    expect(stats.slice(pilotAt)).toMatch(/ALA-BAZAAR-2-\d{3}: started 1, agreed 1,/);
    expect(stats.slice(iomAt, pilotAt)).not.toContain("BAZAAR-2");
  }, 60_000);
});

