/**
 * The language gate as respondents and operators meet it: the real bot process in production
 * mode against the emulator. Today no translation is signed off (src/locales/reviews.json), so
 * production offers English only, unless ALLOW_UNREVIEWED_LANGUAGES says otherwise; the
 * start-up log and /healthz say which languages are held back and why. Outside production every
 * language is on the keyboard, the unreviewed ones marked.
 */
import { afterEach, describe, expect, it } from "vitest";
import { decodeButton, encodeButton } from "../../src/bot/callback-data.ts";
import { Respondent, startHarness, type BotProcess, type Harness } from "./harness.ts";

let harness: Harness | undefined;
let bot: BotProcess | undefined;
let nextUserId = 961_000_001;

/** A fresh Redis, emulator and bot per test, so no update can reach the previous test's bot. */
async function startBot(env: Record<string, string>): Promise<BotProcess> {
  // Production refuses a Redis without append-only persistence.
  harness = await startHarness({ redisArgs: ["--appendonly", "yes"] });
  return harness.startBot(env);
}

afterEach(async () => {
  // SIGTERM to the bot's process group: it stops and exits.
  await bot?.kill("SIGTERM");
  await harness?.stop();
  bot = undefined;
  harness = undefined;
});

function newcomer(languageCode = "ru"): Respondent {
  return new Respondent(harness!, harness!.emulator.user({ id: nextUserId++, first_name: "Test", language_code: languageCode }));
}

/**
 * Waits until the chat shows what `ready` looks for. The runner confirms an update as soon as it
 * fetches it, so on a loaded machine "idle" can come before the reply does.
 */
