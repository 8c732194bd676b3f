/**
 * Outreach end to end: a worker makes an invite link and QR code, three people start through
 * it (one declines, one is screened out, one completes), and /stats shows 3, 2, 1, 1.
 */
import jsQRModule from "jsqr";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeButton } from "../../src/bot/callback-data.ts";
import { createTranslator } from "../../src/locales/i18n.ts";
import { Respondent, startHarness, type Harness } from "./harness.ts";
import { answerAll, ELIGIBLE, onboard } from "./interview.ts";

// jsqr is CommonJS with a `default` property; under nodenext typing the function is that property.
const jsQR = jsQRModule.default;
const WORKER = { id: 940_000_001, first_name: "Aigerim", username: "aigerim_outreach", language_code: "en" };
const STRANGER = { id: 940_000_099, first_name: "Nobody", language_code: "en" };
const translator = createTranslator();
const en = (key: string, params?: Record<string, unknown>) => translator.t("en", key, params);

let harness: Harness;

beforeAll(async () => {
  harness = await startHarness({ env: { OUTREACH_IDS: String(WORKER.id) } });
  await harness.startBot();
}, 60_000);
afterAll(async () => harness?.stop());

describe("invite links", () => {
  it("someone who is not an outreach worker is refused /invite", async () => {
    const stranger = new Respondent(harness, harness.emulator.user(STRANGER));
    await stranger.command("invite");
    expect(stranger.botTexts().at(-1)).toBe(en("bot:not_allowed"));
  });

  it("a worker makes a link; three people use it; /stats shows 3 started, 2 agreed, 1 eligible, 1 finished", async () => {
    const worker = new Respondent(harness, harness.emulator.user(WORKER));
    await worker.command("invite");
    await worker.press((b) => b.kind === "staffChoice" && b.step === "city" && b.value === "shymkent");
    await worker.press((b) => b.kind === "staffChoice" && b.step === "district" && b.value === "shy_abay");
    await worker.type("Market-1");
    const texts = worker.transcript().filter((e) => e.from === "bot");
    const linkMessage = texts.find((e) => (e.text ?? "").includes("https://t.me/"))!;
    const link = /https:\/\/t\.me\/\S+/.exec(linkMessage.text!)![0];
    expect(link).toMatch(/^https:\/\/t\.me\/migrant_survey_test_bot\?start=[A-Za-z0-9_-]{1,64}$/);

    // The QR code decodes to the same link.
    const photo = texts.find((e) => e.photo)!;
    const png = PNG.sync.read(harness.emulator.file(photo.photo!.fileId)!.bytes);
    expect(jsQR(new Uint8ClampedArray(png.data), png.width, png.height)?.data).toBe(link);

    const payload = new URL(link).searchParams.get("start")!;
    const people = [960_000_001, 960_000_002, 960_000_003].map(
      (id) => new Respondent(harness, harness.emulator.user({ id, first_name: `P${id}`, language_code: "ru" })),
    );
    await onboard(people[0]!, "ru", { payload, consent: "decline" });
    await onboard(people[1]!, "ru", { payload });
    await answerAll(people[1]!, { ...ELIGIBLE, a_age_group: "under_18" });
    await onboard(people[2]!, "ru", { payload });
    // The source never skips the city question.
    expect(people[2]!.currentQuestion()).toBe("a_city");
    await answerAll(people[2]!, ELIGIBLE);

    await worker.command("stats");
    const stats = worker.botTexts().at(-1)!;
    expect(stats).toMatch(/started 3, agreed 2, eligible 1, finished 1/);
  });

  it("a changed payload is treated as no source, without an error", async () => {
    const person = new Respondent(harness, harness.emulator.user({ id: 960_000_010, first_name: "Forged", language_code: "en" }));
    await person.command("start", "1AAAAAAxforged-payload-that-is-not-signed_123");
    const buttons = person.lastKeyboard().buttons!.flat().map((b) => decodeButton(b.callbackData));
    expect(buttons.every((b) => b?.kind === "pickLanguage" && b.campaign === undefined)).toBe(true);
  });
});
