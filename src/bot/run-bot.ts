/**
 * Runs the bot in this process: long polling (polling.ts), or a webhook when WEBHOOK_URL is
 * set, plus the HTTP server for /healthz, /metrics (and the webhook), and the export worker
 * unless EXPORT_WORKER=off. Stops cleanly on SIGTERM and SIGINT.
 *
 * Start-up never hangs silently: the HTTP server comes up first (/healthz answers 503 until
 * Redis and Telegram both answer), and while Redis or the Bot API cannot be reached a line
 * naming which and where is logged at once and then every few seconds.
 */
import type { Logger } from "../platform/logger.ts";
import { createApp, type App } from "./app.ts";
import { DEFAULT_REDIS_URL, type Config } from "../platform/config.ts";
import { registerCommands, commandMenu } from "./commands.ts";
import { checkRedisDurability } from "./redis-durability.ts";
import { startHttpServer, type HttpServer } from "./http-server.ts";
import { startPolling, type Polling } from "./polling.ts";
import { startExportWorker, type RunningExportWorker } from "../export/worker-main.ts";
import { loadDirectoryFile, STALE_AFTER_DAYS } from "../referrals/directory.ts";
import { withinMs } from "./within-ms.ts";
import { loadStudies, StudyLoadError } from "../studies/catalog.ts";
import type { StudyCatalog } from "../studies/study.ts";

const ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"] as const;
/** One attempt to reach Redis or Telegram at start-up gives up after this, so the log speaks within 5 s. */
const REACH_ATTEMPT_MS = 2_500;
const REACH_PAUSE_MS = 1_000;

export function fail(lines: string[]): never {
  for (const line of lines) process.stderr.write(`${line}\n`);
  process.exit(1);
}

/** A URL fit for a log line: no user name or password. */
export function withoutCredentials(url: string): string {
  try {
    const parsed = new URL(url);
    parsed.username = "";
    parsed.password = "";
    return parsed.toString().replace(/\/$/, "");
  } catch {
    return "(an unreadable URL)";
  }
}

/** Tries `attempt` until it succeeds, logging each failure with what is unreachable and where. */
async function untilReachable(what: string, where: string, attempt: () => Promise<unknown>, logger: Logger, stopped: () => boolean): Promise<void> {
  for (let tries = 1; !stopped(); tries++) {
    try {
      await withinMs(attempt(), REACH_ATTEMPT_MS);
      if (tries > 1) logger.info({ event: "reachable", what, where }, `${what} at ${where} answers now`);
      return;
    } catch (error) {
      const reason = error instanceof Error ? error.message : String(error);
      logger.error({ event: "unreachable", what, where, tries }, `${what} at ${where} cannot be reached (${reason}); trying again`);
      await new Promise((resolve) => setTimeout(resolve, REACH_PAUSE_MS));
    }
  }
}

/** The studies in FORMS_DIR; a form that does not import stops start-up, one line per problem. */
export async function studiesOrFail(config: Config): Promise<StudyCatalog> {
  try {
    return await loadStudies({ dir: config.FORMS_DIR, defaultForm: config.DEFAULT_FORM });
  } catch (error) {
    if (error instanceof StudyLoadError) fail(error.lines);
    throw error;
  }
}

export async function runBot(config: Config, logger: Logger, options: { preview?: boolean; studies?: StudyCatalog } = {}): Promise<App> {
  const webhook = config.WEBHOOK_URL !== undefined;
  const studies = options.studies ?? (await studiesOrFail(config));
  logger.info({ event: "studies_loaded", studies: studies.all().map((s) => s.key), default: studies.default.key }, `running ${studies.all().length} stud${studies.all().length === 1 ? "y" : "ies"}; plain /start opens ${studies.default.key}`);
  const directory = await loadDirectoryFile(config.REFERRALS_FILE);
  const stale = directory.notCheckedWithin(new Date());
  if (stale.length > 0) {
    // Staff see the same list in /stats; contacts change, and a wrong number is worse than none.
    const entries = stale.map((entry) => ({ id: entry.id, checked: entry.checked }));
    logger.warn({ event: "referrals_not_checked", days: STALE_AFTER_DAYS, entries }, `${stale.length} referral entries not checked for over ${STALE_AFTER_DAYS} days`);
  }
  const app = createApp({ config, logger, studies, webhook, rethrowTransientErrors: true, preview: options.preview ?? false, directory });
  logger.info({ event: "starting", mode: webhook ? "webhook" : "polling" }, "starting");

  let polling: Polling | undefined;
  let worker: RunningExportWorker | undefined;
  let http: HttpServer | undefined;
  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ event: "stopping", signal }, "stopping: finishing updates in flight");
    // Polling first: it returns once every update it fetched is handled (or left unconfirmed
    // for the next process). Closing the HTTP server waits for webhook calls in flight.
    await polling?.stop();
    await http?.close();
    await worker?.close();
    await app.close();
    logger.info({ event: "stopped" }, "stopped");
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));

  // Up before anything can hang, so a monitor sees 503 while Redis or Telegram is unreachable.
  http = await startHttpServer({ app, config, logger, webhook });

  await untilReachable("Redis", withoutCredentials(config.REDIS_URL ?? DEFAULT_REDIS_URL), () => app.redis.ping(), logger, () => stopping);
  const durability = await checkRedisDurability(app.redis);
  if (durability.problems.length > 0) {
    const message = `Redis is not durable enough for survey answers: ${durability.problems.join("; ")}`;
    if (config.NODE_ENV === "production" && !options.preview && config.REDIS_DURABILITY_CHECK === "enforce") {
      logger.fatal({ event: "redis_not_durable", problems: durability.problems }, message);
      fail([message]);
    }
    logger.warn({ event: "redis_not_durable", problems: durability.problems }, message);
  }

  await untilReachable("the Telegram Bot API", withoutCredentials(config.TELEGRAM_API_ROOT), () => app.bot.init(), logger, () => stopping);
  const staffIds = [...new Set([...config.ANALYST_IDS, ...config.OUTREACH_IDS])].map(Number);
  await registerCommands(app.bot.api, commandMenu(app.deps.translator, staffIds), logger);

  if (stopping) return app;
  if (webhook) {
    await app.bot.api.setWebhook(config.WEBHOOK_URL!, {
      ...(config.WEBHOOK_SECRET ? { secret_token: config.WEBHOOK_SECRET } : {}),
      allowed_updates: [...ALLOWED_UPDATES],
    });
    logger.info({ event: "started", mode: "webhook", port: http.port }, "bot started (webhook)");
  } else {
    await app.bot.api.deleteWebhook();
    polling = startPolling(app.bot, { allowedUpdates: ALLOWED_UPDATES, logger });
    logger.info({ event: "started", mode: "polling", port: http.port }, "bot started (long polling)");
  }

  // By default the export worker runs here too; EXPORT_WORKER=off leaves it to `npm run worker`.
  worker = config.EXPORT_WORKER === "inline" ? await startExportWorker(config, logger, studies) : undefined;
  return app;
}
