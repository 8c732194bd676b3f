/**
 * Wires the running bot: Redis connections, stores, the questionnaire, languages, referral
 * directory and metrics, then the grammY bot itself. main.ts decides how updates arrive
 * (long polling or webhook) and owns the process; tests and the preview reuse this.
 */
import { Redis } from "ioredis";
import type { UserFromGetMe } from "grammy/types";
import { labourMigrantsKz } from "../flows/definitions/labour-migrants-kz.ts";
import { createTranslator } from "../locales/i18n.ts";
import { loadDirectory, type Directory } from "../referrals/directory.ts";
import { RecordStore } from "../export/record-store.ts";
import { ExportFiles } from "../export/export-files.ts";
import { createExportQueue } from "../export/jobs.ts";
import { FunnelStore } from "./outreach/funnel-store.ts";
import { pseudonymSecret, type Config } from "./config.ts";
import type { Deps } from "./context.ts";
import { createBot } from "./create-bot.ts";
import type { Logger } from "./logger.ts";
import { Pseudonyms } from "./privacy/pseudonym.ts";
import { dataCodec } from "./privacy/data-codec.ts";
import { ChatGate } from "./session/chat-gate.ts";
import { SessionStore } from "./session/session-store.ts";
import { funnelSink } from "./funnel.ts";
import { Metrics } from "./metrics.ts";
import { remindersFor } from "../reminders/wiring.ts";

export interface AppOptions {
  config: Config;
  logger: Logger;
  botInfo?: UserFromGetMe;
  clock?: () => Date;
  webhook?: boolean;
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

export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

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
  const { config, logger } = options;
  const redis = connectRedis(config.REDIS_URL ?? DEFAULT_REDIS_URL);
  redis.on("error", (error: Error) => logger.warn({ err: error, event: "redis_error" }, "Redis connection problem"));
  const codec = dataCodec(config);
  const translator = createTranslator({
    onMissingKey: (lang, key) => logger.warn({ event: "missing_translation", lang, key }, "a text is missing; showing Russian"),
  });
  const directory = loadDirectory(config.REFERRALS_FILE);
  const prefix = config.REDIS_PREFIX;
  const funnelStore = new FunnelStore({ redis, prefix });
  const metrics = new Metrics();
  const pseudonyms = new Pseudonyms(pseudonymSecret(config));
  // The queue producer fails fast while Redis is down instead of holding requests in memory.
  const queueConnection = new Redis(config.REDIS_URL ?? DEFAULT_REDIS_URL, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
  queueConnection.on("error", () => undefined); // reported by the main connection's handler
  const exportQueue = createExportQueue(queueConnection);
  metrics.watchExportQueue(exportQueue);
  const clock = options.clock ?? (() => new Date());
  const sessions = new SessionStore({ redis, prefix, ttlSeconds: config.SESSION_TTL_DAYS * 86_400, codec });
  const reminders = remindersFor({ config, redis, codec, translator, logger, clock: options.clock, registry: metrics.registry, sessions, definition: labourMigrantsKz });
  const deps: Deps = {
    config,
    redis,
    codec,
    definition: labourMigrantsKz,
    translator,
    sessions,
    gate: new ChatGate({ redis, prefix }),
    pseudonyms,
    logger,
    clock,
    records: new RecordStore({ redis, prefix, codec }),
    funnel: funnelSink(funnelStore, metrics),
    funnelStore,
    directory,
    metrics,
    exportQueue,
    exportFiles: new ExportFiles({ redis, prefix, exportDir: config.EXPORT_DIR, ttlDays: config.EXPORT_TTL_DAYS, chatKey: (id) => pseudonyms.of("analyst", id) }),
    reminders,
  };
  const bot = createBot(deps, { ...(options.botInfo ? { botInfo: options.botInfo } : {}), rethrowTransientErrors: options.webhook ?? false });
  if (options.reminderWorker ?? true) {
    reminders.start(bot.api).catch((error: unknown) => logger.error({ err: error, event: "reminders_not_started" }, "the reminder sender did not start"));
  }
  return {
    bot,
    deps,
    redis,
    directory,
    async close() {
      await reminders.close();
      await exportQueue.close().catch(() => undefined);
      queueConnection.disconnect();
      await redis.quit().catch(() => redis.disconnect());
    },
  };
}
