/**
 * The dashboard's counters against the records they count, on a real Redis: counting live as
 * interviews complete and rebuilding from the record store give the same counters, each
 * figure's counts equal a direct count over the records, and no hidden cell can be worked out.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RecordStore } from "../../src/records/record-store.ts";
import type { CompletedRecord } from "../../src/records/record.ts";
import { derive } from "../../src/flows/engine.ts";
import { labourMigrantsKz } from "../../src/flows/definitions/labour-migrants-kz.ts";
import { intruderIntervals as exportAuditor } from "../../src/export/formats/suppression.ts";
import { DashboardStore } from "../../src/dashboard/store.ts";
import { buildFigures } from "../../src/dashboard/figures.ts";
import { DASHBOARD_POLICY } from "../../src/dashboard/policy.ts";
import { protect, type Equation } from "../../src/dashboard/suppress.ts";
import { DashboardLinks } from "../../src/dashboard/links.ts";
import { medianOfBuckets } from "../../src/dashboard/fieldwork.ts";
import { startTestRedis, type TestRedis } from "../support/redis.ts";
import { seeded } from "../support/random.ts";
import { sampleInterviews, type SampledInterview } from "./report-sample.ts";

let redis: TestRedis;
let sample: SampledInterview[];
const translate = (key: string) => key;

beforeAll(async () => {
  redis = await startTestRedis();
  sample = sampleInterviews({ count: 1200, seed: 16 });
}, 60_000);
afterAll(async () => redis?.stop());

describe("dashboard counters", () => {
  it("count live as interviews complete, and a backfill from the records rebuilds the same counters", async () => {
    const client = redis.client();
    const live = new DashboardStore({ redis: client, definition: labourMigrantsKz, sexQuestion: "b_sex", prefix: "live:" });
    const records = new RecordStore({ redis: client, prefix: "rebuilt:" });
    const rebuilt = new DashboardStore({ redis: client, definition: labourMigrantsKz, sexQuestion: "b_sex", prefix: "rebuilt:" });
    // The first half exists before the dashboard does; the second half completes after the backfill.
    const half = sample.length / 2;
    for (const [i, interview] of sample.entries()) {
      await live.completed({ record: interview.record });
      await records.append(interview.record);
      if (i >= half) await rebuilt.completed({ record: interview.record });
      if (i === half - 1) expect(await rebuilt.backfill(records.streamKey, (until) => records.scan({ until }))).toBe(half);
    }
    const a = await live.counts(labourMigrantsKz.version);
    const b = await rebuilt.counts(labourMigrantsKz.version);
    expect(b.size).toBeGreaterThan(500);
    expect(Object.fromEntries(b)).toEqual(Object.fromEntries(a));
    // A period made of every day equals the all-days counters.
    expect(Object.fromEntries(await live.counts(labourMigrantsKz.version, { from: "2000-01-01", to: "2999-12-31" }))).toEqual(Object.fromEntries(a));
  });

  it("show per option and sex exactly what a direct count over the records gives", async () => {
    const store = new DashboardStore({ redis: redis.client(), definition: labourMigrantsKz, sexQuestion: "b_sex", prefix: "live:" });
    const counts = await store.counts(labourMigrantsKz.version, { from: "2026-06-10", to: "2026-06-20" });
    const page = buildFigures({ counts, definition: labourMigrantsKz, policy: DASHBOARD_POLICY, translate, city: "astana" });
    const withDerived = (r: CompletedRecord) => ({ ...r, answers: { ...r.answers, ...derive(labourMigrantsKz, r.answers, { currentYear: Number(r.day.slice(0, 4)) }) } });
    const chosen = sample.map((s) => withDerived(s.record)).filter((r) => r.answers.a_city === "astana" && r.day >= "2026-06-10" && r.day <= "2026-06-20");
    expect(page.sample.value).toBe(chosen.length);
    let compared = 0;
    for (const figure of page.figures) {
      const asked = chosen.filter((r) => r.answers[figure.id] !== undefined);
      const columns = figure.columns.map((c) => c.code);
      figure.categories.forEach((category, r) => {
        columns.forEach((column, c) => {
          const inColumn = column === "all" ? asked : asked.filter((rec) => rec.answers.b_sex === column);
          const n = inColumn.filter((rec) => [rec.answers[figure.id]].flat().map(String).includes(category.code)).length;
          const cell = figure.rows[r]![c]!;
          if (n >= 1 && n <= 4) expect(cell.text, `${figure.id} ${category.code} ${column}`).toBe("<5");
          else if (cell.text !== "x") {
            expect(cell.text, `${figure.id} ${category.code} ${column}`).toBe(String(n));
            compared++;
          }
        });
      });
      if (figure.base.text !== "<5" && figure.base.text !== "x") expect(figure.base.text).toBe(String(asked.length));
    }
    expect(compared).toBeGreaterThan(200);
  });
});

describe("small cells", () => {
  it("a hidden count cannot be worked out from the totals, by the export's own auditor", () => {
    const random = seeded(7);
    for (let trial = 0; trial < 300; trial++) {
      const rows = 2 + Math.floor(random() * 5);
      const cols = 2 + Math.floor(random() * 2);
      const cells = Array.from({ length: rows * cols }, () => (random() < 0.4 ? Math.floor(random() * 5) : Math.floor(random() * 40)));
      const rowTotals = Array.from({ length: rows }, (_, r) => cells.slice(r * cols, r * cols + cols).reduce((a, b) => a + b, 0));
      const colTotals = Array.from({ length: cols }, (_, c) => rowTotals.reduce((s, _x, r) => s + cells[r * cols + c]!, 0));
      const base = rowTotals.reduce((a, b) => a + b, 0);
      const equations: Equation[] = [];
      for (let r = 0; r < rows; r++) equations.push({ whole: rows * cols + r, parts: Array.from({ length: cols }, (_, c) => r * cols + c) });
      for (let c = 0; c < cols; c++) equations.push({ whole: rows * cols + rows + c, parts: Array.from({ length: rows }, (_, r) => r * cols + c) });
      equations.push({ whole: rows * cols + rows + cols, parts: Array.from({ length: rows }, (_, r) => rows * cols + r) });
      equations.push({ whole: rows * cols + rows + cols, parts: Array.from({ length: cols }, (_, c) => rows * cols + rows + c) });
      const marks = protect([...cells, ...rowTotals, ...colTotals, base], equations, 5, base);
      for (const [i, m] of marks.entries()) if (m.value >= 1 && m.value <= 4) expect(m.hidden).toBe("primary");
      const seen = exportAuditor(marks.map((m) => (m.hidden ? { value: m.value, suppressed: m.hidden } : { value: m.value })), equations.map((e) => ({ whole: e.whole, parts: [...e.parts] })), 5, base);
      marks.forEach((m, i) => {
        if (m.hidden) expect(seen[i]!.hi - seen[i]!.lo, `trial ${trial} value ${i}`).toBeGreaterThan(0);
      });
    }
  });
});

describe("small cells in multi-select tables", () => {
  it("a hidden count cannot be worked out where only rows and column bases add up", () => {
    const random = seeded(11);
    for (let trial = 0; trial < 300; trial++) {
      const rows = 2 + Math.floor(random() * 6);
      const cols = 2;
      const bases = Array.from({ length: cols }, () => 5 + Math.floor(random() * 40));
      // Each option is ticked by some of a column's base: counts can sum past the base.
      const cells = Array.from({ length: rows * cols }, (_, i) => Math.floor(random() * (bases[i % cols]! + 1) * (random() < 0.4 ? 0.15 : 1)));
      const rowTotals = Array.from({ length: rows }, (_, r) => cells.slice(r * cols, r * cols + cols).reduce((a, b) => a + b, 0));
      const base = bases.reduce((a, b) => a + b, 0);
      const equations: Equation[] = [];
      for (let r = 0; r < rows; r++) equations.push({ whole: rows * cols + r, parts: Array.from({ length: cols }, (_, c) => r * cols + c) });
      equations.push({ whole: rows * cols + rows + cols, parts: Array.from({ length: cols }, (_, c) => rows * cols + rows + c) });
      const marks = protect([...cells, ...rowTotals, ...bases, base], equations, 5, base);
      const seen = exportAuditor(marks.map((m) => (m.hidden ? { value: m.value, suppressed: m.hidden } : { value: m.value })), equations.map((e) => ({ whole: e.whole, parts: [...e.parts] })), 5, base);
      marks.forEach((m, i) => {
        if (m.value >= 1 && m.value <= 4) expect(m.hidden).toBe("primary");
        if (m.hidden) expect(seen[i]!.hi - seen[i]!.lo, `trial ${trial} value ${i}`).toBeGreaterThan(0);
      });
    }
  });
});

describe("fieldwork monitor", () => {
  it("takes the median interview time from the minutes histogram", () => {
    expect(medianOfBuckets(new Map())).toBeNull();
    expect(medianOfBuckets(new Map([[12, 1]]))).toBe(12);
    // 3 at 9 minutes, 4 at 14, 1 at 40: the 4th and 5th of 8 are both at 14.
    expect(medianOfBuckets(new Map([[40, 1], [9, 3], [14, 4]]))).toBe(14);
  });
});

describe("one-time links", () => {
  it("open once, are refused when replayed, expired or altered", async () => {
    let now = Date.parse("2026-06-10T10:00:00Z");
    const links = new DashboardLinks({ redis: redis.client(), secret: "x".repeat(40), linkTtlSeconds: 600, sessionTtlSeconds: 3600, now: () => now });
    const token = await links.issue();
    const first = await links.redeem(token);
    expect(first.ok).toBe(true);
    expect(await links.valid(first.ok ? first.session : undefined)).toBe(true);
    expect(await links.redeem(token)).toEqual({ ok: false, reason: "used" });
    const late = await links.issue();
    now += 601_000;
    expect(await links.redeem(late)).toEqual({ ok: false, reason: "expired" });
    const altered = await links.issue();
    expect(await links.redeem(altered.replace(/\.(\d+)\./, (_, s: string) => `.${Number(s) + 3600}.`))).toEqual({ ok: false, reason: "forged" });
    expect(await links.valid("not-a-session")).toBe(false);
  });
});
