/** Screening answers that pass every rule of the labour-migrant questionnaire; tests override some. */
export const PASSES_SCREENING = {
  a_consent: "agree",
  a_city: "astana",
  a_age_group: "25_34",
  a_citizenship: "uzbekistan",
  a_kz_work: "working_now",
  a_prev_interview: "no",
  a_stay: "ge_1m",
} as const;
