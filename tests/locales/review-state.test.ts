/**
 * What the review state means for the gate: a language is ready for respondents only when every
 * questionnaire and consent text is signed off against today's English; a change on either side
 * undoes it. And the checks a reviewer's correction must pass.
 */
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/platform/config.ts";
import { TEST_DATA_KEY } from "../bot/harness.ts";
import { decideLanguageOffer } from "../../src/bot/language-offer.ts";
import { loadResources, type Resources } from "../../src/locales/i18n.ts";
import { emptyReviewState, isRespondentCritical, languageReadiness, reviewUnits, textHash, type ReviewState } from "../../src/locales/review-state.ts";
import { correctionProblems } from "../../tools/translations/validate.ts";

/** A state in which someone signed off every questionnaire and consent text of `lang` as it is today. */
function signedOffCritical(resources: Resources, lang: "ky" | "uz" | "ru" | "kk"): ReviewState {
  const state = emptyReviewState();
  const english = reviewUnits(resources, "en");
  const translated = reviewUnits(resources, lang);
  for (const key of english.keys()) {
    if (isRespondentCritical(key)) state.languages[lang][key] = { by: "Test Reviewer", at: "2026-12-01", source: textHash(english.get(key)), text: textHash(translated.get(key)) };
  }
  return state;
}

/** A production configuration that passes every start-up check. */
const PRODUCTION_ENV = { NODE_ENV: "production", PSEUDONYM_SECRET: "x".repeat(40), REDIS_URL: "redis://redis:6379", DATA_KEY: TEST_DATA_KEY };
const production = loadConfig(PRODUCTION_ENV);

describe("language readiness", () => {
  it("is ready once every questionnaire and consent text is signed off, and offered in production", () => {
    const resources = loadResources();
    const state = signedOffCritical(resources, "ky");
    const ky = languageReadiness(resources, state, ["ky"])[0]!;
    expect(ky).toEqual({ lang: "ky", ready: true, unreviewed: 0, stale: 0 });
    expect(decideLanguageOffer(production, resources, state).offered).toEqual(["ky", "en"]);
  });

  it("uz-Cyrl follows uz: signing off the Latin texts offers both scripts", () => {
    const resources = loadResources();
    expect(decideLanguageOffer(production, resources, signedOffCritical(resources, "uz")).offered).toEqual(["uz", "uz-Cyrl", "en"]);
  });

  it("holds the language back again when an English question changes (stale), and says so", () => {
    const resources = loadResources();
    const state = signedOffCritical(resources, "ky");
    const changed = structuredClone(resources);
    (changed.en!.survey as any).q.d_remit_freq.text = "How often do you send money to your family?";
    expect(languageReadiness(changed, state, ["ky"])[0]).toEqual({ lang: "ky", ready: false, unreviewed: 0, stale: 1 });
    const offer = decideLanguageOffer(production, changed, state);
    expect(offer.offered).toEqual(["en"]);
    expect(offer.heldBack.find((h) => h.lang === "ky")?.reason).toBe("0 questionnaire/consent texts unreviewed, 1 stale (English changed since review)");
  });

  it("holds it back when the translation is edited after the sign-off", () => {
    const resources = loadResources();
    const state = signedOffCritical(resources, "ky");
    const changed = structuredClone(resources);
    (changed.ky!.survey as any).q.d_remit_freq.text = "Үйгө канча жолу акча жөнөтөсүз?";
    expect(languageReadiness(changed, state, ["ky"])[0]).toMatchObject({ ready: false, unreviewed: 1, stale: 0 });
  });

  it("does not wait for texts respondents do not depend on (staff messages)", () => {
    const resources = loadResources();
    const state = signedOffCritical(resources, "ky");
    const changed = structuredClone(resources);
    (changed.en!.staff as any).export = { ...(changed.en!.staff as any).export, next: "Next step" };
    expect(languageReadiness(changed, state, ["ky"])[0]!.ready).toBe(true);
  });

  it("ALLOW_UNREVIEWED_LANGUAGES takes language codes or \"all\", and names a wrong one at start-up", () => {
    expect(loadConfig({ ALLOW_UNREVIEWED_LANGUAGES: "ru, kk" }).ALLOW_UNREVIEWED_LANGUAGES).toEqual(["ru", "kk"]);
    expect(() => loadConfig({ ALLOW_UNREVIEWED_LANGUAGES: "ru,kz" })).toThrow(/ALLOW_UNREVIEWED_LANGUAGES: must be one of all, uz, .*\(now "ru,kz"\)/);
    const resources = loadResources();
    const allowUz = loadConfig({ ...PRODUCTION_ENV, ALLOW_UNREVIEWED_LANGUAGES: "uz" });
    expect(decideLanguageOffer(allowUz, resources, emptyReviewState()).offered).toEqual(["uz", "uz-Cyrl", "en"]);
  });

  it("today, no translated language is ready (nothing is signed off), English always is", () => {
    const readiness = languageReadiness(loadResources(), emptyReviewState(), ["uz", "uz-Cyrl", "ky", "ru", "kk", "en"]);
    expect(readiness.filter((r) => r.ready).map((r) => r.lang)).toEqual(["en"]);
  });
});

describe("a reviewer's correction", () => {
  const check = (key: string, lang: string, correction: string, english: string) => correctionProblems({ key, lang, correction, english });

  it("keeps every placeholder and adds none", () => {
    expect(check("bot:progress.line", "ru", "Вопрос {{position}} из {{total}}", "Question {{position}} of {{total}}")).toEqual([]);
    expect(check("bot:progress.line", "ru", "Вопрос {{position}}", "Question {{position}} of {{total}}")[0]).toMatch(/placeholder \{\{total\}\} missing/);
    expect(check("bot:progress.line", "ru", "Вопрос {{pos}} из {{total}}", "Question {{position}} of {{total}}").join()).toMatch(/unknown placeholder \{\{pos\}\}/);
  });

  it("is in the language's script", () => {
    expect(check("bot:x", "ky", "Жардам керекпи?", "")).toEqual([]);
    expect(check("bot:x", "ky", "Жардам kerek?", "")[0]).toMatch(/Latin letters/);
    expect(check("bot:x", "ky", "Көмек қажет пе?", "")[0]).toMatch(/Kazakh letters/);
    expect(check("bot:x", "ru", "Нужна помощь? Откройте Telegram", "")).toEqual([]);
    expect(check("bot:x", "uz", "Yordam kerakmi? Oʻzingiz tanlang", "")).toEqual([]);
    expect(check("bot:x", "uz", "Yordam kerakmi? O'zingiz tanlang", "")[0]).toMatch(/U\+02BB/);
    expect(check("bot:x", "uz", "Ёрдам керакми?", "")[0]).toMatch(/Cyrillic letters/);
  });

  it("fits where it is shown: a button label at most 40 characters", () => {
    expect(check("survey:q.d_remit_freq.o.monthly", "ru", "Раз в месяц", "Once a month")).toEqual([]);
    expect(check("survey:q.d_remit_freq.o.monthly", "ru", "Примерно один раз в каждый календарный месяц", "Once a month")[0]).toMatch(/44 characters, more than the 40 a button can show/);
  });
});
