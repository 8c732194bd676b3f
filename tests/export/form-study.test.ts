/**
 * Exports of a form study (an XLSForm from the public corpus, read at test time), from records
 * made by playing seeded random answer paths through the form engine: the columns follow the
 * form-columns registry, free text stays out unless the study marks the field safe, repeats go
 * to a long file tied to data.csv by row_id, and pandas, PSPP and R haven read the numbers as
 * numbers. A tool that is not installed skips its part and says so.
 */
import { execFileSync, spawnSync } from "node:child_process";
import { mkdtemp, rm, writeFile } from "node:fs/promises";
import { tmpdir } from "node:os";
import { basename, join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildExportZip, type ExportReport } from "../../src/export/build-zip.ts";
import { FORM_COLUMNS } from "../../src/export/form/form-columns.ts";
import type { Form, FormNode } from "../../src/flows/form.ts";
import type { CompletedRecord } from "../../src/records/record.ts";
import type { ExportPolicy } from "../../src/studies/export-policy.ts";
import { studyKey, type FormStudy } from "../../src/studies/study.ts";
import { csvObjects, unzipAll } from "./fixtures/files.ts";
import { corpusForm, formRecords, TEXT_CANARY } from "./fixtures/form-records.ts";
import { recordSource, seeded } from "./fixtures/records.ts";

const FORM_ID = "reach-ukr-cccm-durable-solutions-2023";

const works = (command: string, args: string[]) => spawnSync(command, args, { stdio: "ignore" }).status === 0;
const hasPspp = works("pspp", ["--version"]);
const hasHaven = works("Rscript", ["-e", "library(haven)"]);
const python = ["python3", "/usr/bin/python3"].find((p) => works(p, ["-c", "import pandas, openpyxl"]));
const skipped = (tool: string, install: string) => console.warn(`tests/export/form-study.test.ts: skipped, ${tool} is not installed (apt-get install -y ${install})`);
if (!hasPspp) skipped("GNU PSPP", "pspp");
if (!hasHaven) skipped("R with haven", "r-cran-haven");
if (!python) skipped("pandas with openpyxl", "python3-pandas python3-openpyxl");

function policyOf(quasiIdentifiers: string[]): ExportPolicy {
  return { k: 5, quasiIdentifiers, recodings: [], suppression: { code: "suppressed", spss: -9, maxShare: 0.05 }, breakdowns: [], missingCodes: [] };
}

function studyOf(form: Form, quasiIdentifiers: string[], safeTextFields: string[]): FormStudy {
  return { kind: "form", key: studyKey(form.id, form.version), formId: form.id, version: form.version, form, policy: policyOf(quasiIdentifiers), safeTextFields };
}

/** Every field of the form with its type, by name. */
function fieldsOf(form: Form): Map<string, { type: string; inRepeat: boolean; list?: string }> {
  const found = new Map<string, { type: string; inRepeat: boolean; list?: string }>();
  const visit = (nodes: FormNode[], inRepeat: boolean) => {
    for (const node of nodes) {
      if (node.kind === "group") visit(node.children, inRepeat);
      else if (node.kind === "repeat") visit(node.children, true);
      else found.set(node.name, { type: node.kind === "question" ? node.type : node.kind === "calculate" ? "calculate" : node.type, inRepeat, ...(node.kind === "question" && node.list ? { list: node.list } : {}) });
    }
  };
  visit(form.children, false);
  return found;
}

const run = (dir: string, command: string, args: string[]) => execFileSync(command, args, { cwd: dir, encoding: "utf8", stdio: ["ignore", "pipe", "pipe"], timeout: 120_000 });

let form: Form;
let records: CompletedRecord[];
let dir: string;
let entries: Map<string, Buffer>;
let report: ExportReport;
const file = (name: string) => [...entries].find(([entry]) => entry.endsWith(`/${name}`))?.[1]?.toString("utf8") ?? "";

