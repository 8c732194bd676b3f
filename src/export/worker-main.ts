/**
 * `npm run worker`: the export worker as its own process (several may run at once).
 *
 * It reads the same configuration as the bot (REDIS_URL, REDIS_PREFIX, DATA_KEY, EXPORT_DIR,
 * EXPORT_TTL_DAYS, BOT_TOKEN, TELEGRAM_API_ROOT), builds zips from the record store and sends
 * them with grammY's Api, editing the analyst's status message as it goes. Logs are JSON and
 * carry counts only. SIGTERM and SIGINT let the current job finish or hand it back, then exit.
 *
 * `startExportWorker` is exported so `npm start` can run the same worker inside the bot.
 */
import { pathToFileURL } from "node:url";
import { Api, InputFile } from "grammy";
import { Redis } from "ioredis";
import { ConfigError, DEFAULT_REDIS_URL, loadConfig, pseudonymSecret, type Config } from "../platform/config.ts";
import { createLogger, type Logger } from "../platform/logger.ts";
import { dataCodec } from "../platform/privacy/data-codec.ts";
import { Pseudonyms } from "../platform/privacy/pseudonym.ts";
import { organisationName, textParamsByLanguage } from "../platform/text-params.ts";
import { createTranslator, isLanguage, SOURCE_LANGUAGES, type Translator } from "../locales/i18n.ts";
import type { ExportReport, RefusalReport, Translate } from "./build-zip.ts";
import { ExportFiles } from "./export-files.ts";
import { createExportWorker, type ExportFailure, type ExportWorker } from "./export-worker.ts";
import type { ExportJobPayload } from "./jobs.ts";
import { RecordStore } from "../records/record-store.ts";
import { RecordStores } from "../records/record-stores.ts";
import { loadStudies, StudyLoadError } from "../studies/catalog.ts";
import { nativeStudy } from "../studies/session-study.ts";
import type { Study, StudyCatalog } from "../studies/study.ts";
import { partialPrefix } from "./partial-interviews.ts";
import { scheduleRetention } from "./retention.ts";
import { parseAgeRecipients } from "./age-seal.ts";

/** How often expired files are cleared out. */
const CLEANUP_EVERY_MS = 3600_000;
/** Within a typical orchestrator's stop timeout (30 s), leaving time to hand the job back. */
const SHUTDOWN_GRACE_MS = 20_000;

export interface RunningExportWorker {
  exportWorker: ExportWorker;
  close(): Promise<void>;
}

/** Status texts for the analyst, in their language (staff default to English). */
function notices(api: Api, translate: Translate) {
  const lang = (payload: ExportJobPayload) => payload.lang ?? "en";
  /** Edits the status message when there is one; otherwise (or if it is gone) sends a new message. */
  const tell = async (payload: ExportJobPayload, text: string, editOnly = false) => {
    if (payload.statusMessageId !== undefined) {
      try {
        await api.editMessageText(payload.chatId, payload.statusMessageId, text);
        return;
      } catch {
        // "message is not modified" or a deleted status message: send a new message instead,
        // unless this was only a progress update, which is not worth a message of its own.
        if (editOnly) return;
      }
    }
    if (!editOnly) await api.sendMessage(payload.chatId, text);
  };
  return {
    progress: (payload: ExportJobPayload, percent: number) => tell(payload, translate(lang(payload), "staff:export.progress", { percent }), true),
    failed: (payload: ExportJobPayload, failure: ExportFailure) =>
      tell(
        payload,
        failure.kind === "release_gate" ? refusalNotice(translate, lang(payload), failure.report) : translate(lang(payload), "staff:export.failed", { reason: failure.message }),
      ),
    ready: async (payload: ExportJobPayload, file: { path: string; fileName: string; report: ExportReport }) => {
      const { report } = file;
      const caption = [
        translate(lang(payload), "staff:export.ready", { rows: report.rows, generalized: report.generalized, flagged: report.flagged }),
        translate(lang(payload), "export:disclosure.disclosure_caption", {
          suppressed: report.suppressed,
          percent: percent(report.disclosure.suppression.share),
          smallest: report.disclosure.smallestCombination,
          k: report.disclosure.k,
        }),
        ...(report.demoRows > 0 ? [translate(lang(payload), "export:disclosure.demo_rows", { count: report.demoRows })] : []),
      ].join("\n");
      await api.sendDocument(payload.chatId, new InputFile(file.path, file.fileName), { caption });
      await tell(payload, caption, true);
    },
  };
}

