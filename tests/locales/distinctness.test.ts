/**
 * A translation that is really the Russian (or English) text pasted in would pass every other
 * test. A few identical texts are normal (a loanword, "OK"), so at most 5% may match.
 *
 * Not counted: texts without letters (numbers, ranges, punctuation, emoji, placeholders) and
 * place names, which rightly look alike (see isPlaceName: cities, districts, countries).
 */
import { describe, expect, it } from "vitest";
import { english, isPlaceName, prose, russian, textsOf } from "./resources.ts";

const MAX_SHARE_IDENTICAL = 0.05;

const hasLetters = (text: string) => /\p{L}/u.test(prose(text));

/** Texts of `lang` that count, and those equal to the Russian or English text of the same key. */
function copies(lang: "uz" | "ky" | "kk"): { counted: number; identical: string[] } {
  let counted = 0;
  const identical: string[] = [];
  for (const [key, text] of textsOf(lang)) {
    if (isPlaceName(key) || !hasLetters(text)) continue;
    counted += 1;
    const normalized = text.trim().toLowerCase();
    if (normalized === russian.get(key)?.trim().toLowerCase()) identical.push(`${key} = ru ${JSON.stringify(text)}`);
    else if (normalized === english.get(key)?.trim().toLowerCase()) identical.push(`${key} = en ${JSON.stringify(text)}`);
  }
  return { counted, identical };
}

describe("no locale is a copy of Russian or English", () => {
  it.each(["uz", "ky", "kk"] as const)("%s: at most 5% of texts equal the Russian or English text", (lang) => {
    const { counted, identical } = copies(lang);
    expect(counted, `${lang} has texts to compare`).toBeGreaterThan(0);
    expect(identical.length / counted, identical.join("\n")).toBeLessThanOrEqual(MAX_SHARE_IDENTICAL);
  });

  it("excludes only names and texts without letters", () => {
    expect(isPlaceName("survey:q.a_district.o.alm_medeu")).toBe(true);
    expect(isPlaceName("survey:q.a_citizenship.o.russia")).toBe(true);
    expect(isPlaceName("survey:q.c_last_country.o.kyrgyzstan")).toBe(true);
    expect(isPlaceName("survey:q.c_last_country.o.country_of_origin")).toBe(false);
    expect(isPlaceName("survey:q.a_city.o.other_kz")).toBe(false); // "Somewhere else in Kazakhstan" is prose
    expect(isPlaceName("survey:q.a_city.text")).toBe(false);
    expect(hasLetters("18–24")).toBe(false);
    expect(hasLetters("{{bar}} {{percent}}%")).toBe(false);
    expect(hasLetters("Ha")).toBe(true);
  });
});
