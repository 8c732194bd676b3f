/**
 * The study report's figures, drawn by the dashboard. For each figure of the report (its list
 * of figures in shared/seed-report.txt) whose question the questionnaire has (the mapping in
 * the outline's §8 table), the dashboard has that chart, and under it the base in words and
 * numbers. On 2,000 interviews drawn from the report's own percentages, each base lands where
 * the report's does (within four standard deviations of a binomial draw): the conditional
 * bases (678 who remit, 1,945 working, 169 who did not leave for work…) are counted right.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { labourMigrantsKz } from "../../src/flows/definitions/labour-migrants-kz.ts";
import { createTranslator } from "../../src/locales/i18n.ts";
import { buildFigures, type FiguresPage } from "../../src/dashboard/figures.ts";
import { DASHBOARD_POLICY } from "../../src/dashboard/policy.ts";
import { tally } from "../../src/dashboard/tally.ts";
import type { Counts } from "../../src/dashboard/store.ts";
import { sampleInterviews } from "./report-sample.ts";

const SHARED = join(import.meta.dirname, "..", "..", "..", "shared");
const REPORT_N = 2000;

/** "Figure 27 Monthly income's proportion remitted (678 respondents, 34% of the sample)" → 27. */
function reportFigures(): Map<number, string> {
  const text = readFileSync(join(SHARED, "seed-report.txt"), "utf8");
  // The list itself, not the table of contents' line that names it.
  const list = text.slice(text.indexOf("\nLIST OF FIGURES\n"), text.indexOf("\nLIST OF TABLES\n"));
  return new Map([...list.matchAll(/^Figure (\d+) (.+)$/gm)].map((m) => [Number(m[1]), m[2]!.trim()]));
}

interface Published {
  figure: number;
  id: string;
  base: number;
}

/** The outline's §8 rows that cite a figure: question id, figure number, base n. */
function outlineRows(): Published[] {
  const text = readFileSync(join(SHARED, "questionnaire-outline.md"), "utf8");
  const section = text.slice(text.indexOf("## 8."), text.indexOf("## 9."));
  const rows: Published[] = [];
  for (const line of section.split("\n")) {
    const cells = line.split("|").map((c) => c.trim());
    const figure = /Fig (\d+)/.exec(cells[7] ?? "")?.[1];
    const base = /^([\d,]+)/.exec(cells[5] ?? "")?.[1];
    if (!figure || !base || !/^[a-z]/.test(cells[2] ?? "")) continue;
    rows.push({ figure: Number(figure), id: cells[2]!, base: Number(base.replace(/,/g, "")) });
  }
  return rows;
}

let page: FiguresPage;
const translator = createTranslator();

beforeAll(() => {
  const counts: Counts = new Map();
  for (const interview of sampleInterviews({ count: REPORT_N, seed: 37 })) {
    for (const field of tally(labourMigrantsKz, DASHBOARD_POLICY.sexQuestion, interview)) counts.set(field, (counts.get(field) ?? 0) + 1);
  }
  page = buildFigures({ counts, definition: labourMigrantsKz, policy: DASHBOARD_POLICY, translate: (key) => translator.t("en", key, { minWage: "85,000", organisation: "IOM" }) });
}, 60_000);

describe("the report's figures on the dashboard", () => {
  it("knows all 37 figures of the report, and which questions draw them", () => {
    const figures = reportFigures();
    expect([...figures.keys()].sort((a, b) => a - b)).toEqual(Array.from({ length: 37 }, (_, i) => i + 1));
    // Figure 1 lists the districts of each city: a map, not data. Every other figure has a question.
    const mapped = new Set(outlineRows().map((r) => r.figure));
    expect([...figures.keys()].filter((n) => !mapped.has(n))).toEqual([1]);
  });

  const rows = outlineRows();
  const known = new Set([...labourMigrantsKz.questions.map((q) => q.id), ...labourMigrantsKz.derived.map((d) => d.id)]);
  const byQuestion = new Map<string, Published>();
  for (const row of rows) if (known.has(row.id) && !byQuestion.has(row.id)) byQuestion.set(row.id, row);

  it("has a question in the questionnaire for almost every figure", () => {
    const figuresWithAQuestion = new Set([...byQuestion.values()].map((r) => r.figure));
    expect(figuresWithAQuestion.size).toBeGreaterThanOrEqual(36);
  });

  it.each([...byQuestion.values()].map((r) => [r.id, r.figure, r.base] as const))("%s (Fig %i, base %i) is a chart with its base", (id, _figure, base) => {
    const figure = page.figures.find((f) => f.id === id);
    expect(figure, `${id} has a chart`).toBeDefined();
    expect(figure!.categories.length).toBeGreaterThan(1);
    expect(figure!.columns.map((c) => c.code)).toEqual(expect.arrayContaining(["all", "male", "female"]));
    const shown = Number(figure!.base.text);
    const p = base / REPORT_N;
    const sd = Math.sqrt(REPORT_N * p * (1 - p));
    // Four standard deviations of the draw, plus 1% of the sample: the report's percentages,
    // which the sample is drawn from, are rounded to whole per cent.
    expect(Math.abs(shown - base), `base ${shown} against the report's ${base}`).toBeLessThanOrEqual(4 * sd + REPORT_N / 100);
    expect(figure!.baseText).toBe(`${figure!.askedOf}: ${shown.toLocaleString("en-US")} respondents, ${Math.round((100 * shown) / REPORT_N)}% of the sample`);
    expect(figure!.askedOf).toBe(base === REPORT_N && id !== "b_edu_field" && id !== "b_provider" ? "Asked of everyone" : figure!.askedOf);
    if (base < REPORT_N * 0.99) expect(figure!.askedOf).not.toBe("Asked of everyone");
    if (labourMigrantsKz.questions.find((q) => q.id === id)?.type === "multi") expect(figure!.note).toMatch(/more than 100%/);
  });

  it("says the remittance figures are asked of those who remit, as the report does", () => {
    expect(page.figures.find((f) => f.id === "d_remit_share")!.baseText).toMatch(/^Asked of those who remit: \d{3} respondents, 3\d% of the sample$/);
  });
});
