import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { LOCALES_DIR, SOURCE_LANGUAGES } from "../../src/locales/i18n.ts";
import { CATEGORIES, SERVICE_CITIES } from "../../src/referrals/schema.ts";
import { strictTranslate } from "./fixtures.ts";

type Tree = { [key: string]: string | Tree };

function load(lang: string): Tree {
  return JSON.parse(readFileSync(join(LOCALES_DIR, lang, "referrals.json"), "utf8")) as Tree;
}

function flatten(tree: Tree, prefix = ""): Map<string, string> {
  const out = new Map<string, string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix ? `${prefix}.${key}` : key;
    if (typeof value === "string") out.set(path, value);
    else for (const [k, v] of flatten(value, path)) out.set(k, v);
  }
  return out;
}

const placeholders = (text: string) => [...text.matchAll(/\{\{\s*(\w+)\s*\}\}/g)].map((m) => m[1]).sort();
const resources = new Map(SOURCE_LANGUAGES.map((lang) => [lang, flatten(load(lang))]));
const english = resources.get("en")!;

describe("referral texts", () => {
  it.each(SOURCE_LANGUAGES)("%s has exactly the English keys, none empty, with the same placeholders", (lang) => {
    const texts = resources.get(lang)!;
    expect([...texts.keys()].sort()).toEqual([...english.keys()].sort());
    for (const [key, text] of texts) {
      expect(text.trim(), `${lang} ${key}`).not.toBe("");
      expect(placeholders(text), `${lang} ${key}`).toEqual(placeholders(english.get(key)!));
    }
  });

  it("names every category, offers every category and names every study city", () => {
    for (const category of CATEGORIES) {
      expect(english.has(`category.${category}`), category).toBe(true);
      expect(english.has(`offer.${category}`), category).toBe(true);
    }
    for (const city of SERVICE_CITIES) expect(english.has(`city.${city}`), city).toBe(true);
  });

  it.each(SOURCE_LANGUAGES)("%s keeps button labels (buttons and topic names) to 40 characters", (lang) => {
    for (const [key, text] of resources.get(lang)!) {
      if (key.startsWith("buttons.") || key.startsWith("category.")) expect([...text].length, `${lang} ${key}: ${text}`).toBeLessThanOrEqual(40);
    }
  });

  it("writes Russian, Kyrgyz and Kazakh in Cyrillic, and Uzbek in Latin with ʻ", () => {
    const outsidePlaceholdersAndCommands = (text: string) => text.replace(/\{\{\w+\}\}|\/[a-z]+/g, "");
    for (const lang of ["ru", "ky", "kk"] as const) {
      for (const [key, text] of resources.get(lang)!) expect(outsidePlaceholdersAndCommands(text), `${lang} ${key}`).not.toMatch(/[A-Za-z]/);
    }
    for (const [key, text] of resources.get("uz")!) {
      expect(text, `uz ${key}`).not.toMatch(/[\u0400-\u04FF]/);
      expect(text, `uz ${key}`).not.toMatch(/[OoGg]['‘’`]/);
    }
  });

  it("asks with the polite form of address", () => {
    expect(resources.get("ru")!.get("urgent.intro")).toMatch(/(^|\s)вам\s/i);
    expect(resources.get("uz")!.get("offer.health")).toMatch(/siz/);
    expect(resources.get("ky")!.get("offer.health")).toMatch(/ңүз/);
    expect(resources.get("kk")!.get("offer.health")).toMatch(/ңіз/);
  });

  it("resolves through i18next, and a missing key fails instead of falling back silently", () => {
    const t = strictTranslate("kk");
    expect(t("referrals:city_line", { city: t("referrals:city.almaty") })).toBe("Қала: Алматы");
    expect(() => t("referrals:no_such_key")).toThrow(/missing translation/);
  });
});
