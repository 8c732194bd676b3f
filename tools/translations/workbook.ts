/**
 * The reviewer's workbook: one row per text of one language, with the English source, the
 * current text, where it is shown and how long it may be, its review status, and columns for the
 * reviewer's approval, correction and comment. Written and read with exceljs.
 */
import ExcelJS from "exceljs";

export const TEXTS_SHEET = "Texts";
export const ABOUT_SHEET = "About";

/** The columns, in order; `hash` (hidden) is the English source the row was exported with. */
export const COLUMNS = [
  { key: "key", header: "Key", width: 34 },
  { key: "english", header: "English source", width: 50 },
  { key: "current", header: "Current text", width: 50 },
  { key: "where", header: "Where it is shown", width: 30 },
  { key: "limit", header: "Max. characters", width: 10 },
  { key: "status", header: "Review status", width: 12 },
  { key: "signedOff", header: "Signed off by, on", width: 20 },
  { key: "approve", header: "Correct as it is? (x)", width: 12 },
  { key: "correction", header: "Your correction", width: 50 },
  { key: "comment", header: "Comment", width: 30 },
  { key: "hash", header: "English hash (do not edit)", width: 18 },
] as const;

export type ColumnKey = (typeof COLUMNS)[number]["key"];
export type WorkbookRow = Record<ColumnKey, string>;

const INSTRUCTIONS = [
  "How to review:",
  "1. Read each current text against the English source.",
  "2. If it is right, put x in “Correct as it is?”.",
  "3. If not, write the whole corrected text in “Your correction” (that also signs it off).",
  "   Keep every {{placeholder}} exactly as it is, write in the language's own script, and stay within “Max. characters”.",
  "4. Write your name below, save the file and send it back. Rows you leave blank stay as they are.",
];

export async function writeReviewWorkbook(file: string, lang: string, rows: readonly WorkbookRow[]): Promise<void> {
  const workbook = new ExcelJS.Workbook();
  const about = workbook.addWorksheet(ABOUT_SHEET);
  about.getColumn(1).width = 22;
  about.getColumn(2).width = 90;
  about.addRow(["Language", lang]);
  about.addRow(["Exported", new Date().toISOString().slice(0, 10)]);
  about.addRow(["Reviewer's name", ""]);
  about.addRow([]);
  for (const line of INSTRUCTIONS) about.addRow(["", line]);
  const sheet = workbook.addWorksheet(TEXTS_SHEET, { views: [{ state: "frozen", ySplit: 1 }] });
  sheet.columns = COLUMNS.map((c) => ({ key: c.key, header: c.header, width: c.width, style: { alignment: { wrapText: true, vertical: "top" } } }));
  sheet.getRow(1).font = { bold: true };
  sheet.getColumn("hash").hidden = true;
  for (const row of rows) sheet.addRow(row);
  await workbook.xlsx.writeFile(file);
}

/** A cell's text whatever a spreadsheet program made of it (rich text, a number, a formula's result). */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "string") return value;
  if (typeof value === "number" || typeof value === "boolean") return String(value);
  if (value instanceof Date) return value.toISOString();
  if (typeof value === "object") {
    if ("richText" in value) return value.richText.map((part) => part.text).join("");
    if ("text" in value) return String(value.text);
    if ("result" in value) return value.result === undefined ? "" : String(value.result);
  }
  return String(value);
}

export interface ReadWorkbook {
  lang: string;
  reviewer: string;
  /** Each row with its 1-based number as the spreadsheet shows it. */
  rows: Array<{ row: number; cells: WorkbookRow }>;
}

export async function readReviewWorkbook(file: string): Promise<ReadWorkbook> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(file);
  const about = workbook.getWorksheet(ABOUT_SHEET);
  const sheet = workbook.getWorksheet(TEXTS_SHEET);
  if (!about || !sheet) throw new Error(`${file} is not a review workbook (it needs the sheets “${ABOUT_SHEET}” and “${TEXTS_SHEET}”)`);
  const lang = cellText(about.getCell("B1").value).trim();
  const reviewer = cellText(about.getCell("B3").value).trim();
  const headers = new Map<string, number>();
  sheet.getRow(1).eachCell((cell, column) => headers.set(cellText(cell.value).trim(), column));
  const rows: ReadWorkbook["rows"] = [];
  for (let r = 2; r <= sheet.rowCount; r++) {
    const row = sheet.getRow(r);
    const cells = Object.fromEntries(
      COLUMNS.map((c) => {
        const column = headers.get(c.header);
        return [c.key, column === undefined ? "" : cellText(row.getCell(column).value)];
      }),
    ) as WorkbookRow;
    if (cells.key.trim()) rows.push({ row: r, cells });
  }
  return { lang, reviewer, rows };
}
