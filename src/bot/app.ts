/**
 * Wires the running bot: Redis connections, stores, the questionnaire, languages, referral
 * directory and metrics, then the grammY bot itself. main.ts decides how updates arrive
 * (long polling or webhook) and owns the process; tests and the preview reuse this.
 */
import { Redis } from "ioredis";
import type { UserFromGetMe } from "grammy/types";
import { createTranslator, loadResources } from "../locales/i18n.ts";
import { readReviewState } from "../locales/review-state.ts";
import { decideLanguageOffer } from "./language-offer.ts";
import { loadDirectory, type Directory } from "../referrals/directory.ts";
import { RecordStores } from "../records/record-stores.ts";
import { ExportFiles } from "../export/export-files.ts";
import { createExportQueue } from "../export/jobs.ts";
import { FunnelStore } from "./outreach/funnel-store.ts";
import { DEFAULT_REDIS_URL, pseudonymSecret, type Config } from "../platform/config.ts";
import type { Deps } from "./context.ts";
import { createBot } from "./create-bot.ts";
import { organisationName } from "../platform/text-params.ts";
import type { Logger } from "../platform/logger.ts";
import { Pseudonyms } from "../platform/privacy/pseudonym.ts";
import { dataCodec } from "../platform/privacy/data-codec.ts";
import { ChatGate } from "./session/chat-gate.ts";
import { ChatMessages } from "./session/chat-messages.ts";
import { SessionStore } from "./session/session-store.ts";
import { funnelSink } from "./funnel.ts";
import { Metrics } from "./metrics.ts";
import { Dashboard } from "../dashboard/service.ts";
import { withDashboardCounts } from "../dashboard/funnel-hook.ts";
import { remindersFor } from "../reminders/wiring.ts";
import type { StudyCatalog } from "../studies/study.ts";
import { nativeStudy } from "../studies/session-study.ts";

export interface AppOptions {
  config: Config;
  logger: Logger;
  /** The studies to run, loaded from FORMS_DIR by the caller (studies/catalog.ts). */
  studies: StudyCatalog;
  botInfo?: UserFromGetMe;
  clock?: () => Date;
  webhook?: boolean;
  /**
   * Rethrow errors that pass (Redis down, a busy chat) so the update is not confirmed to
   * Telegram (create-bot.ts). On in every running bot; off by default for code that calls
   * handleUpdate itself and wants the person's "Sorry" instead.
   */
  rethrowTransientErrors?: boolean;
  /** The local preview: every language is offered, the unreviewed ones marked. */
  preview?: boolean;
  /** The referral directory, when already loaded (an XLSX file is read asynchronously, in runBot). */
  directory?: Directory;
  /** Run the reminder sender and silence scan in this process (default true). */
  reminderWorker?: boolean;
}

export interface App {
  bot: ReturnType<typeof createBot>;
  deps: Deps;
  redis: Redis;
  directory: Directory;
  close(): Promise<void>;
}


/** A Redis client for interactive work: fail fast while Redis is down instead of queueing forever. */
export function connectRedis(url: string): Redis {
  // Auto-pipelining sends the commands of concurrent updates in one write: many respondents
  // at once cost far fewer round trips.
  // While Redis is down, a command fails within a second or two (webhook: 503, Telegram
  // redelivers) and reconnecting is retried every second, so recovery is quick too.
  return new Redis(url, {
    maxRetriesPerRequest: 1,
    retryStrategy: (attempt) => Math.min(attempt * 200, 1_000),
    enableOfflineQueue: true,
    connectTimeout: 5_000,
    enableAutoPipelining: true,
  });
}

