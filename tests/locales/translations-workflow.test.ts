/**
 * The review workflow end to end, as a reviewer and the team use it: `npm run translations`
 * (the same entry point, run as a process) on a copy of the locales, a workbook edited the way a
 * spreadsheet program saves it, and the status that decides what respondents are offered.
 */
import { spawnSync } from "node:child_process";
import { cpSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { LOCALES_DIR } from "../../src/locales/i18n.ts";
import { readReviewState, REVIEW_STATE_FILE, TRANSLATED_LANGUAGES } from "../../src/locales/review-state.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const TSX = join(ROOT, "node_modules", ".bin", "tsx");

let work: string;
let locales: string;
let state: string;

function translations(...args: string[]): { code: number | null; out: string } {
  const run = spawnSync(TSX, ["tools/translations/main.ts", ...args, "--locales", locales, "--state", state], { cwd: ROOT, encoding: "utf8" });
  return { code: run.status, out: `${run.stdout}${run.stderr}` };
}

/** The status line of one language: its counts, as `status` prints them. */
function statusOf(out: string, lang: string): { reviewed: number; stale: number; unreviewed: number } {
  const line = out.split("\n").find((l) => l.startsWith(`${lang} `));
  if (!line) throw new Error(`no status line for ${lang}:\n${out}`);
  const [, reviewed, stale, unreviewed] = line.trim().split(/\s+/).map(Number);
  return { reviewed: reviewed!, stale: stale!, unreviewed: unreviewed! };
}

const text = (lang: string, ns: string, path: string): string =>
  path.split(".").reduce<any>((node, part) => node?.[part], JSON.parse(readFileSync(join(locales, lang, `${ns}.json`), "utf8")));

beforeAll(() => {
  work = mkdtempSync(join(tmpdir(), "translations-"));
  locales = join(work, "locales");
  cpSync(LOCALES_DIR, locales, { recursive: true });
  state = join(work, "reviews.json");
  cpSync(REVIEW_STATE_FILE, state);
});
afterAll(() => rmSync(work, { recursive: true, force: true }));

describe("the review state in the repository", () => {
  it("is honest: no text of any language is signed off (no native speaker has reviewed them yet)", () => {
    const repository = readReviewState();
    for (const lang of TRANSLATED_LANGUAGES) expect(Object.keys(repository.languages[lang]), lang).toEqual([]);
  });
});

describe("npm run translations: export, import, status", () => {
  const workbook = () => join(work, "review-ky.xlsx");
  const rowOf: Record<string, number> = {};

  it("exports a Kyrgyz workbook with the source, the current text, where it is shown, its limit and status", async () => {
    const run = translations("export", "--lang", "ky", workbook());
    expect(run.code, run.out).toBe(0);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(workbook());
    const sheet = book.getWorksheet("Texts")!;
    expect(sheet.getRow(1).values).toEqual(expect.arrayContaining(["Key", "English source", "Current text", "Where it is shown", "Max. characters", "Review status", "Your correction", "Comment"]));
    sheet.eachRow((row, number) => {
      rowOf[String(row.getCell(1).value)] = number;
    });
    const remit = sheet.getRow(rowOf["survey:q.d_remit_freq.text"]!);
    expect(remit.getCell(2).value).toBe("How often do you send money home?");
    expect(remit.getCell(3).value).toBe(text("ky", "survey", "q.d_remit_freq.text"));
    expect(remit.getCell(4).value).toBe("question d_remit_freq");
    expect(remit.getCell(6).value).toBe("unreviewed");
    const option = sheet.getRow(rowOf["survey:q.d_remit_freq.o.monthly"]!);
    expect(option.getCell(4).value).toBe("button: option monthly of question d_remit_freq");
    expect(option.getCell(5).value).toBe("40");
    // Kyrgyz has the plural forms one and other; each is a row of its own.
    expect(rowOf["bot:delete.cleared_one"]).toBeDefined();
    expect(rowOf["bot:delete.cleared_other"]).toBeDefined();
  });

  it("imports three corrections: the valid one is applied and signed off, the two others are rejected with their rows", async () => {
    const before = statusOf(translations("status").out, "ky");
    expect(before.reviewed).toBe(0);

    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(workbook());
    book.getWorksheet("About")!.getCell("B3").value = "Test Reviewer";
    const sheet = book.getWorksheet("Texts")!;
    const correction = 9;
    const valid = "Үйгө акчаны канчалык тез-тез жөнөтөсүз?";
    sheet.getRow(rowOf["survey:q.d_remit_freq.text"]!).getCell(correction).value = valid;
    // Drops {{minWage}}: the respondent would not see the figure the question is about.
    sheet.getRow(rowOf["survey:q.d_wage_vs_min.text"]!).getCell(correction).value = "Казакстанда эң төмөнкү эмгек акы айына канча теңге? Сиздин айлыгыңыз көппү, азбы?";
    // Latin letters in Kyrgyz.
    sheet.getRow(rowOf["survey:q.d_remit_freq.o.monthly"]!).getCell(correction).value = "Aiyna bir jolu";
    await book.xlsx.writeFile(workbook());

    const run = translations("import", workbook());
    expect(run.code, run.out).toBe(2);
    expect(run.out).toContain("1 corrected, 0 approved as they are, 2 rejected; 1 texts signed off");
    expect(run.out).toContain(`row ${rowOf["survey:q.d_remit_freq.text"]}: survey:q.d_remit_freq.text: correction accepted`);
    expect(run.out).toMatch(new RegExp(`row ${rowOf["survey:q.d_wage_vs_min.text"]}: survey:q\\.d_wage_vs_min\\.text: REJECTED: placeholder \\{\\{minWage\\}\\} missing`));
    expect(run.out).toMatch(new RegExp(`row ${rowOf["survey:q.d_remit_freq.o.monthly"]}: survey:q\\.d_remit_freq\\.o\\.monthly: REJECTED: Latin letters in a Cyrillic text: Aiyna, bir, jolu`));

    expect(text("ky", "survey", "q.d_remit_freq.text")).toBe(valid);
    expect(text("ky", "survey", "q.d_wage_vs_min.text")).toContain("{{minWage}}");
    expect(text("ky", "survey", "q.d_remit_freq.o.monthly")).toBe("Айына бир жолу");
    const signOff = readReviewState(state).languages.ky["survey:q.d_remit_freq.text"];
    expect(signOff).toMatchObject({ by: "Test Reviewer" });

    const after = statusOf(translations("status").out, "ky");
    expect(after).toEqual({ reviewed: 1, stale: 0, unreviewed: before.unreviewed - 1 });
    // The other languages did not move.
    expect(statusOf(translations("status").out, "ru").reviewed).toBe(0);
  });

  it("makes the translation stale when its English source changes, and reviewed again when the English comes back", () => {
    const file = join(locales, "en", "survey.json");
    const original = readFileSync(file, "utf8");
    writeFileSync(file, original.replace("How often do you send money home?", "How often do you send money to your family?"));
    const stale = statusOf(translations("status").out, "ky");
    expect(stale).toMatchObject({ reviewed: 0, stale: 1 });
    writeFileSync(file, original);
    expect(statusOf(translations("status").out, "ky")).toMatchObject({ reviewed: 1, stale: 0 });
  });

  it("makes a signed-off translation unreviewed when someone edits it without a new sign-off", () => {
    const file = join(locales, "ky", "survey.json");
    const original = readFileSync(file, "utf8");
    writeFileSync(file, original.replace("Үйгө акчаны канчалык тез-тез жөнөтөсүз?", "Үйгө акчаны канча жолу жөнөтөсүз?"));
    expect(statusOf(translations("status").out, "ky")).toMatchObject({ reviewed: 0, stale: 0 });
    writeFileSync(file, original);
  });

  it("rejects a correction of a plural text while one of its forms is missing, with the row", async () => {
    // A Russian file that lost its "few" form (2–4 сообщения) of the deleted-messages count.
    const file = join(locales, "ru", "bot.json");
    const original = readFileSync(file, "utf8");
    const tree = JSON.parse(original);
    delete tree.delete.cleared_few;
    writeFileSync(file, JSON.stringify(tree, null, 2));
    const ru = join(work, "review-ru.xlsx");
    expect(translations("export", "--lang", "ru", ru).code).toBe(0);
    const book = new ExcelJS.Workbook();
    await book.xlsx.readFile(ru);
    const sheet = book.getWorksheet("Texts")!;
    let row = 0;
    sheet.eachRow((r, n) => {
      if (r.getCell(1).value === "bot:delete.cleared_one") row = n;
    });
    sheet.getRow(row).getCell(9).value = "Удалено {{count}} сообщение.";
    await book.xlsx.writeFile(ru);
    const run = translations("import", ru, "--by", "Test Reviewer");
    expect(run.code, run.out).toBe(2);
    expect(run.out).toContain(`row ${row}: bot:delete.cleared_one: REJECTED: plural forms incomplete: _few has no text`);
    writeFileSync(file, original);
  });
});
