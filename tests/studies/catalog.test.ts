/**
 * The study catalog: every workbook in FORMS_DIR is a study, the IOM workbook becomes the native
 * study (checked against its definition), a form that does not import stops start-up with its
 * sheet, row and column, and DEFAULT_FORM picks what plain /start opens.
 */
import { spawnSync } from "node:child_process";
import { copyFile, mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { catalogOf, loadStudies, StudyLoadError } from "../../src/studies/catalog.ts";
import type { Study } from "../../src/studies/study.ts";
import { studyOfSession } from "../../src/studies/session-study.ts";
import { node24 } from "../support/processes.ts";

const CORPUS = join(import.meta.dirname, "..", "..", "..", "shared", "xlsform-corpus");
const IOM = join(import.meta.dirname, "..", "..", "forms", "labour-migrants-kz.xlsx");
const CASCADING = join(CORPUS, "xlsform-org-cascading-select.xlsx");
/** A public form with a photo question on row 5: a chat cannot ask for a photo. */
const WITH_PHOTO = join(CORPUS, "ona-tutorial-constraints.xlsx");

const dirs: string[] = [];
async function formsDir(files: Record<string, string | Buffer>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), "forms-"));
  dirs.push(dir);
  for (const [name, source] of Object.entries(files)) {
    if (typeof source === "string") await copyFile(source, join(dir, name));
    else await writeFile(join(dir, name), source);
  }
  return dir;
}

async function loadError(options: Parameters<typeof loadStudies>[0]): Promise<string[]> {
  try {
    await loadStudies(options);
  } catch (error) {
    if (error instanceof StudyLoadError) return error.lines;
    throw error;
  }
  throw new Error("the studies loaded");
}

/** A small valid form, with an optional disclosure sheet. */
async function smallForm(disclosure?: [string, string][]): Promise<Buffer> {
  const workbook = new ExcelJS.Workbook();
  const survey = workbook.addWorksheet("survey");
  survey.addRows([["type", "name", "label"], ["integer", "age", "Age"], ["select_one yn", "works", "Do you work?"], ["text", "town", "Town"], ["text", "notes", "Anything else?"]]);
  const choices = workbook.addWorksheet("choices");
  choices.addRows([["list_name", "name", "label"], ["yn", "yes", "Yes"], ["yn", "no", "No"]]);
  workbook.addWorksheet("settings").addRows([["form_id", "version", "form_title"], ["small_survey", "3", "Small survey"]]);
  if (disclosure) workbook.addWorksheet("disclosure").addRows([["name", "role"], ...disclosure]);
  return Buffer.from(await workbook.xlsx.writeBuffer());
}

let shipped: Awaited<ReturnType<typeof loadStudies>>;
beforeAll(async () => {
  shipped = await loadStudies({ dir: await formsDir({ "labour-migrants-kz.xlsx": IOM, "cascading.xlsx": CASCADING }) });
}, 60_000);
afterAll(async () => {
  for (const dir of dirs) await rm(dir, { recursive: true, force: true });
});

