/**
 * The languages we offer and the i18next instance that speaks them.
 *
 * Resources are the JSON files beside this module: `<lang>/<namespace>.json`. Uzbek Cyrillic
 * has no files of its own: it is derived from Uzbek Latin at start-up. One instance serves every
 * update; each update uses a fixed-language `t`, never `changeLanguage` on the shared instance.
 */
import { readdirSync, readFileSync, existsSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import i18next, { type i18n, type TFunction } from "i18next";
import { transliterateResources } from "./uzbek-cyrillic.ts";

/** Language codes in the order the picker shows them (the migrants' languages first). */
export const LANGUAGES = ["uz", "uz-Cyrl", "ky", "ru", "kk", "en"] as const;
export type Language = (typeof LANGUAGES)[number];

/** Languages that have resource files; uz-Cyrl is derived from uz. */
export const SOURCE_LANGUAGES = ["uz", "ky", "ru", "kk", "en"] as const;

/** Shown when a key is missing in a language (and logged): Russian is the lingua franca here. */
export const FALLBACK_LANGUAGE: Language = "ru";

export const LOCALES_DIR = dirname(fileURLToPath(import.meta.url));

export function isLanguage(value: unknown): value is Language {
  return typeof value === "string" && (LANGUAGES as readonly string[]).includes(value);
}

/** Suggests a language from Telegram's language_code; the person still chooses. */
export function suggestLanguage(telegramCode: string | undefined): Language {
  const code = (telegramCode ?? "").toLowerCase();
  if (code.startsWith("uz")) return "uz";
  if (code.startsWith("ky")) return "ky";
  if (code.startsWith("kk")) return "kk";
  if (code.startsWith("en")) return "en";
  return "ru";
}

export type Resources = Record<string, Record<string, Record<string, unknown>>>;

/** Reads every `<lang>/<namespace>.json` of the source languages and derives uz-Cyrl. */
export function loadResources(dir = LOCALES_DIR): Resources {
  const resources: Resources = {};
  for (const lang of SOURCE_LANGUAGES) {
    const folder = join(dir, lang);
    if (!existsSync(folder)) continue;
    resources[lang] = {};
    for (const file of readdirSync(folder).filter((f) => f.endsWith(".json")).sort()) {
      const namespace = file.replace(/\.json$/, "");
      resources[lang]![namespace] = JSON.parse(readFileSync(join(folder, file), "utf8")) as Record<string, unknown>;
    }
  }
  if (resources.uz) resources["uz-Cyrl"] = transliterateResources(resources.uz);
  return resources;
}

export interface Translator {
  readonly instance: i18n;
  readonly namespaces: string[];
  /** A `t` bound to one language, for one update. */
  fixed(lang: Language): TFunction;
  t(lang: string, key: string, params?: Record<string, unknown>): string;
}

export interface TranslatorOptions {
  resources?: Resources;
  /** Called once per missing key; production logs a warning, tests fail. */
  onMissingKey?: (lang: string, key: string) => void;
}

/** Keys of a nested resource tree, with plural suffixes folded (`x_one`, `x_few` → `x`). */
function keysOf(tree: Record<string, unknown>, prefix = ""): Set<string> {
  const keys = new Set<string>();
  for (const [key, value] of Object.entries(tree)) {
    const path = prefix + key;
    if (value && typeof value === "object") for (const k of keysOf(value as Record<string, unknown>, `${path}.`)) keys.add(k);
    else keys.add(path.replace(/_(zero|one|two|few|many|other)$/, ""));
  }
  return keys;
}

/**
 * Keys English has that a language lacks. i18next would quietly show the Russian text for them
 * and never report it, so they are reported once at start-up instead.
 */
export function missingKeys(resources: Resources): { lang: string; key: string }[] {
  const reference = resources.en ?? {};
  const missing: { lang: string; key: string }[] = [];
  for (const [lang, namespaces] of Object.entries(resources)) {
    for (const [ns, tree] of Object.entries(reference)) {
      const have = keysOf(namespaces[ns] ?? {});
      for (const key of keysOf(tree)) if (!have.has(key)) missing.push({ lang, key: `${ns}:${key}` });
    }
  }
  return missing;
}

export function createTranslator(options: TranslatorOptions = {}): Translator {
  const resources = options.resources ?? loadResources();
  for (const { lang, key } of missingKeys(resources)) options.onMissingKey?.(lang, key);
  const namespaces = [...new Set(Object.values(resources).flatMap((r) => Object.keys(r)))];
  const instance = i18next.createInstance();
  void instance.init({
    initAsync: false,
    resources,
    lng: FALLBACK_LANGUAGE,
    fallbackLng: FALLBACK_LANGUAGE,
    supportedLngs: [...LANGUAGES],
    // Keep "uz-Cyrl" as it is: i18next would otherwise fall back from it to "uz" (Latin).
    load: "currentOnly",
    nonExplicitSupportedLngs: false,
    ns: namespaces,
    defaultNS: "bot",
    interpolation: { escapeValue: false },
    returnNull: false,
    saveMissing: true,
    missingKeyHandler: (lngs, ns, key) => options.onMissingKey?.(lngs.join(","), `${ns}:${key}`),
  });
  // One fixed `t` per language, made once: getFixedT builds a new function on every call.
  const fixedByLanguage = new Map<string, TFunction>();
  const fixed = (lang: string): TFunction => {
    let t = fixedByLanguage.get(lang);
    if (!t) fixedByLanguage.set(lang, (t = instance.getFixedT(lang)));
    return t;
  };
  return {
    instance,
    namespaces,
    fixed,
    t: (lang, key, params) => fixed(lang)(key, params ?? {}) as string,
  };
}
