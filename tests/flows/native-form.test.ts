/**
 * The IOM instrument is the workbook: forms/labour-migrants-kz.xlsx, imported by the same
 * importer as any XLSForm and converted (form-to-questionnaire.ts), is the whole native
 * definition, bot extras included (support needs, presets, soft checks, screening, named sets,
 * consent, integrity checks).
 *
 * 1. Converting the workbook gives the definition the TypeScript builders make
 *    (tools/iom-instrument/builders.ts), the one the bot ran before it was generated.
 * 2. The round trip is closed: writing the converted definition as a workbook again gives the
 *    same sheets, cell for cell. And the XPath ODK reads (relevant, constraint, choice_filter,
 *    calculation) must be the one the extension columns make: the converter refuses a workbook
 *    where one was edited without the other.
 */
import { spawnSync } from "node:child_process";
import ExcelJS from "exceljs";
import { mkdtemp, readFile, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { toXPath } from "../../src/flows/conditions.ts";
import { nativeKeys } from "../../src/flows/native-keys.ts";
import { defineQuestionnaire } from "../../src/flows/validate.ts";
import { formToQuestionnaire } from "../../src/flows/form-to-questionnaire.ts";
import { FormImportError, importXlsForm } from "../../src/flows/xlsform-import.ts";
import { readXlsFormRows, type XlsFormRows } from "../../src/flows/xlsform-sheets.ts";
import { studyXlsForm } from "../../src/flows/study-xlsform.ts";
import { loadConfig } from "../../src/platform/config.ts";
import { textValuesFor } from "../../src/platform/text-params.ts";
import { createTranslator } from "../../src/locales/i18n.ts";
import { handWrittenLabourMigrantsKz as handWrittenIom } from "../../tools/iom-instrument/builders.ts";
import { labourMigrantsKz } from "../../src/flows/definitions/labour-migrants-kz.ts";

const FILE = "forms/labour-migrants-kz.xlsx";
const textValues = textValuesFor(loadConfig({}), createTranslator());

async function rowsOf(bytes: Uint8Array): Promise<XlsFormRows> {
  return readXlsFormRows(bytes);
}

const convert = (rows: XlsFormRows) => formToQuestionnaire(importXlsForm(rows, { fileName: FILE }));

describe("the IOM instrument generated from its workbook", () => {
  it("converts forms/labour-migrants-kz.xlsx into the hand-written definition, extras included", async () => {
    const definition = convert(await rowsOf(await readFile(FILE)));
    expect(definition).toStrictEqual(handWrittenIom);
    // …and that is the definition the bot, the export worker and the tests use.
    expect(labourMigrantsKz).toStrictEqual(handWrittenIom);
  });

  it("writes the converted definition back as the same workbook, sheet for sheet", async () => {
    const stored = await rowsOf(await readFile(FILE));
    const { bytes } = await studyXlsForm(convert(stored), textValues);
    const again = await rowsOf(bytes);
    expect(again.survey).toEqual(stored.survey);
    expect(again.choices).toEqual(stored.choices);
    expect(again.settings).toEqual(stored.settings);
    expect(again.studyRules).toEqual(stored.studyRules);
    expect(stored.studyRules?.length).toBeGreaterThan(5);
    // Exporting the study's XLSForm and importing it back gives an identical definition.
    expect(convert(again)).toStrictEqual(convert(stored));
  });

  it("round-trips what the IOM instrument does not use: a year without codes, sums, other operators", async () => {
    const k = nativeKeys;
    const small = defineQuestionnaire({
      id: "small_study",
      version: 3,
      titleKey: k.title(),
      modules: [{ id: "m", titleKey: k.module("m") }],
      questions: [
        { id: "q_ok", module: "m", type: "single", textKey: k.questionText("q_ok"), options: ["yes", "no"].map((code) => ({ code, labelKey: k.optionLabel("q_ok", code) })) },
        { id: "q_born", module: "m", type: "year", textKey: k.questionText("q_born"), hintKey: k.questionHint("q_born"), min: { const: 1900 }, max: { env: "currentYear" } },
        {
          id: "q_many",
          module: "m",
          type: "number",
          textKey: k.questionText("q_many"),
          askIf: { op: "or", any: [{ op: "answered", q: "q_born" }, { op: "lt", q: "q_born", value: 2000 }] },
          min: 0,
          max: { add: [{ answer: "q_born" }, { const: 5 }] },
          options: [{ code: "dk", labelKey: k.optionLabel("q_many", "dk") }, { code: "pnta", labelKey: k.optionLabel("q_many", "pnta") }],
        },
        {
          id: "q_what",
          module: "m",
          type: "multi",
          textKey: k.questionText("q_what"),
          askIf: { op: "not", cond: { op: "equals", q: "q_ok", value: "no" } },
          options: ["a", "b", "none"].map((code) => ({ code, labelKey: k.optionLabel("q_what", code), ...(code === "none" ? { exclusive: true } : {}) })),
        },
      ],
      consent: { question: "q_ok", agree: "yes" },
      derived: [{ id: "d_sum", kind: "number", labelKey: k.derived("d_sum"), expr: { add: [{ answer: "q_born" }, { answer: "q_many" }] } }],
      integrity: { contradictions: [{ name: "odd", when: { op: "includes", q: "q_what", value: "a" } }] },
    });
    const { bytes } = await studyXlsForm(small);
    expect(convert(await rowsOf(bytes))).toStrictEqual(small);
  });

  it("is rewritten identically by `npm run questionnaire -- --xlsform`", async () => {
    const dir = await mkdtemp(join(tmpdir(), "iom-workbook-"));
    try {
      const file = join(dir, "labour-migrants-kz.xlsx");
      // A clean environment: the shipped text values, as forms/ keeps them.
      const run = spawnSync(process.execPath, ["--import", "tsx", "src/studies/cli.ts", "--xlsform", file], {
        encoding: "utf8",
        timeout: 120_000,
        env: { PATH: process.env.PATH ?? "" },
      });
      expect(run.status, run.stderr).toBe(0);
      const [stored, written] = await Promise.all([rowsOf(await readFile(FILE)), rowsOf(await readFile(file))]);
      expect(written).toEqual(stored);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("is checked by `npm run questionnaire -- --check`, extension columns included", async () => {
    const cli = (file: string) => spawnSync(process.execPath, ["--import", "tsx", "src/studies/cli.ts", "--check", file], { encoding: "utf8", timeout: 120_000 });
    const good = cli(FILE);
    expect(good.status, good.stderr).toBe(0);
    expect(good.stdout).toContain("native study: 56 questions in 5 modules; 7 screening rules, 2 named conditions");
    // A survey team changes a condition but forgets to rewrite the workbook: --check names the cell.
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load((await readFile(FILE)) as unknown as ArrayBuffer);
    const survey = workbook.getWorksheet("survey")!;
    const header = (survey.getRow(1).values as unknown[]).map(String);
    let edited = 0;
    survey.eachRow((row, n) => {
      if (row.getCell(header.indexOf("name")).text !== "d_remit_share") return;
      row.getCell(header.indexOf("condition")).value = JSON.stringify({ op: "equals", q: "d_remit", value: "no" });
      edited = n;
    });
    const dir = await mkdtemp(join(tmpdir(), "iom-check-"));
    try {
      const file = join(dir, "edited.xlsx");
      await workbook.xlsx.writeFile(file);
      const bad = cli(file);
      expect(bad.status).toBe(1);
      expect(bad.stdout).toContain(`survey, row ${edited}, column "relevant": relevant of "d_remit_share" is not what the condition columns say`);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
  });

  it("keeps each question's relevant the XPath of its condition, so ODK and the bot agree", async () => {
    const stored = await rowsOf(await readFile(FILE));
    const definition = convert(stored);
    const relevant = new Map(stored.survey.map((r) => [r.cells.name, r.cells.relevant ?? ""]));
    const ctx = {
      sets: definition.sets,
      multi: new Set(definition.questions.filter((q) => q.type === "multi").map((q) => q.id)),
      numeric: new Set(definition.questions.filter((q) => q.type === "number" || q.type === "year").map((q) => q.id)),
      numericCodes: new Map(
        definition.questions
          .filter((q) => q.type === "number" || q.type === "year")
          .map((q) => [q.id, new Map((q.options ?? []).map((o, i) => [o.code, -(i + 1)]))]),
      ),
    };
    let conditions = 0;
    for (const question of definition.questions) {
      if (!question.askIf) continue;
      conditions++;
      expect(relevant.get(question.id)!.startsWith(toXPath(question.askIf, ctx)), question.id).toBe(true);
    }
    expect(conditions).toBeGreaterThan(20);
  });

  it("refuses a condition edited without its relevant, and a relevant edited without its condition", async () => {
    const stored = await rowsOf(await readFile(FILE));
    const edit = (name: string, cells: Record<string, string>) => ({
      ...stored,
      survey: stored.survey.map((r) => (r.cells.name === name ? { ...r, cells: { ...r.cells, ...cells } } : r)),
    });
    const row = (name: string) => stored.survey.find((r) => r.cells.name === name)!.row;
    const issuesOf = (rows: XlsFormRows) => {
      try {
        convert(rows);
      } catch (error) {
        if (error instanceof FormImportError) return error.issues;
        throw error;
      }
      return [];
    };
    const condition = issuesOf(edit("d_remit_share", { condition: JSON.stringify({ op: "equals", q: "d_remit", value: "no" }) }));
    expect(condition).toEqual([expect.objectContaining({ row: row("d_remit_share"), column: "relevant" })]);
    expect(condition[0]!.message).toContain("${d_remit} = 'no'");
    const relevant = issuesOf(edit("d_remit_share", { relevant: "${d_remit} = 'no'" }));
    expect(relevant).toEqual([expect.objectContaining({ row: row("d_remit_share"), column: "relevant" })]);
    const maximum = issuesOf(edit("e_household_size", { maximum: "40" }));
    expect(maximum).toEqual([expect.objectContaining({ row: row("e_household_size"), column: "constraint" })]);
    const filter = stored.choices.map((r) => (r.cells.name === "alm_alatau" ? { ...r, cells: { ...r.cells, show_if: JSON.stringify({ op: "equals", q: "a_city", value: "astana" }) } } : r));
    expect(issuesOf({ ...stored, choices: filter })).toEqual([expect.objectContaining({ row: row("a_district"), column: "choice_filter" })]);
  });

  it("refuses a workbook whose extension cell is broken, naming the row and column", async () => {
    const stored = await rowsOf(await readFile(FILE));
    const survey = stored.survey.map((r) => (r.cells.name === "b_children_n" ? { ...r, cells: { ...r.cells, condition: "{not json" } } : r));
    let error: unknown;
    try {
      convert({ ...stored, survey });
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(FormImportError);
    const row = stored.survey.find((r) => r.cells.name === "b_children_n")!.row;
    expect((error as FormImportError).issues).toEqual([expect.objectContaining({ sheet: "survey", row, column: "condition" })]);
  });

  it("needs the study_rules sheet: without its consent rule the workbook is no native study", async () => {
    const stored = await rowsOf(await readFile(FILE));
    const { studyRules: _dropped, ...withoutRules } = stored;
    expect(() => convert(withoutRules)).toThrow(/consent/);
  });
});

