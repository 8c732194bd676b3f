import { mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { DirectoryError, loadDirectory, parseDirectory } from "../../src/referrals/directory.ts";
import { ENTRY_LANGUAGES, PHONE_FORMAT } from "../../src/referrals/schema.ts";
import { fixtureEntry, shippedFile } from "./fixtures.ts";

const workDir = mkdtempSync(join(tmpdir(), "referrals-"));
afterAll(() => rmSync(workDir, { recursive: true, force: true }));

function writeJson(name: string, data: unknown): string {
  const path = join(workDir, name);
  writeFileSync(path, typeof data === "string" ? data : JSON.stringify(data));
  return path;
}

/** The problems a broken file produces, as `path: message` lines. */
function problemsOf(data: unknown): string[] {
  try {
    parseDirectory(data);
  } catch (error) {
    if (error instanceof DirectoryError) return error.problems.map((p) => `${p.path}: ${p.message}`);
    throw error;
  }
  throw new Error("the broken file was accepted");
}

function indexOf(file: ReturnType<typeof shippedFile>, id: string): number {
  const index = file.entries.findIndex((entry) => entry.id === id);
  if (index < 0) throw new Error(`the shipped directory has no ${id}`);
  return index;
}

describe("the shipped directory", () => {
  const directory = loadDirectory();

  it("loads without problems and has entries", () => {
    expect(directory.entries.length).toBeGreaterThan(0);
  });

  it("gives every entry a citable source and a real check date", () => {
    for (const entry of directory.entries) {
      expect(entry.source.title, entry.id).not.toBe("");
      expect(entry.source.url ?? entry.source.citation, entry.id).toBeTruthy();
      expect(entry.source.title, `${entry.id}: say how it was checked`).toMatch(/checked against a stored copy/);
      expect(Number.isNaN(Date.parse(entry.checked)), entry.id).toBe(false);
    }
  });

  it("has the name and description of every entry in every language", () => {
    for (const entry of directory.entries) {
      for (const lang of ENTRY_LANGUAGES) {
        expect(entry.name[lang].trim(), `${entry.id} name ${lang}`).not.toBe("");
        expect(entry.description[lang].trim(), `${entry.id} description ${lang}`).not.toBe("");
      }
    }
  });

  it("has no phone number without a source that can be checked", () => {
    const phones = directory.entries.flatMap((entry) => entry.phones.map((phone) => ({ entry, phone })));
    expect(phones.length).toBeGreaterThan(0);
    for (const { entry, phone } of phones) {
      expect(phone.number).toMatch(PHONE_FORMAT);
      expect(entry.source.url ?? entry.source.citation, `${entry.id} ${phone.number}`).toBeTruthy();
    }
  });

  it("ships the two IOM offices of the study and the national emergency numbers", () => {
    const numbers = directory.entries.flatMap((entry) => entry.phones.map((phone) => phone.number));
    expect(numbers).toEqual(expect.arrayContaining(["+77172696553", "+77272582643", "112", "101", "102", "103"]));
    expect(directory.forCity("astana", "iom").map((e) => e.email)).toEqual(["iomastana@iom.int"]);
    expect(directory.forCity("almaty", "iom").map((e) => e.email)).toEqual(["iomalmaty@iom.int"]);
  });
});

describe("broken directory files", () => {
  it("names a missing field by its path", () => {
    const file = shippedFile();
    delete file.entries[1]!.checked;
    expect(problemsOf(file)).toEqual([expect.stringMatching(/^entries\[1\]\.checked: missing: .*YYYY-MM-DD/)]);
  });

  it("names a missing language of a name by its path", () => {
    const file = shippedFile();
    delete (file.entries[0]!.name as Record<string, string>).kk;
    expect(problemsOf(file)).toEqual([expect.stringMatching(/^entries\[0\]\.name\.kk: missing: .*Kazakh/)]);
  });

  it("names a missing language inside a per-language address", () => {
    const file = shippedFile();
    const i = indexOf(file, "iom_almaty");
    delete (file.entries[i]!.address as Record<string, string>).ky;
    expect(problemsOf(file)).toEqual([expect.stringMatching(new RegExp(`^entries\\[${i}\\]\\.address\\.ky: missing`))]);
  });

  it("refuses an unknown city and lists the cities it accepts", () => {
    const file = shippedFile();
    file.entries[2]!.city = "karaganda";
    expect(problemsOf(file)).toEqual([
      'entries[2].city: found "karaganda"; write one of almaty, astana, shymkent, national',
    ]);
  });

  it.each([
    ["spaces", "+7 727 2582643"],
    ["the domestic 8 prefix", "87272582643"],
    ["dashes", "+7-727-258-26-43"],
    ["one digit short", "+7727258264"],
    ["a two-digit code", "12"],
    ["letters", "1O3"],
  ])("refuses a phone number with %s and says how to write it", (_case, number) => {
    const file = shippedFile();
    const i = indexOf(file, "iom_almaty");
    (file.entries[i]!.phones as { number: string }[])[0]!.number = number;
    const problems = problemsOf(file);
    expect(problems).toHaveLength(1);
    expect(problems[0]).toContain(`entries[${i}].phones[0].number: found "${number}"`);
    expect(problems[0]).toContain("+77272582643");
  });

  it("refuses a duplicate id and points at the first use", () => {
    const file = shippedFile();
    file.entries[3]!.id = file.entries[0]!.id;
    expect(problemsOf(file)).toEqual([`entries[3].id: "${String(file.entries[0]!.id)}" is already the id of entries[0]; give each entry an id of its own`]);
  });

  it("refuses phone numbers whose source cannot be checked", () => {
    const file = shippedFile();
    const i = indexOf(file, "iom_astana");
    file.entries[i]!.source = { title: "Someone told us" };
    expect(problemsOf(file)).toEqual([expect.stringMatching(new RegExp(`^entries\\[${i}\\]\\.source: these phone numbers have no citable source`))]);
  });

  it("refuses Kazakh written in Latin letters and Uzbek with a plain apostrophe", () => {
    const file = shippedFile();
    (file.entries[0]!.name as Record<string, string>).kk = "IOM Almaty";
    (file.entries[0]!.description as Record<string, string>).uz = "Sog'liq uchun";
    expect(problemsOf(file)).toEqual([
      'entries[0].name.kk: write it in Cyrillic letters only; found Latin "IOM Almaty"',
      expect.stringMatching(/^entries\[0\]\.description\.uz: write oʻ and gʻ with ʻ/),
    ]);
  });

  it("refuses coordinates outside Kazakhstan, a plain-http website and an unknown field", () => {
    const file = shippedFile();
    Object.assign(file.entries[0]!, { coordinates: { lat: 76.9, lon: 43.2 }, website: "http://example.org", phone: "112" });
    const problems = problemsOf(file);
    expect(problems).toEqual(
      expect.arrayContaining([
        expect.stringMatching(/^entries\[0\]: unknown field "phone"/),
        expect.stringMatching(/^entries\[0\]\.coordinates\.lat: latitude must be within Kazakhstan/),
        expect.stringMatching(/^entries\[0\]\.coordinates\.lon: longitude must be within Kazakhstan/),
        expect.stringMatching(/^entries\[0\]\.website: .*https:\/\//),
      ]),
    );
    expect(problems).toHaveLength(4);
  });

  it("lists every problem of a file at once, in one error naming the file", () => {
    const file = shippedFile();
    delete file.entries[0]!.source;
    file.entries[1]!.city = "moscow";
    (file.entries[2]!.phones as { number: string }[])[0]!.number = "8 (727) 258";
    const path = writeJson("several.json", file);
    let error: unknown;
    try {
      loadDirectory(path);
    } catch (caught) {
      error = caught;
    }
    expect(error).toBeInstanceOf(DirectoryError);
    const message = (error as Error).message;
    expect(message).toContain(`The referral directory ${path} has 3 problems:`);
    expect(message).toContain("entries[0].source: missing");
    expect(message).toContain('entries[1].city: found "moscow"');
    expect(message).toContain('entries[2].phones[0].number: found "8 (727) 258"');
  });

  it("reports a file that is not JSON, or not there, with what to do", () => {
    expect(() => loadDirectory(writeJson("broken.json", '{ "version": 1, "entries": ['))).toThrow(/\(file\): not valid JSON .*fix the syntax/);
    expect(() => loadDirectory(join(workDir, "absent.json"))).toThrow(/\(file\): cannot read it .*REFERRALS_FILE/);
  });

  it("accepts an operator's own valid file", () => {
    const path = writeJson("own.json", { version: 3, entries: [fixtureEntry("legal_clinic_1", "shymkent", ["legal"])] });
    expect(loadDirectory(path).forCity("shymkent", "legal").map((e) => e.id)).toEqual(["legal_clinic_1"]);
  });
});
