/**
 * The directory as a spreadsheet, the way an NGO would keep it: the shipped directory written
 * out, read back through `npm run directory -- check` (a real process, its exit code and what it
 * prints), and broken the ways people break spreadsheets, each problem reported with its row.
 * When LibreOffice is installed, the workbook is also re-saved by it, as a person editing it
 * in Calc would, and must still pass.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtemp, readdir, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { pathToFileURL } from "node:url";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { loadDirectory, loadDirectoryFile, DirectoryError } from "../../src/referrals/directory.ts";
import { DIRECTORY_SHEET, GAPS_SHEET } from "../../src/referrals/workbook.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const TSX = join(ROOT, "node_modules", ".bin", "tsx");

/** `npm run directory -- …` as the maintainer runs it: its exit code and its output. */
function directoryCli(...args: string[]): { status: number | null; output: string } {
  const run = spawnSync(TSX, ["src/referrals/cli.ts", ...args], { cwd: ROOT, encoding: "utf8", timeout: 60_000 });
  return { status: run.status, output: `${run.stdout}${run.stderr}` };
}

let dir: string;
let shipped: string;

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "directory-workbook-"));
  shipped = join(dir, "directory.xlsx");
  const written = directoryCli("export", shipped);
  expect(written.status, written.output).toBe(0);
}, 60_000);
afterAll(async () => rm(dir, { recursive: true, force: true }));

/** Opens the written workbook, lets a test change it like a person would, and saves a copy. */
async function edited(name: string, change: (sheets: { directory: ExcelJS.Worksheet; gaps: ExcelJS.Worksheet; rowOf: (id: string) => ExcelJS.Row; column: (name: string) => number }) => void): Promise<string> {
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(shipped);
  const directory = workbook.getWorksheet(DIRECTORY_SHEET)!;
  const header = (directory.getRow(1).values as unknown[]).map((v) => String(v ?? ""));
  const column = (columnName: string) => {
    const index = header.indexOf(columnName);
    if (index < 1) throw new Error(`no column ${columnName}`);
    return index;
  };
  const rowOf = (id: string) => {
    for (let r = 2; r <= directory.rowCount; r++) if (directory.getRow(r).getCell(1).value === id) return directory.getRow(r);
    throw new Error(`no row ${id}`);
  };
  change({ directory, gaps: workbook.getWorksheet(GAPS_SHEET)!, rowOf, column });
  const path = join(dir, name);
  await workbook.xlsx.writeFile(path);
  return path;
}

