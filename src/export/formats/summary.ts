/**
 * Summary tables like the study's figures: every single-choice question by each breakdown
 * (sex, city), with small cells suppressed (see suppression.ts), and how many rows carry each
 * integrity flag. Counts accumulate row by row, so memory depends on the definition, not the data.
 */
import { stringify } from "csv-stringify/sync";
import type { ExportRow } from "../anonymize.ts";
import { valueLabel, variableLabel, type Variable } from "../columns.ts";
import type { ExportPolicy } from "../../studies/export-policy.ts";
import { protectTable, type Mark, type ProtectedTable } from "./suppression.ts";
import { EXPORT_TEXTS, fill } from "./texts.ts";

interface Crosstab {
  question: Variable;
  by: Variable;
  /** Positions of question and by among the single-choice variables. */
  questionAt: number;
  byAt: number;
  counts: number[][];
}

export interface SummaryFiles {
  markdown: string;
  csv: string;
}

const indexOfCodes = (variable: Variable) => new Map(variable.values.map((v, i) => [v.code, i]));

/**
 * The one column of a study that declares no breakdowns: each single-choice question gets a
 * plain frequency table, suppressed like the others.
 */
const ALL_ROWS: Variable = {
  name: "all",
  kind: "meta",
  storage: "code",
  fixedLabel: "All rows",
  values: [{ code: "all", spss: 1, label: "All rows", missing: false }],
  read: () => "all",
};

export class SummaryBuilder {
  private readonly crosstabs: Crosstab[] = [];
  private readonly singles: Variable[];
  private readonly codeIndex: Map<string, number>[];
  /** Per row: each single-choice answer's position among its values; reused, since add() runs per row. */
  private readonly positions: (number | undefined)[];
  private readonly flagCounts = new Map<string, number>();
  private flaggedRows = 0;
  private rows = 0;

  private readonly policy: ExportPolicy;

  constructor(variables: readonly Variable[], policy: ExportPolicy) {
    this.policy = policy;
    const singles = variables.filter((v) => v.kind === "single");
    this.singles = singles;
    this.codeIndex = singles.map(indexOfCodes);
    this.positions = singles.map(() => undefined);
    const breakdowns = policy.breakdowns.map((id) => singles.find((v) => v.of === id)).filter((v): v is Variable => v !== undefined);
    for (const by of policy.breakdowns.length === 0 ? [ALL_ROWS] : breakdowns) {
      singles.forEach((question, questionAt) => {
        if (question === by) return;
        const counts = question.values.map(() => by.values.map(() => 0));
        // byAt -1: the ALL_ROWS column, which every row falls in.
        this.crosstabs.push({ question, by, questionAt, byAt: singles.indexOf(by), counts });
      });
    }
    for (const flag of variables.filter((v) => v.kind === "flag")) this.flagCounts.set(flag.of!, 0);
  }

  add(row: ExportRow): void {
    this.rows++;
    // Each answer is looked up once per row, not once per table it appears in.
    for (let i = 0; i < this.singles.length; i++) {
      const cell = this.singles[i]!.read(row);
      this.positions[i] = cell === undefined ? undefined : this.codeIndex[i]!.get(String(cell));
    }
    for (const { questionAt, byAt, counts } of this.crosstabs) {
      const r = this.positions[questionAt];
      const c = byAt < 0 ? 0 : this.positions[byAt];
      if (r !== undefined && c !== undefined) counts[r]![c]!++;
    }
    let flagged = false;
    for (const [flag, count] of this.flagCounts) {
      if (row.flags[flag]) (this.flagCounts.set(flag, count + 1), (flagged = true));
    }
    if (flagged) this.flaggedRows++;
  }

  /** Rows with at least one integrity flag. */
  get flagged(): number {
    return this.flaggedRows;
  }

  render(translate: (key: string) => string): SummaryFiles {
    const { k } = this.policy;
    const show = (mark: Mark) =>
      mark.suppressed === "primary" ? fill(EXPORT_TEXTS.suppressedPrimary, { k }) : mark.suppressed === "secondary" ? EXPORT_TEXTS.suppressedSecondary : String(mark.value);
    const md: string[] = [`# ${EXPORT_TEXTS.readme.title}: summary tables`, "", fill(EXPORT_TEXTS.summaryLegend, { k }), ""];
    const csvRows: (string | number)[][] = [["question", "by", "option", "category", "value"]];
    const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\n/g, " ");
    for (const { question, by, counts } of this.crosstabs) {
      const table: ProtectedTable = protectTable(counts, k, this.rows);
      const columns = by.values.map((v) => `${valueLabel(v, translate)} (${v.code})`);
      md.push(`## ${question.name} by ${by.name}`, "", `${cell(variableLabel(question, translate))} × ${cell(variableLabel(by, translate))}`, "");
      md.push(`| ${question.name} | ${columns.map(cell).join(" | ")} | ${EXPORT_TEXTS.total} |`, `|---|${columns.map(() => "---:|").join("")}---:|`);
      question.values.forEach((value, r) => {
        const shown = table.cells[r]!.map(show);
        md.push(`| ${cell(valueLabel(value, translate))} (${value.code}) | ${shown.join(" | ")} | ${show(table.rowTotals[r]!)} |`);
        by.values.forEach((category, c) => csvRows.push([question.name, by.name, value.code, category.code, shown[c]!]));
        csvRows.push([question.name, by.name, value.code, "total", show(table.rowTotals[r]!)]);
      });
      md.push(`| ${EXPORT_TEXTS.total} | ${table.columnTotals.map(show).join(" | ")} | ${show(table.grandTotal)} |`, "");
      by.values.forEach((category, c) => csvRows.push([question.name, by.name, "total", category.code, show(table.columnTotals[c]!)]));
      csvRows.push([question.name, by.name, "total", "total", show(table.grandTotal)]);
    }
    md.push("## Integrity flags", "", `Rows: ${this.rows}. Rows with at least one flag: ${this.flaggedRows}. Flagged rows are kept.`, "", "| flag | rows |", "|---|---:|");
    for (const [flag, count] of this.flagCounts) {
      md.push(`| ${flag} | ${count} |`);
      csvRows.push(["flags", "", flag, "rows", count]);
    }
    csvRows.push(["flags", "", "any", "rows", this.flaggedRows]);
    return { markdown: md.join("\n") + "\n", csv: stringify(csvRows, { bom: true }) };
  }
}
