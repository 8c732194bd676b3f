/**
 * The referral directory as a spreadsheet, for the NGOs and outreach workers who keep contact
 * lists in Excel or LibreOffice: one row per service, a column per language.
 *
 * Sheet "directory": the columns of COLUMNS below, in any order; a text that is the same in
 * every language (a street address in one script) may go in `address` instead of the five
 * `address_<language>` columns. Lists (categories, countries, phones) are separated by `;`
 * (commas and line breaks work too).
 * Sheet "gaps" (optional): city, category, note: kinds of help known to be missing in a city.
 *
 * Reading turns the rows into the same data a JSON directory holds, so one validator checks
 * both; every problem is reported with the row and column where it can be fixed.
 */
import ExcelJS from "exceljs";
import { ENTRY_LANGUAGES, type DirectoryFile, type DirectoryFileInput, type Entry } from "./schema.ts";
import type { Problem } from "./validate.ts";

export const DIRECTORY_SHEET = "directory";
export const GAPS_SHEET = "gaps";

const perLanguage = (field: string) => ENTRY_LANGUAGES.map((lang) => `${field}_${lang}`);

/** Every column of the directory sheet, in the order a written workbook has them. */
export const COLUMNS = [
  "id",
  "city",
  "categories",
  "countries",
  ...perLanguage("name"),
  ...perLanguage("description"),
  "phones",
  "address",
  ...perLanguage("address"),
  "hours",
  ...perLanguage("hours"),
  "website",
  ...perLanguage("website"),
  "email",
  "lat",
  "lon",
  "source_title",
  "source_url",
  "source_citation",
  "checked",
  "confidence",
] as const;
const REQUIRED_COLUMNS = ["id", "city", "categories", ...perLanguage("name"), ...perLanguage("description"), "source_title", "checked"];
export const GAP_COLUMNS = ["city", "category", "note"] as const;

/** Separates the items of a list in one cell: `emergency; health`. */
const LIST_SEPARATOR = /\s*[;,\n]\s*/;

/** Where each entry and gap came from, to turn a problem's JSON path into a row and a column. */
export interface WorkbookOrigin {
  entryRows: number[];
  gapRows: number[];
}

export interface WorkbookRead {
  data: DirectoryFileInput;
  origin: WorkbookOrigin;
  /** Problems found before validation: missing sheets or columns, unknown columns. */
  problems: Problem[];
}

/** A cell as the text a person sees: numbers as typed, dates as YYYY-MM-DD, links as their text. */
function cellText(value: ExcelJS.CellValue): string {
  if (value === null || value === undefined) return "";
  if (value instanceof Date) return value.toISOString().slice(0, 10);
  if (typeof value === "object") {
    if ("richText" in value) return value.richText.map((part) => part.text).join("").trim();
    if ("hyperlink" in value) return String(value.text ?? value.hyperlink).trim();
    if ("result" in value) return cellText(value.result as ExcelJS.CellValue);
    if ("error" in value) return String(value.error);
    return "";
  }
  return String(value).trim();
}

/** Header name → column number; names are compared without case or surrounding spaces. */
function headerOf(sheet: ExcelJS.Worksheet): Map<string, number> {
  const header = new Map<string, number>();
  sheet.getRow(1).eachCell((cell, column) => {
    const name = cellText(cell.value).toLowerCase();
    if (name) header.set(name, column);
  });
  return header;
}

function sheetProblem(sheet: string, row: number | undefined, column: string | undefined, message: string): Problem {
  const where = [`sheet "${sheet}"`, row === undefined ? undefined : `row ${row}`, column === undefined ? undefined : `column ${column}`];
  return { path: where.filter(Boolean).join(", "), message };
}

const list = (text: string) => (text === "" ? [] : text.split(LIST_SEPARATOR).filter((item) => item !== ""));

/** The five language columns of a field as an object, or undefined when all are empty. */
function languages(cells: (name: string) => string, field: string): Record<string, string> | undefined {
  const values = Object.fromEntries(ENTRY_LANGUAGES.map((lang) => [lang, cells(`${field}_${lang}`)]));
  if (Object.values(values).every((value) => value === "")) return undefined;
  // An empty language cell is left out, so the validator names the missing language.
  return Object.fromEntries(Object.entries(values).filter(([, value]) => value !== ""));
}

/** Reports a problem in a column of the row being read. */
type Report = (column: string, message: string) => void;

