/**
 * Which translations a native speaker has signed off, kept in the repository
 * (`src/locales/reviews.json`), and what that means for each text today.
 *
 * A sign-off records who read the text, when, and two hashes: of the English source it was read
 * against and of the translation as it was signed off. So the state follows the texts by itself:
 * - English changes → the translation is **stale** (its meaning may no longer match);
 * - the translation changes without a new sign-off → it is **unreviewed** again;
 * - no sign-off at all → **unreviewed**.
 *
 * English is the source language: its texts are what reviewers translate from, so they have no
 * review state. Uzbek Cyrillic is generated from Uzbek Latin and shares its state.
 *
 * The unit of review is a logical key: plural variants (`x_one`, `x_few`, …) are read and signed
 * off together, because a reviewer checks them as one sentence in several forms.
 */
import { createHash } from "node:crypto";
import { existsSync, readFileSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { LOCALES_DIR, type Language, type Resources } from "./i18n.ts";

export const SOURCE_LANGUAGE = "en";
/** The languages that are translations and so need a native speaker's sign-off. */
export const TRANSLATED_LANGUAGES = ["uz", "ky", "ru", "kk"] as const;
export type TranslatedLanguage = (typeof TRANSLATED_LANGUAGES)[number];

export const REVIEW_STATE_FILE = join(LOCALES_DIR, "reviews.json");

export interface SignOff {
  /** Who read and approved the text (a name or a handle the team knows). */
  by: string;
  /** When, as YYYY-MM-DD. */
  at: string;
  /** Hash of the English source the translation was read against. */
  source: string;
  /** Hash of the translation as it was signed off. */
  text: string;
}

export interface ReviewState {
  about: string;
  languages: Record<TranslatedLanguage, Record<string, SignOff>>;
}

export type ReviewStatus = "reviewed" | "stale" | "unreviewed";

const PLURAL_SUFFIX = /_(zero|one|two|few|many|other)$/;

/** A text of one language flattened to `ns:key.path`, with plural variants grouped under their base key. */
export function reviewUnits(resources: Resources, lang: string): Map<string, Map<string, string>> {
  const units = new Map<string, Map<string, string>>();
  const walk = (node: unknown, ns: string, path: string): void => {
    if (typeof node === "string") {
      const base = path.replace(PLURAL_SUFFIX, "");
      const key = `${ns}:${base}`;
      if (!units.has(key)) units.set(key, new Map());
      units.get(key)!.set(path.slice(base.length), node);
    } else if (node && typeof node === "object") {
      for (const [k, v] of Object.entries(node)) walk(v, ns, path ? `${path}.${k}` : k);
    }
  };
  for (const [ns, tree] of Object.entries(resources[lang] ?? {})) walk(tree, ns, "");
  // A key that merely ends in "_one" without an "_other" sibling is not a plural.
  for (const [key, variants] of [...units]) {
    if (variants.size === 1 && !variants.has("") && !variants.has("_other")) {
      const [suffix, text] = [...variants][0]!;
      units.delete(key);
      units.set(key + suffix, new Map([["", text]]));
    }
  }
  return units;
}

/** A short, stable hash of a text (all plural variants, in order of their suffix). */
export function textHash(variants: ReadonlyMap<string, string> | undefined): string {
  const joined = [...(variants ?? new Map<string, string>())].sort(([a], [b]) => a.localeCompare(b)).map(([suffix, text]) => `${suffix}\u0000${text}`).join("\u0001");
  return createHash("sha256").update(joined).digest("hex").slice(0, 16);
}

export function emptyReviewState(): ReviewState {
  return {
    about:
      "Native speakers' sign-offs of each translation (npm run translations). A text is reviewed while both hashes still match: 'source' of the English text it was read against, 'text' of the translation signed off. Edit through `npm run translations -- import`, not by hand.",
    languages: { uz: {}, ky: {}, ru: {}, kk: {} },
  };
}

export function readReviewState(file = REVIEW_STATE_FILE): ReviewState {
  if (!existsSync(file)) return emptyReviewState();
  const parsed = JSON.parse(readFileSync(file, "utf8")) as Partial<ReviewState>;
  const state = emptyReviewState();
  for (const lang of TRANSLATED_LANGUAGES) state.languages[lang] = { ...(parsed.languages?.[lang] ?? {}) };
  return state;
}

export function writeReviewState(state: ReviewState, file = REVIEW_STATE_FILE): void {
  const sorted: ReviewState = { about: state.about, languages: { uz: {}, ky: {}, ru: {}, kk: {} } };
  for (const lang of TRANSLATED_LANGUAGES) {
    sorted.languages[lang] = Object.fromEntries(Object.entries(state.languages[lang]).sort(([a], [b]) => a.localeCompare(b)));
  }
  writeFileSync(file, `${JSON.stringify(sorted, null, 2)}\n`);
}

/** The review status of one key of one translated language, against today's texts. */
export function statusOf(signOff: SignOff | undefined, english: ReadonlyMap<string, string> | undefined, translation: ReadonlyMap<string, string> | undefined): ReviewStatus {
  if (!signOff || signOff.text !== textHash(translation)) return "unreviewed";
  return signOff.source === textHash(english) ? "reviewed" : "stale";
}

export interface KeyStatus {
  key: string;
  status: ReviewStatus;
  signOff?: SignOff;
}

/** Every key of the English source, with its status in `lang`. */
export function keyStatuses(resources: Resources, state: ReviewState, lang: TranslatedLanguage): KeyStatus[] {
  const english = reviewUnits(resources, SOURCE_LANGUAGE);
  const translated = reviewUnits(resources, lang);
  const signOffs = state.languages[lang];
  return [...english.keys()].map((key) => {
    const signOff = signOffs[key];
    return { key, status: statusOf(signOff, english.get(key), translated.get(key)), ...(signOff ? { signOff } : {}) };
  });
}

/**
 * The texts a respondent must understand before and while answering: every question, option and
 * hint, the consent and the screening messages (the `survey` namespace), and the consent buttons.
 * A language is ready for respondents only when all of these are reviewed.
 */
export function isRespondentCritical(key: string): boolean {
  return key.startsWith("survey:") || key.startsWith("bot:consent.");
}

export interface LanguageReadiness {
  lang: Language;
  ready: boolean;
  /** How many questionnaire and consent texts are not reviewed, by status. */
  unreviewed: number;
  stale: number;
}

/** The review state of the two texts that matter to respondents, per language. */
export function languageReadiness(resources: Resources, state: ReviewState, languages: readonly Language[]): LanguageReadiness[] {
  return languages.map((lang) => {
    if (lang === SOURCE_LANGUAGE) return { lang, ready: true, unreviewed: 0, stale: 0 };
    const translated: TranslatedLanguage = lang === "uz-Cyrl" ? "uz" : (lang as TranslatedLanguage);
    const critical = keyStatuses(resources, state, translated).filter((k) => isRespondentCritical(k.key));
    const unreviewed = critical.filter((k) => k.status === "unreviewed").length;
    const stale = critical.filter((k) => k.status === "stale").length;
    return { lang, ready: unreviewed === 0 && stale === 0, unreviewed, stale };
  });
}
