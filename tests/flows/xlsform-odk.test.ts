/**
 * Differential tests against ODK's own engine, over the public XLSForm corpus
 * (../shared/xlsform-corpus: real forms, each with the XForm pyxform 4.5 made from it).
 *
 * For every form: our importer reads the .xlsx, ODK's engine (@getodk/xforms-engine) loads the
 * XForm, and seeded random interviews are played through both. At every step the relevance of
 * every field, the calculated values, the offered choices and the verdict on each answer must
 * agree. A form we cannot import fails with the importer's message, unless the refused cells
 * are listed in REFUSED_ON_PURPOSE with the reason. Questions a chat cannot
 * ask (GPS, photo…) are refused by the importer, which this test checks by name; the rest of
 * such a form is still compared, with those questions kept as never-asked fields.
 */
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { FormImportError, importXlsForm } from "../../src/flows/xlsform-import.ts";
import { readXlsFormRows, type XlsFormRows } from "../../src/flows/xlsform-sheets.ts";
import { playPath } from "./differential.ts";

const corpus = new URL("../../../shared/xlsform-corpus/", import.meta.url);
const fromRoot = "../shared/xlsform-corpus/";

interface ManifestForm {
  id: string;
  file: string;
  xform: string;
  questions: number;
  unsupported_for_chat: Record<string, number>;
}

async function corpusDir(): Promise<string> {
  try {
    await readFile(new URL("manifest.json", corpus));
    return corpus.pathname;
  } catch {
    return fromRoot;
  }
}

const dir = await corpusDir();
const manifest = JSON.parse(await readFile(`${dir}manifest.json`, "utf8")) as { forms: ManifestForm[] };
/** Types the bot will not record: they would say who the respondent is. */
const PERSONAL = ["phonenumber", "username", "email", "subscriberid", "simserial"];
const today = new Date().toISOString().slice(0, 10);

/**
 * Cells of the corpus that the importer refuses on purpose although they are not questions a chat
 * cannot ask. Each is named here with the reason, so the refusal is a decision the test checks,
 * not a failure it hides. The differential run reads such a cell as `odk` says ODK reads it, or
 * leaves it out (`odk: undefined`) where nothing in a chat could match it.
 */
interface DeliberateRefusal {
  row: number;
  column: string;
  why: string;
  /** What the differential run puts in the cell instead (undefined: the cell is left empty). */
  odk?: string;
}
const REFUSED_ON_PURPOSE: Record<string, DeliberateRefusal[]> = {
  "reach-msna-2024-global-tool": [
    { row: 314, column: "required", odk: "no", why: 'required "T" is no XLSForm value: ODK reads it as a path to a missing node, i.e. not required' },
    { row: 315, column: "required", odk: "no", why: 'required "T" is no XLSForm value: ODK reads it as a path to a missing node, i.e. not required' },
  ],
  "impact-msna-template-en-fr": [{ row: 666, column: "calculation", why: "a calculation on a select_multiple question (a computed answer, true/false in ODK)" }],
  "pyxform-spec-test-zh-en": [
    ...["image", "audio", "video"].map((column) => ({ row: 9, column, why: "media attached to a label: a chat shows text only" })),
    { row: 10, column: "image", why: "media attached to a label: a chat shows text only" },
    { row: 32, column: "type", why: "time: a chat cannot ask for a time of day" },
    { row: 33, column: "type", why: "datetime: a chat cannot ask for a date and time" },
    { row: 53, column: "label::english", why: "the label quotes ${phonenumber}, a question the bot refuses to keep (it names the respondent)" },
  ],
};

/** The rows as ODK reads them: each deliberately refused cell replaced as REFUSED_ON_PURPOSE says. */
function asOdkReadsThem(rows: XlsFormRows, refusals: DeliberateRefusal[]): XlsFormRows {
  const survey = rows.survey.map((row) => {
    const here = refusals.filter((r) => r.row === row.row && r.column !== "type" && r.column !== "label::english");
    if (here.length === 0) return row;
    const cells = { ...row.cells };
    for (const refusal of here) {
      if (refusal.odk === undefined) delete cells[refusal.column];
      else cells[refusal.column] = refusal.odk;
    }
    return { ...row, cells };
  });
  return { ...rows, survey };
}

describe.each(manifest.forms)("XLSForm $id", (entry) => {
  const read = async () => readXlsFormRows(await readFile(`${dir}${entry.file}`));
  const onPurpose = REFUSED_ON_PURPOSE[entry.id] ?? [];

  it("imports, or names each question a chat cannot ask and each cell refused on purpose", async () => {
    const rows = await read();
    const unsupported = Object.keys(entry.unsupported_for_chat);
    if (unsupported.length === 0 && onPurpose.length === 0 && !rows.survey.some((r) => PERSONAL.includes(r.cells.type ?? ""))) {
      const form = importXlsForm(rows, { fileName: entry.file });
      expect(form.children.length).toBeGreaterThan(0);
      return;
    }
    let error: unknown;
    try {
      importXlsForm(rows, { fileName: entry.file });
    } catch (caught) {
      error = caught;
    }
    expect(error, "a form with GPS/photo/… questions must be refused").toBeInstanceOf(FormImportError);
    const issues = (error as FormImportError).issues;
    const named = new Set(issues.map((i) => i.feature));
    for (const type of unsupported) expect([...named], `the importer names ${type}`).toContain(type.toLowerCase());
    for (const issue of issues) {
      expect(issue.row, (error as Error).message).toBeGreaterThan(1);
      expect(issue.column).toBeDefined();
    }
    const expectedOnPurpose = (i: { row?: number; column?: string }) => onPurpose.some((r) => r.row === i.row && r.column === i.column);
    for (const refusal of onPurpose) {
      expect(issues.some((i) => i.row === refusal.row && i.column === refusal.column), `row ${refusal.row}, ${refusal.column} is refused (${refusal.why})`).toBe(true);
    }
    // Deliberately unsupported, and only that: nothing else is wrong with the form.
    const unexpected = issues.filter((i) => !expectedOnPurpose(i) && (i.column !== "type" || ![...unsupported, ...PERSONAL].includes(i.feature)));
    expect(unexpected, (error as Error).message).toEqual([]);
  });

  it("runs as ODK runs it on random answer paths", { timeout: 600_000 }, async () => {
    const form = importXlsForm(asOdkReadsThem(await read(), onPurpose), { fileName: entry.file, allowUnanswerable: true });
    const xml = await readFile(`${dir}${entry.xform}`, "utf8");
    // ODK's engine takes seconds per step on the long forms; the short ones get more paths.
    const paths = entry.questions > 150 ? 2 : entry.questions > 40 ? 4 : 12;
    const mismatches: string[] = [];
    let answered = 0;
    for (let seed = 1; seed <= paths; seed++) {
      const report = await playPath(form, xml, seed, { today, instanceId: "uuid:differential-test" });
      mismatches.push(...report.mismatches);
      answered += report.answered;
    }
    expect(mismatches).toEqual([]);
    expect(answered, "the paths answered questions").toBeGreaterThan(0);
  });
});
