/**
 * Which languages respondents are offered, decided once at start-up from the review state
 * (`src/locales/reviews.json`, see src/locales/review-state.ts).
 *
 * - In production a language whose questionnaire or consent texts are unreviewed or stale is
 *   held back: it is not on the language keyboard, unless ALLOW_UNREVIEWED_LANGUAGES names it
 *   (or says "all"). English is the source language, not a translation, so it is always offered.
 *   Uzbek Cyrillic is generated from Uzbek Latin and follows it.
 * - Elsewhere (the preview, development, tests) every language is offered, and the ones
 *   production would hold back are marked on their button, so the team sees what respondents
 *   would not.
 */
import { LANGUAGES, type Language, type Resources } from "../locales/i18n.ts";
import { languageReadiness, type ReviewState } from "../locales/review-state.ts";
import type { Config } from "../platform/config.ts";

export interface HeldBackLanguage {
  lang: Language;
  /** For the log and /healthz: how many questionnaire and consent texts stop it. */
  reason: string;
}

export interface LanguageOffer {
  /** On the language keyboard, in the keyboard's order. */
  offered: readonly Language[];
  /** Not offered to respondents (production only). */
  heldBack: readonly HeldBackLanguage[];
  /** Offered but not ready (preview and development): the button says so. */
  marked: ReadonlyMap<Language, string>;
  /** Not ready, but offered in production because ALLOW_UNREVIEWED_LANGUAGES says so. */
  allowedUnreviewed: readonly Language[];
}

function allows(config: Config, lang: Language): boolean {
  const allowed = config.ALLOW_UNREVIEWED_LANGUAGES as readonly string[];
  return allowed.includes("all") || allowed.includes(lang) || (lang === "uz-Cyrl" && allowed.includes("uz"));
}

export function decideLanguageOffer(config: Config, resources: Resources, state: ReviewState, options: { preview?: boolean } = {}): LanguageOffer {
  const gate = config.NODE_ENV === "production" && !options.preview;
  const notReady = languageReadiness(resources, state, LANGUAGES)
    .filter((r) => !r.ready)
    .map((r) => ({
      lang: r.lang,
      short: r.stale > 0 && r.unreviewed === 0 ? "stale" : "unreviewed",
      reason: `${r.unreviewed} questionnaire/consent texts unreviewed, ${r.stale} stale (English changed since review)`,
    }));
  if (!gate) {
    return { offered: LANGUAGES, heldBack: [], marked: new Map(notReady.map((n) => [n.lang, n.short])), allowedUnreviewed: [] };
  }
  const heldBack = notReady.filter((n) => !allows(config, n.lang)).map(({ lang, reason }) => ({ lang, reason }));
  return {
    offered: LANGUAGES.filter((lang) => !heldBack.some((h) => h.lang === lang)),
    heldBack,
    marked: new Map(),
    allowedUnreviewed: notReady.filter((n) => allows(config, n.lang)).map((n) => n.lang),
  };
}
