/**
 * Reads the three sheets of an XLSForm workbook (.xlsx bytes) into rows of text, each with its
 * row number, so every later problem can point at the cell a survey team has to fix.
 *
 * Header spelling varies between tools (`list name` / `list_name`, `jr:constraintMsg`,
 * `Label::English (en)`); headers are put in one spelling here, the rest of the importer sees
 * only that. Cell values become the text the sheet shows: numbers as written, dates as
 * YYYY-MM-DD, rich text joined, formulas by their result.
 */
import ExcelJS from "exceljs";

export interface SheetRow {
  /** The row number in the sheet (the header is row 1). */
  row: number;
  /** Column header (normalised) → text; empty cells are absent. */
  cells: Record<string, string>;
}

export interface XlsFormRows {
  survey: SheetRow[];
  choices: SheetRow[];
  settings: SheetRow[];
  /**
   * The optional `disclosure` sheet (columns name, role): which fields identify people in
   * combination and which free-text fields may leave in anonymous exports (studies/disclosure.ts).
   */
  disclosure?: SheetRow[];
  /** Which of the three sheets the workbook has. */
  present: { survey: boolean; choices: boolean; settings: boolean };
}

const ALIASES: Record<string, string> = {
  "list name": "list_name",
  "constraint message": "constraint_message",
  "jr:constraintmsg": "constraint_message",
  "required message": "required_message",
  "jr:requiredmsg": "required_message",
  "choice filter": "choice_filter",
  "repeat count": "repeat_count",
  "jr:count": "repeat_count",
  "read only": "read_only",
  "default language": "default_language",
  "form id": "form_id",
  "form title": "form_title",
  "media::image": "image",
  "media::audio": "audio",
  "media::video": "video",
  calculate: "calculation",
  readonly: "read_only",
};

/** `Label::English (en)` → `label::English (en)`; `jr:constraintMsg` → `constraint_message`. */
export function normaliseHeader(header: string): string {
  // pyxform also accepts one colon (label:English) and the XForm spellings bind:relevant,
  // bind::jr:constraintMsg, control:appearance, body::appearance.
  const spelled = header
    .trim()
    .replace(/^(bind|control|body)::?/i, "").replace(/^(label|hint|constraint_message|required_message|image|audio|video|media):(?!:)/i, "$1::");
  const [base = "", ...language] = spelled.split("::");
  const lower = base.trim().toLowerCase();
  const canonical = ALIASES[lower] ?? lower.replace(/\s+/g, "_");
  if (language.length === 0) return canonical;
  const rest = language.join("::").trim();
  // media::image::English is an image column in English.
  if (canonical === "media") return `${rest.split("::")[0]!.toLowerCase()}::${rest.split("::").slice(1).join("::")}`;
  return `${canonical}::${rest}`;
}

function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === "object") {
    if ("richText" in value) return value.richText.map((part) => part.text).join("");
    if ("result" in value && value.result !== undefined) return cellText(value.result as ExcelJS.CellValue);
    // A formula saved without its result: only Excel's TRUE()/FALSE() can be read without Excel.
    if ("formula" in value) {
      const formula = String(value.formula ?? "");
      return /^(TRUE|FALSE)\(\)$/i.test(formula) ? formula.slice(0, -2).toUpperCase() : `=${formula}`;
    }
    if ("text" in value) return String(value.text);
    if ("error" in value) return "";
    return "";
  }
  // Excel shows a boolean cell as TRUE or FALSE, and pyxform reads it so.
  if (typeof value === "boolean") return value ? "TRUE" : "FALSE";
  return String(value);
}

function readSheet(sheet: ExcelJS.Worksheet | undefined): SheetRow[] {
  if (!sheet) return [];
  const headers: string[] = [];
  const rows: SheetRow[] = [];
  sheet.eachRow({ includeEmpty: false }, (row, number) => {
    const values = row.values as ExcelJS.CellValue[];
    if (headers.length === 0) {
      values.forEach((value, column) => (headers[column] = normaliseHeader(cellText(value))));
      return;
    }
    const cells: Record<string, string> = {};
    values.forEach((value, column) => {
      const header = headers[column];
      const text = cellText(value).trim();
      if (header && text !== "" && !(header in cells)) cells[header] = text;
    });
    if (Object.keys(cells).length > 0) rows.push({ row: number, cells });
  });
  return rows;
}

export async function readXlsFormRows(bytes: Uint8Array): Promise<XlsFormRows> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.load(bytes as unknown as ArrayBuffer);
  const find = (name: string) => workbook.worksheets.find((sheet) => sheet.name.trim().toLowerCase() === name);
  return {
    survey: readSheet(find("survey")),
    choices: readSheet(find("choices")),
    settings: readSheet(find("settings")),
    disclosure: readSheet(find("disclosure")),
    present: { survey: !!find("survey"), choices: !!find("choices"), settings: !!find("settings") },
  };
}