async function until(respondent: Respondent, ready: () => boolean, what: string): Promise<void> {
  const deadline = Date.now() + 15_000;
  while (!ready()) {
    if (Date.now() > deadline) throw new Error(`no ${what} within 15 s:\n${respondent.emulator.formatTranscript(respondent.user.id)}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

const hasKeyboard = (respondent: Respondent) => respondent.transcript().some((e) => e.from === "bot" && (e.buttons?.length ?? 0) > 0);

/** The language keyboard a newcomer gets after /start: [language code, label] per button. */
async function languageButtons(respondent: Respondent): Promise<Array<[string, string]>> {
  await respondent.command("start");
  await until(respondent, () => hasKeyboard(respondent), "language keyboard");
  return respondent
    .lastKeyboard()
    .buttons!.flat()
    .map((b) => {
      const decoded = decodeButton(b.callbackData);
      return [decoded?.kind === "pickLanguage" ? decoded.lang : "?", b.text] as [string, string];
    });
}

async function healthz(port: number): Promise<{ languages: { offered: string[]; held_back: Record<string, string> } }> {
  const response = await fetch(`http://127.0.0.1:${port}/healthz`);
  return (await response.json()) as { languages: { offered: string[]; held_back: Record<string, string> } };
}

describe("in production", () => {
  it("holds back every unreviewed language: only English (the source) is on the keyboard; the log and /healthz say why", async () => {
    bot = await startBot({ NODE_ENV: "production" });
    const buttons = await languageButtons(newcomer());
    expect(buttons).toEqual([["en", "English"]]);

    const logs = bot.logs.join("");
    for (const lang of ["uz", "uz-Cyrl", "ky", "ru", "kk"]) {
      expect(logs).toMatch(new RegExp(`"event":"language_held_back","lang":"${lang}","reason":"\\d+ questionnaire/consent texts unreviewed`));
    }
    const health = await healthz(bot.port);
    expect(health.languages.offered).toEqual(["en"]);
    expect(Object.keys(health.languages.held_back).sort()).toEqual(["kk", "ky", "ru", "uz", "uz-Cyrl"]);
    expect(health.languages.held_back.ky).toMatch(/^\d+ questionnaire\/consent texts unreviewed, 0 stale/);
  }, 60_000);

  it("does not start a held-back language from an old or forged button either", async () => {
    bot = await startBot({ NODE_ENV: "production" });
    const respondent = newcomer();
    await respondent.command("start");
    await until(respondent, () => hasKeyboard(respondent), "language keyboard");
    const keyboard = respondent.lastKeyboard();
    respondent.emulator.pressButton(respondent.user, keyboard.messageId, encodeButton({ kind: "pickLanguage", lang: "ky" }));
    await respondent.settle();
    // The bot answers the press (a short note), and shows no consent.
    await until(respondent, () => respondent.emulator.callbackAnswers(respondent.user.id).length > 0, "answer to the press");
    // No consent screen in Kyrgyz: the message still shows the language keyboard.
    const texts = respondent.botTexts().join("\n");
    expect(texts).not.toContain("Катышууга макулсузбу?");
    expect(respondent.lastKeyboard().buttons!.flat().map((b) => decodeButton(b.callbackData)?.kind)).toEqual(["pickLanguage"]);
  }, 60_000);

  it("offers the languages ALLOW_UNREVIEWED_LANGUAGES names, unmarked, and holds back the rest", async () => {
    bot = await startBot({ NODE_ENV: "production", ALLOW_UNREVIEWED_LANGUAGES: "ru,kk" });
    const buttons = await languageButtons(newcomer());
    expect(buttons).toEqual([
      ["ru", "Русский"],
      ["kk", "Қазақша"],
      ["en", "English"],
    ]);
    const health = await healthz(bot.port);
    expect(Object.keys(health.languages.held_back).sort()).toEqual(["ky", "uz", "uz-Cyrl"]);
    expect(bot.logs.join("")).toContain('"event":"languages_unreviewed_allowed","langs":["ru","kk"]');
  }, 60_000);

  it("offers every language with ALLOW_UNREVIEWED_LANGUAGES=all, and the consent names the organisation in the language chosen", async () => {
    bot = await startBot({ NODE_ENV: "production", ALLOW_UNREVIEWED_LANGUAGES: "all" });
    const respondent = newcomer("ky");
    const buttons = await languageButtons(respondent);
    expect(buttons.map(([lang]) => lang)).toEqual(["uz", "uz-Cyrl", "ky", "ru", "kk", "en"]);
    await respondent.press((b) => b.kind === "pickLanguage" && b.lang === "ky");
    await until(respondent, () => (respondent.botTexts().at(-1) ?? "").includes("макулсузбу"), "Kyrgyz consent");
    const consent = respondent.botTexts().at(-1)!;
    expect(consent).toContain("ЭМУ (Эл аралык миграция уюму)");
    expect(consent).not.toContain("IOM");
  }, 60_000);
});

describe("outside production (the preview, development, tests)", () => {
  it("shows every language, the unreviewed ones marked, English unmarked", async () => {
    bot = await startBot({ NODE_ENV: "development" });
    const buttons = await languageButtons(newcomer());
    expect(buttons).toEqual([
      ["uz", "⚠️ Oʻzbekcha (unreviewed)"],
      ["uz-Cyrl", "⚠️ Ўзбекча (unreviewed)"],
      ["ky", "⚠️ Кыргызча (unreviewed)"],
      ["ru", "⚠️ Русский (unreviewed)"],
      ["kk", "⚠️ Қазақша (unreviewed)"],
      ["en", "English"],
    ]);
    expect((await healthz(bot.port)).languages.held_back).toEqual({});
  }, 60_000);

  it("takes the organisation's name from a per-language override, over SURVEY_ORGANISATION", async () => {
    bot = await startBot({ SURVEY_ORGANISATION: "Partner NGO", SURVEY_ORGANISATION_RU: "Партнёрская организация" });
    const russian = newcomer("ru");
    await russian.command("start");
    await until(russian, () => hasKeyboard(russian), "language keyboard");
    await russian.press((b) => b.kind === "pickLanguage" && b.lang === "ru");
    await until(russian, () => (russian.botTexts().at(-1) ?? "").includes("согласны"), "Russian consent");
    expect(russian.botTexts().at(-1)).toContain("Этот опрос проводит Партнёрская организация.");
    const english = newcomer("en");
    await english.command("start");
    await until(english, () => hasKeyboard(english), "language keyboard");
    await english.press((b) => b.kind === "pickLanguage" && b.lang === "en");
    await until(english, () => (english.botTexts().at(-1) ?? "").includes("agree"), "English consent");
    expect(english.botTexts().at(-1)).toContain("This survey is run by Partner NGO for a research study");
  }, 60_000);
});
