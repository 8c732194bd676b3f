/** The XLSForm sheets as an .xlsx workbook (bytes); the caller decides where they go. */
import ExcelJS from "exceljs";
import type { XlsFormSheets } from "./xlsform.ts";

export async function xlsFormWorkbook(sheets: XlsFormSheets): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  // study_rules last: XLSForm tools read the first three and ignore the rest.
  for (const name of ["survey", "choices", "settings", "study_rules"] as const) {
    const sheet = workbook.addWorksheet(name);
    const { columns, rows } = sheets[name];
    sheet.addRow(columns);
    for (const row of rows) sheet.addRow(columns.map((c) => row[c] ?? ""));
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