beforeAll(async () => {
  form = await corpusForm(FORM_ID);
  records = formRecords(form, { count: 120, seed: 1 });
  dir = await mkdtemp(join(tmpdir(), "form-study-export-"));
  const outFile = join(dir, "export.zip");
  report = await buildExportZip({
    records: recordSource(records),
    study: studyOf(form, ["q0_3_displacement_status"], ["enum_comms"]),
    request: { formats: ["csv", "xlsx", "sps", "codebook", "summary"] },
    translate: (_lang, key) => key,
    languages: ["en"],
    outFile,
    random: seeded(3),
    now: () => new Date("2026-03-30T10:00:00Z"),
  });
  entries = await unzipAll(outFile);
  for (const [name, bytes] of entries) await writeFile(join(dir, basename(name)), bytes);
}, 180_000);
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

describe(`a form study's export (${FORM_ID} from the corpus)`, () => {
  it("names the zip's folder after the form id and version, and has a long file per repeat", () => {
    const names = [...entries.keys()];
    expect(names.every((n) => n.startsWith(`survey-export-${FORM_ID}-v1-2023-22-05-2026-03-30/`)), names.join(", ")).toBe(true);
    expect(names.map((n) => n.split("/")[1]).sort()).toEqual(
      ["README.txt", "codebook.json", "codebook.md", "data.csv", "data.sps", "data.xlsx", "disclosure.json", "disclosure.md", "repeat_loop.csv", "repeat_loop.sps", "summary.csv", "summary.md"].sort(),
    );
    expect(report.rows).toBe(records.length);
  });

  it("writes one coded column per select_one, a 0/1 column per choice of a select_multiple, numbers, ISO dates, and no notes", () => {
    const rows = csvObjects(file("data.csv"));
    const header = Object.keys(rows[0]!);
    const fields = fieldsOf(form);
    // select_one: codes of its list only.
    const status = form.choices[fields.get("q0_3_displacement_status")!.list!]!.map((c) => c.name);
    expect(header).toContain("q0_3_displacement_status");
    const statuses = rows.map((r) => r.q0_3_displacement_status).filter((v) => v !== "");
    expect(statuses.length).toBeGreaterThan(0);
    for (const v of statuses) expect([...status, "suppressed"]).toContain(v);
    // select_multiple: one column per choice, each 0, 1 or empty.
    const ways = form.choices[fields.get("q1_7_preferred_way_of_contacting")!.list!]!.map((c) => c.name);
    for (const choice of ways) expect(header).toContain(`q1_7_preferred_way_of_contacting_${choice}`);
    const cells = rows.flatMap((r) => ways.map((c) => r[`q1_7_preferred_way_of_contacting_${c}`]));
    expect(new Set(cells)).toEqual(expect.any(Set));
    for (const cell of cells) expect(["", "0", "1"]).toContain(cell);
    expect(cells).toContain("1");
    // integer: whole numbers.
    const numbers = rows.map((r) => r.q1_12_number_members).filter((v) => v !== "");
    expect(numbers.length).toBeGreaterThan(0);
    for (const v of numbers) expect(v).toMatch(/^-?\d+$/);
    // date: ISO text.
    const dates = rows.map((r) => r.q0_1_date).filter((v) => v !== "");
    expect(dates.length).toBeGreaterThan(0);
    for (const v of dates) expect(v).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    // notes and acknowledgements have no column; fields inside the repeat are not in data.csv.
    for (const [name, field] of fields) {
      if (field.type === "note") expect(header, name).not.toContain(name);
      if (field.inRepeat) expect(header.some((h) => h === name || h.startsWith(`${name}_`)), name).toBe(false);
    }
    // The uuid() calculation is an interview id: it never leaves.
    expect(header).not.toContain("instance_name");
  });

  it("has a rule for every question type of the form module, and the values match the records", () => {
    expect(Object.keys(FORM_COLUMNS).sort()).toEqual(["acknowledge", "calculate", "date", "decimal", "integer", "note", "select_multiple", "select_one", "text"]);
    // The answers of a record that reached q1_12 come out unchanged, in row order (ids are random).
    const rows = csvObjects(file("data.csv"));
    const given = records.map((r) => r.answers["group_Survey/group_Survey_hohh/q1_12_number_members"] ?? "");
    const relevantRows = rows.map((r) => r.q1_12_number_members);
    expect(relevantRows.filter((v) => v !== "").length).toBeLessThanOrEqual(given.filter((v) => v !== "").length);
    for (let i = 0; i < rows.length; i++) if (relevantRows[i] !== "") expect(relevantRows[i]).toBe(given[i]);
  });

  it("leaves free text out unless the study marks the field safe", () => {
    const rows = csvObjects(file("data.csv"));
    // enum_comms is marked safe: its text is there, and free text is nowhere else.
    const safe = rows.map((r) => r.enum_comms ?? "").filter((v) => v !== "");
    expect(safe.length).toBeGreaterThan(0);
    for (const v of safe) expect(v === "Can" || v.includes(TEXT_CANARY), v).toBe(true);
    for (const row of rows) {
      for (const [column, cell] of Object.entries(row)) if (column !== "enum_comms") expect(cell.includes(TEXT_CANARY) || cell === "Can", column).toBe(false);
    }
    for (const [name, bytes] of entries) {
      if (name.endsWith("/data.csv") || name.endsWith(".xlsx")) continue;
      expect(bytes.toString("utf8"), name).not.toContain(TEXT_CANARY);
    }
    const header = Object.keys(rows[0]!);
    for (const name of ["street_name", "house_number", "q1_6_first_name_of_respondent", "q1_8_contact_information", "y1_phone", "name_"]) expect(header).not.toContain(name);
    const codebook = JSON.parse(file("codebook.json")) as { leftOut: { field: string; reason: string }[] };
    expect(codebook.leftOut.find((f) => f.field.endsWith("/street_name"))!.reason).toMatch(/free text/);
    expect(file("README.txt")).toMatch(/marks these free-text fields safe[^\n]*enum_comms/);
  });

  it("writes each repeat row to the long file with its interview's row id and its index, numbers as numbers", () => {
    const main = csvObjects(file("data.csv"));
    const loop = csvObjects(file("repeat_loop.csv"));
    expect(loop.length).toBeGreaterThan(0);
    const header = Object.keys(loop[0]!);
    expect(header.slice(0, 2)).toEqual(["row_id", "loop_index"]);
    expect(header).toContain("ind_pos");
    expect(header).toContain("q2_1_1_members_age");
    const ids = new Set(main.map((r) => r.row_id));
    for (const row of loop) expect(ids.has(row.row_id!)).toBe(true);
    // Each interview's rows are numbered 1, 2, 3…, and position(..) is the same number.
    const byInterview = new Map<string, number[]>();
    for (const row of loop) byInterview.set(row.row_id!, [...(byInterview.get(row.row_id!) ?? []), Number(row.loop_index)]);
    for (const indexes of byInterview.values()) expect(indexes).toEqual(indexes.map((_, i) => i + 1));
    for (const row of loop) if (row.ind_pos !== "") expect(row.ind_pos).toBe(row.loop_index);
    // As many rows as the interviews had members (repeat_count = q1_12_number_members), where the repeat applied.
    const expected = main.reduce((sum, r) => sum + (byInterview.get(r.row_id!)?.length ?? 0), 0);
    expect(loop.length).toBe(expected);
    const codebook = file("codebook.md");
    expect(codebook).toContain("repeat_loop.csv");
    expect(codebook).toMatch(/Ukrainian/);
  });

  it("says plainly in disclosure.md when no quasi-identifier is declared, and still releases", async () => {
    const outFile = join(dir, "none.zip");
    const none = await buildExportZip({
      records: recordSource(records.slice(0, 3)),
      study: studyOf(form, [], []),
      request: { formats: ["csv", "summary", "codebook"] },
      translate: (_lang, key) => key,
      languages: ["en"],
      outFile,
    });
    expect(none.rows).toBe(3);
    const files = await unzipAll(outFile);
    const disclosure = [...files].find(([n]) => n.endsWith("/disclosure.md"))![1].toString("utf8");
    expect(disclosure).toMatch(/declares no quasi-identifiers/);
    const summary = [...files].find(([n]) => n.endsWith("/summary.md"))![1].toString("utf8");
    expect(summary).toContain("q0_3_displacement_status by all");
    const readme = [...files].find(([n]) => n.endsWith("/README.txt"))![1].toString("utf8");
    expect(readme).toMatch(/no quasi-identifiers/);
  });
});

