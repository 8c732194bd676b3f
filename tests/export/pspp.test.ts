/**
 * The .sps file run through GNU PSPP on the exported CSV: every row is read and the labels are
 * applied. PSPP is a Debian package (`apt-get install -y pspp`; CI installs it); without it on
 * PATH these tests are skipped and say so.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtemp, readFile, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildExportZip } from "../../src/export/build-zip.ts";
import { labourMigrantsKz } from "../../src/flows/definitions/labour-migrants-kz.ts";
import type { Questionnaire } from "../../src/flows/schema.ts";
import type { CompletedRecord } from "../../src/records/record.ts";
import { fixtureDefinition } from "./fixtures/definition.ts";
import { csvObjects, unzipAll } from "./fixtures/files.ts";
import { fixtureRecords, recordSource, seeded } from "./fixtures/records.ts";
import { fixtureTranslate } from "./fixtures/translate.ts";

const hasPspp = spawnSync("pspp", ["--version"]).status === 0;
if (!hasPspp) console.warn("tests/export/pspp.test.ts: skipped, GNU PSPP is not on PATH (install it with: apt-get install -y pspp)");

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "pspp-test-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

/** Exports CSV + SPS, unpacks them, runs data.sps plus `extra` syntax in PSPP; returns its output. */
async function runPspp(definition: Questionnaire, records: CompletedRecord[], translate: typeof fixtureTranslate, extra: string) {
  const outFile = join(dir, `${definition.id}.zip`);
  await buildExportZip({ records: recordSource(records), definition, request: { formats: ["sps"] }, translate, languages: ["en"], outFile, random: seeded(3) });
  const work = await mkdtemp(join(dir, "run-"));
  for (const [name, bytes] of await unzipAll(outFile)) await writeFile(join(work, basename(name)), bytes);
  await writeFile(join(work, "check.sps"), `INCLUDE FILE='data.sps'.\n${extra}\n`);
  const output = execFileSync("pspp", ["-O", "format=txt", "check.sps"], { cwd: work, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"] });
  return { output, work };
}

describe.skipIf(!hasPspp)("SPSS syntax in GNU PSPP", () => {
  it("reads every row of the fixture export, with variable labels, value labels and missing values", async () => {
    const records = fixtureRecords();
    const { output, work } = await runPspp(
      fixtureDefinition,
      records,
      fixtureTranslate,
      "DISPLAY DICTIONARY.\nSAVE TRANSLATE /OUTFILE='labelled.csv' /TYPE=CSV /FIELDNAMES /CELLS=LABELS /REPLACE.",
    );
    expect(output).not.toMatch(/error|warning/i);
    expect(output).toContain("Which district?");
    expect(output).toMatch(/-2\[a\]\s*\|Don't know/); // dk's value label, marked as a user-missing value
    const labelled = csvObjects(await readFile(join(work, "labelled.csv"), "utf8"));
    expect(labelled).toHaveLength(records.length);
    labelled.forEach((row, i) => {
      const record = records[i]!;
      expect(row.day).toBe(record.day);
      expect(row.a_city).toBe(fixtureTranslate("en", `survey:q.a_city.o.${String(record.answers.a_city)}`));
      expect(row.b_sex).toBe(fixtureTranslate("en", `survey:q.b_sex.o.${String(record.answers.b_sex)}`));
      expect(row.b_reasons_money).toBe((record.answers.b_reasons as string[]).includes("money") ? "Yes" : "No");
    });
    expect(new Set(labelled.map((r) => r.a_district))).toContain("Generalized to the city (fewer than 5 people shared this combination)");
  });

  it("accepts the syntax generated for the study's questionnaire", async () => {
    const echo = (_lang: string, key: string) => key;
    const { output } = await runPspp(labourMigrantsKz, [], echo, "DISPLAY DICTIONARY.");
    expect(output).not.toMatch(/error|warning/i);
    expect(output).toContain("a_district");
    expect(output).toContain("survey:q.b_sex.o.male");
  });
});
