/**
 * The fixed parts of an XLSX package (Office Open XML, SpreadsheetML) and the XML of one sheet
 * row, for a workbook whose sheets hold plain values only: no styles beyond the default, no
 * shared strings (text is written inline in its cell), no formulas.
 */
import type { Cell } from "../columns.ts";

const XML_HEAD = '<?xml version="1.0" encoding="UTF-8" standalone="yes"?>\n';
const MAIN_NS = "http://schemas.openxmlformats.org/spreadsheetml/2006/main";
const REL_NS = "http://schemas.openxmlformats.org/package/2006/relationships";
const DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships";
const CONTENT = "application/vnd.openxmlformats-officedocument.spreadsheetml";

export const sheetPath = (index: number) => `xl/worksheets/sheet${index + 1}.xml`;

/** Every part but the sheets themselves, keyed by their path in the package. */
export function packageParts(sheetNames: readonly string[]): [path: string, xml: string][] {
  const sheetTypes = sheetNames.map((_, i) => `<Override PartName="/${sheetPath(i)}" ContentType="${CONTENT}.worksheet+xml"/>`).join("");
  const sheets = sheetNames.map((name, i) => `<sheet name="${escapeXml(name)}" sheetId="${i + 1}" r:id="rId${i + 1}"/>`).join("");
  const sheetRels = sheetNames.map((_, i) => `<Relationship Id="rId${i + 1}" Type="${DOC_REL}/worksheet" Target="worksheets/sheet${i + 1}.xml"/>`).join("");
  const stylesId = `rId${sheetNames.length + 1}`;
  return [
    [
      "[Content_Types].xml",
      `${XML_HEAD}<Types xmlns="http://schemas.openxmlformats.org/package/2006/content-types">` +
        `<Default Extension="rels" ContentType="application/vnd.openxmlformats-package.relationships+xml"/>` +
        `<Default Extension="xml" ContentType="application/xml"/>` +
        `<Override PartName="/xl/workbook.xml" ContentType="${CONTENT}.sheet.main+xml"/>` +
        `<Override PartName="/xl/styles.xml" ContentType="${CONTENT}.styles+xml"/>${sheetTypes}</Types>`,
    ],
    ["_rels/.rels", `${XML_HEAD}<Relationships xmlns="${REL_NS}"><Relationship Id="rId1" Type="${DOC_REL}/officeDocument" Target="xl/workbook.xml"/></Relationships>`],
    ["xl/workbook.xml", `${XML_HEAD}<workbook xmlns="${MAIN_NS}" xmlns:r="${DOC_REL}"><sheets>${sheets}</sheets></workbook>`],
    ["xl/_rels/workbook.xml.rels", `${XML_HEAD}<Relationships xmlns="${REL_NS}">${sheetRels}<Relationship Id="${stylesId}" Type="${DOC_REL}/styles" Target="styles.xml"/></Relationships>`],
    // The default style only; some readers refuse a workbook without a styles part.
    [
      "xl/styles.xml",
      `${XML_HEAD}<styleSheet xmlns="${MAIN_NS}"><fonts count="1"><font><sz val="11"/><name val="Calibri"/></font></fonts>` +
        `<fills count="2"><fill><patternFill patternType="none"/></fill><fill><patternFill patternType="gray125"/></fill></fills>` +
        `<borders count="1"><border><left/><right/><top/><bottom/><diagonal/></border></borders>` +
        `<cellStyleXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0"/></cellStyleXfs>` +
        `<cellXfs count="1"><xf numFmtId="0" fontId="0" fillId="0" borderId="0" xfId="0"/></cellXfs>` +
        `<cellStyles count="1"><cellStyle name="Normal" xfId="0" builtinId="0"/></cellStyles></styleSheet>`,
    ],
  ];
}

export const SHEET_START = `${XML_HEAD}<worksheet xmlns="${MAIN_NS}"><sheetData>`;
export const SHEET_END = "</sheetData></worksheet>";

/** A, B, …, Z, AA, AB, …: the letters of the 0-based column `index`. */
export function columnLetters(index: number): string {
  let letters = "";
  for (let n = index + 1; n > 0; n = Math.floor((n - 1) / 26)) letters = String.fromCharCode(65 + ((n - 1) % 26)) + letters;
  return letters;
}

// Characters XML 1.0 cannot hold at all (control characters but tab, line feed, carriage return; lone surrogates).
const NOT_XML = /[\u0000-\u0008\u000B\u000C\u000E-\u001F\uFFFE\uFFFF]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/g;
const MARKUP = /[&<>"]/;
const ENTITIES: Record<string, string> = { "&": "&amp;", "<": "&lt;", ">": "&gt;", '"': "&quot;" };

export function escapeXml(text: string): string {
  const clean = text.replace(NOT_XML, "");
  return MARKUP.test(clean) ? clean.replace(/[&<>"]/g, (c) => ENTITIES[c]!) : clean;
}

/**
 * One `<row>`: numbers as numbers, text inline, empty cells left out (each cell carries its
 * reference, so a gap stays a gap). `refs` are the column letters, computed once per sheet.
 */
export function rowXml(rowNumber: number, cells: readonly Cell[] | readonly (Cell | null)[], refs: readonly string[]): string {
  let xml = `<row r="${rowNumber}">`;
  for (let i = 0; i < cells.length; i++) {
    const cell = cells[i];
    if (cell === undefined || cell === null || cell === "") continue;
    const ref = refs[i]! + rowNumber;
    if (typeof cell === "number" && Number.isFinite(cell)) xml += `<c r="${ref}"><v>${cell}</v></c>`;
    else {
      const text = escapeXml(String(cell));
      // Excel trims the edges of text unless told to keep them.
      const space = text !== text.trim() ? ' xml:space="preserve"' : "";
      xml += `<c r="${ref}" t="inlineStr"><is><t${space}>${text}</t></is></c>`;
    }
  }
  return xml + "</row>";
}
