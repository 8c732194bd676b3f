/**
 * The disclosure-control policy of an export: which answers identify people in combination,
 * which of them may be coarsened, and how summary tables are broken down.
 *
 * These are the study's choices, kept as data in one place so no export code branches on a
 * question id. A question named here that the definition lacks is simply left out.
 */
export interface ExportPolicy {
  /** Smallest group size that may be published (k of k-anonymity, and the "<k" cell threshold). */
  k: number;
  /** Answers that together could single a person out (city, district, sex, age band, citizenship). */
  quasiIdentifiers: readonly string[];
  /**
   * The quasi-identifier coarsened when a combination is too small: its value is replaced by
   * `to`. The study's district becomes "generalized", meaning "somewhere in the city", which
   * stays distinguishable from blank ("not asked").
   */
  generalize: { question: string; to: string };
  /** The question a request's city filter applies to. */
  cityQuestion: string;
  /** Single-choice questions that summary tables break every other single-choice question down by. */
  breakdowns: readonly string[];
  /** Codes that mean "no substantive answer": declared missing in SPSS. */
  missingCodes: readonly string[];
}

export const STUDY_POLICY: ExportPolicy = {
  k: 5,
  quasiIdentifiers: ["a_city", "a_district", "b_sex", "a_age_group", "a_citizenship"],
  generalize: { question: "a_district", to: "generalized" },
  cityQuestion: "a_city",
  breakdowns: ["b_sex", "a_city"],
  missingCodes: ["pnta", "dk"],
};