/** The values survey texts interpolate, formatted as the bot formats them (src/bot/create-bot.ts). */
export function surveyTextValues(config: Config, translator: Translator): Record<string, string | number> {
  return {
    // The codebook records the English name; each language's texts get their own (below).
    organisation: organisationName(config, translator, "en"),
    retentionDays: config.RETENTION_DAYS,
    sessionDays: config.SESSION_TTL_DAYS,
    minWage: config.MIN_WAGE_KZT.toLocaleString("ru-RU"),
  };
}

const percent = (share: number) => `${(100 * share).toFixed(1)}%`;

/** The release gate's refusal in the analyst's language: how many rows, which variables, what would work. */
export function refusalNotice(translate: Translate, lang: string, report: RefusalReport): string {
  if (report.unfixable > 0) return translate(lang, "export:disclosure.refused_few", { total: report.rows, k: report.k });
  const advice =
    report.wholeSampleShare !== undefined && report.wholeSampleShare <= report.ceiling
      ? translate(lang, "export:disclosure.advice_unfilter", { percent: percent(report.wholeSampleShare) })
      : translate(lang, "export:disclosure.advice_ceiling", { percent: percent(Math.ceil(report.share * 1000) / 1000) });
  const variables = Object.entries(report.cells)
    .filter(([, cells]) => cells > 0)
    .map(([question, cells]) => `${question} ${cells}`)
    .join(", ");
  return translate(lang, "export:disclosure.refused", {
    k: report.k,
    rows: report.rowsToSuppress,
    total: report.rows,
    percent: percent(report.share),
    variables,
    ceiling: percent(report.ceiling),
    advice,
  });
}

/**
 * Starts the worker. `studies` is the catalog the bot loaded (npm start); the worker process of
 * its own loads the same one from FORMS_DIR. A job names its study by key.
 */
