/**
 * Support services through the fake Bot API: /help before consent, the health offer after the
 * answer that signals the need (and not after others), "I need help now" in the middle of the
 * questionnaire, and the offer at the end. None of it changes the answers the person gave.
 */
import { readFileSync } from "node:fs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { decodeButton } from "../../src/bot/callback-data.ts";
import type { TranscriptEntry } from "../../dev/emulator/bot-api-emulator.ts";
import { createTranslator, type Language } from "../../src/locales/i18n.ts";
import { DEFAULT_DIRECTORY_FILE } from "../../src/referrals/directory.ts";
import { Respondent, startHarness, type Harness } from "./harness.ts";
import { answerAll, ELIGIBLE, onboard } from "./interview.ts";
import { harmlessMessageIds, keysAbout, recordOf, sessionOf, urgentHelpCount } from "./stored-data.ts";

const translator = createTranslator();
const t = (lang: Language, key: string, params?: Record<string, unknown>) => translator.t(lang, key, params);

/** The shipped directory as data, to know which names and numbers a message should carry. */
interface DirectoryEntry {
  id: string;
  city: string;
  categories: string[];
  name: Record<"en" | "ru" | "uz" | "ky" | "kk", string>;
  phones: { number: string }[];
}
const directory = (JSON.parse(readFileSync(DEFAULT_DIRECTORY_FILE, "utf8")) as { entries: DirectoryEntry[] }).entries;
const inCategory = (category: string) => directory.filter((entry) => entry.categories.includes(category));

let harness: Harness;
let nextUserId = 940_000_001;

beforeAll(async () => {
  harness = await startHarness();
  await harness.startBot();
}, 60_000);
afterAll(async () => harness?.stop());

function newRespondent(language_code: string): Respondent {
  const id = nextUserId++;
  return new Respondent(harness, harness.emulator.user({ id, first_name: `Help${id}`, username: `help_user_${id}`, language_code }));
}

const botMessages = (respondent: Respondent) => respondent.transcript().filter((entry) => entry.from === "bot");
const after = (respondent: Respondent, messageId: number) => botMessages(respondent).filter((entry) => entry.messageId > messageId);
const kinds = (entry: TranscriptEntry) => (entry.buttons ?? []).flat().map((button) => decodeButton(button.callbackData));
const asks = (entry: TranscriptEntry, q: string) => kinds(entry).some((b) => b?.kind === "answer" && b.q === q);

/** Messages that still carry buttons answering `q`: the copies of the question a person could answer. */
const liveCopies = (respondent: Respondent, q: string) =>
  botMessages(respondent).filter((m) => kinds(m).some((b) => (b?.kind === "answer" || b?.kind === "toggle" || b?.kind === "number") && b.q === q));

/** Help screens mid-interview: no button anywhere but one "back to the questions" on the last message. */
function expectOnlyBackButton(messages: TranscriptEntry[], lang: Language): void {
  const last = messages.at(-1)!;
  for (const message of messages.slice(0, -1)) expect(message.buttons ?? []).toEqual([]);
  expect(kinds(last).map((b) => b?.kind)).toEqual(["backToQuestions"]);
  expect(last.buttons!.flat().map((b) => b.text)).toEqual([t(lang, "referrals:buttons.back_to_questions")]);
}

/** The message that asked `q`, once answered: its text is the question and the answer. */
function answeredMessage(respondent: Respondent, lang: Language, q: string): TranscriptEntry {
  const question = t(lang, `survey:q.${q}.text`);
  const found = botMessages(respondent).find((entry) => entry.edited && entry.text?.startsWith(`${question}\n\n`));
  if (!found) throw new Error(`no answered ${q}:\n${harness.emulator.formatTranscript(respondent.user.id)}`);
  return found;
}

/** A number Telegram turns into a call link: written without spaces, not inside code or a link. */
function expectTappable(message: TranscriptEntry, number: string): void {
  const text = message.text ?? "";
  const at = text.indexOf(number);
  expect(at, `${number} in ${JSON.stringify(text)}`).toBeGreaterThanOrEqual(0);
  expect(text.charAt(at + number.length)).not.toMatch(/\d/);
  const covering = (message.raw.entities ?? []).filter((e) => e.offset < at + number.length && at < e.offset + e.length);
  expect(covering.map((e) => e.type)).not.toEqual(expect.arrayContaining([expect.stringMatching(/^(code|pre|text_link)$/)]));
}

