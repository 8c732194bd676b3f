/**
 * The XLSForm as a KoBoToolbox or ODK team gets it: every text filled in with the values the bot
 * shows, no Telegram-only instruction, and a message in every language for every constraint, so
 * ODK never falls back to its generic "invalid".
 */
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { describe, expect, it } from "vitest";
import { labourMigrantsKz as definition } from "../../src/flows/definitions/labour-migrants-kz.ts";
import { toXlsForm } from "../../src/flows/xlsform.ts";
import { xlsFormWorkbook } from "../../src/flows/xlsform-workbook.ts";
import { createTranslator } from "../../src/locales/i18n.ts";
import { unzipAll } from "../export/fixtures/files.ts";

const translator = createTranslator();
const LANGUAGES = [
  { code: "en", name: "English" },
  { code: "ru", name: "Russian" },
  { code: "uz", name: "Uzbek" },
  { code: "uz-Cyrl", name: "Uzbek Cyrillic" },
  { code: "ky", name: "Kyrgyz" },
  { code: "kk", name: "Kazakh" },
];
const TEXT_VALUES = { organisation: "IOM Kazakhstan", retentionDays: 365, sessionDays: 30, minWage: "85 000" };

async function workbookBytes(): Promise<Buffer> {
  return xlsFormWorkbook(toXlsForm(definition, LANGUAGES, (lang, key, params) => translator.t(lang, key, params), { textValues: TEXT_VALUES }));
}

async function surveyRows(bytes: Buffer): Promise<Record<string, string>[]> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const sheet = workbook.getWorksheet("survey")!;
  const header = (sheet.getRow(1).values as unknown[]).slice(1).map(String);
  const rows: Record<string, string>[] = [];
  sheet.eachRow((row, n) => {
    if (n === 1) return;
    const values = (row.values as unknown[]).slice(1);
    rows.push(Object.fromEntries(header.map((h, i) => [h, values[i] == null ? "" : String(values[i])])));
  });
  return rows;
}

describe("the XLSForm's texts", () => {
  it("has a constraint message in every language for every row with a constraint", async () => {
    const rows = await surveyRows(await workbookBytes());
    const constrained = rows.filter((row) => row.constraint);
    expect(constrained.length).toBeGreaterThan(5);
    for (const row of constrained) {
      for (const { code, name } of LANGUAGES) {
        const message = row[`constraint_message::${name} (${code})`] ?? "";
        expect(message.trim(), `${row.name} in ${code}`).not.toBe("");
      }
    }
    const reasons = rows.find((row) => row.name === "c_reason_kz")!;
    expect(reasons["constraint_message::English (en)"]).toContain("at most 3");
    expect(reasons["constraint_message::English (en)"]).toContain(`“${translator.t("en", "survey:o.pnta")}” cannot be chosen together`);
    expect(rows.find((row) => row.name === "e_household_size")!["constraint_message::Russian (ru)"]).toContain("от 0 до 50");
  });

  it("fills in every value and leaves no {{ in any part of the workbook", async () => {
    const bytes = await workbookBytes();
    const dir = await mkdtemp(join(tmpdir(), "xlsform-"));
    try {
      await writeFile(join(dir, "form.xlsx"), bytes);
      const parts = await unzipAll(join(dir, "form.xlsx"));
      expect(parts.size).toBeGreaterThan(3);
      for (const [name, part] of parts) expect(part.includes(Buffer.from("{{")), name).toBe(false);
    } finally {
      await rm(dir, { recursive: true, force: true });
    }
    const rows = await surveyRows(bytes);
    const wage = rows.find((row) => row.name === "d_wage_vs_min")!;
    for (const { code, name } of LANGUAGES) expect(wage[`label::${name} (${code})`], code).toContain("85 000");
  });

  it("words the consent for a form: no Telegram command, and who to ask to delete answers", async () => {
    const rows = await surveyRows(await workbookBytes());
    const consent = rows.find((row) => row.name === "a_consent")!;
    for (const { code, name } of LANGUAGES) {
      const text = consent[`label::${name} (${code})`]!;
      expect(text, code).not.toContain("/delete");
      expect(text, code).toContain("IOM Kazakhstan");
      expect(text, code).toContain("365");
    }
    // Numbers are tapped on buttons in Telegram but always written in a form.
    const children = rows.find((row) => row.name === "b_children_n")!;
    expect(children["hint::English (en)"]).toContain("Write the number of your children");
    expect(children["hint::English (en)"]).not.toContain("10 or more");
  });
});
