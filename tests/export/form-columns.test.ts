/**
 * The form-columns registry on a small hand-made form with every type a chat asks: what each
 * type writes, what never leaves (notes, free text not marked safe, uuid() ids, calculations that
 * read free text), how a calculation is written (a number only when every value is one), and a
 * quasi-identifier inside a repeat refused with a clear message.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildExportZip } from "../../src/export/build-zip.ts";
import { formStudyExport } from "../../src/export/form/form-export.ts";
import type { Form } from "../../src/flows/form.ts";
import type { CompletedRecord } from "../../src/records/record.ts";
import { studyKey, type FormStudy } from "../../src/studies/study.ts";
import { csvObjects, unzipAll } from "./fixtures/files.ts";
import { recordSource } from "./fixtures/records.ts";

const text = (en: string, ru?: string) => ({ English: en, ...(ru ? { Russian: ru } : {}) });

const FORM: Form = {
  id: "household_check",
  version: "2024011501",
  title: "Household check",
  languages: ["English", "Russian"],
  defaultLanguage: "English",
  metadata: [{ name: "start", type: "start" }],
  choices: {
    yn: [
      { name: "yes", label: text("Yes", "Да"), fields: {} },
      { name: "no", label: text("No", "Нет"), fields: {} },
    ],
    water: [
      { name: "tap", label: text("Tap"), fields: {} },
      { name: "well", label: text("Well"), fields: {} },
      { name: "river", label: text("River"), fields: {} },
    ],
  },
  children: [
    { kind: "calculate", name: "iid", row: 2, calculation: "uuid()" },
    { kind: "question", name: "intro", row: 3, type: "note", label: text("Hello") },
    { kind: "question", name: "ok", row: 4, type: "acknowledge", label: text("Ready?") },
    { kind: "question", name: "consent", row: 5, type: "select_one", list: "yn", label: text("Do you agree?", "Вы согласны?") },
    { kind: "question", name: "visit", row: 6, type: "date", label: text("Visit day") },
    { kind: "question", name: "name", row: 7, type: "text", label: text("Your name") },
    { kind: "question", name: "remarks", row: 8, type: "text", label: text("Remarks") },
    { kind: "calculate", name: "greeting", row: 9, calculation: "concat('Hi ', ${name})" },
    {
      kind: "group",
      name: "hh",
      row: 10,
      label: text("Household"),
      children: [
        { kind: "question", name: "size", row: 11, type: "integer", label: text("People") },
        { kind: "question", name: "income", row: 12, type: "decimal", label: text("Income") },
        { kind: "question", name: "sources", row: 13, type: "select_multiple", list: "water", label: text("Water sources") },
        { kind: "calculate", name: "per_head", row: 14, calculation: "${income} div ${size}" },
        { kind: "calculate", name: "band", row: 15, calculation: "if(${size} > 3, 'large', 'small')" },
      ],
    },
    {
      kind: "repeat",
      name: "member",
      row: 16,
      count: "${size}",
      label: text("Member"),
      children: [
        { kind: "question", name: "age", row: 17, type: "integer", label: text("Age") },
        { kind: "question", name: "nick", row: 18, type: "text", label: text("Nickname") },
      ],
    },
  ],
};

function study(quasiIdentifiers: string[] = [], safeTextFields: string[] = ["remarks"]): FormStudy {
  return {
    kind: "form",
    key: studyKey(FORM.id, FORM.version),
    formId: FORM.id,
    version: FORM.version,
    form: FORM,
    policy: { k: 5, quasiIdentifiers, recodings: [], suppression: { code: "suppressed", spss: -9, maxShare: 0.05 }, breakdowns: [], missingCodes: [] },
    safeTextFields,
  };
}

function record(i: number, answers: Record<string, string>): CompletedRecord {
  return { pseudonym: `p${i}`, answers, lang: "English", version: 1, formId: FORM.id, formVersion: FORM.version, day: "2026-03-10" };
}

const RECORDS = [
  record(1, { ok: "OK", consent: "yes", visit: "2026-03-01", name: "Secret Person", remarks: "leaky roof", "hh/size": "2", "hh/income": "1500.5", "hh/sources": "tap river", "member[1]/age": "40", "member[1]/nick": "Nicky", "member[2]/age": "12" }),
  record(2, { ok: "OK", consent: "no", visit: "2026-03-02", name: "Other Person", "hh/size": "1", "hh/income": "300", "hh/sources": "well", "member[1]/age": "70" }),
  // An answer the person gave before going Back and changing the count: member[2] no longer exists.
  record(3, { consent: "yes", "hh/size": "1", "hh/income": "10", "member[1]/age": "33", "member[2]/age": "99" }),
];

let dir: string;
let files: Map<string, Buffer>;
const file = (name: string) => [...files].find(([n]) => n.endsWith(`/${name}`))?.[1]?.toString("utf8") ?? "";

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "form-columns-"));
  await buildExportZip({
    records: recordSource(RECORDS),
    study: study(),
    request: { formats: ["csv", "sps", "codebook"] },
    translate: (_l, k) => k,
    languages: ["en"],
    outFile: join(dir, "x.zip"),
  });
  files = await unzipAll(join(dir, "x.zip"));
});
afterAll(async () => rm(dir, { recursive: true, force: true }));

describe("the form-columns registry", () => {
  it("writes codes, 0/1 per choice, numbers, ISO dates and safe text, and nothing else", () => {
    const rows = csvObjects(file("data.csv"));
    expect(Object.keys(rows[0]!)).toEqual([
      "row_id", "day", "lang", "source", "form_version",
      "consent", "visit", "remarks", "size", "income", "sources_tap", "sources_well", "sources_river", "per_head", "band",
    ]);
    expect(rows.map((r) => [r.consent, r.visit, r.remarks, r.size, r.income, r.sources_tap, r.sources_well, r.sources_river])).toEqual([
      ["yes", "2026-03-01", "leaky roof", "2", "1500.5", "1", "0", "1"],
      ["no", "2026-03-02", "", "1", "300", "0", "1", "0"],
      ["yes", "", "", "1", "10", "", "", ""],
    ]);
    // A calculation is a number column when every value is one, text otherwise.
    expect(rows.map((r) => r.per_head)).toEqual(["750.25", "300", "10"]);
    expect(rows.map((r) => r.band)).toEqual(["small", "small", "small"]);
    expect(rows.every((r) => r.form_version === "2024011501" && r.lang === "English")).toBe(true);
    const everything = [...files.values()].map((b) => b.toString("utf8")).join("\n");
    for (const secret of ["Secret Person", "Other Person", "Nicky", "Hi Secret"]) expect(everything).not.toContain(secret);
  });

  it("writes the repeat's rows to a long file, only the rows that exist on the final path", () => {
    const members = csvObjects(file("repeat_member.csv"));
    expect(Object.keys(members[0]!)).toEqual(["row_id", "member_index", "age"]);
    const ids = csvObjects(file("data.csv")).map((r) => r.row_id);
    expect(members.map((m) => [ids.indexOf(m.row_id!), m.member_index, m.age])).toEqual([
      [0, "1", "40"],
      [0, "2", "12"],
      [1, "1", "70"],
      [2, "1", "33"],
    ]);
  });

  it("declares numbers, decimals and codes in the SPSS syntax, and dates as documented strings", () => {
    const sps = file("data.sps");
    expect(sps).toMatch(/consent__s A3/);
    expect(sps).toMatch(/visit A10/);
    expect(sps).toMatch(/income F24\.0/);
    expect(sps).toMatch(/FORMATS income \(F16\.2\)/);
    expect(file("repeat_member.sps")).toMatch(/FILE='repeat_member\.csv'/);
  });

  it("says in the codebook why each field has no column, and gives every language", () => {
    const codebook = JSON.parse(file("codebook.json")) as {
      leftOut: { field: string; reason: string }[];
      questions: { id: string; text: Record<string, string>; options: { label: Record<string, string> }[]; askedIf: string }[];
      languages: string[];
    };
    const why = Object.fromEntries(codebook.leftOut.map((f) => [f.field, f.reason]));
    expect(why.iid).toMatch(/uuid/);
    expect(why.intro).toMatch(/note/);
    expect(why.ok).toMatch(/acknowledgement/);
    expect(why.name).toMatch(/free text/);
    expect(why.greeting).toMatch(/free text name/);
    expect(why["member/nick"]).toMatch(/free text/);
    expect(why.start).toMatch(/metadata/);
    expect(codebook.languages).toEqual(["English", "Russian"]);
    const consent = codebook.questions.find((q) => q.id === "consent")!;
    expect(consent.text).toEqual({ English: "Do you agree?", Russian: "Вы согласны?" });
    expect(consent.options[0]!.label).toEqual({ English: "Yes", Russian: "Да" });
    expect(codebook.questions.find((q) => q.id === "member/age")!.askedIf).toBe("always asked");
  });

  it("writes a suppressed multi-select quasi-identifier as the suppressed number in each of its columns", async () => {
    const out = join(dir, "quasi.zip");
    const policy = { ...study().policy, k: 2, quasiIdentifiers: ["sources"], suppression: { code: "suppressed", spss: -9, maxShare: 1 } };
    const report = await buildExportZip({ records: recordSource(RECORDS), study: study(), policy, request: { formats: ["csv", "codebook"] }, translate: (_l, k) => k, languages: ["en"], outFile: out });
    expect(report.disclosure.quasiIdentifiers).toEqual(["hh/sources"]);
    expect(report.suppressed).toBe(3);
    const rows = csvObjects([...(await unzipAll(out))].find(([n]) => n.endsWith("/data.csv"))![1].toString("utf8"));
    expect(rows.map((r) => [r.sources_tap, r.sources_well, r.sources_river])).toEqual([["-9", "-9", "-9"], ["-9", "-9", "-9"], ["-9", "-9", "-9"]]);
  });

  it("refuses a quasi-identifier inside a repeat, naming it", () => {
    expect(() => formStudyExport(study(["age"]))).toThrow(/"age" as a quasi-identifier, but it is inside the repeat member/);
  });
});
