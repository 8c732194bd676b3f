import { existsSync } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { buildExportZip, ReleaseGateError, type ExportReport, type ExportRequest } from "../../src/export/build-zip.ts";
import type { Codebook } from "../../src/export/formats/codebook.ts";
import type { CompletedRecord } from "../../src/records/record.ts";
import { fixtureDefinition } from "./fixtures/definition.ts";
import { csvObjects, parseCsv, unzipAll } from "./fixtures/files.ts";
import { CANARIES, EXPECTED_GENERALIZED, fixtureRecords, GROUPS, PSEUDONYM_SECRET, recordSource, seeded } from "./fixtures/records.ts";
import { fixtureTranslate } from "./fixtures/translate.ts";

const ALL: ExportRequest["formats"] = ["csv", "xlsx", "sps", "codebook", "summary"];
let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "export-test-"));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

async function exportOf(records: CompletedRecord[], request: Partial<ExportRequest> = {}, name = "out.zip") {
  const outFile = join(dir, name);
  const progress: number[] = [];
  const report = await buildExportZip({
    records: recordSource(records),
    definition: fixtureDefinition,
    request: { formats: ALL, ...request },
    translate: fixtureTranslate,
    languages: ["en", "ru"],
    outFile,
    random: seeded(7),
    now: () => new Date("2026-03-15T12:00:00Z"),
    onProgress: (p) => progress.push(p),
  });
  const entries = await unzipAll(outFile);
  const file = (n: string) => entries.get(`survey-export-2026-03-15/${n}`)?.toString("utf8") ?? "";
  return { report, entries, file, progress, outFile };
}

