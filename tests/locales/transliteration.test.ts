/**
 * Uzbek Cyrillic is generated from Uzbek Latin, so the transliterator is the only thing between
 * the Latin texts and a reader of Cyrillic. Known pairs from the 1995 alphabet pin its rules.
 */
import { describe, expect, it } from "vitest";
import { uzbekLatinToCyrillic } from "../../src/locales/uzbek-cyrillic.ts";
import { resources, textsOf } from "./resources.ts";

/** Latin → Cyrillic, one rule (or trap) per row where possible. */
const WORD_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ["salom", "салом"],
  ["oʻzbek", "ўзбек"], // oʻ → ў
  ["Oʻzbekiston", "Ўзбекистон"], // capital Oʻ
  ["gʻisht", "ғишт"], // gʻ → ғ
  ["Qozogʻiston", "Қозоғистон"], // q → қ, gʻ inside a word
  ["shahar", "шаҳар"], // sh → ш, h → ҳ
  ["choy", "чой"], // ch → ч, final y → й
  ["ishchi", "ишчи"], // sh and ch side by side
  ["yoʻq", "йўқ"], // y + oʻ, not yo + ʻ
  ["yordam", "ёрдам"], // yo → ё
  ["yosh", "ёш"],
  ["Yordam", "Ёрдам"],
  ["ayol", "аёл"], // yo inside a word
  ["tayyor", "тайёр"], // y + yo
  ["daryo", "дарё"],
  ["yana", "яна"], // ya → я
  ["yangi", "янги"],
  ["yurt", "юрт"], // yu → ю
  ["yuz", "юз"],
  ["yetti", "етти"], // ye → е
  ["yil", "йил"], // y before i stays й
  ["ertaga", "эртага"], // e at the start → э
  ["Eshik", "Эшик"],
  ["mehnat", "меҳнат"], // e after a consonant → е
  ["oila", "оила"],
  ["maʼlumot", "маълумот"], // tutuq belgisi ʼ → ъ
  ["taʼlim", "таълим"],
  ["sheʼr", "шеър"],
  ["eʼlon", "эълон"],
  ["Toshkent", "Тошкент"],
  ["xat", "хат"], // x → х
  ["javob", "жавоб"], // j → ж
  ["savol", "савол"],
  ["qishloq", "қишлоқ"],
  ["politsiya", "полиция"], // ts before i → ц
  ["migratsiya", "миграция"],
  ["soʻrovnoma", "сўровнома"],
  ["tugʻilgan", "туғилган"],
  ["koʻcha", "кўча"],
  ["shoʻrva", "шўрва"],
  ["gʻalaba", "ғалаба"],
  ["kuyov", "куёв"],
  ["Chimkent", "Чимкент"],
  ["Olmaota", "Олмаота"],
  ["telefon", "телефон"],
  ["ish beruvchi", "иш берувчи"],
  ["Shahar", "Шаҳар"],
  ["BMTning", "БМТнинг"], // an Uzbek acronym with a suffix is Uzbek
];

/**
 * The review of November 2026 (../shared/reviews/locales-2026-11.md): every pair of its table,
 * and the errors it found in the texts of the day. Each is a rule the letters alone get wrong.
 */
const REVIEW_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ["ketsin", "кетсин"], // ket + sin: ts at a morpheme boundary stays тс
  ["aytsin", "айтсин"],
  ["sentabr", "сентябрь"], // Russian loanwords, spelled as in Russian
  ["oktabr", "октябрь"],
  ["rayon", "район"],
  ["obyekt", "объект"],
  ["stansiya", "станция"],
  ["aksiya", "акция"],
  ["kompyuter", "компьютер"],
  ["sirk", "цирк"],
  ["Belarus", "Беларусь"], // the soft sign the review found lost
];

/** More of the same rules: suffixes after a stem, other boundaries, loanwords that keep ц. */
const BOUNDARY_AND_LOANWORD_PAIRS: ReadonlyArray<readonly [string, string]> = [
  ["ketsa", "кетса"],
  ["yetsin", "етсин"],
  ["aytsangiz", "айтсангиз"],
  ["sotsial", "социал"], // ts + i + vowel: a loanword, ц
  ["protsent", "процент"], // ts + e: ц
  ["tsentr", "центр"],
  ["sentabrda", "сентябрьда"], // stem + Uzbek suffix
  ["Oktabrgacha", "Октябрьгача"],
  ["rayonlarda", "районларда"],
  ["kompyuterim", "компьютерим"],
  ["Belarusda", "Беларусьда"],
  ["sirka", "сирка"], // vinegar: not "sirk" + a suffix, so no ц
  ["rayonchi", "раёнчи"], // not a suffix the stem takes: the letter rules apply
];

