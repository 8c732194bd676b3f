/**
 * The export opened in the tools analysts use, on 2,000 interviews drawn from the report's figures:
 * GNU PSPP runs data.sps and saves a .sav; R's haven reads that .sav with its value labels and
 * user-missing values; pandas reads data.csv with every number and year column numeric and opens
 * the XLSX. Each is a Debian package that `.ci/run` installs (pspp, r-cran-haven, python3-pandas,
 * python3-openpyxl); a tool that is not installed skips its test and says so.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildExportZip } from "../../src/export/build-zip.ts";
import { labourMigrantsKz } from "../../src/flows/definitions/labour-migrants-kz.ts";
import { createTranslator, SOURCE_LANGUAGES } from "../../src/locales/i18n.ts";
import { fieldSample } from "../support/field-sample.ts";
import { recordSource, seeded } from "./fixtures/records.ts";
import { unzipAll } from "./fixtures/files.ts";

const NUMBER_COLUMNS = ["b_children_n", "b_children_kz", "b_children_origin", "c_arrival_year", "e_household_size"];

const works = (command: string, args: string[]) => spawnSync(command, args, { stdio: "ignore" }).status === 0;
const hasPspp = works("pspp", ["--version"]);
const hasHaven = works("Rscript", ["-e", "library(haven)"]);
/** Debian's python3 has python3-pandas; a python3 earlier on PATH (pyenv) may not. */
const python = ["python3", "/usr/bin/python3"].find((p) => works(p, ["-c", "import pandas, openpyxl"]));
const skipped = (tool: string, install: string) => console.warn(`tests/export/analyst-tools.test.ts: skipped, ${tool} is not installed (apt-get install -y ${install})`);
if (!hasPspp) skipped("GNU PSPP", "pspp");
if (!hasHaven) skipped("R with haven", "r-cran-haven");
if (!python) skipped("pandas with openpyxl", "python3-pandas python3-openpyxl");

const translator = createTranslator();
const TEXT_VALUES = { organisation: "IOM Kazakhstan", retentionDays: 365, sessionDays: 30, minWage: "85 000" };

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "analyst-tools-"));
  const outFile = join(dir, "export.zip");
  await buildExportZip({
    records: recordSource(fieldSample(labourMigrantsKz, { count: 2000, seed: 11 })),
    definition: labourMigrantsKz,
    request: { formats: ["csv", "xlsx", "sps", "codebook", "summary"] },
    translate: (lang, key, params) => translator.t(lang, key, params),
    languages: [...SOURCE_LANGUAGES],
    textValues: TEXT_VALUES,
    outFile,
    random: seeded(5),
  });
  for (const [name, bytes] of await unzipAll(outFile)) await writeFile(join(dir, basename(name)), bytes);
}, 120_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const run = (command: string, args: string[]) => execFileSync(command, args, { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 120_000 });

describe.skipIf(!hasPspp)("GNU PSPP", () => {
  it("runs data.sps on data.csv without an error or warning and saves data.sav", async () => {
    // INCLUDE leaves the analyst's data.sps as it is shipped.
    await writeFile(join(dir, "save.sps"), "INCLUDE FILE='data.sps'.\nSAVE OUTFILE='data.sav'.\nDISPLAY DICTIONARY /VARIABLES=a_consent b_children_n a_district.\n");
    const log = run("pspp", ["-O", "format=txt", "save.sps"]);
    expect(log).not.toMatch(/error|warning/i);
    expect(log).toContain("b_children_n");
    expect(log).toContain("…"); // the long consent text, shortened (checked word by word in R below)
    expect(works("test", ["-s", join(dir, "data.sav")])).toBe(true);
  });
});

