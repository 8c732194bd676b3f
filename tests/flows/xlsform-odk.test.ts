/**
 * Differential tests against ODK's own engine, over the public XLSForm corpus
 * (../shared/xlsform-corpus: real forms, each with the XForm pyxform 4.5 made from it).
 *
 * For every form: our importer reads the .xlsx, ODK's engine (@getodk/xforms-engine) loads the
 * XForm, and seeded random interviews are played through both. At every step the relevance of
 * every field, the calculated values, the offered choices and the verdict on each answer must
 * agree. A form we cannot import fails with the importer's message. Questions a chat cannot
 * ask (GPS, photo…) are refused by the importer, which this test checks by name; the rest of
 * such a form is still compared, with those questions kept as never-asked fields.
 */
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { FormImportError, importXlsForm } from "../../src/flows/xlsform-import.ts";
import { readXlsFormRows } from "../../src/flows/xlsform-sheets.ts";
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

describe.each(manifest.forms)("XLSForm $id", (entry) => {
  const read = async () => readXlsFormRows(await readFile(`${dir}${entry.file}`));

  it("imports, or names each question a chat cannot ask", async () => {
    const rows = await read();
    const unsupported = Object.keys(entry.unsupported_for_chat);
    if (unsupported.length === 0 && !rows.survey.some((r) => PERSONAL.includes(r.cells.type ?? ""))) {
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
    // Deliberately unsupported, and only that: nothing else is wrong with the form.
    expect(issues.filter((i) => i.column !== "type" || ![...unsupported, ...PERSONAL].includes(i.feature)), (error as Error).message).toEqual([]);
  });

  it("runs as ODK runs it on random answer paths", { timeout: 600_000 }, async () => {
    const form = importXlsForm(await read(), { fileName: entry.file, allowUnanswerable: true });
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
