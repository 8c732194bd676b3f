/**
 * A directory kept as a spreadsheet, used by the bot as production starts it: REFERRALS_FILE
 * points at an .xlsx, the entries due for a re-check are logged at start-up and listed in
 * /stats for staff, respondents see the spreadsheet's contacts, and a broken spreadsheet stops
 * the start with the row to fix.
 */
import { spawnSync } from "node:child_process";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTranslator } from "../../src/locales/i18n.ts";
import { DIRECTORY_SHEET } from "../../src/referrals/workbook.ts";
import { Respondent, startHarness, type BotProcess, type Harness } from "./harness.ts";

const ROOT = join(import.meta.dirname, "..", "..");
const WORKER = { id: 940_100_001, first_name: "Dana", language_code: "en" };
const translator = createTranslator();
const en = (key: string, params?: Record<string, unknown>) => translator.t("en", key, params);

let dir: string;
let harness: Harness;
let bot: BotProcess;
const rowOfId = new Map<string, number>();

/** The shipped directory written out by `npm run directory -- export`, then edited as an NGO would. */
async function spreadsheet(name: string, edits: Record<string, Record<string, string>>): Promise<string> {
  const exported = join(dir, "exported.xlsx");
  const run = spawnSync(join(ROOT, "node_modules", ".bin", "tsx"), ["src/referrals/cli.ts", "export", exported], { cwd: ROOT, encoding: "utf8" });
  expect(run.status, run.stdout + run.stderr).toBe(0);
  const workbook = new ExcelJS.Workbook();
  await workbook.xlsx.readFile(exported);
  const sheet = workbook.getWorksheet(DIRECTORY_SHEET)!;
  const header = (sheet.getRow(1).values as unknown[]).map((v) => String(v ?? ""));
  for (let r = 2; r <= sheet.rowCount; r++) {
    const id = String(sheet.getRow(r).getCell(1).value);
    rowOfId.set(id, r);
    for (const [column, value] of Object.entries(edits[id] ?? {})) sheet.getRow(r).getCell(header.indexOf(column)).value = value;
  }
  const path = join(dir, name);
  await workbook.xlsx.writeFile(path);
  return path;
}

beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), "referrals-xlsx-e2e-"));
  const file = await spreadsheet("ngo.xlsx", {
    iom_astana: { checked: "2025-01-15" },
    ngo_kibhr_almaty: { checked: "2025-03-01" },
    iom_almaty: { name_en: "IOM Almaty office (kept by the NGO spreadsheet)" },
  });
  harness = await startHarness({ env: { OUTREACH_IDS: String(WORKER.id), REFERRALS_FILE: file } });
  bot = await harness.startBot();
}, 90_000);
afterAll(async () => {
  await harness?.stop();
  await rm(dir, { recursive: true, force: true });
});

describe("REFERRALS_FILE as a spreadsheet", () => {
  it("logs the entries not checked for over 180 days at start-up, and only those", () => {
    const line = bot.logs
      .join("")
      .split("\n")
      .find((l) => l.includes('"event":"referrals_not_checked"'));
    expect(line, bot.logs.join("")).toBeDefined();
    const logged = JSON.parse(line!) as { days: number; entries: { id: string; checked: string }[] };
    expect(logged.days).toBe(180);
    expect(logged.entries).toEqual([
      { id: "iom_astana", checked: "2025-01-15" },
      { id: "ngo_kibhr_almaty", checked: "2025-03-01" },
    ]);
  });

  it("lists them in /stats for staff, the oldest first", async () => {
    const worker = new Respondent(harness, harness.emulator.user(WORKER));
    await worker.command("stats");
    const listing = worker.botTexts().find((text) => text.startsWith(en("staff:stats.stale_title", { days: 180 })));
    expect(listing, `${worker.botTexts().join("\n---\n")}\n${bot.logs.join("").slice(-3000)}`).toBeDefined();
    expect(listing!.split("\n").slice(1)).toEqual([
      `• ${en("staff:stats.stale_line", { id: "iom_astana", date: "2025-01-15" })}`,
      `• ${en("staff:stats.stale_line", { id: "ngo_kibhr_almaty", date: "2025-03-01" })}`,
    ]);
  });

  it("shows respondents the spreadsheet's contacts", async () => {
    const person = new Respondent(harness, harness.emulator.user({ id: 940_100_002, first_name: "Ali", language_code: "en" }));
    await person.command("help");
    await person.press((b) => b.kind === "helpCategory" && b.category === "iom");
    expect(person.botTexts().join("\n")).toContain("IOM Almaty office (kept by the NGO spreadsheet)");
  });

  it("refuses to start with a broken spreadsheet, naming the row and column", async () => {
    const broken = await spreadsheet("broken.xlsx", { national_helpline_111: { phones: "8 (800) 080 77 77" } });
    await expect(harness.startBot({ REFERRALS_FILE: broken })).rejects.toThrow(
      new RegExp(`sheet "directory", row ${rowOfId.get("national_helpline_111")}, column phones \\(number 1\\)`),
    );
  }, 60_000);
});
