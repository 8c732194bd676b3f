/**
 * Runs the bot in this process: long polling through grammY's runner, or a webhook when
 * WEBHOOK_URL is set, plus the HTTP server for /healthz, /metrics (and the webhook), and the
 * export worker unless EXPORT_WORKER=off. Stops cleanly on SIGTERM and SIGINT.
 */
import { run, type RunnerHandle } from "@grammyjs/runner";
import type { Config } from "./config.ts";
import type { Logger } from "./logger.ts";
import { createApp, type App } from "./app.ts";
import { registerCommands, commandMenu } from "./commands.ts";
import { checkRedisDurability } from "./redis-durability.ts";
import { startHttpServer, type HttpServer } from "./http-server.ts";
import { startExportWorker, type RunningExportWorker } from "../export/worker-main.ts";
import { loadDirectoryFile, STALE_AFTER_DAYS } from "../referrals/directory.ts";

const ALLOWED_UPDATES = ["message", "edited_message", "callback_query", "my_chat_member"] as const;

export function fail(lines: string[]): never {
  for (const line of lines) process.stderr.write(`${line}\n`);
  process.exit(1);
}

export async function runBot(config: Config, logger: Logger, options: { preview?: boolean } = {}): Promise<App> {
  const webhook = config.WEBHOOK_URL !== undefined;
  const directory = await loadDirectoryFile(config.REFERRALS_FILE);
  const stale = directory.notCheckedWithin(new Date());
  if (stale.length > 0) {
    // Staff see the same list in /stats; contacts change, and a wrong number is worse than none.
    const entries = stale.map((entry) => ({ id: entry.id, checked: entry.checked }));
    logger.warn({ event: "referrals_not_checked", days: STALE_AFTER_DAYS, entries }, `${stale.length} referral entries not checked for over ${STALE_AFTER_DAYS} days`);
  }
  const app = createApp({ config, logger, webhook, directory });
  const durability = await checkRedisDurability(app.redis);
  if (durability.problems.length > 0) {
    const message = `Redis is not durable enough for survey answers: ${durability.problems.join("; ")}`;
    if (config.NODE_ENV === "production" && !options.preview && config.REDIS_DURABILITY_CHECK === "enforce") {
      logger.fatal({ event: "redis_not_durable", problems: durability.problems }, message);
      fail([message]);
    }
    logger.warn({ event: "redis_not_durable", problems: durability.problems }, message);
  }

  await app.bot.init();
  const staffIds = [...new Set([...config.ANALYST_IDS, ...config.OUTREACH_IDS])].map(Number);
  await registerCommands(app.bot.api, commandMenu(app.deps.translator, staffIds), logger);

  let runner: RunnerHandle | undefined;
  const http: HttpServer = await startHttpServer({ app, config, logger, webhook });
  if (webhook) {
    await app.bot.api.setWebhook(config.WEBHOOK_URL!, {
      ...(config.WEBHOOK_SECRET ? { secret_token: config.WEBHOOK_SECRET } : {}),
      allowed_updates: [...ALLOWED_UPDATES],
    });
    logger.info({ event: "started", mode: "webhook", port: http.port }, "bot started (webhook)");
  } else {
    await app.bot.api.deleteWebhook();
    runner = run(app.bot, { runner: { fetch: { allowed_updates: [...ALLOWED_UPDATES] } } });
    logger.info({ event: "started", mode: "polling", port: http.port }, "bot started (long polling)");
  }

  // By default the export worker runs here too; EXPORT_WORKER=off leaves it to `npm run worker`.
  const worker: RunningExportWorker | undefined = config.EXPORT_WORKER === "inline" ? await startExportWorker(config, logger) : undefined;

  let stopping = false;
  const stop = async (signal: string) => {
    if (stopping) return;
    stopping = true;
    logger.info({ event: "stopping", signal }, "stopping: finishing updates in flight");
    if (runner?.isRunning()) await runner.stop();
    await http.close();
    await worker?.close();
    await app.close();
    logger.info({ event: "stopped" }, "stopped");
    process.exit(0);
  };
  process.once("SIGTERM", () => void stop("SIGTERM"));
  process.once("SIGINT", () => void stop("SIGINT"));
  return app;
}