describe("/help before consent", () => {
  it("shows the menu in the suggested language, contacts with tappable numbers, and keeps nothing", async () => {
    const lang: Language = "kk";
    const respondent = newRespondent("kk");
    await respondent.command("help");

    const menu = respondent.lastKeyboard();
    expect(menu.text).toBe(`${t(lang, "referrals:menu.intro")}\n${t(lang, "referrals:whole_country")}`);
    const rows = menu.buttons!.map((row) => row.map((button) => button.text));
    expect(rows[0]).toEqual([t(lang, "referrals:buttons.urgent")]);
    const topics = rows.slice(1).flat();
    for (const category of ["health", "documents", "iom"]) expect(topics).toContain(t(lang, `referrals:category.${category}`));
    // Emergency and protection contacts sit behind "I need help now", not among the topics.
    for (const category of ["emergency", "protection"]) expect(topics).not.toContain(t(lang, `referrals:category.${category}`));

    await respondent.press((b) => b.kind === "helpCategory" && b.category === "iom");
    const contacts = after(respondent, menu.messageId);
    expect(contacts.length, harness.emulator.formatTranscript(respondent.user.id)).toBeGreaterThan(0);
    const shown = contacts.map((m) => m.text ?? "").join("\n");
    expect(shown).toContain(t(lang, "referrals:category.iom"));
    expect(shown).toContain(t(lang, "referrals:privacy_note"));
    const offices = inCategory("iom");
    expect(offices.length).toBeGreaterThan(0);
    for (const office of offices) {
      expect(shown).toContain(office.name[lang as "kk"]);
      for (const { number } of office.phones) {
        expect(number).toMatch(/^\+7\d{10}$/);
        expectTappable(contacts.find((m) => m.text?.includes(number)) ?? contacts[0]!, number);
      }
    }
    expect(shown).not.toMatch(/\+7[\s()-]/);

    expect(await sessionOf(harness, respondent.user.id)).toBeUndefined();
    // Only the chat's message ids, for "clear this chat": numbers, gone within 48 hours.
    const ids = await harmlessMessageIds(harness, respondent.user.id);
    expect((await keysAbout(harness, respondent.user.id)).filter((k) => k !== ids)).toEqual([]);
  });
});

