/**
 * The study's hand-written definition as XLSForm workbook bytes, in every language that has
 * the survey texts: what `npm run questionnaire -- --xlsform` writes and what forms/ keeps.
 *
 * Texts are filled in with the values a respondent is shown in each language (the
 * organisation's name, the minimum wage, retention days), so no `{{placeholder}}` reaches the
 * form; `textValues` gives them per language, by default the shipped defaults.
 */
import { createTranslator, SOURCE_LANGUAGES } from "../locales/i18n.ts";
import type { Questionnaire } from "./schema.ts";
import { toXlsForm } from "./xlsform.ts";
import { xlsFormWorkbook } from "./xlsform-workbook.ts";

/** Column headers name each language in English, as XLSForm tools expect. */
export const LANGUAGE_NAMES: Record<string, string> = { en: "English", ru: "Russian", uz: "Uzbek", ky: "Kyrgyz", kk: "Kazakh", "uz-Cyrl": "Uzbek Cyrillic" };

export type TextValues = Readonly<Record<string, string | number>>;

export async function studyXlsForm(
  definition: Questionnaire,
  textValues: (lang: string) => TextValues = () => ({}),
): Promise<{ bytes: Buffer; languages: number }> {
  const translator = createTranslator();
  const languages = [...SOURCE_LANGUAGES, "uz-Cyrl"]
    .filter((code) => translator.instance.hasResourceBundle(code, "survey"))
    .map((code) => ({ code, name: LANGUAGE_NAMES[code] ?? code }));
  const translate = (lang: string, key: string, params?: Record<string, unknown>) => translator.t(lang, key, { ...textValues(lang), ...params });
  const bytes = await xlsFormWorkbook(toXlsForm(definition, languages, translate));
  return { bytes, languages: languages.length };
}
