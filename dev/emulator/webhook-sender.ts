/**
 * Delivers queued updates to the bot's webhook one at a time, in order. Like Telegram, an update
 * the webhook did not accept (non-2xx, timeout, refused connection) stays first in the queue and is
 * retried with a growing pause, so later updates wait behind it.
 */
import http from "node:http";
import https from "node:https";
import type { UpdateQueue, QueuedUpdate } from "./update-queue.ts";

export interface WebhookSettings {
  url: string;
  secretToken: string | undefined;
  maxConnections: number;
  allowedUpdates: string[] | undefined;
}

export interface WebhookSenderOptions {
  /** Pause before the first retry; doubles on each failure up to maxRetryDelayMs. */
  firstRetryDelayMs: number;
  maxRetryDelayMs: number;
  /** How long a webhook may take to answer before it counts as failed. */
  requestTimeoutMs: number;
}

export interface WebhookStatus {
  pendingUpdateCount: number;
  lastErrorDate: number | undefined;
  lastErrorMessage: string | undefined;
}

interface DeliveryResult {
  ok: boolean;
  error?: string;
  /** A JSON body with a "method" is a Bot API call made in the webhook reply. */
  replyBody?: string;
}

export class WebhookSender {
  private settings: WebhookSettings | undefined;
  private running = false;
  private stopped = false;
  private wake: (() => void) | undefined;
  private inFlight: http.ClientRequest | undefined;
  private lastError: { date: number; message: string } | undefined;
  private readonly unsubscribe: () => void;

  private readonly queue: UpdateQueue;
  private readonly options: WebhookSenderOptions;
  private readonly unixNow: () => number;
  private readonly onReply: (body: string) => Promise<void>;

  constructor(queue: UpdateQueue, options: WebhookSenderOptions, unixNow: () => number, onReply: (body: string) => Promise<void>) {
    this.queue = queue;
    this.options = options;
    this.unixNow = unixNow;
    this.onReply = onReply;
    this.unsubscribe = queue.subscribe(() => this.kick());
  }

  get current(): WebhookSettings | undefined {
    return this.settings;
  }

  configure(settings: WebhookSettings | undefined): void {
    this.settings = settings;
    this.lastError = undefined;
    this.inFlight?.destroy();
    // A new URL is tried at once rather than after the old one's backoff.
    this.wake?.();
    this.kick();
  }

  status(): WebhookStatus {
    return {
      pendingUpdateCount: this.queue.size(),
      lastErrorDate: this.lastError?.date,
      lastErrorMessage: this.lastError?.message,
    };
  }

  stop(): void {
    this.stopped = true;
    this.unsubscribe();
    this.inFlight?.destroy();
    this.wake?.();
  }

  private kick(): void {
    if (this.running || this.stopped || !this.settings) return;
    this.running = true;
    void this.deliverAll().finally(() => {
      this.running = false;
    });
  }

  private async deliverAll(): Promise<void> {
    let retryDelay = this.options.firstRetryDelayMs;
    for (;;) {
      const settings = this.settings;
      const entry = this.queue.first();
      if (this.stopped || !settings || !entry) return;
      const result = await this.deliver(settings, entry);
      if (this.stopped || this.settings !== settings) continue;
      if (result.ok) {
        this.queue.confirm(entry);
        retryDelay = this.options.firstRetryDelayMs;
        if (result.replyBody) await this.onReply(result.replyBody);
      } else {
        this.lastError = { date: this.unixNow(), message: result.error ?? "unknown error" };
        await this.pause(retryDelay);
        retryDelay = Math.min(retryDelay * 2, this.options.maxRetryDelayMs);
      }
    }
  }

  private deliver(settings: WebhookSettings, entry: QueuedUpdate): Promise<DeliveryResult> {
    entry.delivered = true;
    const body = JSON.stringify(entry.update);
    const headers: Record<string, string | number> = {
      "content-type": "application/json",
      "content-length": Buffer.byteLength(body),
    };
    if (settings.secretToken) headers["x-telegram-bot-api-secret-token"] = settings.secretToken;
    const transport = settings.url.startsWith("https:") ? https : http;

    return new Promise((resolve) => {
      const request = transport.request(settings.url, { method: "POST", headers, agent: false, timeout: this.options.requestTimeoutMs });
      this.inFlight = request;
      const finish = (result: DeliveryResult): void => {
        if (this.inFlight === request) this.inFlight = undefined;
        resolve(result);
      };
      request.on("timeout", () => request.destroy(new Error("Read timeout expired")));
      request.on("error", (error: NodeJS.ErrnoException) => {
        finish({ ok: false, error: error.code === "ECONNREFUSED" ? "Connection refused" : error.message });
      });
      request.on("response", (response) => {
        const chunks: Buffer[] = [];
        response.on("data", (chunk: Buffer) => chunks.push(chunk));
        response.on("error", (error) => finish({ ok: false, error: error.message }));
        response.on("end", () => {
          const status = response.statusCode ?? 0;
          if (status >= 200 && status < 300) {
            finish({ ok: true, replyBody: Buffer.concat(chunks).toString("utf8") });
          } else {
            finish({ ok: false, error: `Wrong response from the webhook: ${status} ${response.statusMessage ?? ""}`.trim() });
          }
        });
      });
      request.end(body);
    });
  }

  private pause(ms: number): Promise<void> {
    return new Promise((resolve) => {
      const timer = setTimeout(done, ms);
      function done(): void {
        clearTimeout(timer);
        resolve();
      }
      this.wake = () => {
        this.wake = undefined;
        done();
      };
    });
  }
}