export async function startExportWorker(config: Config, logger: Logger, studies?: StudyCatalog): Promise<RunningExportWorker> {
  if (!config.BOT_TOKEN) throw new ConfigError(["BOT_TOKEN: required by the export worker to send files; get one from @BotFather"]);
  const catalog = studies ?? (await loadStudies({ dir: config.FORMS_DIR, defaultForm: config.DEFAULT_FORM }));
  // Partial interviews are kept for the native study only (form studies have none yet).
  const native = nativeStudy(catalog);
  const url = config.REDIS_URL ?? DEFAULT_REDIS_URL;
  // BullMQ blocks on its own connection and needs it to retry forever; the store gets a plain one.
  const workerConnection = new Redis(url, { maxRetriesPerRequest: null });
  const redis = new Redis(url, { maxRetriesPerRequest: 2 });
  for (const client of [workerConnection, redis]) {
    client.on("error", (error: Error) => logger.warn({ event: "redis_error", reason: error.message }, "Redis connection problem"));
  }
  const translator = createTranslator({
    onMissingKey: (lang, key) => logger.warn({ event: "missing_translation", lang, key }, "a text is missing"),
  });
  // Each language names the organisation in its own words (МОМ, ХКҰ, ЭМУ…), as the bot did.
  const shown = textParamsByLanguage(config, translator);
  const translate: Translate = (lang, key, params) =>
    translator.t(lang, key, { ...params, ...(isLanguage(lang) ? { organisation: shown.get(lang)?.organisation } : {}) });
  const api = new Api(config.BOT_TOKEN, { apiRoot: config.TELEGRAM_API_ROOT });
  const notice = notices(api, translate);
  const pseudonyms = new Pseudonyms(pseudonymSecret(config));
  const prefix = config.REDIS_PREFIX;
  const files = new ExportFiles({ redis, prefix, exportDir: config.EXPORT_DIR, ttlDays: config.EXPORT_TTL_DAYS, chatKey: (id) => pseudonyms.of("analyst", id) });

  const codec = dataCodec(config);
  // Each study's records in its own store; the native study's keeps the key names it always had.
  const stores = new RecordStores({ redis, prefix, codec, studies: catalog.all().map((study) => study.key) });
  const store = stores.of((native ?? catalog.default).key);
  const exportWorker = createExportWorker({
    connection: workerConnection,
    studies: catalog,
    storeOf: (study: Study) => stores.of(study.key),
    translate,
    languages: [...SOURCE_LANGUAGES],
    store,
    files,
    codec,
    ...(native ? { partial: { store: new RecordStore({ redis, prefix: partialPrefix(prefix), codec }), afterDays: config.PARTIAL_AFTER_DAYS } } : {}),
    ...(config.ANALYST_AGE_RECIPIENTS ? { ageRecipients: parseAgeRecipients(config.ANALYST_AGE_RECIPIENTS) } : {}),
    textValues: surveyTextValues(config, translator),
    deliver: notice.ready,
    onProgress: notice.progress,
    onFailed: notice.failed,
    logger,
  });

  const cleanup = async () => {
    try {
      const deleted = await files.deleteExpired();
      if (deleted > 0) logger.info({ event: "exports_expired", count: deleted }, "deleted expired export files");
    } catch (error) {
      logger.warn({ event: "exports_cleanup_failed", reason: error instanceof Error ? error.message : String(error) }, "could not delete expired export files");
    }
  };
  await cleanup();
  // Daily retention purge: records past RETENTION_DAYS, files past EXPORT_TTL_DAYS; counts only.
  const retention = await scheduleRetention(workerConnection, {
    store: stores.all(),
    files,
    retentionDays: config.RETENTION_DAYS,
    now: () => new Date(),
    onPurged: (report) => logger.info({ event: "retention_purge", records: report.records, files: report.files }, "expired data deleted"),
  });
  // Without listeners BullMQ prints raw stack traces to stderr while Redis is down, outside pino.
  const retentionError = (error: Error) => logger.warn({ event: "retention_queue_error", reason: error.message }, "retention queue cannot reach Redis");
  retention.queue.on("error", retentionError);
  retention.worker.on("error", retentionError);
  const timer = setInterval(() => void cleanup(), CLEANUP_EVERY_MS);
  timer.unref();
  logger.info({ event: "export_worker_started", ttlDays: config.EXPORT_TTL_DAYS }, "export worker started");

  return {
    exportWorker,
    async close() {
      clearInterval(timer);
      await exportWorker.close({ graceMs: SHUTDOWN_GRACE_MS });
      await retention.close();
      await Promise.all([workerConnection, redis].map((c) => c.quit().catch(() => c.disconnect())));
    },
  };
}

async function main(): Promise<void> {
  let config: Config;
  try {
    config = loadConfig();
    if (!config.BOT_TOKEN) throw new ConfigError(["BOT_TOKEN: required by the export worker to send files; get one from @BotFather"]);
  } catch (error) {
    if (error instanceof ConfigError) {
      for (const line of error.lines) process.stderr.write(`${line}\n`);
      process.exit(1);
    }
    throw error;
  }
  const logger = createLogger(config.LOG_LEVEL);
  const running = await startExportWorker(config, logger).catch((error: unknown) => {
    // A form that does not import stops the worker as it stops the bot: one line per problem.
    if (error instanceof StudyLoadError || error instanceof ConfigError) {
      for (const line of error.lines) process.stderr.write(`${line}\n`);
      process.exit(1);
    }
    throw error;
  });
  let stopping = false;
  const stop = (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ event: "export_worker_stopping", signal }, "stopping: finishing or handing back the current export");
    running.close().then(
      () => process.exit(0),
      (error: unknown) => {
        logger.error({ event: "export_worker_stop_failed", reason: error instanceof Error ? error.message : String(error) }, "could not stop cleanly");
        process.exit(1);
      },
    );
  };
  process.once("SIGTERM", () => stop("SIGTERM"));
  process.once("SIGINT", () => stop("SIGINT"));
}

if (process.argv[1] && import.meta.url === pathToFileURL(process.argv[1]).href) {
  main().catch((error: unknown) => {
    process.stderr.write(`export worker: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exit(1);
  });
}
