/**
 * The findings of the language review of November 2026 (../shared/reviews/locales-2026-11.md),
 * each pinned by the words that carry the corrected meaning, and by the absence of the words
 * that carried the wrong one. The texts are careful non-native corrections, still unreviewed
 * (src/locales/reviews.json): a native speaker signs them off before fieldwork.
 */
import { describe, expect, it } from "vitest";
import { loadConfig } from "../../src/platform/config.ts";
import { textParamsByLanguage } from "../../src/platform/text-params.ts";
import { createTranslator, type Language } from "../../src/locales/i18n.ts";
import { strayLatinWords, textsOf } from "./resources.ts";

const text = (lang: Language, key: string): string => {
  const value = textsOf(lang).get(key);
  if (value === undefined) throw new Error(`${lang} has no ${key}`);
  return value;
};

interface Finding {
  key: string;
  /** Per language: words the corrected text must have, and words of the wrong meaning it must not. */
  langs: Partial<Record<Language, { has: string[]; not?: string[] }>>;
}

const FINDINGS: Record<string, Finding> = {
  "divorced or separated from the spouse (marriage not dissolved), not 'we live apart'": {
    key: "survey:q.b_marital.o.divorced_separated",
    langs: {
      ru: { has: ["Разведён(а)", "расстались", "без развода"], not: ["живём отдельно"] },
      kk: { has: ["Ажырасқанмын", "жұбайымнан", "бөлін"], not: ["бөлек тұрамыз"] },
      ky: { has: ["Ажырашкам", "жубайымдан", "бөлүн"], not: ["өзүнчө жашайм"] },
      uz: { has: ["Ajrashganman", "ajralib ketgan"], not: ["alohida yashayman"] },
      "uz-Cyrl": { has: ["Ажрашганман", "ажралиб кетган"], not: ["алоҳида яшайман"] },
    },
  },
  "married = registered or religious marriage, not cohabitation; a spouse abroad is still married": {
    key: "survey:q.b_marital.hint",
    langs: {
      en: { has: ["registered", "religious", "another country", "Living together without marriage is not"], not: ["civil"] },
      ru: { has: ["ЗАГС", "никах", "в другой стране", "без брака, это не брак"], not: ["гражданский"] },
      kk: { has: ["тіркелген неке", "діни неке", "басқа елде", "Некесіз бірге тұру кірмейді"], not: ["бірге тұру да кіреді"] },
      ky: { has: ["ЗАГС", "нике", "башка өлкөдө", "Никесиз чогуу жашоо нике болуп эсептелбейт"] },
      uz: { has: ["ZAGS", "diniy nikoh", "boshqa davlatda", "Nikohsiz birga yashash nikoh hisoblanmaydi"] },
    },
  },
  "Kyrgyz remittance question asks how often, not how much money": {
    key: "survey:q.d_remit_freq.text",
    langs: { ky: { has: ["тез-тез"], not: ["канчалык көп"] } },
  },
  "part-time, not half a day (by choice)": {
    key: "survey:q.d_emp_status.o.part_time_choice",
    langs: { ky: { has: ["Толук эмес"], not: ["Жарым күн"] }, uz: { has: ["Toʻliqsiz"], not: ["Yarim kun"] } },
  },
  "part-time, not half a day (no full-time job)": {
    key: "survey:q.d_emp_status.o.part_time_no_ft",
    langs: { ky: { has: ["Толук эмес"], not: ["Жарым күн"] }, uz: { has: ["Toʻliqsiz"], not: ["Yarim kun"] } },
  },
  "income sufficiency is about the respondent's household here, not the family at home": {
    key: "survey:q.d_income_sufficiency.text",
    langs: {
      ky: { has: ["бул жерде", "сиз менен жашаган"] },
      uz: { has: ["shu yerda", "siz bilan yashaydigan"] },
      ru: { has: ["здесь"] },
      kk: { has: ["осындағы"] },
      en: { has: ["household", "in Kazakhstan"] },
    },
  },
  "the minimum wage is in tenge": {
    key: "survey:q.d_wage_vs_min.text",
    langs: {
      en: { has: ["{{minWage}} tenge"] },
      ru: { has: ["{{minWage}} тенге"] },
      kk: { has: ["{{minWage}} теңге"] },
      ky: { has: ["{{minWage}} теңге"] },
      uz: { has: ["{{minWage}} tenge"] },
      "uz-Cyrl": { has: ["{{minWage}} тенге"] },
    },
  },
  "Russian: an age, not a quantity": { key: "survey:q.a_age_group.o.under_18", langs: { ru: { has: ["Младше 18 лет"], not: ["Меньше"] } } },
  "Kazakh: remitting irregularly, not 'various'": {
    key: "survey:q.d_remit_freq.o.less_often_irregular",
    langs: { kk: { has: ["тұрақсыз"], not: ["әртүрлі"] }, uz: { has: ["siyrakroq"], not: ["Kamroq"] } },
  },
  "Kazakh: 'which of them' in the deprivation question": { key: "survey:q.e_deprivation.text", langs: { kk: { has: ["қайсысына"], not: ["оған"] } } },
  "Kazakh: accusative 0-ді": { key: "survey:q.e_household_size.hint", langs: { kk: { has: ["0-ді таңдаңыз"] } } },
  "Kazakh: a passport for travel abroad, not a 'foreign passport'": {
    key: "survey:q.c_entry_document.o.intl_passport",
    langs: { kk: { has: ["Шетелге шығу"], not: ["Шетелдік"] } },
  },
  "utility bills among the arrears": {
    key: "survey:q.e_deprivation.o.avoid_arrears",
    langs: { kk: { has: ["коммунал", "уақтылы"] }, ky: { has: ["коммунал", "убагында"] } },
  },
  "Kazakh: the state employment agency": { key: "survey:q.d_job_found.o.public_agency_origin", langs: { kk: { has: ["жұмыспен қамту"] } } },
  "Kyrgyz: an interview conducted, not 'taken'": {
    key: "survey:q.a_prev_interview.text",
    langs: { ky: { has: ["жүргүзгөнбү"], not: ["алганбы"] } },
  },
  "Kyrgyz: the Astana district is Байконыр, not the cosmodrome": { key: "survey:q.a_district.o.ast_baikonyr", langs: { ky: { has: ["Байконыр"] } } },
  "Uzbek: the move was for someone's work": {
    key: "survey:q.c_work_for_whom.o.both",
    langs: { uz: { has: ["turmush oʻrtogʻim", "ishi uchun"] } },
  },
  "Uzbek: the move was for the work of the spouse or family": {
    key: "survey:q.c_work_for_whom.o.spouse_family",
    langs: { uz: { has: ["ishi uchun"] } },
  },
  "Uzbek: 'my personal number'": { key: "survey:q.e_health_barrier.o.no_iin", langs: { uz: { has: ["shaxsiy raqamim"] } } },
  "Uzbek: computers and IT, in everyday words": { key: "survey:q.b_edu_field.o.ict", langs: { uz: { has: ["Kompyuter", "IT"], not: ["Axborot texnologiyalari"] }, "uz-Cyrl": { has: ["Компьютер", "IT"], not: ["ИТ"] } } },
  "Uzbek: plain questions about the barriers": {
    key: "survey:q.e_housing_barrier.text",
    langs: { uz: { has: ["Nega", "Asosiy sababini tanlang"], not: ["yoʻqligining"] } },
  },
  "Uzbek: plain question about health care": {
    key: "survey:q.e_health_barrier.text",
    langs: { uz: { has: ["Nega", "Asosiy sababini tanlang"], not: ["olmasligingizning"] } },
  },
  "protection: forced labour in everyday words, not 'exploitation'": {
    key: "referrals:category.protection",
    langs: {
      kk: { has: ["мәжбүрлі еңбек", "адам саудасы"], not: ["қанау"] },
      ky: { has: ["мажбур эмгек", "адам сатуу"], not: ["эксплуатация"] },
      uz: { has: ["majburiy mehnat", "odam savdosi"], not: ["ekspluatatsiya"] },
    },
  },
  "protection offer: forced labour and unpaid wages": {
    key: "referrals:offer.protection",
    langs: {
      kk: { has: ["мәжбүрлі еңбек", "жалақы"], not: ["қанау"] },
      ky: { has: ["мажбурлап иштетүү", "эмгек акы"], not: ["эксплуатация"] },
      uz: { has: ["majburiy mehnat", "ish haqi"], not: ["ekspluatatsiya"] },
    },
  },
  "Uzbek glossary: Ostona": { key: "referrals:city.astana", langs: { uz: { has: ["Ostona"] } } },
  "Uzbek glossary: propiska": { key: "referrals:category.documents", langs: { uz: { has: ["propiska"], not: ["roʻyxatga olish"] } } },
  "Uzbek glossary: muhojir": { key: "referrals:end.offer", langs: { uz: { has: ["Muhojirlarga"], not: ["Migrantlarga"] } } },
  "Kyrgyz glossary: жөнөтүңүз": { key: "referrals:declined", langs: { ky: { has: ["жөнөтүңүз"], not: ["жибериңиз"] } } },
  "Uzbek Cyrillic: Telegram's START button stays START": { key: "bot:private_only", langs: { uz: { has: ["«START»"] }, "uz-Cyrl": { has: ["«START»"], not: ["Старт"] } } },
  "Uzbek Cyrillic: Belarus keeps its soft sign": { key: "survey:q.a_citizenship.o.belarus", langs: { "uz-Cyrl": { has: ["Беларусь"] } } },
};

