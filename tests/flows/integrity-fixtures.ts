/** Answers of a plausible, careful respondent, for integrity tests. */
export const ELIGIBLE_ANSWERS: Record<string, string | number | string[]> = {
  a_consent: "agree",
  a_city: "astana",
  a_kz_work: "working_now",
  d_emp_status: "full_time",
  d_contract: "no",
  d_pension: "no",
  d_paid_leave: "yes",
  d_dismissal: "no",
  e_access_health: "yes",
  e_access_education: "no",
  e_access_finance: "dk",
};