describe("the directory as a spreadsheet", () => {
  it("round-trips: written out, read back through the checker, the same directory", async () => {
    const checked = directoryCli("check", shipped);
    expect(checked.status, checked.output).toBe(0);
    expect(checked.output).toMatch(/OK, 15 entries, 3 known gaps/);
    const fromWorkbook = await loadDirectoryFile(shipped);
    const fromJson = loadDirectory();
    expect(fromWorkbook.entries).toEqual(fromJson.entries);
    expect(fromWorkbook.gaps).toEqual(fromJson.gaps);
  });

  it("reports a broken one row by row, with the column to fix, and fails", async () => {
    const rows: Record<string, number> = {};
    const broken = await edited("broken.xlsx", ({ rowOf, column }) => {
      const set = (id: string, columnName: string, value: ExcelJS.CellValue) => {
        const row = rowOf(id);
        rows[id] = row.number;
        row.getCell(column(columnName)).value = value;
      };
      set("iom_almaty", "phones", "8 727 258 26 43"); // spaces and the domestic 8
      set("national_helpline_111", "name_kk", null); // a language left empty
      set("ngo_kibhr_almaty", "website_en", "http://bureau.kz/en"); // not https
      set("national_egov_1414", "city", "shymkentt"); // a typo
      set("consulate_tajikistan_almaty", "checked", "30.11.2026"); // a date as people write it
      set("national_emergency_112", "phones", 77272582643); // a number Excel kept as a number
      set("iom_astana", "address", "14 Mambetov St."); // one address for all, beside the per-language ones
    });
    const { status, output } = directoryCli("check", broken);
    expect(status, output).toBe(1);
    const problems = output.split("\n").filter((line) => line.startsWith("  "));
    const at = (id: string, column: string) => `  sheet "directory", row ${rows[id]}, column ${column}: `;
    expect(problems.find((l) => l.startsWith(at("iom_almaty", "phones (number 1)"))), output).toMatch(/\+7 and 10 digits/);
    expect(problems.find((l) => l.startsWith(at("national_helpline_111", "name_kk"))), output).toMatch(/Kazakh/);
    expect(problems.find((l) => l.startsWith(at("ngo_kibhr_almaty", "website_en"))), output).toMatch(/https:\/\//);
    expect(problems.find((l) => l.startsWith(at("national_egov_1414", "city"))), output).toMatch(/"shymkentt".*almaty, astana, shymkent, national/);
    expect(problems.find((l) => l.startsWith(at("consulate_tajikistan_almaty", "checked"))), output).toMatch(/YYYY-MM-DD/);
    expect(problems.find((l) => l.startsWith(at("national_emergency_112", "phones (number 1)"))), output).toMatch(/"77272582643"/);
    expect(problems.find((l) => l.startsWith(at("iom_astana", "address"))), output).toMatch(/either address .* or address_en, .*not both/);
    expect(problems, output).toHaveLength(7);
    // The bot refuses it the same way at start-up.
    await expect(loadDirectoryFile(broken)).rejects.toThrow(DirectoryError);
  });

  it("asks for every city and kind of help to be covered or written down as a gap", async () => {
    const withoutGap = await edited("no-gap.xlsx", ({ gaps }) => {
      for (let r = 2; r <= gaps.rowCount; r++) {
        if (gaps.getRow(r).getCell(1).value === "astana" && gaps.getRow(r).getCell(2).value === "legal") gaps.spliceRows(r, 1);
      }
    });
    const { status, output } = directoryCli("check", withoutGap);
    expect(status, output).toBe(1);
    expect(output).toContain("(coverage) astana, legal: nothing for astana or the whole country");
  });

  it("names a missing column and an unknown one in the first row", async () => {
    const renamed = await edited("renamed.xlsx", ({ directory, column }) => {
      directory.getRow(1).getCell(column("name_kk")).value = "name_kz";
    });
    const { status, output } = directoryCli("check", renamed);
    expect(status).toBe(1);
    expect(output).toContain('sheet "directory", row 1, column name_kz: unknown column');
    expect(output).toContain('sheet "directory", row 1, column name_kk: missing column');
  });

  it("lists entries not checked for more than 180 days, without failing", async () => {
    const old = await edited("old.xlsx", ({ rowOf, column }) => {
      rowOf("iom_astana").getCell(column("checked")).value = "2025-01-15";
    });
    const { status, output } = directoryCli("check", old);
    expect(status, output).toBe(0);
    expect(output).toMatch(/1 entry was last checked more than 180 days ago/);
    expect(output).toContain("  iom_astana: checked 2025-01-15");
  });
});

const hasLibreOffice = spawnSync("soffice", ["--version"]).status === 0;
if (!hasLibreOffice) {
  console.warn(
    "tests/referrals/workbook.test.ts: the LibreOffice re-save is skipped, soffice is not on PATH (install it with: apt-get install -y --no-install-recommends libreoffice-calc-nogui)",
  );
}

describe.skipIf(!hasLibreOffice)("a workbook saved again by LibreOffice Calc", () => {
  it("still passes the checker with the same entries", async () => {
    const out = join(dir, "calc");
    const profile = pathToFileURL(join(dir, "profile")).href;
    execFileSync("soffice", [`-env:UserInstallation=${profile}`, "--headless", "--convert-to", "xlsx:Calc MS Excel 2007 XML", "--outdir", out, shipped], {
      stdio: "ignore",
      timeout: 120_000,
    });
    expect(await readdir(out)).toEqual(["directory.xlsx"]);
    const resaved = join(out, "directory.xlsx");
    const checked = directoryCli("check", resaved);
    expect(checked.status, checked.output).toBe(0);
    expect((await loadDirectoryFile(resaved)).entries).toEqual(loadDirectory().entries);
  }, 180_000);
});
