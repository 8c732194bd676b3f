/**
 * The language picker: each language named in itself and in its own script, so a person who
 * reads only one of them still finds it.
 */
import { describe, expect, it } from "vitest";
import { createTranslator, LANGUAGES } from "../../src/locales/i18n.ts";
import { resources } from "./resources.ts";

const SELF_NAMES = {
  uz: "Oʻzbekcha",
  "uz-Cyrl": "Ўзбекча",
  ky: "Кыргызча",
  ru: "Русский",
  kk: "Қазақша",
  en: "English",
} as const;

describe("language picker", () => {
  const translator = createTranslator({ resources });

  it("names every offered language in itself", () => {
    expect(Object.keys(SELF_NAMES).sort()).toEqual([...LANGUAGES].sort());
    for (const lang of LANGUAGES) expect(translator.t(lang, "bot:language.self_name"), lang).toBe(SELF_NAMES[lang]);
  });

  it("shows six different names, so no two buttons look the same", () => {
    expect(new Set(LANGUAGES.map((lang) => translator.t(lang, "bot:language.self_name"))).size).toBe(LANGUAGES.length);
  });

  it("writes Uzbek Latin with U+02BB and the Cyrillic names without Latin look-alikes", () => {
    expect(translator.t("uz", "bot:language.self_name")).toContain("\u02BB");
    for (const lang of ["uz-Cyrl", "ky", "ru", "kk"] as const) expect(translator.t(lang, "bot:language.self_name"), lang).toMatch(/^[\u0400-\u04FF]+$/u);
  });
});
