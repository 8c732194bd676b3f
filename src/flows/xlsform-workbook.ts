/** The XLSForm sheets as an .xlsx workbook (bytes); the caller decides where they go. */
import ExcelJS from "exceljs";
import type { XlsFormSheets } from "./xlsform.ts";

export async function xlsFormWorkbook(sheets: XlsFormSheets): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  for (const name of ["survey", "choices", "settings"] as const) {
    const sheet = workbook.addWorksheet(name);
    const { columns, rows } = sheets[name];
    sheet.addRow(columns);
    for (const row of rows) sheet.addRow(columns.map((c) => row[c] ?? ""));
  }
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
