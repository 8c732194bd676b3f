/**
 * `npm start`: runs the bot.
 *
 * - With BOT_TOKEN: long polling through grammY's runner, or a webhook when WEBHOOK_URL is set.
 *   An HTTP server on PORT serves /healthz and /metrics (and the webhook).
 * - Without BOT_TOKEN: the local preview, the real bot against a built-in Bot API emulator,
 *   with a chat page at http://127.0.0.1:8080 (see dev/preview/).
 *
 * SIGTERM and SIGINT stop intake, let updates in flight finish, then close Redis.
 *
 * Production runs it as `node src/bot/main.ts` (Node 24 strips the types; no build, no loader).
 */
import { ConfigError, loadConfig, loadEnvFile, type Config } from "../platform/config.ts";
import { createLogger } from "../platform/logger.ts";
import { fail, runBot } from "./run-bot.ts";

async function main(): Promise<void> {
  let config: Config;
  try {
    // `.env` in the working directory, when present; variables set in the environment win.
    loadEnvFile();
    config = loadConfig();
  } catch (error) {
    if (error instanceof ConfigError) fail(error.lines);
    throw error;
  }
  if (!config.BOT_TOKEN) {
    // No token: the same bot against a built-in Telegram emulator, with a chat page to try it.
    // Loaded only here, so production never loads the preview's code.
    const { startPreview } = await import("../../dev/preview/start-preview.ts");
    await startPreview(config);
    return;
  }
  const logger = createLogger(config.LOG_LEVEL);
  await runBot(config, logger);
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? error.message : String(error)}\n`);
  process.exit(1);
});
