/**
 * The dashboard in a real browser, served by the bot started as production starts it, on
 * interviews drawn from the report's percentages plus one taken live through the bot:
 * - an analyst's /dashboard link opens it (and only once: the same link from another browser
 *   is refused, so is an expired one, and the session cookie is out of the page's reach);
 * - every count, share and base on the page equals the one recomputed from the export (CSV)
 *   of the same interviews, overall, with a city and date filter, and after the live
 *   respondent deletes their data;
 * - a chart downloads as SVG and as PNG, and its table as CSV;
 * - a coordinator's targets per city, typed on the page, are kept and measured against.
 */
import { existsSync, mkdirSync, readFileSync, rmSync } from "node:fs";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type Browser, type Page } from "playwright-core";
import { PNG } from "pngjs";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AesGcmCodec, parseDataKeys } from "../../src/platform/privacy/data-codec.ts";
import { buildExportZip, type ExportRequest } from "../../src/export/build-zip.ts";
import { STUDY_POLICY } from "../../src/studies/export-policy.ts";
import { RecordStore } from "../../src/records/record-store.ts";
import { labourMigrantsKz } from "../../src/flows/definitions/labour-migrants-kz.ts";
import { createTranslator } from "../../src/locales/i18n.ts";
import { DashboardLinks } from "../../src/dashboard/links.ts";
import { buildFigures, type FiguresPage } from "../../src/dashboard/figures.ts";
import { DASHBOARD_POLICY } from "../../src/dashboard/policy.ts";
import type { Counts } from "../../src/dashboard/store.ts";
import { startHarness, Respondent, TEST_DATA_KEY, TEST_SECRET, type Harness } from "../bot/harness.ts";
import { ELIGIBLE, onboard } from "../bot/interview.ts";
import { decodeButton } from "../../src/bot/callback-data.ts";
import { parseCsv, unzipAll } from "../export/fixtures/files.ts";
import { sampleInterviews } from "./report-sample.ts";

const CHROMIUM = "/usr/bin/chromium";
const HAS_CHROMIUM = existsSync(CHROMIUM);
const ROOT = join(import.meta.dirname, "..", "..");
const ARTIFACTS = join(ROOT, "test-artifacts");
const ANALYST = { id: 950_000_016, first_name: "Aida", language_code: "en" };
const SEEDED = 600;

let harness: Harness;
let browser: Browser;
let botPort: number;
let work: string;
const translator = createTranslator();
const translate = (key: string) => translator.t("en", key, { organisation: "IOM Kazakhstan", retentionDays: 365, minWage: (85000).toLocaleString("en-US") });

/** The export of the interviews now stored, read back from its CSV as dashboard counters. */
async function countsFromExport(request: Omit<ExportRequest, "formats"> = {}): Promise<Counts> {
  const store = new RecordStore({ redis: harness.redis.client(), prefix: "survey:", codec: new AesGcmCodec(parseDataKeys(TEST_DATA_KEY)) });
  const outFile = join(work, `export-${Date.now()}.zip`);
  // Row-level generalization and the release gate are the export's concern (k = 1 turns them
  // off here); the figures compared are aggregates, protected by the dashboard's own k = 5.
  const policy = { ...STUDY_POLICY, k: 1 };
  await buildExportZip({ records: () => store.scan(), definition: labourMigrantsKz, request: { ...request, formats: ["csv"] }, translate: () => "", languages: ["en"], outFile, policy });
  const files = await unzipAll(outFile);
  const csvName = [...files.keys()].find((name) => name.endsWith(".csv"))!;
  const [header, ...rows] = parseCsv(files.get(csvName)!.toString("utf8")).filter((r) => r.length > 1);
  const column = new Map(header!.map((name, i) => [name, i]));
  const counts: Counts = new Map();
  const add = (field: string) => counts.set(field, (counts.get(field) ?? 0) + 1);
  for (const row of rows) {
    const get = (name: string) => row[column.get(name)!] ?? "";
    const cell = `${get("a_city") || "-"}|${get("b_sex") || "-"}|`;
    add(`${cell}n`);
    for (const question of labourMigrantsKz.questions) {
      if (question.type === "multi") {
        const ticks = question.options.filter((o) => get(`${question.id}_${o.code}`) !== "");
        if (ticks.length === 0) continue;
        add(`${cell}q:${question.id}`);
        for (const o of question.options) if (get(`${question.id}_${o.code}`) === "1") add(`${cell}a:${question.id}:${o.code}`);
      } else if (get(question.id) !== "") {
        add(`${cell}q:${question.id}`);
        add(`${cell}a:${question.id}:${get(question.id)}`);
      }
    }
    for (const derived of labourMigrantsKz.derived) {
      if (get(derived.id) === "") continue;
      add(`${cell}q:${derived.id}`);
      add(`${cell}a:${derived.id}:${get(derived.id)}`);
    }
  }
  return counts;
}

