/**
 * Which of a form's languages a person reads: the form's columns name their languages freely
 * (`English (en)`, `english`, `Русский`, `default`), our people have one of the bot's codes.
 */
import type { Form } from "../../flows/form.ts";
import type { Language } from "../../locales/i18n.ts";

/** Names a survey team may write for each of the bot's languages, lower case. */
const NAMES: Record<Language, readonly string[]> = {
  en: ["en", "eng", "english"],
  ru: ["ru", "rus", "russian", "русский", "русский язык"],
  kk: ["kk", "kaz", "kazakh", "қазақ", "қазақша", "қазақ тілі", "казахский"],
  ky: ["ky", "kir", "kyrgyz", "kirghiz", "кыргыз", "кыргызча", "кыргыз тили", "киргизский"],
  uz: ["uz", "uzb", "uzbek", "uzbek latin", "oʻzbek", "o'zbek", "o‘zbek", "oʻzbekcha", "o'zbekcha", "узбекский"],
  "uz-Cyrl": ["uz-cyrl", "uzbek cyrillic", "uzbek (cyrillic)", "ўзбек", "ўзбекча"],
};

/** The `(code)` of a language column such as `English (en)`, lower case. */
function codeOf(name: string): string | undefined {
  return /\(([A-Za-z]{2,3}(?:-[A-Za-z0-9]{2,8})*)\)\s*$/.exec(name)?.[1]?.toLowerCase();
}

/**
 * The form language to show `lang` in: the one whose `(code)` is the person's, else the one
 * named like it, else (Uzbek Cyrillic only) Uzbek, else the form's default language.
 */
export function formLanguageFor(form: Form, lang: Language): string {
  const wanted = lang.toLowerCase();
  const byCode = form.languages.find((name) => codeOf(name) === wanted);
  if (byCode) return byCode;
  const byName = form.languages.find((name) => NAMES[lang].includes(name.replace(/\s*\([^)]*\)\s*$/, "").trim().toLowerCase()) || NAMES[lang].includes(name.trim().toLowerCase()));
  if (byName) return byName;
  if (lang === "uz-Cyrl") return formLanguageFor(form, "uz");
  return form.defaultLanguage;
}
