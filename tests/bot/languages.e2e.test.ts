/**
 * A whole interview in each of the six language choices, through the fake Bot API, and a check
 * that every text the chat shows comes from that language: messages (as edited), buttons and
 * the short notes shown when a button is pressed. A missing key would show Russian, a
 * hard-coded string English; either fails here with the offending lines.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeButton } from "../../src/bot/callback-data.ts";
import { createTranslator, LANGUAGES, type Language } from "../../src/locales/i18n.ts";
import { Respondent, startHarness, type Harness } from "./harness.ts";
import { answerAll, ELIGIBLE, type Script } from "./interview.ts";
import { LanguageLexicon } from "./language-lexicon.ts";
import { recordOf } from "./stored-data.ts";

const translator = createTranslator();
/** Interpolated as configured, the same in every language (the bot's default SURVEY_ORGANISATION). */
const ORGANISATION = "IOM Kazakhstan";

/** Telegram's language_code a user of each choice would most likely have. */
const TELEGRAM_CODE: Record<Language, string> = { uz: "uz", "uz-Cyrl": "uz", ky: "ky", ru: "ru", kk: "kk", en: "en" };

/** Answers that walk past the support offers, so their texts are checked too. */
// Shymkent, which has a shelter contact: a housing offer is made only where there is one.
const SCRIPT: Script = { ...ELIGIBLE, a_city: "shymkent", a_district: "shy_abay", e_access_health: "no", e_health_barrier: "no_iin", e_housing: "none" };

let harness: Harness;
let nextUserId = 930_000_001;

beforeAll(async () => {
  harness = await startHarness({ env: { SURVEY_ORGANISATION: ORGANISATION } });
  await harness.startBot();
}, 60_000);
afterAll(async () => harness?.stop());

/** Every text the person can read in the chat now, plus the notes shown on button presses. */
function shownTexts(respondent: Respondent): string[] {
  const texts: string[] = [];
  for (const entry of respondent.transcript()) {
    if (entry.from !== "bot") continue;
    texts.push(entry.text ?? "", entry.caption ?? "");
    if (entry.venue) texts.push(entry.venue.title, entry.venue.address);
    for (const button of entry.buttons?.flat() ?? []) {
      const kind = decodeButton(button.callbackData)?.kind;
      // The language picker names each language in its own script, on purpose.
      if (kind === "pickLanguage" || kind === "switchLanguage") continue;
      texts.push(button.text);
    }
  }
  for (const answer of respondent.emulator.callbackAnswers(respondent.user.id)) if (answer.text) texts.push(answer.text);
  return texts;
}

describe("the language matcher", () => {
  // Guards the check below: a matcher that accepted anything would make it pass vacuously.
  const probes = ["bot:flow.completed", "referrals:urgent.intro", "referrals:end.offer", "survey:q.e_access_health.text", "bot:hint.use_buttons"];
  it.each(LANGUAGES.filter((l) => l !== "en" && l !== "ru"))("does not take English or Russian text for %s", (lang) => {
    const lexicon = new LanguageLexicon(lang, { properNames: [ORGANISATION] });
    for (const other of ["en", "ru"] as const) {
      for (const key of probes) {
        expect(lexicon.foreignLines([translator.t(other, key)]), `${other} ${key}`).not.toEqual([]);
        expect(lexicon.foreignLines([translator.t(lang, key)]), `${lang} ${key}`).toEqual([]);
      }
      // A foreign word inside a sentence of the right language: "Your answer: Yes".
      const mixed = translator.t(lang, "bot:question.answered", { answer: translator.t(other, "survey:o.yes") });
      expect(lexicon.foreignLines([mixed])).toEqual([mixed]);
    }
  });
});

describe.each(LANGUAGES.map((lang) => ({ lang })))("an interview in $lang", ({ lang }) => {
  it("reaches the end, and every text shown comes from that language", async () => {
    const id = nextUserId++;
    const respondent = new Respondent(harness, harness.emulator.user({ id, first_name: `Lang${id}`, language_code: TELEGRAM_CODE[lang] }));
    // Messages are edited as the interview goes on (a question becomes "question + your answer"),
    // so what was shown is collected at every step, not only read at the end.
    const seen = new Set<string>();
    const look = async () => void shownTexts(respondent).forEach((text) => seen.add(text));

    // The greeting before the choice asks for a language in every language, on purpose; from
    // the consent screen on, everything is in the chosen one.
    await respondent.command("start");
    await respondent.press((b) => b.kind === "pickLanguage" && b.lang === lang);
    await look();
    await respondent.press((b) => b.kind === "consent" && b.choice === "agree");
    const { given } = await answerAll(respondent, SCRIPT, { onQuestion: look });
    expect(respondent.botTexts(), harness.emulator.formatTranscript(id)).toContain(translator.t(lang, "bot:flow.completed"));
    const record = await recordOf(harness, id);
    expect(record?.lang).toBe(lang);
    expect(record?.answers).toEqual(given);

    // The end offer, then the help menu's urgent contacts and one topic: the directory's texts too.
    await respondent.press((b) => b.kind === "help");
    await respondent.press((b) => b.kind === "urgentHelp");
    await respondent.press((b) => b.kind === "helpCategory" && b.category === "iom");
    expect(respondent.botTexts().join("\n")).toContain(translator.t(lang, "referrals:urgent.intro"));

    // The support offers came up on the way, so their texts are among those checked.
    const chat = respondent.botTexts().join("\n");
    for (const category of ["health", "documents", "shelter"]) expect(chat).toContain(translator.t(lang, `referrals:offer.${category}`));

    const lexicon = new LanguageLexicon(lang, { properNames: [ORGANISATION] });
    await look();
    // Questions were seen as asked, with their progress line, not only once answered.
    const cityQuestion = translator.t(lang, "survey:q.a_city.text");
    expect([...seen].some((text) => /[▓░]/.test(text) && text.includes(cityQuestion))).toBe(true);
    const foreign = lexicon.foreignLines([...seen]);
    expect(foreign, `lines not from the ${lang} texts:\n${harness.emulator.formatTranscript(id)}`).toEqual([]);
  });
});
