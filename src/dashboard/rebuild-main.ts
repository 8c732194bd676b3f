/**
 * `npm run dashboard:rebuild`: rebuilds the dashboard's counters of the current study version
 * from the stored records, e.g. after the retention purge removed old records, or to bring in
 * interviews completed before the dashboard existed without waiting for the first page view.
 * Interviews completing meanwhile are counted once. Prints counts only.
 */
import { Redis } from "ioredis";
import { ConfigError, DEFAULT_REDIS_URL, loadConfig } from "../platform/config.ts";
import { dataCodec } from "../platform/privacy/data-codec.ts";
import { RecordStore } from "../records/record-store.ts";
import { loadStudies, StudyLoadError } from "../studies/catalog.ts";
import { nativeStudy } from "../studies/session-study.ts";
import { DASHBOARD_POLICY } from "./policy.ts";
import { DashboardStore } from "./store.ts";

try {
  const config = loadConfig();
  const redis = new Redis(config.REDIS_URL ?? DEFAULT_REDIS_URL);
  const prefix = config.REDIS_PREFIX;
  // The dashboard shows the native study; its definition comes from the catalog, as the bot's does.
  const native = nativeStudy(await loadStudies({ dir: config.FORMS_DIR, defaultForm: config.DEFAULT_FORM }));
  if (!native) throw new Error(`FORMS_DIR (${config.FORMS_DIR}) has no IOM workbook: the dashboard shows that study only`);
  const { definition } = native;
  const records = new RecordStore({ redis, prefix, codec: dataCodec(config), study: native.key });
  const store = new DashboardStore({ redis, prefix, definition, sexQuestion: DASHBOARD_POLICY.sexQuestion });
  let unreadable = 0;
  const counted = await store.backfill(records.streamKey, (until) => records.scan({ until, batchSize: 1000, onUnreadable: () => unreadable++ }));
  process.stdout.write(`Dashboard counters of ${definition.id} version ${definition.version} rebuilt from ${counted} records; ${unreadable} unreadable records left out.\n`);
  await redis.quit();
  if (unreadable > 0) process.exitCode = 2;
} catch (error) {
  process.stderr.write(`${error instanceof ConfigError ? error.message : error instanceof StudyLoadError ? error.lines.join("\n") : error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
}
