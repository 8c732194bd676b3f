/**
 * One HTTP server per bot process: /healthz (Redis and the Bot API answer), /metrics
 * (Prometheus), the analysts' /dashboard, and in webhook mode the webhook itself. The webhook answers 2xx only once the
 * update is handled and persisted; while Redis is down it answers 5xx so Telegram redelivers.
 */
import { createServer, type IncomingMessage, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { webhookCallback } from "grammy";
import type { App } from "./app.ts";
import type { Config } from "../platform/config.ts";
import type { Logger } from "../platform/logger.ts";
import { handleDashboard } from "../dashboard/http.ts";
import { withinMs } from "./within-ms.ts";

export interface HttpServer {
  port: number;
  close(): Promise<void>;
}

export const WEBHOOK_PATH = "/telegram/webhook";
const TELEGRAM_CHECK_EVERY_MS = 15_000;

export async function startHttpServer(options: { app: App; config: Config; logger: Logger; webhook: boolean }): Promise<HttpServer> {
  const { app, config, logger, webhook } = options;
  const handleWebhook = webhook
    ? webhookCallback(app.bot, "http", { ...(config.WEBHOOK_SECRET ? { secretToken: config.WEBHOOK_SECRET } : {}), onTimeout: "throw", timeoutMilliseconds: 9_000 })
    : undefined;

  let telegram: { ok: boolean; at: number } = { ok: false, at: 0 };
  const telegramHealthy = async () => {
    if (Date.now() - telegram.at < TELEGRAM_CHECK_EVERY_MS) return telegram.ok;
    const ok = await app.bot.api.getMe().then(() => true, () => false);
    telegram = { ok, at: Date.now() };
    return ok;
  };

  const routes = async (req: IncomingMessage, res: ServerResponse) => {
    const path = (req.url ?? "/").split("?")[0];
    if (req.method === "GET" && path === "/healthz") {
      // A monitor must get an answer at once: no waiting through ioredis's reconnect back-off.
      const redis = app.redis.status === "ready" && (await withinMs(app.redis.ping(), 1_000).then((r) => r === "PONG", () => false));
      const bot = await telegramHealthy();
      res.writeHead(redis && bot ? 200 : 503, { "content-type": "application/json" });
      // Languages held back are not a fault (the bot serves the others), so they do not change the status code.
      const languages = { offered: app.deps.languages.offered, held_back: Object.fromEntries(app.deps.languages.heldBack.map((h) => [h.lang, h.reason])) };
      res.end(JSON.stringify({ redis: redis ? "ok" : "down", telegram: bot ? "ok" : "down", languages }));
      return;
    }
    if (req.method === "GET" && path === "/metrics") {
      res.writeHead(200, { "content-type": app.deps.metrics.registry.contentType });
      res.end(await app.deps.metrics.registry.metrics());
      return;
    }
    if (handleWebhook && req.method === "POST" && path === WEBHOOK_PATH) {
      try {
        await handleWebhook(req, res);
      } catch (error) {
        // Not handled and not persisted: ask Telegram to deliver it again later.
        logger.warn({ err: error, event: "webhook_retry" }, "update not processed; answering 503 so Telegram retries");
        if (!res.headersSent) res.writeHead(503).end();
      }
      return;
    }
    // The analysts' dashboard (/dashboard…), opened through a one-time link from /dashboard.
    if (app.deps.dashboard && (await handleDashboard(app.deps.dashboard, req, res, config.DASHBOARD_URL?.startsWith("https:") ?? false))) return;
    res.writeHead(404).end();
  };

  const server = createServer((req, res) => {
    routes(req, res).catch((error: unknown) => {
      logger.error({ err: error, event: "http_error" }, "HTTP request failed");
      if (!res.headersSent) res.writeHead(500).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(config.PORT, config.HOST, resolve));
  const port = (server.address() as AddressInfo).port;
  const host = config.HOST === "0.0.0.0" || config.HOST === "::" ? "127.0.0.1" : config.HOST;
  app.deps.dashboard?.listeningAt(`http://${host.includes(":") ? `[${host}]` : host}:${port}`);
  return {
    port,
    close: () => new Promise<void>((resolve) => server.close(() => resolve())),
  };
}