describe("the November 2026 review's findings stay fixed", () => {
  for (const [name, finding] of Object.entries(FINDINGS)) {
    it.each(Object.entries(finding.langs) as Array<[Language, { has: string[]; not?: string[] }]>)(`${name}: %s`, (lang, { has, not = [] }) => {
      const value = text(lang, finding.key);
      for (const word of has) expect(value, `${lang} ${finding.key} should say “${word}”`).toContain(word);
      for (const word of not) expect(value, `${lang} ${finding.key} should not say “${word}”`).not.toContain(word);
    });
  }

  it("Kyrgyz and Uzbek use the glossary words everywhere (no жибериңиз, no ekspluatatsiya, no roʻyxatga olish)", () => {
    expect([...textsOf("ky").values()].filter((t) => t.includes("жибериңиз"))).toEqual([]);
    expect([...textsOf("uz").values()].filter((t) => /ekspluatatsiya|roʻyxatga olish|Migrantlarga/.test(t))).toEqual([]);
  });

  it("Russian counts days in words that agree with the number (365 дней, 21 день, 3 дня), never «дн.»", () => {
    const ru = createTranslator().fixed("ru");
    expect([...textsOf("ru").values()].filter((t) => t.includes(" дн."))).toEqual([]);
    const consent = (retentionDays: number) => ru("survey:q.a_consent.text", { organisation: "МОМ", retentionDays });
    expect(consent(365)).toContain("365 дней");
    expect(consent(21)).toContain("21 день");
    expect(consent(3)).toContain("3 дня");
    const privacy = ru("bot:privacy.text", { retentionDays: 365, sessionDays: 30 });
    expect(privacy).toContain("365 дней");
    expect(privacy).toContain("30 дней");
  });

  it("Uzbek Cyrillic never turns IOM or IT into Cyrillic", () => {
    expect([...textsOf("uz-Cyrl")].filter(([, t]) => /ИОМ|\bИТ\b/u.test(t)).map(([k]) => k)).toEqual([]);
    expect([...textsOf("uz-Cyrl").values()].some((t) => t.includes("IOM"))).toBe(true);
  });
});