interface ShownFigure {
  id: string;
  base: string;
  baseText: string;
  cells: [string, string][];
  shares: [string, string][];
}

/** Runs in the page; a string because this project's TypeScript has no DOM types. */
const READ_FIGURES = `[...document.querySelectorAll("article[data-figure]")].map((card) => ({
  id: card.getAttribute("data-figure"),
  base: card.querySelector("[data-base]").getAttribute("data-base"),
  baseText: card.querySelector("[data-base]").textContent,
  cells: [...card.querySelectorAll("[data-cell]")].map((td) => [td.getAttribute("data-cell"), td.textContent]),
  shares: [...card.querySelectorAll("[data-share]")].map((td) => [td.getAttribute("data-share"), td.textContent]),
}))`;

/** What the page shows, figure by figure: base, each cell's count and share. */
async function shownOnPage(page: Page): Promise<ShownFigure[]> {
  return (await page.evaluate(READ_FIGURES)) as ShownFigure[];
}

function expectPageEquals(shown: ShownFigure[], expected: FiguresPage): number {
  expect(shown.map((f) => f.id)).toEqual(expected.figures.map((f) => f.id));
  let numbers = 0;
  for (const figure of expected.figures) {
    const onPage = shown.find((f) => f.id === figure.id)!;
    expect(onPage.base, figure.id).toBe(figure.base.text);
    expect(onPage.baseText, figure.id).toBe(figure.baseText);
    const cells = new Map(onPage.cells);
    const shares = new Map(onPage.shares);
    figure.rows.forEach((row, r) =>
      row.forEach((cell, c) => {
        expect(cells.get(`${r},${c}`), `${figure.id} row ${r} column ${c}`).toBe(cell.text);
        expect(shares.get(`${r},${c}`), `${figure.id} row ${r} column ${c} share`).toBe(cell.share === null ? "–" : cell.share.toFixed(1));
        numbers += 2;
      }),
    );
  }
  return numbers;
}

async function dashboardLink(analyst: Respondent): Promise<string> {
  await analyst.command("dashboard");
  const text = analyst.botTexts().at(-1) ?? "";
  const link = /(http:\/\/\S+\/dashboard\/open\?t=\S+)/.exec(text)?.[1];
  if (!link) throw new Error(`no dashboard link in the bot's reply: ${text}`);
  return link;
}

const botMessages = (person: Respondent) => person.transcript().filter((e) => e.from === "bot").length;

/**
 * Takes the whole interview by buttons: the screening answers that pass, then the first plain
 * option, the first number, one tick and Done. After each answer it waits for the bot's next
 * message, however long a loaded machine takes (the chat going quiet is not enough here).
 */
