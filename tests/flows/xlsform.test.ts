import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { labourMigrantsKz as definition } from "../../src/flows/definitions/labour-migrants-kz.ts";
import { toXlsForm } from "../../src/flows/xlsform.ts";
import { xlsFormWorkbook } from "../../src/flows/xlsform-workbook.ts";
import { createTranslator } from "../../src/locales/i18n.ts";
import { exportVariables } from "../../src/export/columns.ts";
import { STUDY_POLICY } from "../../src/studies/export-policy.ts";

const translator = createTranslator();
const languages = [
  { code: "en", name: "English" },
  { code: "ru", name: "Russian" },
];

async function readBack() {
  const bytes = await xlsFormWorkbook(toXlsForm(definition, languages, (lang, key) => translator.t(lang, key)));
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = (name: string) => {
    const ws = workbook.getWorksheet(name)!;
    const rows: Record<string, string>[] = [];
    const header = (ws.getRow(1).values as unknown[]).slice(1).map(String);
    ws.eachRow((row, n) => {
      if (n === 1) return;
      const values = (row.values as unknown[]).slice(1);
      rows.push(Object.fromEntries(header.map((h, i) => [h, values[i] === undefined || values[i] === null ? "" : String(values[i])])));
    });
    return { header, rows };
  };
  return { survey: sheet("survey"), choices: sheet("choices"), settings: sheet("settings") };
}

/** Code → SPSS value of a numeric question's column in the export. */
function spssValues(question: string): Map<string, number> {
  const variable = exportVariables(definition, STUDY_POLICY).find((v) => v.name === question)!;
  return new Map(variable.values.map((value) => [value.code, value.spss]));
}

describe("the questionnaire as an XLSForm", () => {
  it("has one survey row per question, in order, with labels in every language", async () => {
    const { survey } = await readBack();
    const questionRows = survey.rows.filter((r) => /^(select_one|select_multiple|integer)/.test(r.type!));
    expect(questionRows.map((r) => r.name)).toEqual(definition.questions.map((q) => q.id));
    expect(survey.header).toEqual(expect.arrayContaining(["label::English (en)", "label::Russian (ru)", "relevant", "constraint", "choice_filter"]));
    const city = survey.rows.find((r) => r.name === "a_city")!;
    expect(city.type).toBe("select_one a_city_choices");
    expect(city["label::English (en)"]).toBe(translator.t("en", "survey:q.a_city.text"));
  });

  it("lists each question's choices under its own list", async () => {
    const { choices } = await readBack();
    const citizenship = choices.rows.filter((r) => r.list_name === "a_citizenship_choices").map((r) => r.name);
    expect(citizenship).toEqual(definition.questions.find((q) => q.id === "a_citizenship")!.options!.map((o) => o.code));
  });

  it("writes relevant expressions equivalent to the conditions, screening included", async () => {
    const { survey } = await readBack();
    const kidsN = survey.rows.find((r) => r.name === "b_children_n")!;
    expect(kidsN.relevant).toContain("${b_children} = 'yes'");
    // Screening ends an interview; in XLSForm every later question carries "no rule failed".
    expect(kidsN.relevant).toContain("not(${a_age_group} = 'under_18')");
    const remitShare = survey.rows.find((r) => r.name === "d_remit_share")!;
    expect(remitShare.relevant).toContain("${d_remit} = 'yes'");
  });

  it("turns ranges and maxima into constraints, and city-dependent districts into a choice filter", async () => {
    const { survey } = await readBack();
    expect(survey.rows.find((r) => r.name === "c_reason_kz")!.constraint).toContain("count-selected(.) <= 3");
    expect(survey.rows.find((r) => r.name === "e_household_size")!.constraint).toBe("(. >= 0 and . <= 50) or . = -1");
    expect(survey.rows.find((r) => r.name === "a_district")!.choice_filter).toContain("(name = 'alm_alatau' and ${a_city} = 'almaty')");
  });

  it("lets a number be answered 'prefer not to answer' by typing -1, the value the SPSS export gives it", async () => {
    const { survey, choices } = await readBack();
    const kids = survey.rows.find((r) => r.name === "b_children_n")!;
    expect(kids.type).toBe("integer");
    expect(kids.constraint).toMatch(/^\(\. >= \d+ and \. <= \d+\) or \. = -1$/);
    for (const { code, name } of languages) {
      expect(kids[`hint::${name} (${code})`]).toContain(`(-1 = ${translator.t(code, "survey:o.pnta")})`);
    }
    expect(choices.rows.filter((r) => r.list_name === "b_children_n_choices")).toEqual([]);
    // The engine never counts "prefer not to answer" as a number of children; neither does the form.
    const kidsInKz = survey.rows.find((r) => r.name === "b_children_kz")!;
    expect(kidsInKz.relevant).toContain("(${b_children_n} >= 1 and ${b_children_n} != -1)");
    const sps = spssValues("b_children_n");
    expect(sps.get("pnta")).toBe(-1);
  });

  it("names the form and its version in settings", async () => {
    const { settings } = await readBack();
    expect(settings.rows[0]).toMatchObject({ form_id: definition.id, version: String(definition.version) });
  });
});