/** A field that may be one text for all languages or one per language, not both. */
function oneOrPerLanguage(cells: (name: string) => string, field: string, report: Report): unknown {
  const single = cells(field);
  const each = languages(cells, field);
  if (single && each) {
    report(field, `fill either ${field} (the same for every language) or ${perLanguage(field).join(", ")}, not both`);
    return undefined;
  }
  return single || each;
}

function websiteOf(cells: (name: string) => string): unknown {
  const main = cells("website");
  const each = languages(cells, "website");
  if (!each) return main || undefined;
  return { default: main || undefined, ...each };
}

function number(text: string): number | string {
  const parsed = Number(text.replace(",", "."));
  return text !== "" && Number.isFinite(parsed) ? parsed : text;
}

function rowToEntry(cells: (name: string) => string, report: Report): Record<string, unknown> {
  const entry: Record<string, unknown> = {
    id: cells("id"),
    city: cells("city"),
    categories: list(cells("categories")),
    name: languages(cells, "name"),
    description: languages(cells, "description"),
    phones: list(cells("phones")).map((phone) => ({ number: phone })),
    source: Object.fromEntries(
      [
        ["title", cells("source_title")],
        ["url", cells("source_url")],
        ["citation", cells("source_citation")],
      ].filter(([, value]) => value !== ""),
    ),
    checked: cells("checked"),
  };
  const countries = list(cells("countries"));
  if (countries.length > 0) entry.countries = countries;
  const optional: Record<string, unknown> = {
    address: oneOrPerLanguage(cells, "address", report),
    hours: oneOrPerLanguage(cells, "hours", report),
    website: websiteOf(cells),
    email: cells("email") || undefined,
    confidence: cells("confidence") || undefined,
  };
  for (const [key, value] of Object.entries(optional)) if (value !== undefined && value !== "") entry[key] = value;
  if (cells("lat") !== "" || cells("lon") !== "") entry.coordinates = { lat: number(cells("lat")), lon: number(cells("lon")) };
  return entry;
}

/** Rows with nothing in them are skipped: people leave blank lines between groups. */
function readRows(sheet: ExcelJS.Worksheet, header: Map<string, number>): { row: number; cells: (name: string) => string }[] {
  const rows: { row: number; cells: (name: string) => string }[] = [];
  for (let row = 2; row <= sheet.rowCount; row++) {
    const values = sheet.getRow(row);
    const cells = (name: string) => {
      const column = header.get(name);
      return column === undefined ? "" : cellText(values.getCell(column).value);
    };
    if ([...header.values()].every((column) => cellText(values.getCell(column).value) === "")) continue;
    rows.push({ row, cells });
  }
  return rows;
}

export async function readDirectoryWorkbook(path: string): Promise<WorkbookRead> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(path);
  const problems: Problem[] = [];
  const origin: WorkbookOrigin = { entryRows: [], gapRows: [] };
  const sheet = workbook.getWorksheet(DIRECTORY_SHEET);
  if (!sheet) {
    const found = workbook.worksheets.map((s) => `"${s.name}"`).join(", ");
    return { data: { version: 1, entries: [] }, origin, problems: [sheetProblem(DIRECTORY_SHEET, undefined, undefined, `no such sheet (found ${found}); name the sheet with the services "${DIRECTORY_SHEET}"`)] };
  }
  const header = headerOf(sheet);
  for (const name of header.keys()) {
    if (!(COLUMNS as readonly string[]).includes(name)) problems.push(sheetProblem(DIRECTORY_SHEET, 1, name, `unknown column; use the columns ${COLUMNS.join(", ")}`));
  }
  for (const name of REQUIRED_COLUMNS) {
    if (!header.has(name)) problems.push(sheetProblem(DIRECTORY_SHEET, 1, name, "missing column: add it to the first row"));
  }
  const entries = readRows(sheet, header).map(({ row, cells }) => {
    origin.entryRows.push(row);
    return rowToEntry(cells, (column, message) => problems.push(sheetProblem(DIRECTORY_SHEET, row, column, message)));
  });

  const gapsSheet = workbook.getWorksheet(GAPS_SHEET);
  let gaps: Record<string, unknown>[] | undefined;
  if (gapsSheet) {
    const gapHeader = headerOf(gapsSheet);
    for (const name of ["city", "category"]) if (!gapHeader.has(name)) problems.push(sheetProblem(GAPS_SHEET, 1, name, "missing column: add it to the first row"));
    gaps = readRows(gapsSheet, gapHeader).map(({ row, cells }) => {
      origin.gapRows.push(row);
      const note = cells("note");
      return { city: cells("city"), category: cells("category"), ...(note ? { note } : {}) };
    });
  }
  return { data: { version: 1, entries: entries as never, ...(gaps ? { gaps: gaps as never } : {}) }, origin, problems };
}

