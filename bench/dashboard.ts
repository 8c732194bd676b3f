/**
 * The dashboard at 100,000 completed interviews (drawn from the report's percentages, 31 days
 * of fieldwork, three cities):
 * - one study's figures and fieldwork monitor, as a page view asks for them: limit 200 ms;
 * - the aggregate work a completed interview adds (one Lua call): limit 1 ms, measured both
 *   as the caller waits for it and as Redis spends on it (INFO commandstats);
 * - side by side, the same figures computed from the records in memory (what a scan of every
 *   record per view would cost at the very least, before reading or decrypting anything).
 */
import { performance } from "node:perf_hooks";
import { labourMigrantsKz as definition } from "../src/flows/definitions/labour-migrants-kz.ts";
import { RecordStore } from "../src/records/record-store.ts";
import { Dashboard } from "../src/dashboard/service.ts";
import { buildFigures } from "../src/dashboard/figures.ts";
import { DASHBOARD_POLICY } from "../src/dashboard/policy.ts";
import { tally } from "../src/dashboard/tally.ts";
import type { Counts } from "../src/dashboard/store.ts";
import { startTestRedis } from "../tests/support/redis.ts";
import { sampleInterviews } from "../tests/dashboard/report-sample.ts";
import { line, median } from "./measure.ts";

const TOTAL = 100_000;
/** Distinct interviews drawn; each is counted TOTAL / DISTINCT times on different days. */
const DISTINCT = 4_000;

export interface DashboardBench {
  figuresMs: number;
  filteredMs: number;
  completeMs: number;
  completeRedisMs: number;
  scanRatio: number;
}

export async function benchDashboard(): Promise<DashboardBench> {
  const redis = await startTestRedis();
  const client = redis.client();
  try {
    const dashboard = new Dashboard({
      redis: client,
      prefix: "bench:",
      definition,
      records: new RecordStore({ redis: client, prefix: "bench-unused:" }),
      translate: (key) => key,
      secret: "bench-secret-0123456789abcdef0123456789",
      linkTtlSeconds: 600,
      sessionTtlSeconds: 3600,
      funnel: async () => ({ started: 0, consented: 0, eligible: 0, completed: 0 }),
    });
    const drawn = sampleInterviews({ count: DISTINCT, seed: 100 });
    const firstDay = Date.parse("2026-06-06T12:00:00Z");
    const interviews = Array.from({ length: TOTAL }, (_, i) => {
      const { record, durationSeconds } = drawn[i % DISTINCT]!;
      const day = new Date(firstDay + (i % 31) * 86_400_000).toISOString().slice(0, 10);
      return { record: { ...record, day }, durationSeconds };
    });

    // Fill through the backfill (the path a study with existing records takes): one record in
    // the stream gives it a snapshot, and the 100,000 interviews are handed to it as the records.
    const records = new RecordStore({ redis: client, prefix: "bench:" });
    await records.append(interviews[0]!.record);
    const started = performance.now();
    const counted = await dashboard.store.backfill(records.streamKey, async function* () {
      for (const x of interviews) yield x.record;
    });
    if (counted !== TOTAL) throw new Error(`the backfill counted ${counted}, not ${TOTAL}`);
    line("dashboard: backfill of 100,000 records (s)", ((performance.now() - started) / 1000).toFixed(1));

    // One completion at a time, as the bot does it, with 100,000 already counted.
    await client.config("RESETSTAT");
    const waits: number[] = [];
    for (let i = 0; i < 500; i++) {
      const t = performance.now();
      await dashboard.store.completed(interviews[i]!);
      waits.push(performance.now() - t);
    }
    const stats = String(await client.info("commandstats"));
    const evalUsec = Number(/cmdstat_eval:calls=\d+,usec=\d+,usec_per_call=([\d.]+)/.exec(stats)?.[1] ?? "NaN");

    const views: number[] = [];
    const filtered: number[] = [];
    for (let i = 0; i < 15; i++) {
      let t = performance.now();
      const data = await dashboard.data({});
      views.push(performance.now() - t);
      if (data.sample.value !== TOTAL + 500) throw new Error(`the figures count ${data.sample.value} interviews, not ${TOTAL + 500}`);
      t = performance.now();
      await dashboard.data({ city: "shymkent", from: "2026-06-10", to: "2026-06-23" });
      filtered.push(performance.now() - t);
    }

    // The floor of a scan per view: tally every record in memory (no Redis read, no decryption).
    const scans: number[] = [];
    for (let i = 0; i < 3; i++) {
      const t = performance.now();
      const counts: Counts = new Map();
      for (const x of interviews) for (const field of tally(definition, "b_sex", x)) counts.set(field, (counts.get(field) ?? 0) + 1);
      buildFigures({ counts, definition, policy: DASHBOARD_POLICY, translate: (key) => key });
      scans.push(performance.now() - t);
    }

    const result: DashboardBench = {
      figuresMs: median(views),
      filteredMs: median(filtered),
      completeMs: median(waits),
      completeRedisMs: evalUsec / 1000,
      scanRatio: median(scans) / median(views),
    };
    line("dashboard: one study's figures + monitor, 100,000 interviews (ms)", result.figuresMs.toFixed(1));
    line("dashboard: same, one city and 14 days (ms)", result.filteredMs.toFixed(1));
    line("dashboard: completing an interview, caller waits (median ms)", result.completeMs.toFixed(3));
    line("dashboard: completing an interview, Redis work (ms per call)", result.completeRedisMs.toFixed(3));
    line("dashboard: scanning records in memory / counters (×)", result.scanRatio.toFixed(1));
    return result;
  } finally {
    client.disconnect();
    await redis.stop();
  }
}

if (import.meta.url === `file://${process.argv[1]}`) await benchDashboard();
