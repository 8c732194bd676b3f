/**
 * Checks a reviewer's correction before it replaces a text: the things a careful person still
 * gets wrong in a spreadsheet. Each check returns a reason a reviewer can act on.
 */
import { placeOf } from "./places.ts";

/** `{{name}}` placeholders of a text, sorted (format options such as `{{n, number}}` ignored). */
export function placeholders(text: string): string[] {
  return [...new Set([...text.matchAll(/\{\{\s*([^\s,}]+)[^}]*\}\}/g)].map((m) => m[1]!))].sort();
}

/** Fragments that are not prose: nested texts ($t(bot:days, …), a number with its plural noun), placeholders, tags, links, e-mail addresses, /commands, @names. */
const NOT_PROSE = /\$t\([^)]*\)|\{\{[^}]*\}\}|<[^>]*>|&[a-z#0-9]+;|https?:\/\/\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?<![\p{L}\d])\/[a-z_]+|@[A-Za-z0-9_]+/gu;

/** Latin words a Cyrillic text may hold (GLOSSARY.md): the app's name and "QR". */
const LATIN_IN_CYRILLIC = new Set(["Telegram", "QR"]);
/** Letters of Kazakh that Kyrgyz and Russian do not use, and of Kyrgyz/Kazakh that Russian does not. */
const KAZAKH_ONLY = /[әғқұһіӘҒҚҰҺІ]/u;
const NOT_RUSSIAN = /[әғқңөұүһіӘҒҚҢӨҰҮҺІ]/u;

/** Why the text is not in the language's script, or undefined when it is. */
export function scriptProblem(lang: string, text: string): string | undefined {
  const prose = text.replace(NOT_PROSE, " ");
  if (lang === "uz") {
    if (/\p{Script=Cyrillic}/u.test(prose)) return "Cyrillic letters in Uzbek Latin (Uzbek Cyrillic is made from the Latin text)";
    if (/[oOgG]['‘’`]/u.test(prose)) return "oʻ and gʻ must be written with ʻ (U+02BB), not ' or ‘";
    return undefined;
  }
  if (lang === "ru" || lang === "kk" || lang === "ky") {
    const latin = (prose.match(/[A-Za-z]+/g) ?? []).filter((word) => !LATIN_IN_CYRILLIC.has(word));
    if (latin.length > 0) return `Latin letters in a Cyrillic text: ${latin.join(", ")}`;
    if (lang === "ky" && KAZAKH_ONLY.test(prose)) return "Kazakh letters (ә ғ қ ұ һ і) in a Kyrgyz text";
    if (lang === "ru" && NOT_RUSSIAN.test(prose)) return "Kazakh or Kyrgyz letters in a Russian text";
    return undefined;
  }
  return undefined;
}

export interface CorrectionCheck {
  key: string;
  lang: string;
  correction: string;
  /** The English text of the same key (for a plural variant, the matching English variant or _other). */
  english: string;
}

/** Every reason the correction cannot be taken as it is (empty when it can). */
export function correctionProblems({ key, lang, correction, english }: CorrectionCheck): string[] {
  const problems: string[] = [];
  const expected = placeholders(english);
  const got = placeholders(correction);
  const missing = expected.filter((p) => !got.includes(p));
  const unknown = got.filter((p) => !expected.includes(p));
  if (missing.length) problems.push(`placeholder ${missing.map((p) => `{{${p}}}`).join(", ")} missing (the bot fills it in; keep it as it is)`);
  if (unknown.length) problems.push(`unknown placeholder ${unknown.map((p) => `{{${p}}}`).join(", ")} (the bot only fills in ${expected.map((p) => `{{${p}}}`).join(", ") || "none here"})`);
  const script = scriptProblem(lang, correction);
  if (script) problems.push(script);
  const { limit, where } = placeOf(key);
  const length = [...correction].length;
  if (length > limit) problems.push(`${length} characters, more than the ${limit} a ${where.startsWith("button") ? "button" : "text here"} can show`);
  if (correction.trim() === "") problems.push("empty");
  return problems;
}