describe.skipIf(!python)("pandas on a form study's export", () => {
  it("reads integer columns, 0/1 columns and the repeat's numbers as numbers, in the CSV files and the XLSX sheets", () => {
    const script = `
import json, pandas as pd
d = pd.read_csv("data.csv", encoding="utf-8-sig")
r = pd.read_csv("repeat_loop.csv", encoding="utf-8-sig")
x = pd.read_excel("data.xlsx", sheet_name="repeat_loop")
xd = pd.read_excel("data.xlsx", sheet_name="data")
sizes = {"loop_csv": len(r), "loop_xlsx": len(x), "data_csv": len(d), "data_xlsx": len(xd), "same_ids": list(x["row_id"]) == list(r["row_id"])}
print(json.dumps({
  "sizes": sizes,
  "xlsx_age": str(x["q2_1_1_members_age"].dtype),
  "xlsx_members": str(xd["q1_12_number_members"].dtype),
  "members": str(d["q1_12_number_members"].dtype),
  "age_hohh": str(d["age_hohh"].dtype),
  "multi": str(d["q1_7_preferred_way_of_contacting_phone"].dtype) if "q1_7_preferred_way_of_contacting_phone" in d else "absent",
  "age": str(r["q2_1_1_members_age"].dtype),
  "index": str(r["loop_index"].dtype),
}))
`;
    const { sizes, ...dtypes } = JSON.parse(run(dir, python!, ["-c", script])) as { sizes: Record<string, number | boolean> } & Record<string, string>;
    for (const [column, dtype] of Object.entries(dtypes)) if (dtype !== "absent") expect(dtype, column).toMatch(/^(int|float)64$/);
    expect(sizes.loop_xlsx).toBe(sizes.loop_csv);
    expect(sizes.data_xlsx).toBe(sizes.data_csv);
    expect(sizes.same_ids).toBe(true);
  });
});

