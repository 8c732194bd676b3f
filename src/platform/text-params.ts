/**
 * Values the survey texts interpolate ({{organisation}}, {{retentionDays}}, …), per language.
 *
 * The organisation's name is a text of each language (`survey:organisation`: МОМ, ХКҰ, ЭМУ,
 * IOM (Xalqaro migratsiya tashkiloti), IOM Kazakhstan), so the consent never drops an English
 * name into a Russian or Kyrgyz sentence. An operator who runs the survey for another
 * organisation sets SURVEY_ORGANISATION (every language) and, where the name differs by
 * language, SURVEY_ORGANISATION_RU, _KK, _KY, _UZ, _EN; Uzbek Cyrillic is derived from _UZ.
 */
import { isLanguage, LANGUAGES, type Language, type Translator } from "../locales/i18n.ts";
import { uzbekLatinToCyrillic } from "../locales/uzbek-cyrillic.ts";
import type { Config } from "./config.ts";
/** Values a text may interpolate: {{organisation}}, {{minWage}}, {{retentionDays}}… */
export type TextParams = Record<string, string | number>;

/** The per-language override variable of each language (uz-Cyrl takes the Uzbek one, transliterated). */
const OVERRIDE_VARIABLE = {
  en: "SURVEY_ORGANISATION_EN",
  ru: "SURVEY_ORGANISATION_RU",
  kk: "SURVEY_ORGANISATION_KK",
  ky: "SURVEY_ORGANISATION_KY",
  uz: "SURVEY_ORGANISATION_UZ",
  "uz-Cyrl": "SURVEY_ORGANISATION_UZ",
} as const satisfies Record<Language, keyof Config>;

/** The organisation's name in `lang`: its own override, else SURVEY_ORGANISATION, else the translated name. */
export function organisationName(config: Config, translator: Translator, lang: Language): string {
  const own = config[OVERRIDE_VARIABLE[lang]];
  if (own) return lang === "uz-Cyrl" ? uzbekLatinToCyrillic(own) : own;
  if (config.SURVEY_ORGANISATION) return config.SURVEY_ORGANISATION;
  return translator.t(lang, "survey:organisation");
}

/** The same values as a lookup by language code, for files written outside the bot (the XLSForm). */
export function textValuesFor(config: Config, translator: Translator): (lang: string) => TextParams | Record<string, never> {
  const byLanguage = textParamsByLanguage(config, translator);
  return (lang) => (isLanguage(lang) ? (byLanguage.get(lang) ?? {}) : {});
}

/** The interpolated values of every language, made once at start-up. */
export function textParamsByLanguage(config: Config, translator: Translator): ReadonlyMap<Language, TextParams> {
  return new Map(
    LANGUAGES.map((lang) => [
      lang,
      {
        organisation: organisationName(config, translator, lang),
        retentionDays: config.RETENTION_DAYS,
        sessionDays: config.SESSION_TTL_DAYS,
        minWage: config.MIN_WAGE_KZT.toLocaleString("ru-RU"),
      },
    ]),
  );
}
