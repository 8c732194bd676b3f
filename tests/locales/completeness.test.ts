/**
 * Every language has every text, with the right plural forms and the same placeholders, so no
 * migrant ever meets a blank label, a raw key, a Russian fallback or a "{{count}}" left unfilled.
 */
import { describe, expect, it } from "vitest";
import { createTranslator, type Language } from "../../src/locales/i18n.ts";
import {
  ALL_LANGUAGES,
  english,
  expectedKeys,
  logicalKeys,
  placeholders,
  pluralBase,
  pluralSuffixes,
  resources,
  textsOf,
} from "./resources.ts";

/** Counts that reach every CLDR category of our languages (ru: 1 one, 3 few, 5 many, 1.5 other). */
const SAMPLE_COUNTS = [0, 1, 2, 3, 5, 11, 21, 1.5];

describe("completeness", () => {
  it.each(ALL_LANGUAGES)("%s has exactly the English keys, with its own CLDR plural forms", (lang) => {
    const keys = new Set(textsOf(lang).keys());
    const wanted = expectedKeys(lang);
    expect([...wanted].filter((key) => !keys.has(key)), `missing in ${lang}`).toEqual([]);
    expect([...keys].filter((key) => !wanted.has(key)), `in ${lang} but not in English (or a plural form ${lang} does not use)`).toEqual([]);
  });

  it.each(ALL_LANGUAGES)("%s has no empty text", (lang) => {
    const empty = [...textsOf(lang)].filter(([, text]) => text.trim() === "").map(([key]) => key);
    expect(empty).toEqual([]);
  });

  it.each(ALL_LANGUAGES)("%s uses the same {{placeholders}} as English in every text and plural form", (lang) => {
    const mismatches: string[] = [];
    for (const [key, text] of textsOf(lang)) {
      const base = pluralBase(key, textsOf(lang));
      const englishText = base === undefined ? english.get(key) : english.get(`${base}_other`);
      if (englishText === undefined) continue; // reported by the key test
      const want = placeholders(englishText).join(",");
      const got = placeholders(text).join(",");
      if (got !== want) mismatches.push(`${key}: has {${got}}, English has {${want}}`);
    }
    expect(mismatches).toEqual([]);
  });

  it("English plural groups share one placeholder set, so the rule above is well defined", () => {
    const groups = new Map<string, Set<string>>();
    for (const [key, text] of english) {
      const base = pluralBase(key, english);
      if (base === undefined) continue;
      groups.set(base, (groups.get(base) ?? new Set()).add(placeholders(text).join(",")));
    }
    expect(groups.size).toBeGreaterThan(0);
    for (const [base, sets] of groups) expect([...sets], base).toHaveLength(1);
  });

  it("expects CLDR plural forms: Russian one/few/many/other, the others one/other", () => {
    expect(pluralSuffixes("ru")).toEqual(["_one", "_few", "_many", "_other"]);
    for (const lang of ["en", "uz", "uz-Cyrl", "ky", "kk"]) expect(pluralSuffixes(lang)).toEqual(["_one", "_other"]);
  });
});

describe("at run time", () => {
  /** Arguments for every placeholder of a key, so interpolation is exercised too. */
  function argsFor(key: string): Record<string, unknown> {
    const texts = [...english].filter(([k]) => k === key || pluralBase(k, english) === key).map(([, text]) => text);
    // Numbers where a text puts them through a plural ($t(bot:days, {"count": {{retentionDays}} })).
    return Object.fromEntries(texts.flatMap(placeholders).map((name) => [name, name === "count" || /days$/i.test(name) ? 21 : `‹${name}›`]));
  }

  it.each(ALL_LANGUAGES)("%s answers every English key itself, in the right plural form: nothing missing, nothing from the fallback", (lang: Language) => {
    const missing = new Set<string>();
    const translator = createTranslator({ resources, onMissingKey: (lng, key) => missing.add(`${lng} ${key}`) });
    const t = translator.fixed(lang);
    const fromElsewhere: string[] = [];
    const unfilled: string[] = [];
    for (const [key, { plural }] of logicalKeys()) {
      for (const count of plural ? SAMPLE_COUNTS : [undefined]) {
        const args = { ...argsFor(key), ...(count === undefined ? {} : { count }) };
        // returnDetails tells which language answered: a key missing in kk silently resolves in ru.
        const details = t(key, { ...args, returnDetails: true }) as unknown as { res: string; usedLng: string; exactUsedKey: string };
        if (details.usedLng !== lang) fromElsewhere.push(`${key} (count ${count}) came from ${details.usedLng}`);
        // A missing plural form silently falls back to _other ("3 сообщений"), so check the form used.
        const form = count === undefined ? undefined : `_${new Intl.PluralRules(lang).select(count)}`;
        if (form !== undefined && !details.exactUsedKey.endsWith(form)) fromElsewhere.push(`${key} (count ${count}) used ${details.exactUsedKey}, not ${form}`);
        const text = t(key, args) as string;
        if (/\{\{|\}\}/.test(text) || text.trim() === "") unfilled.push(`${key} (count ${count}): ${JSON.stringify(text)}`);
      }
    }
    expect([...missing]).toEqual([]);
    expect(fromElsewhere).toEqual([]);
    expect(unfilled).toEqual([]);
  });

  it("chooses the Russian plural form by CLDR rules (1 and 21 one, 3 few, 5 many, 1.5 other)", () => {
    const translator = createTranslator({ resources });
    const cases: Array<[number, string]> = [[1, "_one"], [21, "_one"], [3, "_few"], [5, "_many"], [1.5, "_other"]];
    for (const [count, suffix] of cases) {
      const form = textsOf("ru").get(`bot:delete.cleared${suffix}`);
      expect(form, `ru bot:delete.cleared${suffix}`).toBeDefined();
      expect(translator.t("ru", "bot:delete.cleared", { count })).toBe(form!.replace("{{count}}", String(count)));
    }
  });
});