describe("the health offer", () => {
  const city = "astana";
  const healthContacts = inCategory("health").filter((entry) => entry.city === city || entry.city === "national");

  it("follows 'no' to health care, before the next question; accepting shows contacts, and 'back' the same question, one live copy", async () => {
    const lang: Language = "ru";
    const respondent = newRespondent("ru");
    await onboard(respondent, lang);
    const offerText = `${t(lang, "referrals:offer.health")}\n${t(lang, "referrals:city_line", { city: t(lang, `referrals:city.${city}`) })}`;
    let previous: string | undefined;
    let accepted = false;
    const { given } = await answerAll(respondent, { ...ELIGIBLE, a_city: city, e_access_health: "no", e_health_barrier: "language", e_housing: "none" }, {
      onQuestion: async (q) => {
        if (previous === "e_access_health") {
          // Right after the answer: the offer with Yes and No, then the next question.
          const answered = answeredMessage(respondent, lang, "e_access_health");
          const [offer, question, ...rest] = after(respondent, answered.messageId);
          expect(rest, harness.emulator.formatTranscript(respondent.user.id)).toEqual([]);
          expect(offer?.text).toBe(offerText);
          expect(offer!.buttons!.flat().map((b) => b.text)).toEqual([t(lang, "referrals:buttons.yes"), t(lang, "referrals:buttons.no")]);
          expect(kinds(offer!).map((b) => b?.kind)).toEqual(["referralOffer", "referralOffer"]);
          expect(question && asks(question, q)).toBe(true);

          await respondent.press((b) => b.kind === "referralOffer" && b.need === "health" && b.yes);
          const shownAfter = after(respondent, question!.messageId);
          const contacts = shownAfter.map((m) => m.text ?? "").join("\n");
          expect(contacts).toContain(t(lang, "referrals:category.health"));
          const cityName = t(lang, `referrals:city.${city}`);
          const forCity = [t(lang, "referrals:city_line", { city: cityName }), t(lang, "referrals:notice.national_only", { city: cityName })];
          expect(forCity.some((line) => contacts.split("\n").includes(line)), contacts).toBe(true);
          expect(healthContacts.length).toBeGreaterThan(0);
          for (const entry of healthContacts) {
            expect(contacts).toContain(entry.name.ru);
            for (const { number } of entry.phones) expect(contacts).toContain(`📞 ${number}`);
          }
          // The contacts end with the way back, and only that.
          expectOnlyBackButton(shownAfter, lang);
          // The offer is answered: its buttons are gone.
          expect(botMessages(respondent).find((m) => m.messageId === offer!.messageId)?.buttons ?? []).toEqual([]);

          await respondent.press((b) => b.kind === "backToQuestions");
          const [again, ...extra] = after(respondent, shownAfter.at(-1)!.messageId);
          expect(extra, harness.emulator.formatTranscript(respondent.user.id)).toEqual([]);
          expect(again!.text).toBe(question!.text);
          expect(respondent.currentQuestion()).toBe(q);
          expect(liveCopies(respondent, q).map((m) => m.messageId)).toEqual([again!.messageId]);
          // The pressed "back" is spent: its button is gone.
          const pressed = botMessages(respondent).find((m) => m.messageId === shownAfter.at(-1)!.messageId)!;
          expect(kinds(pressed)).toEqual([]);
          accepted = true;
        }
        previous = q;
      },
    });
    expect(accepted).toBe(true);
    // Offered once, never pushed again.
    expect(botMessages(respondent).filter((m) => m.text === offerText)).toHaveLength(1);
    // No shelter is listed for Astana or the whole country: no housing offer, though the answer signals the need.
    expect(given.e_housing).toBe("none");
    expect(botMessages(respondent).some((m) => m.text?.startsWith(t(lang, "referrals:offer.shelter")))).toBe(false);
    expect((await recordOf(harness, respondent.user.id))?.answers).toEqual(given);
  });

  it("does not follow 'yes'; the final offer's Yes opens the help menu", async () => {
    const lang: Language = "ky";
    const respondent = newRespondent("ky");
    await onboard(respondent, lang);
    let previous: string | undefined;
    let checked = false;
    const { given } = await answerAll(respondent, { ...ELIGIBLE, a_city: city, e_access_health: "yes" }, {
      onQuestion: async (q) => {
        if (previous === "e_access_health") {
          const answered = answeredMessage(respondent, lang, "e_access_health");
          const shown = after(respondent, answered.messageId);
          expect(shown, harness.emulator.formatTranscript(respondent.user.id)).toHaveLength(1);
          expect(asks(shown[0]!, q)).toBe(true);
          checked = true;
        }
        previous = q;
      },
    });
    expect(checked).toBe(true);
    expect(botMessages(respondent).some((m) => m.text?.includes(t(lang, "referrals:offer.health")))).toBe(false);
    expect(botMessages(respondent).some((m) => kinds(m).some((b) => b?.kind === "referralOffer" && b.need === "health"))).toBe(false);

    // The end: thanks, then the offer of services for their city.
    const cityLine = t(lang, "referrals:city_line", { city: t(lang, `referrals:city.${city}`) });
    const endOffer = respondent.lastKeyboard();
    expect(endOffer.text).toBe(`${t(lang, "referrals:end.offer")}\n${cityLine}`);
    const endRows = endOffer.buttons!.filter((row) => row.length > 0).map((row) => row.map((b) => b.text));
    expect(endRows).toEqual([[t(lang, "referrals:buttons.yes")], [t(lang, "bot:buttons.clear_chat")]]);
    await respondent.press((b) => b.kind === "help");
    const menu = respondent.lastKeyboard();
    expect(menu.messageId).toBeGreaterThan(endOffer.messageId);
    expect(menu.text).toBe(`${t(lang, "referrals:menu.intro")}\n${cityLine}`);
    expect(menu.buttons![0]!.map((b) => b.text)).toEqual([t(lang, "referrals:buttons.urgent")]);
    // The interview is over, so no way back to it; their citizenship is kept for their consulate.
    const topics = menu.buttons!.flat();
    expect(topics.some((b) => decodeButton(b.callbackData)?.kind === "backToQuestions")).toBe(false);
    expect(given.a_citizenship).toBe("uzbekistan");
    await respondent.press((b) => b.kind === "helpCategory" && b.category === "consulate");
    const embassy = directory.find((e) => e.id === "consulate_uzbekistan_embassy")!;
    expect(botMessages(respondent).at(-1)!.text).toContain(embassy.name.ky);
    expect(botMessages(respondent).at(-1)!.buttons ?? []).toEqual([]);

    expect((await recordOf(harness, respondent.user.id))?.answers).toEqual(given);
  });
});

