/**
 * Each language is written in its own script and alphabet: a Kazakh reader never meets a Latin
 * "c" posing as "с", Kyrgyz is not Kazakh, and Uzbek oʻ/gʻ use the letter U+02BB that the
 * transliterator (and every Uzbek keyboard layout) expects.
 */
import { describe, expect, it } from "vitest";
import type { Language } from "../../src/locales/i18n.ts";
import { LATIN_ALLOWED_IN_CYRILLIC, prose, strayLatinWords, textsOf } from "./resources.ts";

const CYRILLIC = /[\u0400-\u04FF\u0500-\u052F]/u;

function offenders(lang: Language, check: (text: string) => string | undefined): string[] {
  return [...textsOf(lang)].flatMap(([key, text]) => {
    const problem = check(text);
    return problem === undefined ? [] : [`${key}: ${problem} in ${JSON.stringify(text.slice(0, 80))}`];
  });
}

/** Share of texts with at least one of `letters` (prose only; placeholders do not count). */
function shareWithAny(lang: Language, letters: string): number {
  const texts = [...textsOf(lang).values()].map(prose).filter((text) => CYRILLIC.test(text));
  return texts.filter((text) => [...letters].some((letter) => text.toLowerCase().includes(letter))).length / texts.length;
}

function lettersUsed(lang: Language, letters: string): string[] {
  const all = [...textsOf(lang).values()].map((text) => prose(text).toLowerCase()).join("\n");
  return [...letters].filter((letter) => all.includes(letter));
}

describe("Cyrillic languages contain no Latin letters, except Telegram and QR", () => {
  it.each(["kk", "ky", "ru"] as const)("%s", (lang) => {
    expect(offenders(lang, (text) => (strayLatinWords(text).length ? `Latin ${strayLatinWords(text).join(", ")}` : undefined))).toEqual([]);
  });

  it("catches a Latin look-alike letter inside a Cyrillic word", () => {
    expect(strayLatinWords("Сіз Қазақстанда тұрасыз ба? Telegram, /start, {{city}}, QR-код")).toEqual([]);
    expect(strayLatinWords("Cіз Қазақстанда")).toEqual(["C"]); // Latin C, Cyrillic і
  });
});

describe("Russian", () => {
  it("has only letters of the Russian alphabet (no Kazakh ң or қ in a place name)", () => {
    const nonRussian = (text: string) =>
      prose(text)
        .replace(/[A-Za-z]+/g, (word) => (LATIN_ALLOWED_IN_CYRILLIC.has(word) ? "" : word))
        .match(/[^\P{L}а-яёА-ЯЁ]/u)?.[0];
    expect(offenders("ru", nonRussian)).toEqual([]);
  });
});

describe("Kazakh", () => {
  const KAZAKH_LETTERS = "әғқңөұүһі";

  it("uses its own letters, as Kazakh does on almost every line", () => {
    // һ is rare in everyday words, so ask for eight of the nine letters, not all of them.
    expect(lettersUsed("kk", KAZAKH_LETTERS).length, `used: ${lettersUsed("kk", KAZAKH_LETTERS).join(" ")}`).toBeGreaterThanOrEqual(8);
    // Russian written in Cyrillic would score near zero here.
    expect(shareWithAny("kk", KAZAKH_LETTERS)).toBeGreaterThan(0.7);
  });
});

describe("Kyrgyz", () => {
  it("uses ң ө ү on most lines", () => {
    expect(lettersUsed("ky", "ңөү")).toEqual(["ң", "ө", "ү"]);
    // About half of the Kyrgyz texts have one (short labels such as «Жок» often do not);
    // Russian pasted in would score zero.
    expect(shareWithAny("ky", "ңөү")).toBeGreaterThan(0.4);
  });

  it("has none of the Kazakh-only letters ә ғ қ ұ һ і", () => {
    expect(offenders("ky", (text) => text.match(/[әғқұһіӘҒҚҰҺІ]/u)?.[0])).toEqual([]);
  });
});

describe("Uzbek Latin", () => {
  it("has no Cyrillic letters", () => {
    expect(offenders("uz", (text) => text.match(CYRILLIC)?.[0])).toEqual([]);
  });

  it("uses only letters of the Uzbek Latin alphabet (no c outside ch, no w)", () => {
    expect(offenders("uz", (text) => prose(text).match(/\p{L}*(?:c(?!h)|w)\p{L}*/iu)?.[0])).toEqual([]);
  });

  it("writes oʻ and gʻ with U+02BB, never ' ‘ ’ ` or ʼ", () => {
    expect(offenders("uz", (text) => prose(text).match(/[OoGg]['‘’`ʼ]/u)?.[0])).toEqual([]);
  });

  it("writes the tutuq belgisi with U+02BC, never ' or ’ between letters", () => {
    expect(offenders("uz", (text) => prose(text).match(/\p{L}['’]\p{L}/u)?.[0])).toEqual([]);
  });

  it("actually uses oʻ and gʻ (the test above would pass on text without them)", () => {
    expect(lettersUsed("uz", "ʻ")).toEqual(["ʻ"]);
    const all = [...textsOf("uz").values()].join("\n");
    expect(all).toMatch(/oʻ/u);
    expect(all).toMatch(/gʻ/u);
  });
});

describe("Uzbek Cyrillic (derived)", () => {
  /**
   * The transliterator keeps a short list of words in Latin (international acronyms, IOM, and
   * START, the label of Telegram's own button). Any other Latin word in a Cyrillic text is a slip,
   * so only these may appear.
   */
  const LATIN_ACRONYMS = new Set(["QR", "IIN", "IOM", "ID", "IT", "START"]);

  it(`has no Latin letters outside placeholders, commands and the acronyms ${[...LATIN_ACRONYMS].join(" ")}`, () => {
    const strayLatin = (text: string) => (prose(text).match(/[A-Za-z]+/g) ?? []).filter((word) => !LATIN_ACRONYMS.has(word));
    expect(offenders("uz-Cyrl", (text) => (strayLatin(text).length ? `Latin ${strayLatin(text).join(", ")}` : undefined))).toEqual([]);
  });

  it("uses the Uzbek Cyrillic letters ў қ ғ ҳ", () => {
    expect(lettersUsed("uz-Cyrl", "ўқғҳ")).toEqual(["ў", "қ", "ғ", "ҳ"]);
  });
});