async function takeInterview(person: Respondent): Promise<void> {
  for (let step = 0; step < 200; step++) {
    const buttons = (person.lastKeyboard().buttons ?? []).flat().map((b) => decodeButton(b.callbackData)).filter((b) => b !== undefined);
    const before = botMessages(person);
    const confirm = buttons.find((b) => b.kind === "confirm" && b.yes);
    const q = person.currentQuestion();
    if (!confirm && !q) return; // no question left: the interview is over
    if (confirm) await person.press((b) => b.kind === "confirm" && b.yes);
    else if (buttons.some((b) => b.kind === "toggle")) {
      const tick = buttons.find((b) => b.kind === "toggle" && !["pnta", "dk", "none"].includes(b.code))!;
      await person.press((b) => b.kind === "toggle" && tick.kind === "toggle" && b.code === tick.code && b.q === q);
      await person.press((b) => b.kind === "done" && b.q === q);
    } else if (buttons.some((b) => b.kind === "number")) await person.press((b) => b.kind === "number" && b.q === q);
    else if (typeof ELIGIBLE[q!] === "number") await person.type(String(ELIGIBLE[q!])); // a year is typed
    else {
      const scripted = ELIGIBLE[q!];
      const pick = buttons.find((b) => b.kind === "answer" && (typeof scripted === "string" ? b.code === scripted : !["pnta", "dk"].includes(b.code)));
      await person.press((b) => b.kind === "answer" && pick?.kind === "answer" && b.code === pick.code && b.q === q);
    }
    for (let wait = 0; wait < 100 && botMessages(person) === before; wait++) await new Promise((resolve) => setTimeout(resolve, 100));
    await person.settle();
  }
  throw new Error("the interview did not end within 200 steps");
}

