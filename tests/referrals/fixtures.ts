/**
 * Test data for the referral tests. Fixture entries carry no phone numbers (a made-up number in
 * a test could leak into a real directory by copy and paste); the shipped file supplies real ones.
 */
import { readFileSync } from "node:fs";
import { DEFAULT_DIRECTORY_FILE } from "../../src/referrals/directory.ts";
import type { Translate } from "../../src/referrals/render.ts";
import type { Category, EntryInput, ServiceArea } from "../../src/referrals/schema.ts";
import { createTranslator, type Language } from "../../src/locales/i18n.ts";

/** A fresh copy of the shipped directory file, loosely typed so tests can break it. */
export function shippedFile(): { version: unknown; entries: Record<string, unknown>[] } {
  return JSON.parse(readFileSync(DEFAULT_DIRECTORY_FILE, "utf8")) as { version: unknown; entries: Record<string, unknown>[] };
}

/** A valid entry reachable by website only, named after its id in every language's script. */
export function fixtureEntry(id: string, city: ServiceArea, categories: Category[], extra: Partial<EntryInput> = {}): EntryInput {
  const cyr = `Служба ${id.replace(/[^0-9]/g, "") || "один"}`;
  return {
    id,
    city,
    categories,
    name: { en: `Service ${id}`, ru: cyr, uz: `Xizmat ${id}`, ky: cyr, kk: cyr },
    description: { en: "One line.", ru: "Одна строка.", uz: "Bir qator.", ky: "Бир сап.", kk: "Бір жол." },
    phones: [],
    website: `https://example.org/${id}`,
    source: { title: "Test fixture", url: "https://example.org/source" },
    checked: "2026-11-24",
    ...extra,
  };
}

/** A `t` bound to one language that fails the test on any missing key instead of falling back. */
export function strictTranslate(lang: Language): Translate {
  const translator = createTranslator({
    onMissingKey: (lng, key) => {
      throw new Error(`missing translation ${key} in ${lng}`);
    },
  });
  return (key, params) => translator.t(lang, key, params);
}
