/**
 * Fixed English wording of the export files themselves (headings, legends, the README).
 *
 * Question and option texts come from the translations; these few strings describe the file
 * layout for analysts, who read the exports in English.
 */
export const EXPORT_TEXTS = {
  yes: "Yes",
  no: "No",
  generalized: "Generalized to the city (fewer than {k} people shared this combination)",
  suppressed: "Suppressed for disclosure control (not an answer: fewer than {k} people shared this combination)",
  meta: {
    row_id: "Row id (random, new in every export)",
    day: "Day the interview was completed",
    lang: "Interview language",
    source: "Invite campaign code",
    version: "Questionnaire version",
  },
  flag: "Integrity flag: {name}",
  suppressedPrimary: "<{k}",
  suppressedSecondary: "x",
  total: "Total",
  summaryLegend:
    "Cells of 1 to {k-1} people show as \"<{k}\"; empty cells show as 0. Cells marked \"x\" are hidden too, so that no \"<{k}\" cell can be worked out from the totals.",
  alwaysAsked: "always asked (after screening)",
  readme: {
    title: "Survey export",
    demo: "WARNING: {count} rows are SYNTHETIC DEMO DATA (source = {source}), drawn from the study report's published figures. They are not interviews.",
    intro:
      "Anonymous by construction: no Telegram ids, names, usernames, phone numbers or free text. Row ids are random and new in every export. Dates are days.",
    generalized: "{count} rows had their {question} generalized to the city, because fewer than {k} people shared their combination of {quasi}.",
    noQuasiIdentifiers: "The study declares no quasi-identifiers, so disclosure control changed nothing: every published answer is as given. See disclosure.md.",
    suppressed: "{count} rows ({percent}) have a quasi-identifier suppressed (code \"{code}\"), so that every combination of {quasi} holds at least {k} people. See disclosure.md.",
    files: {
      "data.csv": "One row per completed interview, one column per question (codes, not labels). UTF-8 with BOM. A multi-select has one 0/1 column per option. Number and year columns hold numbers only (-1 = prefer not to answer, -2 = don't know where offered; see the codebook). Empty means not asked.",
      "data.xlsx": "The same data in Excel: sheet 'data' (codes), sheet 'labels' (English labels), sheet 'codebook'.",
      "data.sps": "SPSS / PSPP syntax that reads data.csv with variable labels, value labels and missing values. Run it from this folder.",
      "codebook.md": "Every variable and question: its text in every language, options, range and the condition under which it is asked.",
      "codebook.json": "The codebook as JSON, for scripts.",
      "summary.md": "Frequency tables of every single-choice question by sex and by city, with small cells suppressed, and integrity flag counts.",
      "summary.csv": "The summary tables in long format (question, breakdown, option, category, value).",
      "disclosure.md": "What disclosure control changed: k, the quasi-identifiers, each recoding with the rows it changed, suppressed cells per variable, rows touched, the highest risk left.",
      "disclosure.json": "The disclosure report as JSON, for scripts.",
    } as Record<string, string>,
  },
} as const;

/** Fills {name} placeholders. */
export function fill(template: string, params: Record<string, string | number>): string {
  if (typeof params.k === "number") template = template.replace(/\{k-1\}/g, String(params.k - 1));
  return template.replace(/\{(\w+)\}/g, (whole, name: string) => (name in params ? String(params[name]) : whole));
}
