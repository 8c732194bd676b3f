/**
 * The XLSX we write ourselves (src/export/formats/xlsx.ts), opened by a spreadsheet program an
 * analyst really uses: LibreOffice Calc converts each sheet to CSV, and the data sheet must be
 * the export's own data.csv, cell for cell. exceljs reading it back (formats.test.ts) proves less:
 * it is forgiving, and it is the library the writer replaced.
 *
 * LibreOffice is a Debian package (`apt-get install -y --no-install-recommends
 * libreoffice-calc-nogui`; CI installs it); without `soffice` on PATH these tests are skipped
 * and say so.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { pathToFileURL } from "node:url";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildExportZip } from "../../src/export/build-zip.ts";
import { fixtureDefinition } from "./fixtures/definition.ts";
import { parseCsv, unzipAll } from "./fixtures/files.ts";
import { fixtureRecords, recordSource, seeded } from "./fixtures/records.ts";
import { fixtureTranslate } from "./fixtures/translate.ts";

const hasLibreOffice = spawnSync("soffice", ["--version"]).status === 0;
if (!hasLibreOffice) {
  console.warn(
    "tests/export/libreoffice.test.ts: skipped, LibreOffice is not on PATH (install it with: apt-get install -y --no-install-recommends libreoffice-calc-nogui)",
  );
}

/**
 * LibreOffice's CSV filter options: comma, double quote, UTF-8 (76), start at row 1, no column
 * formats, language, quote text cells off, detect special numbers off, save cell contents as
 * shown, export formulas off, remove spaces off, and -1 = every sheet to a file of its own.
 */
const CSV_FILTER = "csv:Text - txt - csv (StarCalc):44,34,76,1,,0,false,true,false,false,false,-1";

let dir: string;
/** Each sheet of data.xlsx as LibreOffice reads it, and the export's data.csv. */
const sheets = new Map<string, string[][]>();
let csv: string[][];
const records = fixtureRecords();

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "libreoffice-test-"));
  if (!hasLibreOffice) return;
  const outFile = join(dir, "export.zip");
  await buildExportZip({
    records: recordSource(records),
    definition: fixtureDefinition,
    request: { formats: ["csv", "xlsx"] },
    translate: fixtureTranslate,
    languages: ["en", "ru"],
    outFile,
    random: seeded(7),
  });
  for (const [name, bytes] of await unzipAll(outFile)) await writeFile(join(dir, basename(name)), bytes);
  csv = parseCsv(await readFile(join(dir, "data.csv"), "utf8"));
  // A profile of its own, so a user's LibreOffice settings (or a running instance) play no part.
  const profile = pathToFileURL(join(dir, "profile")).href;
  execFileSync("soffice", [`-env:UserInstallation=${profile}`, "--headless", "--convert-to", CSV_FILTER, "--outdir", join(dir, "out"), join(dir, "data.xlsx")], {
    stdio: "pipe",
    timeout: 60_000,
  });
  for (const sheet of ["data", "labels", "codebook"]) sheets.set(sheet, parseCsv(await readFile(join(dir, "out", `data-${sheet}.csv`), "utf8")));
}, 90_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe.skipIf(!hasLibreOffice)("the XLSX export in LibreOffice Calc", () => {
  it("opens with its three sheets, and the data sheet is data.csv cell for cell", () => {
    expect([...sheets.keys()]).toEqual(["data", "labels", "codebook"]);
    const data = sheets.get("data")!;
    expect(data).toHaveLength(records.length + 1);
    expect(data).toEqual(csv);
  });

  it("shows the labels sheet in words, on the same rows as the data", () => {
    const data = sheets.get("data")!;
    const labels = sheets.get("labels")!;
    expect(labels).toHaveLength(data.length);
    const sex = data[0]!.indexOf("b_sex");
    expect(labels[0]).toEqual(data[0]); // headed by the same variable names, column by column
    for (let row = 1; row < data.length; row++) {
      expect(labels[row]![0]).toBe(data[row]![0]); // the same row id
      const code = data[row]![sex]!;
      expect(labels[row]![sex]).toBe(fixtureTranslate("en", `survey:q.b_sex.o.${code}`));
    }
  });

  it("lists every data column in the codebook sheet, in order", () => {
    const codebook = sheets.get("codebook")!;
    expect(codebook[0]).toEqual(["variable", "label", "values", "asked if"]);
    expect(codebook.slice(1).map((row) => row[0])).toEqual(csv[0]);
  });
});
