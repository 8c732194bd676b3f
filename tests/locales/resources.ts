/**
 * The locale resources as flat `namespace:key → text` maps, and the shared rules the language
 * tests apply to them (plural suffixes, placeholders, protected fragments, button labels).
 *
 * Everything is read through `loadResources()`, so uz-Cyrl is tested exactly as the bot gets it.
 */
import { LANGUAGES, loadResources, type Language, type Resources } from "../../src/locales/i18n.ts";

export type Texts = Map<string, string>;

/** `ns:key.path → text`; a leaf that is not a string is a broken resource file, so it throws. */
export function flattenLanguage(resources: Resources, lang: string): Texts {
  const out: Texts = new Map();
  const walk = (node: unknown, ns: string, path: string): void => {
    if (typeof node === "string") {
      out.set(`${ns}:${path}`, node);
    } else if (node !== null && typeof node === "object" && !Array.isArray(node)) {
      for (const [key, value] of Object.entries(node)) walk(value, ns, path ? `${path}.${key}` : key);
    } else {
      throw new Error(`${lang} ${ns}:${path} is ${JSON.stringify(node)}; every leaf of src/locales/${lang}/${ns}.json must be a text`);
    }
  };
  for (const [ns, tree] of Object.entries(resources[lang] ?? {})) walk(tree, ns, "");
  return out;
}

export const resources = loadResources();
const flattened = new Map<Language, Texts>();
export function textsOf(lang: Language): Texts {
  if (!flattened.has(lang)) flattened.set(lang, flattenLanguage(resources, lang));
  return flattened.get(lang)!;
}
export const english = textsOf("en");
export const russian = textsOf("ru");
export const ALL_LANGUAGES: readonly Language[] = LANGUAGES;

/** CLDR plural categories of a language, as i18next suffixes keys with them. */
export function pluralSuffixes(lang: string): string[] {
  return new Intl.PluralRules(lang).resolvedOptions().pluralCategories.map((category) => `_${category}`);
}

const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;

/**
 * The base key of a plural variant in `texts` (`bot:delete.cleared_one` → `bot:delete.cleared`),
 * or undefined. A key only counts as plural when its `_other` sibling exists, so a key that merely
 * ends in "_one" is not mistaken for one.
 */
export function pluralBase(key: string, texts: Texts): string | undefined {
  if (!PLURAL_SUFFIX.test(key)) return undefined;
  const base = key.replace(PLURAL_SUFFIX, "");
  return texts.has(`${base}_other`) ? base : undefined;
}

/** English keys with each plural group replaced by the variants `lang` needs. */
export function expectedKeys(lang: string): Set<string> {
  const keys = new Set<string>();
  for (const key of english.keys()) {
    const base = pluralBase(key, english);
    if (base === undefined) keys.add(key);
    else for (const suffix of pluralSuffixes(lang)) keys.add(base + suffix);
  }
  return keys;
}

/** Base keys of English, each listed once: what the bot asks i18next for. */
export function logicalKeys(): Map<string, { plural: boolean }> {
  const out = new Map<string, { plural: boolean }>();
  for (const key of english.keys()) {
    const base = pluralBase(key, english);
    out.set(base ?? key, { plural: base !== undefined });
  }
  return out;
}

/** The set of `{{name}}` placeholders (ignoring i18next format options such as `{{n, number}}`). */
export function placeholders(text: string): string[] {
  return [...new Set([...text.matchAll(/\{\{\s*([^\s,}]+)[^}]*\}\}/g)].map((m) => m[1]!))].sort();
}

/**
 * Fragments that are not prose in any language: placeholders, HTML tags and entities, links,
 * e-mail addresses, /commands (only at the start of a word, so "ha/yoʻq" stays prose) and @names.
 */
const NOT_PROSE = /\$t\([^)]*\)|\{\{[^}]*\}\}|<[^>]*>|&[a-z#0-9]+;|https?:\/\/\S+|[\w.+-]+@[\w-]+(?:\.[\w-]+)+|(?<![\p{L}\d])\/[a-z_]+|@[A-Za-z0-9_]+/gu;

export function prose(text: string): string {
  return text.replace(NOT_PROSE, " ");
}

/**
 * Latin words a Cyrillic-script text may contain: names written in Latin in Kazakh, Kyrgyz and
 * Russian alike (Telegram, as the app shows it) and QR, as in "QR-код". Keep this list short.
 */
export const LATIN_ALLOWED_IN_CYRILLIC = new Set(["Telegram", "QR"]);

/** Latin words in the prose of `text` that are not on the allowlist. */
export function strayLatinWords(text: string): string[] {
  return (prose(text).match(/[A-Za-z]+/g) ?? []).filter((word) => !LATIN_ALLOWED_IN_CYRILLIC.has(word));
}

/** Labels that end up on buttons: the reviewer's workbook and the tests share one rule. */
export { isButtonLabel } from "../../tools/translations/places.ts";

/**
 * Keys whose English text is a place name (cities, districts, countries). Translations may
 * rightly equal Russian or English there ("Алматы", "Esil"), so the copy check leaves them out.
 */
export function isPlaceName(key: string): boolean {
  return (
    /^survey:q\.a_district\.o\./.test(key) ||
    /^survey:q\.a_citizenship\.o\./.test(key) ||
    /^survey:q\.c_last_country\.o\.(?!country_of_origin$)/.test(key) ||
    /^survey:q\.a_city\.o\.(almaty|astana|shymkent)$/.test(key) ||
    /^referrals:city\./.test(key)
  );
}