describe("Uzbek Latin → Cyrillic, the review's pairs", () => {
  it.each(REVIEW_PAIRS)("%s → %s", (latin, cyrillic) => {
    expect(uzbekLatinToCyrillic(latin)).toBe(cyrillic);
  });

  it.each(BOUNDARY_AND_LOANWORD_PAIRS)("%s → %s", (latin, cyrillic) => {
    expect(uzbekLatinToCyrillic(latin)).toBe(cyrillic);
  });

  it("writes the loanwords inside a sentence, capitalised or not", () => {
    expect(uzbekLatinToCyrillic("Sentabr oyida rayon markaziga keting, u yerda aytsin.")).toBe("Сентябрь ойида район марказига кетинг, у ерда айтсин.");
  });

  it.each([
    ["IOM", "IOM (Xalqaro migratsiya tashkiloti)", "IOM (Халқаро миграция ташкилоти)"],
    ["IT", "Axborot texnologiyalari, IT", "Ахборот технологиялари, IT"],
    ["START", "«START» tugmasini bosing", "«START» тугмасини босинг"],
    ["a brand name", "WhatsApp yoki Viber orqali", "WhatsApp ёки Viber орқали"],
    ["a link", "Batafsil: https://www.gov.kz/memleket va egov.kz/cms", "Батафсил: https://www.gov.kz/memleket ва egov.kz/cms"],
    ["a bare www link", "Sayt: www.iom.int saytida", "Сайт: www.iom.int сайтида"],
    ["a /command", "/start yoki /delete yuboring", "/start ёки /delete юборинг"],
    ["a {{placeholder}}", "{{organisation}} va {{count}} ta savol", "{{organisation}} ва {{count}} та савол"],
    ["an e-mail address", "iomkazakhstan@iom.int ga yozing", "iomkazakhstan@iom.int га ёзинг"],
  ])("never transliterates %s", (_what, latin, cyrillic) => {
    expect(uzbekLatinToCyrillic(latin)).toBe(cyrillic);
  });

  it("protects a protected word only as a whole word (Iti is not IT, Startda is not START)", () => {
    expect(uzbekLatinToCyrillic("Iti")).toBe("Ити");
    expect(uzbekLatinToCyrillic("Startda")).toBe("Стартда");
  });
});

describe("Uzbek Latin → Cyrillic", () => {
  it.each(WORD_PAIRS)("%s → %s", (latin, cyrillic) => {
    expect(uzbekLatinToCyrillic(latin)).toBe(cyrillic);
  });

  it("has a table of at least 30 pairs", () => {
    expect(WORD_PAIRS.length).toBeGreaterThanOrEqual(30);
  });

  it("transliterates a sentence with its punctuation", () => {
    expect(uzbekLatinToCyrillic("Siz hozir qaysi shaharda yashaysiz?")).toBe("Сиз ҳозир қайси шаҳарда яшайсиз?");
    expect(uzbekLatinToCyrillic("«Javob bermayman» tugmasini bosing.")).toBe("«Жавоб бермайман» тугмасини босинг.");
  });

  it("leaves {{placeholders}}, /commands, links, tags, entities, @names and international acronyms as they are", () => {
    const latin = "Salom! {{count}} ta xabar. /start yoki /delete yuboring: https://t.me/survey_bot?start=alm-1 <b>Muhim</b> &amp; @iom_help, QR kod, ID-karta";
    expect(uzbekLatinToCyrillic(latin)).toBe(
      "Салом! {{count}} та хабар. /start ёки /delete юборинг: https://t.me/survey_bot?start=alm-1 <b>Муҳим</b> &amp; @iom_help, QR код, ID-карта",
    );
  });

  it("writes Uzbek acronyms in Cyrillic like any word (BMT → БМТ, XMT → ХМТ, IIN → ИИН)", () => {
    expect(uzbekLatinToCyrillic("BMT, XMT va IIN")).toBe("БМТ, ХМТ ва ИИН");
  });

  it("reads a slash inside a word as prose, not as a command", () => {
    expect(uzbekLatinToCyrillic("ha/yoʻq")).toBe("ҳа/йўқ");
  });

  it("is what the bot serves as uz-Cyrl, for every Uzbek text", () => {
    const latin = textsOf("uz");
    const cyrillic = textsOf("uz-Cyrl");
    expect(resources["uz-Cyrl"]).toBeDefined();
    expect(cyrillic.size).toBe(latin.size);
    for (const [key, text] of latin) expect(cyrillic.get(key), key).toBe(uzbekLatinToCyrillic(text));
  });
});