// Reads the data.sav the PSPP test above saved.
describe.skipIf(!hasPspp || !hasHaven)("R haven", () => {
  it("reads data.sav with value labels and user-missing values", () => {
    const script = [
      "suppressMessages(library(haven))",
      "d <- read_sav('data.sav', user_na = TRUE)",
      "cat('rows', nrow(d), '\\n')",
      "cat('city_labels', paste(names(attr(d$a_city, 'labels')), collapse='|'), '\\n')",
      "cat('sex_class', class(d$b_sex)[1], '\\n')",
      "cat('children_na', paste(attr(d$b_children_n, 'na_values'), collapse='|'), '\\n')",
      "cat('district_na', paste(attr(d$a_district, 'na_values'), collapse='|'), '\\n')",
      "cat('household_mean', mean(zap_missing(d$e_household_size), na.rm = TRUE), '\\n')",
      "cat('consent_label', attr(d$a_consent, 'label'), '\\n')",
      "cat('household_pnta', sum(is.na(zap_missing(d$e_household_size))) - sum(is.na(unclass(d$e_household_size))), '\\n')",
    ].join("\n");
    const lines = Object.fromEntries(
      run("Rscript", ["-e", script])
        .trim()
        .split("\n")
        .map((line) => {
          const [key, ...rest] = line.trim().split(" ");
          return [key!, rest.join(" ").trim()];
        }),
    );
    expect(lines.rows).toBe("2000");
    expect(lines.city_labels).toContain("Almaty");
    expect(lines.sex_class).toBe("haven_labelled_spss");
    expect(lines.children_na).toBe("-1"); // prefer not to answer, declared missing
    expect(lines.district_na!.split("|")).toEqual(expect.arrayContaining(["-9"])); // suppressed, declared missing
    expect(Number(lines.household_mean)).toBeGreaterThan(2);
    // The consent text is longer than SPSS allows: cut after a whole word, with an ellipsis.
    const consent = translator.t("en", "survey:q.a_consent.text", TEXT_VALUES).replace(/\s+/g, " ");
    const label = lines.consent_label!;
    expect(label.endsWith("…")).toBe(true);
    const kept = label.slice(0, -1);
    expect(Buffer.byteLength(label)).toBeLessThanOrEqual(250);
    expect(consent.startsWith(kept)).toBe(true);
    expect(consent[kept.length]).toMatch(/[\s,;:.]/);
    expect(Number(lines.household_pnta)).toBeGreaterThan(0);
  });
});

describe.skipIf(!python)("pandas", () => {
  it("reads data.csv with every number and year column numeric, and opens both XLSX sheets lined up", () => {
    const script = `
import json, pandas as pd
csv = pd.read_csv("data.csv", encoding="utf-8-sig")
data = pd.read_excel("data.xlsx", sheet_name="data")
labels = pd.read_excel("data.xlsx", sheet_name="labels")
print(json.dumps({
  "rows": len(csv),
  "dtypes": {c: str(csv[c].dtype) for c in ${JSON.stringify(NUMBER_COLUMNS)}},
  "mean_household": float(csv["e_household_size"][csv["e_household_size"] >= 0].mean()),
  "xlsx_rows": len(data),
  "xlsx_dtypes": {c: str(data[c].dtype) for c in ${JSON.stringify(NUMBER_COLUMNS)}},
  "same_columns": list(data.columns) == list(labels.columns) == list(csv.columns),
  "same_ids": list(data["row_id"]) == list(labels["row_id"]) == list(csv["row_id"]),
}))
`;
    const result = JSON.parse(run(python!, ["-c", script])) as {
      rows: number;
      dtypes: Record<string, string>;
      mean_household: number;
      xlsx_rows: number;
      xlsx_dtypes: Record<string, string>;
      same_columns: boolean;
      same_ids: boolean;
    };
    expect(result.rows).toBe(2000);
    for (const column of NUMBER_COLUMNS) {
      expect(result.dtypes[column], `data.csv ${column}`).toMatch(/^(int|float)64$/);
      expect(result.xlsx_dtypes[column], `data.xlsx ${column}`).toMatch(/^(int|float)64$/);
    }
    expect(result.mean_household).toBeGreaterThan(2);
    expect(result.xlsx_rows).toBe(2000);
    expect(result.same_columns).toBe(true);
    expect(result.same_ids).toBe(true);
  }, 120_000); // openpyxl reads 2 × 2,000 rows of ~200 columns cell by cell
});