describe("loading the studies of FORMS_DIR", () => {
  it("makes the IOM workbook the native study and any other workbook a form study", () => {
    const kinds = Object.fromEntries(shipped.all().map((study) => [study.key, study.kind]));
    expect(kinds).toEqual({ "labour_migrants_kz@1": "native", "cascading_select@": "form" });
    const native = shipped.byFormId("labour_migrants_kz")!;
    expect(native.kind === "native" && native.definition.id).toBe("labour_migrants_kz");
    expect(shipped.byKey("cascading_select@")?.form.title).toBe("Cascading select example");
    // Without DEFAULT_FORM, plain /start opens the native study.
    expect(shipped.default.key).toBe("labour_migrants_kz@1");
  });

  it("opens the form DEFAULT_FORM names with plain /start, and refuses one FORMS_DIR lacks", async () => {
    const dir = await formsDir({ "labour-migrants-kz.xlsx": IOM, "cascading.xlsx": CASCADING });
    expect((await loadStudies({ dir, defaultForm: "cascading_select" })).default.key).toBe("cascading_select@");
    const lines = await loadError({ dir, defaultForm: "no_such_form" });
    expect(lines).toEqual([expect.stringMatching(/^DEFAULT_FORM: no workbook in .* has form_id "no_such_form"; there are (labour_migrants_kz, cascading_select|cascading_select, labour_migrants_kz)$/)]);
  });

  it("stops at a form that does not import, naming the file, sheet, row and column of each problem", async () => {
    const lines = await loadError({ dir: await formsDir({ "labour-migrants-kz.xlsx": IOM, "tutorial.xlsx": WITH_PHOTO }) });
    expect(lines.length).toBeGreaterThan(0);
    expect(lines[0]).toBe('tutorial.xlsx: survey, row 5, column "type": the question type "photo" is not supported: a chat cannot ask for a photo');
    for (const line of lines) expect(line).toMatch(/^tutorial\.xlsx: survey, row \d+, column "\w+": /);
  });

  it("refuses an IOM workbook that is not its definition's own export", async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.readFile(IOM);
    // One condition changed: the workbook would accept answers the definition refuses.
    const survey = workbook.getWorksheet("survey")!;
    const header = survey.getRow(1).values as unknown[];
    const column = header.indexOf("constraint");
    let changed = false;
    survey.eachRow((row, number) => {
      if (changed || number === 1 || !row.getCell(column).text) return;
      row.getCell(column).value = ". >= 0";
      changed = true;
    });
    expect(changed).toBe(true);
    const lines = await loadError({ dir: await formsDir({ "labour-migrants-kz.xlsx": Buffer.from(await workbook.xlsx.writeBuffer()) }) });
    expect(lines).toEqual([expect.stringMatching(/^labour-migrants-kz\.xlsx: its children differ from the definition labour_migrants_kz's XLSForm export/)]);
  });

  it("reads the disclosure sheet into the form study's policy", async () => {
    const catalog = await loadStudies({ dir: await formsDir({ "small.xlsx": await smallForm([["town", "quasi_identifier"], ["age", "quasi_identifier"], ["notes", "safe_text"]]) }) });
    const study = catalog.default;
    expect(study.kind).toBe("form");
    expect(study.policy.quasiIdentifiers).toEqual(["town", "age"]);
    expect(study.safeTextFields).toEqual(["notes"]);
    expect(study.policy).toMatchObject({ k: 5, recodings: [], breakdowns: [], missingCodes: [], suppression: { code: "suppressed", spss: -9, maxShare: 0.05 } });
    expect(study.policy.generalize).toBeUndefined();
    expect(study.policy.cityQuestion).toBeUndefined();
  });

  it("refuses a disclosure row naming a field the form lacks or an unknown role, with its row", async () => {
    const lines = await loadError({ dir: await formsDir({ "small.xlsx": await smallForm([["town", "quasi_identifier"], ["income", "quasi_identifier"], ["notes", "public"]]) }) });
    expect(lines).toEqual([
      'small.xlsx: disclosure, row 3, column "name": the form has no field "income"',
      'small.xlsx: disclosure, row 4, column "role": the role "public" is not one of quasi_identifier, safe_text',
    ]);
  });

  it("refuses an empty or missing FORMS_DIR", async () => {
    expect(await loadError({ dir: await formsDir({}) })).toEqual([expect.stringMatching(/^FORMS_DIR: no XLSForm workbook \(\.xlsx\) in /)]);
    expect(await loadError({ dir: join(tmpdir(), "no-such-forms-dir-h1") })).toEqual([expect.stringMatching(/^FORMS_DIR: cannot read the folder .* \(ENOENT\)$/)]);
  });
});

describe("a catalog built from studies (catalogOf)", () => {
  const form = (formId: string, version: string): Study => ({ ...shipped.byKey("cascading_select@")!, key: `${formId}@${version}`, formId, version }) as Study;

  it("finds the newest version of a form id, numerically", () => {
    const catalog = catalogOf([form("a", "9"), form("a", "10"), form("b", "1")], "b@1");
    expect(catalog.byFormId("a")?.key).toBe("a@10");
    expect(catalog.default.key).toBe("b@1");
  });

  it("finds a session's study: none named is the native one, an older version carries on in the newest", () => {
    const catalog = catalogOf([shipped.byKey("labour_migrants_kz@1")!, form("a", "2"), form("a", "10")]);
    expect(studyOfSession(catalog, undefined)?.key).toBe("labour_migrants_kz@1");
    expect(studyOfSession(catalog, "a@2")?.key).toBe("a@2");
    expect(studyOfSession(catalog, "a@1")?.key).toBe("a@10");
    expect(studyOfSession(catalog, "gone@1")).toBeUndefined();
    expect(studyOfSession(catalogOf([form("a", "1")]), undefined)).toBeUndefined();
  });

  it("needs a default when several form studies run and none is native", () => {
    expect(() => catalogOf([form("a", "1"), form("b", "1")])).toThrow(/DEFAULT_FORM: several studies and none is the default/);
    expect(catalogOf([form("a", "1")]).default.key).toBe("a@1");
  });
});

describe("start-up", () => {
  it("stops with the importer's row and column, one line each, when a form does not import", async () => {
    const dir = await formsDir({ "labour-migrants-kz.xlsx": IOM, "tutorial.xlsx": WITH_PHOTO });
    const result = spawnSync(node24(), ["src/bot/main.ts"], {
      cwd: join(import.meta.dirname, "..", ".."),
      encoding: "utf8",
      timeout: 60_000,
      env: { PATH: process.env.PATH ?? "", BOT_TOKEN: "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij", TELEGRAM_API_ROOT: "http://127.0.0.1:9", REDIS_URL: "redis://127.0.0.1:9", FORMS_DIR: dir, LOG_LEVEL: "silent" },
    });
    expect(result.status).toBe(1);
    const lines = result.stderr.trim().split("\n");
    expect(lines[0]).toBe('tutorial.xlsx: survey, row 5, column "type": the question type "photo" is not supported: a chat cannot ask for a photo');
    for (const line of lines) expect(line).toMatch(/^tutorial\.xlsx: survey, row \d+, column "\w+": /);
  }, 90_000);
});
