/**
 * SPSS syntax that reads data.csv into labelled data (checked with GNU PSPP).
 *
 * Coded answers are read as strings and recoded to numbers in definition order, because numeric
 * codes are what analysts cross-tabulate and what SPSS's value labels and missing values work
 * best on. Numbers that may also hold a code (such as pnta) already hold it as its negative number
 * in the CSV, declared missing here. The codebook lists every code's number.
 */
import { valueLabel, variableLabel, type Variable } from "../columns.ts";
import type { ExportPolicy } from "../../studies/export-policy.ts";

const TEXT_WIDTH: Record<string, number> = { row_id: 12, day: 10, lang: 8, source: 64 };

const ELLIPSIS = "…";
const bytesOf = (text: string) => Buffer.byteLength(text.replace(/'/g, "''"), "utf8");

/**
 * An SPSS string literal within a byte limit. A longer text is shortened at a word boundary and
 * ends in an ellipsis, so a reader sees it was cut; the whole text is in the codebook.
 */
export function quote(text: string, maxBytes: number): string {
  const clean = text.replace(/\s+/g, " ").trim();
  if (bytesOf(clean) <= maxBytes) return `'${clean.replace(/'/g, "''")}'`;
  let cut = [...clean];
  while (cut.length > 0 && bytesOf(cut.join("") + ELLIPSIS) > maxBytes) cut.pop();
  const kept = cut.join("");
  const boundary = kept.lastIndexOf(" ");
  // Back to the last whole word, unless that would throw away most of the label.
  const words = boundary > kept.length / 2 ? kept.slice(0, boundary) : kept;
  const shortened = words.replace(/[\s,;:.–-]+$/u, "") + ELLIPSIS;
  return `'${shortened.replace(/'/g, "''")}'`;
}

const stringName = (v: Variable) => `${v.name}__s`;
const codeWidth = (v: Variable, atLeast: number) => Math.max(atLeast, ...v.values.map((value) => Buffer.byteLength(value.code)));

/** Wraps a long list over several lines; old SPSS versions read syntax lines of limited length. */
function wrap(items: readonly string[], indent = "  "): string {
  const lines: string[] = [];
  let line = "";
  for (const item of items) {
    if (line.length + item.length > 70 && line) (lines.push(line), (line = ""));
    line += (line ? " " : "") + item;
  }
  if (line) lines.push(line);
  return lines.map((l) => indent + l).join("\n");
}

function readFormat(v: Variable): string {
  switch (v.storage) {
    case "text":
      return `${v.name} A${v.width ?? TEXT_WIDTH[v.name] ?? 64}`;
    case "numeric":
    case "numeric_coded":
      return `${v.name} F${v.decimals ? 24 : 10}.0`;
    case "code":
      return `${stringName(v)} A${codeWidth(v, 1)}`;
  }
}

const recodePairs = (v: Variable) => v.values.map((value) => `('${value.code.replace(/'/g, "''")}'=${value.spss})`);

export function spssSyntax(input: { variables: readonly Variable[]; policy: ExportPolicy; en: (key: string) => string; csvFile: string }): string {
  const { variables, en, csvFile } = input;
  const out: string[] = [
    "* Encoding: UTF-8.",
    `* Reads ${csvFile} (UTF-8 with BOM) with labels. Run it from the folder that holds ${csvFile},`,
    `* or put the full path in FILE= below. In SPSS before version 21, first run SET UNICODE=ON.`,
    "",
    "GET DATA /TYPE=TXT",
    `  /FILE='${csvFile}'`,
    "  /ENCODING='UTF8'",
    "  /ARRANGEMENT=DELIMITED /DELCASE=LINE /FIRSTCASE=2",
    "  /DELIMITERS=',' /QUALIFIER='\"'",
    "  /VARIABLES=",
    wrap(variables.map(readFormat), "    ") + ".",
    "",
  ];
  for (const v of variables) {
    if (v.storage === "code") out.push(`RECODE ${stringName(v)}\n${wrap(recodePairs(v))}\n  (ELSE=SYSMIS) INTO ${v.name}.`);
  }
  out.push("ADD FILES FILE=* /KEEP=", wrap(variables.map((v) => v.name)) + ".", "");

  const recoded = variables.filter((v) => v.storage === "code");
  if (recoded.length > 0) out.push(`FORMATS\n${wrap(recoded.map((v) => v.name))} (F4.0).`);
  const numeric = variables.filter((v) => (v.storage === "numeric" || v.storage === "numeric_coded") && !v.decimals);
  if (numeric.length > 0) out.push(`FORMATS\n${wrap(numeric.map((v) => v.name))} (F8.0).`);
  // Numbers with decimals (a form's decimal questions and calculations) keep them on display.
  const withDecimals = variables.filter((v) => (v.storage === "numeric" || v.storage === "numeric_coded") && v.decimals);
  for (const v of withDecimals) out.push(`FORMATS ${v.name} (F16.${Math.min(v.decimals!, 6)}).`);

  out.push("", "VARIABLE LABELS", variables.map((v) => `  ${v.name} ${quote(variableLabel(v, en), 250)}`).join("\n /") + ".", "");
  for (const v of variables.filter((x) => x.values.length > 0)) {
    out.push(`VALUE LABELS ${v.name}\n${v.values.map((value) => `  ${value.spss} ${quote(valueLabel(value, en), 120)}`).join("\n")}.`);
  }
  out.push("");
  for (const v of variables) {
    const missing = v.values.filter((value) => value.missing).map((value) => String(value.spss));
    // SPSS allows at most three discrete missing values per variable.
    if (missing.length > 0) out.push(`MISSING VALUES ${v.name} (${missing.slice(0, 3).join(", ")}).`);
  }
  // Codes and 0/1 columns are categories; counts and years (whose codes are only missing values) are scale.
  const isNominal = (v: Variable) => v.storage === "code" || v.storage === "text" || (v.storage === "numeric" && v.values.length > 0);
  const nominal = variables.filter(isNominal).map((v) => v.name);
  const scale = variables.filter((v) => !isNominal(v)).map((v) => v.name);
  if (nominal.length > 0) out.push(`VARIABLE LEVEL\n${wrap(nominal)} (NOMINAL).`);
  if (scale.length > 0) out.push(`VARIABLE LEVEL\n${wrap(scale)} (SCALE).`);
  out.push("EXECUTE.", "");
  return out.join("\n");
}