describe("'I need help now' in the middle of the questionnaire", () => {
  it("shows emergency contacts, asks nothing, counts one, and 'back to the questions' resumes where it was, one live copy", async () => {
    const lang: Language = "uz";
    const city = "almaty";
    const respondent = newRespondent("uz");
    await onboard(respondent, lang);
    const cityName = t(lang, `referrals:city.${city}`);
    let step = 0;
    let detoured = false;
    const { given } = await answerAll(respondent, { ...ELIGIBLE, a_city: city, a_district: "alm_almaly" }, {
      onQuestion: async (q) => {
        if (++step !== 12) return;
        const answersBefore = structuredClone((await sessionOf(harness, respondent.user.id))?.survey.answers);
        expect(Object.keys(answersBefore ?? {}).length).toBeGreaterThanOrEqual(10);
        const countBefore = await urgentHelpCount(harness);
        const question = respondent.lastKeyboard();

        // The Help button under the question, then "I need help now".
        await respondent.press((b) => b.kind === "help");
        const menu = respondent.lastKeyboard();
        expect(menu.text).toBe(`${t(lang, "referrals:menu.intro")}\n${t(lang, "referrals:city_line", { city: cityName })}`);
        await respondent.press((b) => b.kind === "urgentHelp");

        const shown = after(respondent, menu.messageId);
        expect(shown.length, harness.emulator.formatTranscript(respondent.user.id)).toBeGreaterThan(0);
        expect(shown[0]!.text!.startsWith(t(lang, "referrals:urgent.intro"))).toBe(true);
        const contacts = shown.map((m) => m.text ?? "").join("\n");
        expect(contacts).toContain(t(lang, "referrals:category.emergency"));
        for (const entry of inCategory("emergency").filter((e) => e.city === "national")) {
          expect(contacts).toContain(entry.name.uz);
          for (const { number } of entry.phones) expect(contacts.split("\n")).toContain(`📞 ${number}`);
        }
        // It asks nothing: the only button is the way back to the questions.
        expectOnlyBackButton(shown, lang);
        // The menu itself also has the way back.
        expect(kinds(menu).some((b) => b?.kind === "backToQuestions")).toBe(true);

        // Back: the same question again, as it was, and the only copy that can be answered.
        await respondent.press((b) => b.kind === "backToQuestions");
        const [again, ...extra] = after(respondent, shown.at(-1)!.messageId);
        expect(extra, harness.emulator.formatTranscript(respondent.user.id)).toEqual([]);
        expect(again!.text).toBe(question.text);
        expect(respondent.currentQuestion()).toBe(q);
        expect(liveCopies(respondent, q).map((m) => m.messageId)).toEqual([again!.messageId]);

        // The menu's own "back", pressed later, adds nothing: the question is already below it.
        await respondent.press((b) => b.kind === "backToQuestions");
        expect(after(respondent, again!.messageId)).toEqual([]);
        expect(liveCopies(respondent, q).map((m) => m.messageId)).toEqual([again!.messageId]);
        expect(botMessages(respondent).some((m) => kinds(m).some((b) => b?.kind === "backToQuestions"))).toBe(false);

        expect(await urgentHelpCount(harness)).toBe(countBefore + 1);
        expect((await sessionOf(harness, respondent.user.id))?.survey.answers).toEqual(answersBefore);
        detoured = true;
      },
    });
    expect(detoured).toBe(true);
    expect(respondent.botTexts()).toContain(t(lang, "bot:flow.completed"));
    expect((await recordOf(harness, respondent.user.id))?.answers).toEqual(given);
  });
});