/** Presses a button once the bot has shown it (a loaded machine may show it after the chat went quiet). */
async function pressWhenShown(person: Respondent, match: Parameters<Respondent["press"]>[0]): Promise<void> {
  for (let attempt = 0; attempt < 50; attempt++) {
    const shown = person.transcript().some((e) => (e.buttons ?? []).flat().some((b) => { const decoded = decodeButton(b.callbackData); return decoded !== undefined && match(decoded, b.text); }));
    if (shown) break;
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  await person.press(match);
}

async function openFreshBrowser(): Promise<Page> {
  const context = await browser.newContext({ acceptDownloads: true, viewport: { width: 1280, height: 900 }, locale: "en-GB" });
  return context.newPage();
}

async function ready(page: Page): Promise<void> {
  await page.locator('#status[data-state="ready"]').waitFor({ state: "attached", timeout: 30_000 });
}

describe.skipIf(!HAS_CHROMIUM)(HAS_CHROMIUM ? "dashboard in Chromium" : `dashboard in Chromium (skipped: ${CHROMIUM} is missing; apt-get install -y chromium)`, () => {
  beforeAll(async () => {
    work = mkdtempSync(join(tmpdir(), "dashboard-test-"));
    harness = await startHarness({ env: { ANALYST_IDS: String(ANALYST.id) } });
    const store = new RecordStore({ redis: harness.redis.client(), prefix: "survey:", codec: new AesGcmCodec(parseDataKeys(TEST_DATA_KEY)) });
    // These interviews were completed before the dashboard existed: it must backfill them.
    for (const { record } of sampleInterviews({ count: SEEDED, seed: 2022 })) await store.append(record);
    botPort = (await harness.startBot()).port;
    browser = await chromium.launch({ executablePath: CHROMIUM, headless: true, args: ["--no-sandbox", "--disable-gpu", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"] });
  }, 120_000);

  afterAll(async () => {
    await browser?.close();
    await harness?.stop();
    if (work) rmSync(work, { recursive: true, force: true });
  });

  it("opens from the signed link, once; a replayed, expired or missing link is refused", async () => {
    const analyst = new Respondent(harness, harness.emulator.user(ANALYST));
    const link = await dashboardLink(analyst);
    expect(new URL(link).port).toBe(String(botPort));

    const page = await openFreshBrowser();
    // Nothing the page loads comes from anywhere but this server (no CDN, no third party).
    const origins = new Set<string>();
    page.on("request", (request) => origins.add(new URL(request.url()).origin));
    await page.goto(link);
    await ready(page);
    expect([...origins]).toEqual([`http://127.0.0.1:${botPort}`]);
    expect(new URL(page.url()).pathname).toBe("/dashboard"); // the token is gone from the address bar
    expect(await page.locator("article[data-figure]").count()).toBeGreaterThan(40);
    // The session cookie is HttpOnly: no script on the page can read it.
    expect(await page.evaluate("document.cookie")).not.toContain("dash_session");

    const other = await openFreshBrowser();
    const replay = await other.goto(link);
    expect(replay?.status()).toBe(403);
    expect(await other.locator("#refusal").getAttribute("data-reason")).toBe("used");
    const noSession = await other.goto(`http://127.0.0.1:${botPort}/dashboard/data`);
    expect(noSession?.status()).toBe(401);

    // A link signed with the right key but issued an hour ago has expired.
    const past = new DashboardLinks({ redis: harness.redis.client(), secret: TEST_SECRET, prefix: "survey:", linkTtlSeconds: 600, sessionTtlSeconds: 60, now: () => Date.now() - 3_600_000 });
    const expired = await other.goto(`http://127.0.0.1:${botPort}/dashboard/open?t=${await past.issue()}`);
    expect(expired?.status()).toBe(403);
    expect(await other.locator("#refusal").getAttribute("data-reason")).toBe("expired");
    await other.context().close();
    await page.context().close();
  }, 120_000);

  it("shows every number as recomputed from the export of the same interviews, with one completed live", async () => {
    const person = new Respondent(harness, harness.emulator.user({ id: 960_000_016, first_name: "Timur", language_code: "ru" }));
    await onboard(person, "ru");
    await takeInterview(person);

    const analyst = new Respondent(harness, harness.emulator.user(ANALYST));
    const page = await openFreshBrowser();
    await page.goto(await dashboardLink(analyst));
    await ready(page);
    const all = await countsFromExport();
    const expected = buildFigures({ counts: all, definition: labourMigrantsKz, policy: DASHBOARD_POLICY, translate });
    expect(expected.sample.value).toBe(SEEDED + 1);
    expect(await page.locator('[data-kpi="completed"]').textContent()).toBe(expected.sample.text);
    const numbers = expectPageEquals(await shownOnPage(page), expected);
    expect(numbers).toBeGreaterThan(1500);
    // Nothing on the page or in its data names a person: no pseudonym, Telegram id or name.
    const data = await page.evaluate(`fetch("/dashboard/data").then((r) => r.text())`) as string;
    const pageText = (await page.content()) + data;
    for (const identifying of ["sample-2022-", "960000016", "Timur", "pseudonym"]) expect(pageText).not.toContain(identifying);
    // The live interview was timed by the bot: the monitor has a median.
    expect(await page.locator('[data-kpi="median-minutes"]').textContent()).toMatch(/^(\d+ min|under 1 min)$/);

    await page.selectOption("#city", "shymkent");
    await page.fill("#from", "2026-06-10");
    await page.fill("#to", "2026-06-24");
    await Promise.all([page.waitForResponse((r) => r.url().includes("/dashboard/data?") && r.url().includes("city=shymkent")), page.click("#filters button[type=submit]")]);
    await ready(page);
    const filtered = buildFigures({ counts: await countsFromExport({ city: "shymkent", from: "2026-06-10", to: "2026-06-24" }), definition: labourMigrantsKz, policy: DASHBOARD_POLICY, translate, city: "shymkent" });
    expect(filtered.sample.value).toBeGreaterThan(40);
    expectPageEquals(await shownOnPage(page), filtered);
    // A small filtered sample has small cells: they show as "<5", never as their count.
    expect((await shownOnPage(page)).flatMap((f) => f.cells.map(([, text]) => text))).toContain("<5");

    // The person deletes their data: their interview leaves the figures as it leaves the export.
    await person.command("delete");
    await pressWhenShown(person, (b) => b.kind === "deleteData" && b.choice === "delete");
    await page.goto(`http://127.0.0.1:${botPort}/dashboard`);
    await ready(page);
    const afterDelete = buildFigures({ counts: await countsFromExport(), definition: labourMigrantsKz, policy: DASHBOARD_POLICY, translate });
    expect(afterDelete.sample.value).toBe(SEEDED);
    expectPageEquals(await shownOnPage(page), afterDelete);
    await page.context().close();
  }, 240_000);

  it("downloads a chart as SVG and PNG and its table as CSV, and keeps a coordinator's targets", async () => {
    const analyst = new Respondent(harness, harness.emulator.user(ANALYST));
    const page = await openFreshBrowser();
    await page.goto(await dashboardLink(analyst));
    await ready(page);
    const card = page.locator('article[data-figure="d_remit_share"]');
    await card.scrollIntoViewIfNeeded();
    const saved = async (kind: string) => {
      const [download] = await Promise.all([page.waitForEvent("download"), card.locator(`button[data-download="${kind}"]`).click()]);
      const path = join(work, download.suggestedFilename());
      await download.saveAs(path);
      return { name: download.suggestedFilename(), bytes: readFileSync(path) };
    };
    const svg = await saved("svg");
    expect(svg.name).toBe("d_remit_share.svg");
    const svgText = svg.bytes.toString("utf8");
    expect(svgText).toMatch(/^<svg[\s>]/);
    expect(svgText).toContain("More than half"); // an answer label is drawn in the chart
    const png = await saved("png");
    expect(png.name).toBe("d_remit_share.png");
    const image = PNG.sync.read(png.bytes);
    expect(image.width).toBeGreaterThan(400);
    let inked = 0;
    for (let i = 0; i < image.data.length; i += 4) if (image.data[i]! < 200 || image.data[i + 1]! < 200 || image.data[i + 2]! < 200) inked++;
    expect(inked).toBeGreaterThan(2000); // bars and text, not a blank canvas
    const csv = await saved("csv");
    expect(csv.name).toBe("d_remit_share.csv");
    expect(csv.bytes.toString("utf8")).toContain("Asked of those who remit");

    // A coordinator sets a target per city on the page; the monitor measures against it.
    for (const [city, target] of [["almaty", 150], ["astana", 500], ["shymkent", 350]] as const) {
      const row = page.locator(`[data-city="${city}"]`);
      await row.locator("input").fill(String(target));
      await Promise.all([page.waitForResponse((r) => r.url().includes("/dashboard/data")), row.locator("button").click()]);
      await ready(page);
      await expect.poll(() => page.locator(`[data-city="${city}"]`).textContent()).toMatch(new RegExp(`completed of ${target} \\(\\d+%\\)`));
    }

    // Screenshots for the README (copied to docs/ by hand after looking at them).
    mkdirSync(ARTIFACTS, { recursive: true });
    const shoot = async (name: string, target?: string) => {
      await page.evaluate(target ? `document.querySelector("${target}").scrollIntoView({ block: "start" })` : "window.scrollTo(0, 0)");
      await page.waitForTimeout(600); // charts near the screen are drawn as they come into view
      await page.screenshot({ path: join(ARTIFACTS, name) });
    };
    await shoot("dashboard-desktop.png");
    await shoot("dashboard-desktop-figures.png", "#figure-d_remit");
    await page.setViewportSize({ width: 390, height: 844 });
    await page.evaluate(`window.dispatchEvent(new Event("resize"))`);
    await shoot("dashboard-phone.png");
    await shoot("dashboard-phone-figure.png", "#figure-d_remit_share");
    await page.context().close();
  }, 120_000);
});
