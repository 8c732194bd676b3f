/**
 * The disclosure-control policy of an export: which answers identify people in combination,
 * how they may be coarsened, and how summary tables are broken down.
 *
 * These are the study's choices, kept as data in one place so no export code branches on a
 * question id. A question named here that the definition lacks is simply left out.
 *
 * The method is sdcMicro's (Templ, Kowarik and Meindl, Statistics Austria / World Bank): declared
 * quasi-identifiers, global recoding where it helps, then local suppression of single cells until
 * every combination is shared by at least k people (see disclosure.ts).
 */

/**
 * A global recoding: replaces codes of one quasi-identifier in every row, and is applied only
 * when it lowers the number of rows that would otherwise need a suppressed cell.
 * - `merge`: the listed codes become `into` (adjacent age bands).
 * - `merge_rare`: every code held by fewer than `belowShare` of the rows becomes `into`.
 */
export type Recoding =
  | { kind: "merge"; question: string; codes: readonly string[]; into: string; label: string }
  | { kind: "merge_rare"; question: string; belowShare: number; into: string; label: string };

export interface ExportPolicy {
  /** Smallest group size that may be published (k of k-anonymity, and the "<k" cell threshold). */
  k: number;
  /**
   * Answers that together could single a person out, most important first: local suppression
   * blanks the last ones first, so the analyst keeps the first ones whole for as long as possible.
   */
  quasiIdentifiers: readonly string[];
  /**
   * The quasi-identifier coarsened within a combination that is too small: its value is replaced
   * by `to`. The study's district becomes "generalized", meaning "somewhere in the city", which
   * stays distinguishable from blank ("not asked"). Absent: no field is coarsened this way
   * (a form study without locations).
   */
  generalize?: { question: string; to: string };
  /** Global recodings, tried in this order after the district (see Recoding). */
  recodings: readonly Recoding[];
  /**
   * Local suppression: a suppressed cell holds `code` (and `spss` in SPSS, declared missing).
   * An export needing more than `maxShare` of its rows touched is refused, with the reasons.
   */
  suppression: { code: string; spss: number; maxShare: number };
  /** The question a request's city filter applies to; absent: the study has no city filter. */
  cityQuestion?: string;
  /** Single-choice questions that summary tables break every other single-choice question down by. */
  breakdowns: readonly string[];
  /** Codes that mean "no substantive answer": declared missing in SPSS. */
  missingCodes: readonly string[];
}

export const STUDY_POLICY: ExportPolicy = {
  k: 5,
  quasiIdentifiers: ["a_city", "b_sex", "a_age_group", "a_citizenship", "a_district"],
  generalize: { question: "a_district", to: "generalized" },
  recodings: [
    { kind: "merge_rare", question: "a_citizenship", belowShare: 0.05, into: "other_country", label: "Another country (citizenships of under 5% of rows, merged)" },
    { kind: "merge", question: "a_age_group", codes: ["55_64", "65_plus"], into: "55_plus", label: "55 or older (age bands merged)" },
    { kind: "merge", question: "a_age_group", codes: ["45_54", "55_plus"], into: "45_plus", label: "45 or older (age bands merged)" },
  ],
  suppression: { code: "suppressed", spss: -9, maxShare: 0.05 },
  cityQuestion: "a_city",
  breakdowns: ["b_sex", "a_city"],
  missingCodes: ["pnta", "dk"],
};
