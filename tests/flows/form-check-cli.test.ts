/**
 * `npm run questionnaire -- --check form.xlsx`, run as a survey team runs it: a form with
 * problems gets each one with its row and column and exit code 1; a good form gets a summary.
 */
import { spawnSync } from "node:child_process";
import { describe, expect, it } from "vitest";

const corpus = "../shared/xlsform-corpus";
const check = (file: string) =>
  spawnSync(process.execPath, ["--import", "tsx", "src/studies/cli.ts", "--check", file], { encoding: "utf8", timeout: 120_000 });

describe("questionnaire --check", () => {
  it("summarises a form it can run: questions by type, languages, conditions", () => {
    const run = check(`${corpus}/ona-multilingual-en-sw-fr.xlsx`);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain("languages: English, Swahili, French");
    expect(run.stdout).toMatch(/select_one\s+\d+/);
    expect(run.stdout).toMatch(/conditions: \d+ relevant/);
  });

  it("lists every problem with its row and column, and fails", () => {
    const run = check(`${corpus}/impact-msna-template-en-fr.xlsx`);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain('survey, row 425, column "type": the question type "rank" is not supported');
    expect(run.stdout).toContain('survey, row 708, column "type": the question type "gps" is not supported');
    expect(run.stdout).toContain('survey, row 666, column "calculation"');
  });
});
