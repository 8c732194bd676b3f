/**
 * `npm start` without BOT_TOKEN: the real bot, same code and same Redis, against the built-in
 * Bot API emulator, with a chat page where anyone can take the survey as on a phone and try
 * the outreach and analyst commands.
 *
 * The first line printed says where to open the page; nothing (not even a log line) comes
 * before it, so a person who only reads the first line still finds it.
 */
import { randomBytes } from "node:crypto";
import { BotApiEmulator } from "../emulator/bot-api-emulator.ts";
import type { Config } from "../../src/platform/config.ts";
import { createLogger } from "../../src/platform/logger.ts";
import { runBot } from "../../src/bot/run-bot.ts";
import { RecordStore } from "../../src/records/record-store.ts";
import { loadDemoData } from "./demo-data.ts";
import { PREVIEW_USER_IDS, PreviewChats } from "./preview-chats.ts";
import { startPreviewServer } from "./preview-server.ts";
import { findOrLaunchRedis, HOW_TO_GET_REDIS } from "./redis-source.ts";
import { nativeStudy } from "../../src/studies/session-study.ts";

export interface PreviewOptions {
  /** Where a local Redis may already run (6379) and where a launched one keeps its data (./data/redis). */
  localRedisPort?: number;
  redisDataDir?: string;
}

export async function startPreview(config: Config, options: PreviewOptions = {}): Promise<void> {
  // The page's port is claimed before anything is printed, so the address printed is one that works.
  const server = await startPreviewServer({ port: config.PORT, host: config.HOST });
  const redis = await findOrLaunchRedis({
    redisUrl: config.REDIS_URL,
    ...(options.localRedisPort === undefined ? {} : { localPort: options.localRedisPort }),
    ...(options.redisDataDir === undefined ? {} : { dataDir: options.redisDataDir }),
  });
  if (!redis) {
    process.stderr.write(`${HOW_TO_GET_REDIS}\n`);
    process.exit(1);
  }
  // runBot ends the process with process.exit on SIGTERM/SIGINT; a redis-server launched here goes with it.
  process.once("exit", () => redis.stop());

  process.stdout.write(
    `Preview: open ${pageUrl(config.HOST, server.port)} in your browser (no BOT_TOKEN set, so this runs against a built-in Telegram emulator)\n`,
  );

  const logger = createLogger(config.LOG_LEVEL);
  logger.info({ event: "preview_redis", origin: redis.origin }, `preview: using Redis (${redis.origin})`);

  const emulator = new BotApiEmulator({ token: emulatorToken(), botFirstName: "Survey Bot (preview)", botUsername: "survey_preview_bot" });
  const { apiRoot } = await emulator.start();
  server.attach(new PreviewChats(emulator));

  try {
    const app = await runBot(
      {
        ...config,
        BOT_TOKEN: emulator.token,
        TELEGRAM_API_ROOT: apiRoot,
        REDIS_URL: redis.url,
        // The bot's own /healthz and /metrics server: any free port, so it never takes the page's.
        PORT: 0,
        ANALYST_IDS: [String(PREVIEW_USER_IDS.analyst)],
        OUTREACH_IDS: [String(PREVIEW_USER_IDS.outreach)],
      },
      logger,
      { preview: true },
    );
    // The same store the bot appends to and the export worker reads (prefix and encryption alike).
    // Demo interviews are the native study's: its questionnaire draws them.
    const native = nativeStudy(app.deps.studies);
    if (native) {
      const store = new RecordStore({ redis: app.redis, prefix: config.REDIS_PREFIX, codec: app.deps.codec, study: native.key });
      server.attachDemoLoader(() => loadDemoData(store, native.definition));
    }
    server.setStatus({ state: "ready" });
  } catch (error) {
    const reason = error instanceof Error ? error.message : String(error);
    server.setStatus({ state: "failed", reason });
    throw error;
  }
}

/** A token of the shape BotFather gives, random per run: config validation checks the shape. */
function emulatorToken(): string {
  return `7000000001:${randomBytes(24).toString("base64url")}`;
}

function pageUrl(host: string, port: number): string {
  const reachable = host === "0.0.0.0" || host === "::" || host === "" ? "127.0.0.1" : host;
  return `http://${reachable.includes(":") ? `[${reachable}]` : reachable}:${port}`;
}
