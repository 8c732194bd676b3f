/**
 * disclosure.md: what disclosure control did to this export, for the analyst who has to say so in
 * a methods section. The same facts are in disclosure.json for scripts.
 */
import type { DisclosureReport } from "../disclosure.ts";
import type { ExportPolicy } from "../../studies/export-policy.ts";

const percent = (x: number) => `${(100 * x).toFixed(1)}%`;

export function disclosureMarkdown(report: DisclosureReport, policy: ExportPolicy): string {
  if (report.quasiIdentifiers.length === 0) {
    return [
      "# Disclosure control",
      "",
      "**This study declares no quasi-identifiers**, so disclosure control had nothing to check and changed nothing: no recoding, no suppressed cell, no k-anonymity guarantee.",
      "A study names its quasi-identifiers (answers that could single a person out in combination, such as district, age and sex) in the `disclosure` sheet of its XLSForm, with role `quasi_identifier`.",
      "",
      `- Rows: ${report.rows}`,
      "- Quasi-identifiers: none declared",
      "",
      "Free text is still left out unless the study marks a field safe (role `safe_text`), and row ids are still random and new in every export.",
      "",
    ].join("\n");
  }
  const lines = [
    "# Disclosure control",
    "",
    `Method: sdcMicro-style k-anonymity (Statistics Austria / World Bank): declared quasi-identifiers, recoding where it helps, then local suppression of single cells, until every combination of the quasi-identifiers is shared by at least k = ${report.k} rows.`,
    "",
    `- Rows: ${report.rows}`,
    `- Quasi-identifiers, most important first (suppression blanks the last ones first): ${report.quasiIdentifiers.join(", ")}`,
    `- Published combinations: ${report.combinations}; the smallest holds ${report.smallestCombination} rows`,
    `- Highest re-identification risk left (1 / smallest combination): ${report.highestRisk.toFixed(3)}`,
    "",
    "## Recodings",
    "",
    "| question | recoding | applied | codes | rows changed |",
    "|---|---|---|---|---:|",
  ];
  for (const r of report.recodings) {
    const codes = Object.entries(r.codes).map(([from, to]) => `${from} → ${to}`).join(", ") || "-";
    lines.push(`| ${r.question} | ${r.description} | ${r.applied ? "yes" : "no, not needed"} | ${codes} | ${r.rows} |`);
  }
  const s = report.suppression;
  lines.push(
    "",
    "## Local suppression",
    "",
    `A suppressed cell holds the code \`${s.code}\` (SPSS value ${policy.suppression.spss}, declared missing). It is not an answer: "prefer not to answer" keeps its own code.`,
    "",
    "| quasi-identifier | suppressed cells |",
    "|---|---:|",
    ...report.quasiIdentifiers.map((q) => `| ${q} | ${s.cells[q] ?? 0} |`),
    "",
    `Rows with at least one suppressed cell: ${s.rowsTouched} (${percent(s.share)}; the ceiling is ${percent(s.ceiling)}).`,
    "",
    "Only the quasi-identifiers above are changed; every other answer is exactly as given.",
    "",
  );
  return lines.join("\n");
}