describe.skipIf(!hasPspp)("GNU PSPP on a form study's export", () => {
  it("runs data.sps and repeat_loop.sps without an error or warning", async () => {
    await writeFile(join(dir, "save.sps"), "INCLUDE FILE='data.sps'.\nSAVE OUTFILE='data.sav'.\nINCLUDE FILE='repeat_loop.sps'.\nSAVE OUTFILE='loop.sav'.\n");
    const log = run(dir, "pspp", ["-O", "format=txt", "save.sps"]);
    expect(log).not.toMatch(/error|warning/i);
  });
});

describe.skipIf(!hasPspp || !hasHaven)("R haven on a form study's export", () => {
  it("reads the numbers as numbers and the select_one with its value labels", () => {
    const script = [
      "suppressMessages(library(haven))",
      "d <- read_sav('data.sav', user_na = TRUE)",
      "l <- read_sav('loop.sav', user_na = TRUE)",
      "cat('members', class(unclass(d$q1_12_number_members)), '\\n')",
      "cat('age', class(unclass(l$q2_1_1_members_age)), '\\n')",
      "cat('status_class', class(d$q0_3_displacement_status)[1], '\\n')",
      "cat('status_labels', length(attr(d$q0_3_displacement_status, 'labels')), '\\n')",
      "cat('date', class(d$q0_1_date), '\\n')",
    ].join("\n");
    const lines = Object.fromEntries(
      run(dir, "Rscript", ["-e", script])
        .trim()
        .split("\n")
        .map((line) => {
          const [key, ...rest] = line.trim().split(" ");
          return [key!, rest.join(" ").trim()];
        }),
    );
    expect(lines.members).toBe("numeric");
    expect(lines.age).toBe("numeric");
    expect(lines.status_class).toBe("haven_labelled_spss");
    expect(Number(lines.status_labels)).toBeGreaterThan(1);
    expect(lines.date).toBe("character");
  });
});