/**
 * A validator problem (`entries[3].name.kk`) as the place to fix it in the workbook
 * (`sheet "directory", row 5, column name_kk`).
 */
export function locateProblem(problem: Problem, origin: WorkbookOrigin): Problem {
  const entry = /^entries\[(\d+)\](?:\.(.*))?$/.exec(problem.path);
  if (entry) {
    const row = origin.entryRows[Number(entry[1])];
    return sheetProblem(DIRECTORY_SHEET, row, entry[2] === undefined ? undefined : columnOf(entry[2]), problem.message);
  }
  const gap = /^gaps\[(\d+)\](?:\.(.*))?$/.exec(problem.path);
  if (gap) return sheetProblem(GAPS_SHEET, origin.gapRows[Number(gap[1])], gap[2], problem.message);
  return problem;
}

/** `name.kk` → name_kk, `phones[1].number` → phones, `source.url` → source_url, `coordinates.lat` → lat. */
function columnOf(field: string): string {
  const phone = /^phones(?:\[(\d+)\])?/.exec(field);
  if (phone) return phone[1] === undefined ? "phones" : `phones (number ${Number(phone[1]) + 1})`;
  const [head, tail] = field.split(".", 2) as [string, string | undefined];
  if (head === "coordinates") return tail ?? "lat";
  if (head === "source") return tail ? `source_${tail}` : "source_title";
  if (head === "website" && tail === "default") return "website";
  if (tail && (ENTRY_LANGUAGES as readonly string[]).includes(tail)) return `${head}_${tail}`;
  if (tail && (head === "address" || head === "hours")) return `${head}_${tail}`;
  return head;
}

/** Phone labels have no column yet; a directory that uses them stays a JSON file. */
export function workbookLimitations(file: DirectoryFile): Problem[] {
  return file.entries.flatMap((entry, i) =>
    entry.phones.some((phone) => phone.label)
      ? [{ path: `entries[${i}].phones`, message: "phone labels have no column in the spreadsheet; keep this directory as JSON or remove the labels" }]
      : [],
  );
}

function entryRow(entry: Entry): Record<string, string | number> {
  const row: Record<string, string | number> = {
    id: entry.id,
    city: entry.city,
    categories: entry.categories.join("; "),
    countries: (entry.countries ?? []).join("; "),
    phones: entry.phones.map((phone) => phone.number).join("; "),
    email: entry.email ?? "",
    source_title: entry.source.title,
    source_url: entry.source.url ?? "",
    source_citation: entry.source.citation ?? "",
    checked: entry.checked,
    confidence: entry.confidence ?? "",
  };
  for (const lang of ENTRY_LANGUAGES) {
    row[`name_${lang}`] = entry.name[lang];
    row[`description_${lang}`] = entry.description[lang];
  }
  for (const field of ["address", "hours"] as const) {
    const value = entry[field];
    if (typeof value === "string") row[field] = value;
    else if (value) for (const lang of ENTRY_LANGUAGES) row[`${field}_${lang}`] = value[lang];
  }
  if (typeof entry.website === "string") row.website = entry.website;
  else if (entry.website) {
    row.website = entry.website.default;
    for (const lang of ENTRY_LANGUAGES) if (entry.website[lang]) row[`website_${lang}`] = entry.website[lang]!;
  }
  if (entry.coordinates) {
    row.lat = entry.coordinates.lat;
    row.lon = entry.coordinates.lon;
  }
  return row;
}

/** The directory as workbook bytes: what NGOs start from. Call `workbookLimitations` first. */
export async function directoryWorkbook(file: DirectoryFile): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const sheet = workbook.addWorksheet(DIRECTORY_SHEET, { views: [{ state: "frozen", xSplit: 1, ySplit: 1 }] });
  sheet.addRow([...COLUMNS]).font = { bold: true };
  for (const entry of file.entries) {
    const row = entryRow(entry);
    // Every cell is text, so Excel never turns 112 into a number or a date into a serial.
    sheet.addRow(COLUMNS.map((column) => (column === "lat" || column === "lon" ? (row[column] ?? "") : String(row[column] ?? ""))));
  }
  sheet.getColumn(1).width = 28;
  const gaps = workbook.addWorksheet(GAPS_SHEET);
  gaps.addRow([...GAP_COLUMNS]).font = { bold: true };
  for (const gap of file.gaps ?? []) gaps.addRow([gap.city, gap.category, gap.note ?? ""]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}