describe("the organisation is named in each language", () => {
  const translator = createTranslator();
  const consent = (lang: Language, env: Record<string, string> = {}) =>
    translator.t(lang, "survey:q.a_consent.text", textParamsByLanguage(loadConfig(env), translator).get(lang)!);

  it.each([
    ["ru", "Этот опрос проводит МОМ (Международная организация по миграции)."],
    ["kk", "Бұл сауалнаманы ХКҰ (Халықаралық көші-қон ұйымы) өткізеді."],
    ["ky", "Бул сурамжылоону ЭМУ (Эл аралык миграция уюму) Казакстандагы"],
    ["uz", "Bu soʻrovnomani IOM (Xalqaro migratsiya tashkiloti) Qozogʻistondagi"],
    ["uz-Cyrl", "Бу сўровномани IOM (Халқаро миграция ташкилоти) Қозоғистондаги"],
    ["en", "This survey is run by IOM Kazakhstan for a research study"],
  ] as Array<[Language, string]>)("%s: the consent's first sentence names it in the language", (lang, sentence) => {
    expect(consent(lang)).toContain(sentence);
  });

  it.each(["ru", "kk", "ky"] as Language[])("%s: no English word in the consent by default", (lang) => {
    expect(strayLatinWords(consent(lang))).toEqual([]);
  });

  it("takes SURVEY_ORGANISATION in every language, and a language's own variable over it (uz-Cyrl transliterated from _UZ)", () => {
    const env = { SURVEY_ORGANISATION: "Partner NGO", SURVEY_ORGANISATION_KY: "Өнөктөш уюм", SURVEY_ORGANISATION_UZ: "Hamkor tashkilot" };
    expect(consent("ky", env)).toContain("Бул сурамжылоону Өнөктөш уюм ");
    expect(consent("uz", env)).toContain("Bu soʻrovnomani Hamkor tashkilot ");
    expect(consent("uz-Cyrl", env)).toContain("Бу сўровномани Ҳамкор ташкилот ");
    expect(consent("ru", env)).toContain("Этот опрос проводит Partner NGO.");
    expect(consent("en", env)).toContain("run by Partner NGO for");
  });
});