describe("the person's own consulate, by their citizenship answer", () => {
  /**
   * Answers up to the question after citizenship, opens Help there, lets `inside` use the menu,
   * then goes back to the questions (if `inside` did not) and finishes a few more questions.
   */
  async function helpAfterCitizenship(
    lang: Language,
    city: string,
    citizenship: string,
    inside: (respondent: Respondent, seen: { q: string; question: TranscriptEntry; menu: TranscriptEntry }) => Promise<void>,
  ): Promise<void> {
    const respondent = newRespondent(lang);
    await onboard(respondent, lang);
    let previous: string | undefined;
    let detoured = false;
    await answerAll(respondent, { ...ELIGIBLE, a_city: city, a_district: city === "almaty" ? "alm_almaly" : ELIGIBLE.a_district!, a_citizenship: citizenship }, {
      maxSteps: 10,
      onQuestion: async (q) => {
        if (previous === "a_citizenship" && !detoured) {
          detoured = true;
          const question = respondent.lastKeyboard();
          await respondent.press((b) => b.kind === "help");
          await inside(respondent, { q, question, menu: respondent.lastKeyboard() });
          if (respondent.currentQuestion() !== q) await respondent.press((b) => b.kind === "backToQuestions");
          expect(respondent.currentQuestion()).toBe(q);
        }
        previous = q;
      },
    });
    expect(detoured, harness.emulator.formatTranscript(respondent.user.id)).toBe(true);
  }

  it("shows an Uzbek citizen in Almaty Uzbekistan's consulate general there, in Uzbek, then the same question again", async () => {
    const lang: Language = "uz";
    await helpAfterCitizenship(lang, "almaty", "uzbekistan", async (respondent, { q, question, menu }) => {
      const topics = menu.buttons!.flat().map((b) => b.text);
      expect(topics).toContain(t(lang, "referrals:category.consulate"));
      expect(topics.at(-1)).toBe(t(lang, "referrals:buttons.back_to_questions"));

      await respondent.press((b) => b.kind === "helpCategory" && b.category === "consulate");
      const shown = after(respondent, menu.messageId);
      const contacts = shown.map((m) => m.text ?? "").join("\n");
      const own = directory.find((e) => e.id === "consulate_uzbekistan_almaty")!;
      expect(contacts).toContain(own.name.uz);
      expectTappable(shown.find((m) => m.text?.includes(own.phones[0]!.number))!, own.phones[0]!.number);
      // Not the embassy (there is a consulate in their city), and no other country's office.
      for (const other of inCategory("consulate").filter((e) => e.id !== own.id)) expect(contacts).not.toContain(other.name.uz);
      expectOnlyBackButton(shown, lang);

      // A double tap on "back": the question comes back once.
      const last = shown.at(-1)!;
      const back = last.buttons!.flat()[0]!.callbackData!;
      harness.emulator.pressButton(respondent.user, last.messageId, back);
      harness.emulator.pressButton(respondent.user, last.messageId, back);
      await respondent.settle();
      const [again, ...extra] = after(respondent, last.messageId);
      expect(extra, harness.emulator.formatTranscript(respondent.user.id)).toEqual([]);
      expect(again!.text).toBe(question.text);
      expect(liveCopies(respondent, q).map((m) => m.messageId)).toEqual([again!.messageId]);
    });
  });

  it("offers a Russian citizen no consulate topic, since none is listed for Russia", async () => {
    const lang: Language = "ru";
    await helpAfterCitizenship(lang, "astana", "russia", async (_respondent, { menu }) => {
      const topics = menu.buttons!.flat().map((b) => b.text);
      expect(topics).not.toContain(t(lang, "referrals:category.consulate"));
      expect(topics).toContain(t(lang, "referrals:category.documents"));
    });
  });
});