export function createApp(options: AppOptions): App {
  const { config, logger, studies } = options;
  // The fieldwork dashboard and the partial-interview sweep read the native questionnaire: they
  // run for the native study only (a deployment of form studies alone has neither).
  const native = nativeStudy(studies);
  const redis = connectRedis(config.REDIS_URL ?? DEFAULT_REDIS_URL);
  redis.on("error", (error: Error) => logger.warn({ err: error, event: "redis_error" }, "Redis connection problem"));
  const codec = dataCodec(config);
  const resources = loadResources();
  const languages = decideLanguageOffer(config, resources, readReviewState(), { preview: options.preview ?? false });
  for (const { lang, reason } of languages.heldBack) {
    logger.warn({ event: "language_held_back", lang, reason }, `language ${lang} is not offered to respondents: ${reason} (npm run translations -- status; ALLOW_UNREVIEWED_LANGUAGES)`);
  }
  if (languages.allowedUnreviewed.length > 0) {
    logger.warn({ event: "languages_unreviewed_allowed", langs: languages.allowedUnreviewed }, `offering unreviewed languages because ALLOW_UNREVIEWED_LANGUAGES allows them: ${languages.allowedUnreviewed.join(", ")}`);
  }
  const translator = createTranslator({
    resources,
    onMissingKey: (lang, key) => logger.warn({ event: "missing_translation", lang, key }, "a text is missing; showing Russian"),
  });
  const directory = options.directory ?? loadDirectory(config.REFERRALS_FILE);
  const prefix = config.REDIS_PREFIX;
  const funnelStore = new FunnelStore({ redis, prefix });
  const metrics = new Metrics();
  const pseudonyms = new Pseudonyms(pseudonymSecret(config));
  // The queue producer fails fast while Redis is down instead of holding requests in memory.
  const queueConnection = new Redis(config.REDIS_URL ?? DEFAULT_REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  queueConnection.on("error", () => undefined); // reported by the main connection's handler
  const exportQueue = createExportQueue(queueConnection);
  // Without a listener BullMQ prints raw stack traces to stderr, outside pino and its redaction.
  exportQueue.on("error", (error: Error) => logger.warn({ err: error, event: "export_queue_error" }, "export queue cannot reach Redis"));
  metrics.watchExportQueue(exportQueue);
  const clock = options.clock ?? (() => new Date());
  const records = new RecordStores({ redis, prefix, codec, studies: studies.all().map((study) => study.key) });
  const dashboard = native && new Dashboard({
    redis,
    prefix,
    definition: native.definition,
    records: records.of(native.key),
    translate: (key) => translator.t("en", key, { organisation: organisationName(config, translator, "en"), retentionDays: config.RETENTION_DAYS, minWage: config.MIN_WAGE_KZT.toLocaleString("en-US") }),
    secret: pseudonymSecret(config),
    ...(config.DASHBOARD_URL ? { publicUrl: config.DASHBOARD_URL } : {}),
    linkTtlSeconds: config.DASHBOARD_LINK_MINUTES * 60,
    sessionTtlSeconds: config.DASHBOARD_SESSION_HOURS * 3600,
    funnel: (source) => funnelStore.funnel(source, native.key),
    openRecord: (sealed) => codec.open(sealed),
  });
  const dashboardError = (error: unknown) => logger.warn({ err: error, event: "dashboard_count_failed" }, "a dashboard counter was not updated");
  const sessions = new SessionStore({ redis, prefix, ttlSeconds: config.SESSION_TTL_DAYS * 86_400, codec });
  const reminders = native && remindersFor({ config, redis, codec, translator, logger, clock: options.clock, registry: metrics.registry, sessions, study: native });
  const funnels = new Map(studies.all().map((study) => {
    const sink = funnelSink(funnelStore, metrics, study.key);
    return [study.key, dashboard && study.key === native?.key ? withDashboardCounts(sink, dashboard.store, clock, dashboardError) : sink] as const;
  }));
  const deps: Deps = {
    config,
    redis,
    codec,
    studies,
    translator,
    sessions,
    gate: new ChatGate({ redis, prefix }),
    chatMessages: new ChatMessages({ redis, prefix }),
    pseudonyms,
    logger,
    clock,
    languages,
    records,
    funnels: {
      of: (study) => {
        const sink = funnels.get(study);
        if (!sink) throw new Error(`no funnel for ${study}: not a study of this deployment`);
        return sink;
      },
    },
    ...(dashboard ? { dashboard } : {}),
    funnelStore,
    directory,
    metrics,
    exportQueue,
    exportFiles: new ExportFiles({ redis, prefix, exportDir: config.EXPORT_DIR, ttlDays: config.EXPORT_TTL_DAYS, chatKey: (id) => pseudonyms.of("analyst", id) }),
    ...(reminders ? { reminders } : {}),
  };
  const bot = createBot(deps, { ...(options.botInfo ? { botInfo: options.botInfo } : {}), rethrowTransientErrors: options.rethrowTransientErrors ?? options.webhook ?? false });
  if (reminders && (options.reminderWorker ?? true)) {
    reminders.start(bot.api).catch((error: unknown) => logger.error({ err: error, event: "reminders_not_started" }, "the reminder sender did not start"));
  }
  return {
    bot,
    deps,
    redis,
    directory,
    async close() {
      await reminders?.close();
      await exportQueue.close().catch(() => undefined);
      queueConnection.disconnect();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