describe("a full export of seeded interviews", () => {
  const records = fixtureRecords();
  let result: Awaited<ReturnType<typeof exportOf>>;
  let rows: Record<string, string>[];
  let codebook: Codebook;
  beforeAll(async () => {
    result = await exportOf(records);
    rows = csvObjects(result.file("data.csv"));
    codebook = JSON.parse(result.file("codebook.json")) as Codebook;
  });

  it("holds every file under one dated folder, as the report lists them", () => {
    const names = ["data.csv", "data.xlsx", "data.sps", "codebook.md", "codebook.json", "summary.md", "summary.csv", "disclosure.md", "disclosure.json", "README.txt"];
    expect([...result.entries.keys()].sort()).toEqual(names.map((n) => `survey-export-2026-03-15/${n}`).sort());
    expect(result.report.files.sort()).toEqual([...result.entries.keys()].sort());
  });

  it("has one row per completed interview and reports progress up to 100", () => {
    expect(rows).toHaveLength(records.length);
    expect(result.report.rows).toBe(records.length);
    expect(result.progress.at(-1)).toBe(100);
    expect(result.progress).toEqual([...result.progress].sort((a, b) => a - b));
  });

  it("starts the CSV with a BOM and has exactly the codebook's variables as columns", () => {
    expect(result.entries.get("survey-export-2026-03-15/data.csv")!.subarray(0, 3)).toEqual(Buffer.from([0xef, 0xbb, 0xbf]));
    const header = parseCsv(result.file("data.csv"))[0];
    expect(header).toEqual(codebook.variables.map((v) => v.name));
    expect(header!.slice(0, 5)).toEqual(["row_id", "day", "lang", "source", "version"]);
    expect(header).toEqual(expect.arrayContaining(["b_reasons_money", "b_reasons_pnta", "b_age", "b_parent", "flag_speeding", "flag_contradiction_idle_for_money"]));
  });

  it("round-trips every answer: codes, 0/1 per option, numbers, blanks for not asked", () => {
    const generalizedRows = new Set<number>();
    records.forEach((record, i) => {
      const row = rows[i]!;
      const a = record.answers;
      expect(row.day).toBe(record.day);
      expect(row.version).toBe(String(record.version));
      for (const q of ["a_city", "b_sex", "a_age_group", "a_citizenship", "b_children", "b_work"]) expect(row[q], q).toBe(String(a[q]));
      if (row.a_district === "generalized") generalizedRows.add(i);
      else expect(row.a_district).toBe(a.a_district === undefined ? "" : String(a.a_district));
      const reasons = (a.b_reasons as string[]).filter((r) => ["money", "family", "study", "pnta"].includes(r));
      for (const code of ["money", "family", "study", "pnta"]) expect(row[`b_reasons_${code}`]).toBe(reasons.includes(code) ? "1" : "0");
      const n = a.b_children_n;
      // Codes of a number question are written as their numbers (pnta -1, dk -2), as in SPSS.
      const asNumber = (value: unknown, codes: string[]) => (typeof value === "string" ? String(-(codes.indexOf(value) + 1)) : String(value));
      expect(row.b_children_n).toBe(n === undefined || (typeof n === "number" && n > 20) ? "" : asNumber(n, ["pnta", "dk"]));
      expect(row.b_birth_year).toBe(asNumber(a.b_birth_year, ["pnta"]));
      expect(row.b_age).toBe(typeof a.b_birth_year === "number" ? String(Number(record.day.slice(0, 4)) - a.b_birth_year) : "");
      expect(row.b_parent).toBe(a.b_children === "yes" ? "parent" : "not_parent");
      for (const [flag, value] of Object.entries(record.flags ?? {})) expect(row[`flag_${flag}`]).toBe(value ? "1" : "0");
    });
    expect(generalizedRows.size).toBe(EXPECTED_GENERALIZED);
  });

  it("gives random row ids that are unique and unrelated to the pseudonym", () => {
    const ids = rows.map((r) => r.row_id);
    expect(new Set(ids).size).toBe(ids.length);
    for (const [i, record] of records.entries()) expect(record.pseudonym).not.toContain(ids[i]!);
  });

  it("contains no pseudonym, secret, name, phone or username anywhere in the zip", () => {
    const needles = [...records.map((r) => r.pseudonym), PSEUDONYM_SECRET, ...CANARIES, "free_text_note", "utm"];
    for (const [name, bytes] of result.entries) {
      for (const needle of needles) expect(bytes.includes(Buffer.from(needle, "utf8")), `${needle} in ${name}`).toBe(false);
    }
  });

  it("generalizes the district exactly where a combination is under 5, and says how many", () => {
    expect(result.report.generalized).toBe(EXPECTED_GENERALIZED);
    const key = (r: Record<string, string>) => [r.a_city, r.b_sex, r.a_age_group, r.a_citizenship].join("/");
    const generalized = new Set(rows.filter((r) => r.a_district === "generalized").map(key));
    expect([...generalized].sort()).toEqual(["almaty/male/25_34/uzbekistan", "astana/female/35_44/tajikistan"]);
    // Every published combination, generalized or not, now holds at least 5 rows.
    const counts = new Map<string, number>();
    for (const row of rows) counts.set(`${key(row)}/${row.a_district}`, (counts.get(`${key(row)}/${row.a_district}`) ?? 0) + 1);
    expect(Math.min(...counts.values())).toBeGreaterThanOrEqual(5);
    expect(result.file("README.txt")).toContain(`${EXPECTED_GENERALIZED} rows had their a_district generalized`);
  });

  it("writes the codebook with every language's text, options and readable conditions", () => {
    const district = codebook.questions.find((q) => q.id === "a_district")!;
    expect(district.askedIf).toBe("asked if BIG_CITY [a_city in {almaty, astana, shymkent}]");
    expect(district.text).toEqual({ en: "Which district?", ru: "В каком районе?" });
    expect(district.options.find((o) => o.code === "almaty_medeu")!.offeredIf).toBe("a_city = almaty");
    expect(codebook.questions.find((q) => q.id === "b_birth_year")!.range).toEqual({ min: "(current year - 70)", max: "(current year - 18)" });
    expect(codebook.questions.find((q) => q.id === "b_reasons")!.columns).toEqual(["b_reasons_money", "b_reasons_family", "b_reasons_study", "b_reasons_pnta"]);
    const md = result.file("codebook.md");
    expect(md).toContain("asked if b_children = yes");
    expect(md).toContain("Ваш пол");
    expect(codebook.variables.find((v) => v.name === "b_sex")!.values.find((v) => v.code === "pnta")!.missing).toBe(true);
  });

  it("writes an XLSX with data, labels and codebook sheets that match the CSV", async () => {
    const workbook = new ExcelJS.Workbook();
    await workbook.xlsx.load(result.entries.get("survey-export-2026-03-15/data.xlsx")! as unknown as ArrayBuffer);
    const data = workbook.getWorksheet("data")!;
    const labels = workbook.getWorksheet("labels")!;
    expect(workbook.getWorksheet("codebook")!.rowCount).toBe(codebook.variables.length + 1);
    expect(data.rowCount).toBe(records.length + 1);
    expect(labels.rowCount).toBe(records.length + 1);
    const header = (data.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual(codebook.variables.map((v) => v.name));
    const col = header.indexOf("b_sex") + 1;
    rows.forEach((row, i) => {
      expect(data.getRow(i + 2).getCell(1).value).toBe(row.row_id);
      expect(labels.getRow(i + 2).getCell(1).value).toBe(row.row_id);
      expect(labels.getRow(i + 2).getCell(col).value).toBe(row.b_sex === "male" ? "Male" : "Female");
    });
    // Both sheets are headed by variable names, so they line up column by column.
    expect((labels.getRow(1).values as unknown[]).slice(1)).toEqual(header);
  });

  it("counts integrity flags in the report and the summary", () => {
    const flagged = records.filter((r) => Object.values(r.flags ?? {}).some(Boolean)).length;
    expect(result.report.flagged).toBe(flagged);
    const speeding = records.filter((r) => r.flags?.speeding).length;
    expect(result.file("summary.md")).toContain(`| speeding | ${speeding} |`);
    expect(result.file("summary.md")).toContain(`Rows with at least one flag: ${flagged}.`);
  });
});

describe("filters", () => {
  const records = fixtureRecords();
  it("keeps only the chosen city", async () => {
    const { file, report } = await exportOf(records, { city: "almaty", formats: ["csv"] }, "city.zip");
    const rows = csvObjects(file("data.csv"));
    expect(rows.length).toBe(records.filter((r) => r.answers.a_city === "almaty").length);
    expect(new Set(rows.map((r) => r.a_city))).toEqual(new Set(["almaty"]));
    expect(report.rows).toBe(rows.length);
  });

  it("keeps only days in the range, both ends included", async () => {
    const days = records.map((r) => r.day).filter((d) => d >= "2026-03-01").sort();
    const { file } = await exportOf(records, { from: days[0], to: days.at(-1), formats: ["csv"] }, "days.zip");
    const rows = csvObjects(file("data.csv"));
    expect(rows).toHaveLength(days.length);
    expect(rows.some((r) => r.a_city === "other_kz")).toBe(false);
  });
});

describe("the release gate", () => {
  it("refuses an export that would need more suppression than the ceiling, reports only counts, and writes nothing", async () => {
    const unique = { city: "astana", district: "astana_esil", sex: "female", age: "18_24", citizenship: "uzbekistan", count: 1 };
    const records = fixtureRecords(42, [...GROUPS, unique]);
    const outFile = join(dir, "refused.zip");
    const attempt = buildExportZip({
      records: recordSource(records),
      definition: fixtureDefinition,
      request: { formats: ALL },
      translate: fixtureTranslate,
      languages: ["en"],
      outFile,
    });
    const error = await attempt.catch((e: unknown) => e);
    expect(error).toBeInstanceOf(ReleaseGateError);
    const report = (error as ReleaseGateError).report;
    // One person unlike the rest: the only pool that can take them in costs more rows than 5% of 47.
    expect(report).toMatchObject({ k: 5, rows: records.length, ceiling: 0.05, unfixable: 0 });
    expect(report.share).toBeGreaterThan(0.05);
    expect((error as Error).message).toContain(`${report.rowsToSuppress} of ${records.length} rows`);
    expect((error as Error).message).not.toMatch(/wider filter/i);
    const said = JSON.stringify(report) + (error as Error).message;
    for (const value of ["astana_esil", "uzbekistan", "female", records.at(-1)!.pseudonym]) expect(said).not.toContain(value);
    expect(existsSync(outFile)).toBe(false);
    expect(existsSync(`${outFile}.partial`)).toBe(false);
  });

  it("lets the same records through once the small group is filtered out", async () => {
    const unique = { city: "astana", district: "astana_esil", sex: "female", age: "18_24", citizenship: "uzbekistan", count: 1 };
    const records = fixtureRecords(42, [...GROUPS, unique]);
    const { report } = await exportOf(records, { city: "almaty", formats: ["csv"] }, "gate-city.zip");
    expect(report.rows).toBe(records.filter((r) => r.answers.a_city === "almaty").length);
  });
});

/**
 * An intruder with the summary table: every shown number is fixed, "<5" means 1..4, "x" means
 * 5..rows, and rows and columns add up to their totals. A hidden value is recovered when it
 * cannot take any other value: checked exactly as feasibility of a flow with bounds.
 */
function feasible(bounds: { lo: number; hi: number }[], rows: number, columns: number): boolean {
  // Node layout: 0 = S, 1..rows = row nodes, then column nodes, then T; plus a super source and sink.
  const S = 0, T = rows + columns + 1, SS = T + 1, TT = T + 2, n = T + 3;
  const cap = Array.from({ length: n }, () => new Array<number>(n).fill(0));
  const excess = new Array<number>(n).fill(0);
  const edge = (u: number, v: number, { lo, hi }: { lo: number; hi: number }) => {
    if (lo > hi) return false;
    cap[u]![v]! += hi - lo;
    excess[v]! += lo;
    excess[u]! -= lo;
    return true;
  };
  const cell = (r: number, c: number) => bounds[r * columns + c]!;
  let ok = true;
  for (let r = 0; r < rows; r++) for (let c = 0; c < columns; c++) ok &&= edge(1 + r, 1 + rows + c, cell(r, c));
  for (let r = 0; r < rows; r++) ok &&= edge(S, 1 + r, bounds[rows * columns + r]!);
  for (let c = 0; c < columns; c++) ok &&= edge(1 + rows + c, T, bounds[rows * columns + rows + c]!);
  ok &&= edge(T, S, bounds[rows * columns + rows + columns]!);
  if (!ok) return false;
  let need = 0;
  for (let v = 0; v < n - 2; v++) {
    if (excess[v]! > 0) (cap[SS]![v]! += excess[v]!), (need += excess[v]!);
    if (excess[v]! < 0) cap[v]![TT]! += -excess[v]!;
  }
  let flow = 0;
  for (;;) {
    const parent = new Array<number>(n).fill(-1);
    parent[SS] = SS;
    const queue = [SS];
    while (queue.length && parent[TT] === -1) {
      const u = queue.shift()!;
      for (let v = 0; v < n; v++) if (parent[v] === -1 && cap[u]![v]! > 0) (parent[v] = u), queue.push(v);
    }
    if (parent[TT] === -1) break;
    let push = Infinity;
    for (let v = TT; v !== SS; v = parent[v]!) push = Math.min(push, cap[parent[v]!]![v]!);
    for (let v = TT; v !== SS; v = parent[v]!) (cap[parent[v]!]![v]! -= push), (cap[v]![parent[v]!]! += push);
    flow += push;
  }
  return flow === need;
}

describe("summary tables", () => {
  it("hide every cell of 1-4 and no hidden value can be recomputed from the totals", async () => {
    const records = fixtureRecords();
    const { file } = await exportOf(records, {}, "summary.zip");
    const published = parseCsv(file("summary.csv")).slice(1).filter((r) => r[0] !== "flags" && r.length === 5);
    const exported = csvObjects(file("data.csv"));
    const tables = new Map<string, string[][]>();
    for (const row of published) tables.set(`${row[0]}|${row[1]}`, [...(tables.get(`${row[0]}|${row[1]}`) ?? []), row]);
    let primary = 0, secondary = 0;
    for (const [name, entries] of tables) {
      const [question, by] = name.split("|") as [string, string];
      const options = [...new Set(entries.map((e) => e[2]!))].filter((o) => o !== "total");
      const categories = [...new Set(entries.map((e) => e[3]!))].filter((c) => c !== "total");
      const shown = (o: string, c: string) => entries.find((e) => e[2] === o && e[3] === c)![4]!;
      const truth = (o: string, c: string) =>
        exported.filter((r) => (o === "total" ? r[question] !== "" : r[question] === o) && (c === "total" ? r[by] !== "" : r[by] === c)).length;
      // Cells row by row, then row totals, column totals and the grand total.
      const order: [string, string][] = [
        ...options.flatMap((o) => categories.map((c) => [o, c] as [string, string])),
        ...options.map((o) => [o, "total"] as [string, string]),
        ...categories.map((c) => ["total", c] as [string, string]),
        ["total", "total"],
      ];
      const bounds = order.map(([o, c]) => {
        const text = shown(o, c);
        const actual = truth(o, c);
        if (text === "<5") return expect(actual).toBeGreaterThan(0), expect(actual).toBeLessThan(5), primary++, { lo: 1, hi: 4 };
        if (text === "x") return expect(actual).toBeGreaterThanOrEqual(5), secondary++, { lo: 5, hi: records.length };
        expect(Number(text), `${name} ${o}/${c}`).toBe(actual);
        expect(actual === 0 || actual >= 5).toBe(true);
        return { lo: actual, hi: actual };
      });
      expect(feasible(bounds, options.length, categories.length), name).toBe(true);
      order.forEach(([o, c], i) => {
        if (bounds[i]!.lo === bounds[i]!.hi) return;
        const actual = truth(o, c);
        const alternative = [actual - 1, actual + 1].some((value) => {
          if (value < bounds[i]!.lo || value > bounds[i]!.hi) return false;
          const fixed = bounds.map((b, j) => (j === i ? { lo: value, hi: value } : b));
          return feasible(fixed, options.length, categories.length);
        });
        expect(alternative, `${name}: ${o}/${c} = ${actual} can be recomputed`).toBe(true);
      });
    }
    expect(primary).toBeGreaterThan(0);
    expect(secondary).toBeGreaterThan(0);
  });
});
