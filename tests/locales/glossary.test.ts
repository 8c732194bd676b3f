/**
 * The same term for the same thing throughout: wherever the English text names a glossary term,
 * the translation uses that language's term from src/locales/GLOSSARY.md (matched by its stem,
 * so case endings are allowed). uz-Cyrl follows from uz.
 */
import { describe, expect, it } from "vitest";
import { english, textsOf } from "./resources.ts";

interface Term {
  english: RegExp;
  /** Stem of the glossary term per language, matched case-insensitively. */
  stems: Record<"uz" | "ky" | "ru" | "kk", string>;
}

const TERMS: Record<string, Term> = {
  IOM: { english: /\bIOM\b/, stems: { uz: "IOM", ky: "ЭМУ", ru: "МОМ", kk: "ХКҰ" } },
  IIN: { english: /\bIIN\b/, stems: { uz: "IIN", ky: "ИИН", ru: "ИИН", kk: "ЖСН" } },
  survey: { english: /\bsurvey\b/i, stems: { uz: "soʻrovnoma", ky: "сурамжыл", ru: "опрос", kk: "сауалнама" } },
};

describe("glossary terms are used consistently", () => {
  for (const [name, term] of Object.entries(TERMS)) {
    it.each(["uz", "ky", "ru", "kk"] as const)(`${name}: %s uses its glossary term wherever English does`, (lang) => {
      const keys = [...english].filter(([key, text]) => term.english.test(text)).map(([key]) => key);
      expect(keys.length, `English texts naming ${name}`).toBeGreaterThan(0);
      const stem = term.stems[lang].toLowerCase();
      const without = keys.filter((key) => !(textsOf(lang).get(key) ?? "").toLowerCase().includes(stem));
      expect(without.map((key) => `${key}: ${textsOf(lang).get(key)}`)).toEqual([]);
    });
  }
});
