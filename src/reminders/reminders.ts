/**
 * Reminders, end to end: planning (when), the BullMQ queue (durable, deduplicated, rate-limited)
 * and the sender. The bot calls in through a handful of methods; everything it needs from the
 * bot (the Bot API, the translator, the codec) is handed in.
 *
 * - Two queues. `reminders` carries the messages (the reminder question sent after a silence,
 *   and the reminders), with BullMQ's queue-level limiter: at most REMINDER_RATE a second across
 *   every worker process, under Telegram's bulk limit. `reminder-scan` runs a job scheduler that
 *   looks for silences; it is separate so the limiter never holds it up.
 * - Deterministic job ids (`reminder-<chat key>-<n>`, `offer-<chat key>`; no ":" as BullMQ
 *   requires): a restart, a double tap or two scanners plan one job, and the store's claim
 *   (sent n-1 → n, atomically) makes a retried job send nothing twice.
 * - Delays are computed against the reminders' clock (the app clock, or pilot time when
 *   REMINDER_DELAY_SCALE < 1, see pilot-clock.ts) and multiplied by the scale before BullMQ waits
 *   for them; the sender checks the due time and the window again against that clock when the
 *   job runs and puts the job back if it woke early. So no reminder goes out outside the
 *   evening window whatever the clock did meanwhile.
 * - A 403 (the person blocked the bot) forgets them: chat id gone, no retry, ever.
 */
import { DelayedError, Queue, Worker, type Job } from "bullmq";
import { GrammyError, type Api } from "grammy";
import { Redis } from "ioredis";
import { Gauge, type Registry } from "prom-client";
import type { Translator } from "../locales/i18n.ts";
import type { Codec } from "../platform/privacy/codec.ts";
import type { Logger } from "../platform/logger.ts";
import { firstReminderAt, isInWindow, nextInWindow, secondReminderAt, type EveningWindow, type ReminderChoice } from "./evening-window.ts";
import { MAX_REMINDERS, ReminderStore, type ReminderCounts } from "./reminder-store.ts";
import { offerMessage, reminderMessage, textsFor } from "./reminder-messages.ts";
import type { PartialSweep } from "./partial-sweep.ts";

export const REMINDER_QUEUE = "reminders";
export const SCAN_QUEUE = "reminder-scan";
export const SCAN_SCHEDULER_ID = "silence-scan";
export const PARTIAL_SCHEDULER_ID = "partial-sweep";
/** How many silences one scan takes per round trip. */
const SCAN_BATCH = 500;
/** A job put back because it woke outside the window waits at least this long (real ms). */
const MIN_REDELAY_MS = 50;

export interface ReminderSettings {
  window: EveningWindow;
  /** Silence after which the person is asked (or reminded), in ms of the reminders' clock. */
  pauseMs: number;
  /** Messages per second across all workers. */
  ratePerSecond: number;
  /** Multiplies every delay and pause (REMINDER_DELAY_SCALE). */
  delayScale: number;
}

export interface RemindersOptions {
  redis: Redis;
  redisUrl: string;
  prefix: string;
  ttlSeconds: number;
  codec: Codec;
  translator: Translator;
  logger: Logger;
  /** The reminders' "now": the app clock, or pilot time (pilot-clock.ts) when delays are scaled. */
  clock: () => Date;
  /** Resolves once that clock agrees with other processes. */
  clockReady?: Promise<void>;
  settings: ReminderSettings;
  /** Where the counts are published for /metrics. */
  registry?: Registry;
  /** Copies interviews that stopped for good for the export (partial-sweep.ts). */
  partial?: PartialSweep;
}

/** How many sealed chat ids touch() keeps in memory (oldest dropped first): a few MB at most. */
const SEALED_CHATS_KEPT = 20_000;

/** A job names a pseudonym, never a chat id; `due` is the app-clock instant a reminder is for. */
type MessageJob = { chatKey: string; n?: number; due?: number };

/** What a job did, kept on the finished job for a moment (no person in it). */
export type SendOutcome = "sent" | "offered" | "dropped" | "already_sent" | "came_back" | "blocked";

export class Reminders {
  readonly store: ReminderStore;
  readonly settings: ReminderSettings;
  readonly #codec: Codec;
  readonly #translator: Translator;
  readonly #logger: Logger;
  readonly #clock: () => Date;
  readonly #redisUrl: string;
  readonly #producer: Redis;
  readonly #queue: Queue<MessageJob>;
  #workers: { worker: Worker; connection: Redis }[] = [];
  #scanQueue: Queue | undefined;
  #scanConnection: Redis | undefined;
  #api: Api | undefined;
  readonly #partial: PartialSweep | undefined;
  readonly #clockReady: Promise<void>;
  /**
   * Chat ids sealed once per chat, not on every touch: sealing (deflate and AES-GCM) cost more
   * than the rest of a touch, and a chat key always stands for the same chat id. Bounded.
   */
  readonly #sealedChats = new Map<string, string>();

  constructor(options: RemindersOptions) {
    this.store = new ReminderStore({ redis: options.redis, prefix: options.prefix, ttlSeconds: options.ttlSeconds });
    this.settings = options.settings;
    this.#codec = options.codec;
    this.#translator = options.translator;
    this.#logger = options.logger;
    this.#clock = options.clock;
    this.#partial = options.partial;
    this.#clockReady = options.clockReady ?? Promise.resolve();
    this.#redisUrl = options.redisUrl;
    // Planning happens inside updates: fail fast while Redis is down, like the export producer.
    this.#producer = new Redis(options.redisUrl, { enableOfflineQueue: false, maxRetriesPerRequest: 1 });
    this.#producer.on("error", () => undefined); // reported by the main connection's handler
    this.#queue = new Queue<MessageJob>(REMINDER_QUEUE, { connection: this.#producer });
    // Without a listener BullMQ prints raw stack traces to stderr, outside pino and its redaction.
    this.#queue.on("error", (error: Error) => this.#logger.warn({ err: error, event: "reminder_queue_error" }, "reminder queue cannot reach Redis"));
    if (options.registry) this.#publishCounts(options.registry);
  }

  /** Real milliseconds BullMQ should wait for an app-clock span. */
  #scaled(ms: number): number {
    return Math.max(0, Math.round(ms * this.settings.delayScale));
  }

  // ---- called by the bot ----

  /** An update of an active interview (hot path: one script call, not awaited by the caller). */
  touch(chatKey: string, chatId: number, lang: string): Promise<void> {
    return this.store.touch(chatKey, this.#clock().getTime(), this.#sealedChat(chatKey, chatId), lang);
  }

  #sealedChat(chatKey: string, chatId: number): string {
    const known = this.#sealedChats.get(chatKey);
    if (known !== undefined) return known;
    const sealed = this.#codec.seal(String(chatId));
    if (this.#sealedChats.size >= SEALED_CHATS_KEPT) this.#sealedChats.delete(this.#sealedChats.keys().next().value!);
    this.#sealedChats.set(chatKey, sealed);
    return sealed;
  }

  /** The interview ended (completed, screened out, deleted) or the bot was blocked. */
  async forget(chatKey: string, completed: boolean): Promise<void> {
    await this.store.forget(chatKey, completed);
    await this.#partial?.forget(chatKey);
    await this.#removeJobs(chatKey);
  }

  /** Whether this person may be asked now (never asked before). */
  async mayAsk(chatKey: string): Promise<boolean> {
    const entry = await this.store.get(chatKey);
    return entry?.state === undefined;
  }

  async markOffered(chatKey: string): Promise<void> {
    await this.store.markOffered(chatKey);
  }

  /** The answer to the question. Returns false if they had answered it already. */
  async answer(chatKey: string, chatId: number, lang: string, choice: ReminderChoice | "no"): Promise<boolean> {
    if (choice === "no") {
      const entry = await this.store.get(chatKey);
      if (entry?.state === "yes" || entry?.state === "no") return false;
      await this.store.sayNo(chatKey);
      return true;
    }
    const now = this.#clock();
    if (!(await this.store.sayYes(chatKey, this.#codec.seal(String(chatId)), lang, now.getTime()))) return false;
    await this.#plan(chatKey, 1, firstReminderAt(this.settings.window, choice, now), now);
    return true;
  }

  /** /stop from someone who said yes before: the next reminder (if any is left) is planned now. */
  async paused(chatKey: string): Promise<void> {
    const entry = await this.store.get(chatKey);
    if (entry?.state !== "yes" || entry.sent >= MAX_REMINDERS) return;
    const now = this.#clock();
    await this.#plan(chatKey, entry.sent + 1, nextInWindow(this.settings.window, now), now);
  }

  /** "Stop reminding me". */
  async stop(chatKey: string): Promise<void> {
    await this.store.sayNo(chatKey);
    await this.#removeJobs(chatKey);
  }

  async counts(): Promise<ReminderCounts> {
    return this.store.counts();
  }

  // ---- planning ----

  static reminderJobId(chatKey: string, n: number): string {
    return `reminder-${chatKey}-${n}`;
  }
  static offerJobId(chatKey: string): string {
    return `offer-${chatKey}`;
  }

  async #plan(chatKey: string, n: number, at: Date, now: Date): Promise<void> {
    await this.store.markPlanned(chatKey, now.getTime());
    await this.#queue.add("remind", { chatKey, n, due: at.getTime() }, {
      jobId: Reminders.reminderJobId(chatKey, n),
      delay: this.#scaled(at.getTime() - now.getTime()),
      attempts: 5,
      backoff: { type: "exponential", delay: 5_000 },
      removeOnComplete: true,
      removeOnFail: { age: 7 * 86_400 },
    });
  }

  async #removeJobs(chatKey: string): Promise<void> {
    const ids = [Reminders.offerJobId(chatKey), ...Array.from({ length: MAX_REMINDERS }, (_, i) => Reminders.reminderJobId(chatKey, i + 1))];
    for (const id of ids) await this.#queue.remove(id).catch(() => undefined);
  }

  /** One scan: every silence older than the pause gets the question, or its next reminder. */
  async scanOnce(): Promise<number> {
    const now = this.#clock();
    const before = now.getTime() - this.settings.pauseMs;
    let handled = 0;
    for (;;) {
      const silent = await this.store.takeSilent(before, SCAN_BATCH);
      for (const chatKey of silent) {
        const entry = await this.store.get(chatKey);
        if (!entry) continue;
        if (entry.state === undefined && entry.sealedChat) {
          await this.#queue.add("offer", { chatKey }, { jobId: Reminders.offerJobId(chatKey), attempts: 3, backoff: { type: "exponential", delay: 5_000 }, removeOnComplete: true, removeOnFail: { age: 86_400 } });
        } else if (entry.state === "yes" && entry.sent < MAX_REMINDERS) {
          await this.#plan(chatKey, entry.sent + 1, nextInWindow(this.settings.window, now), now);
        }
        handled++;
      }
      if (silent.length < SCAN_BATCH) return handled;
    }
  }

  // ---- sending ----

  async #process(job: Job<MessageJob>, token: string | undefined): Promise<SendOutcome> {
    if (job.name === "offer") return this.#sendOffer(job.data.chatKey);
    return this.#sendReminder(job, token);
  }

  /**
   * `silent`: delivered without a sound. The question after a silence can fall at any hour (the
   * pause ends when it ends), so it never rings; reminders come in the evening window and do.
   */
  async #send(chatKey: string, sealedChat: string, message: { text: string; reply_markup: unknown }, silent = false): Promise<"ok" | "blocked"> {
    const api = this.#api;
    if (!api) throw new Error("reminders: the sender is not started");
    const chatId = Number(this.#codec.open(sealedChat));
    try {
      await api.sendMessage(chatId, message.text, { reply_markup: message.reply_markup as never, ...(silent ? { disable_notification: true } : {}) });
      return "ok";
    } catch (error) {
      if (error instanceof GrammyError && error.error_code === 403) {
        await this.forget(chatKey, false);
        this.#logger.info({ event: "reminder_blocked" }, "a person blocked the bot; never trying them again");
        return "blocked";
      }
      throw error;
    }
  }

  async #sendOffer(chatKey: string): Promise<SendOutcome> {
    const entry = await this.store.get(chatKey);
    if (!entry || entry.state !== undefined || !entry.sealedChat) return "dropped";
    const sent = await this.#send(chatKey, entry.sealedChat, offerMessage(textsFor(this.#translator, entry.lang)), true);
    if (sent === "blocked") return "blocked";
    await this.store.markOffered(chatKey);
    return "offered";
  }

  async #sendReminder(job: Job<MessageJob>, token: string | undefined): Promise<SendOutcome> {
    const { chatKey } = job.data;
    const n = job.data.n ?? 1;
    const entry = await this.store.get(chatKey);
    if (!entry || entry.state !== "yes" || !entry.sealedChat) return "dropped";
    if (entry.sent >= n) return "already_sent";
    // Active since this reminder was planned: they came back by themselves.
    if (entry.active > entry.planned) return "came_back";
    // Not before its time, and only inside the window, by the app's clock at this moment.
    const now = this.#clock();
    const due = new Date(Math.max(now.getTime(), job.data.due ?? 0));
    const at = nextInWindow(this.settings.window, due);
    if (at.getTime() > now.getTime() || !isInWindow(this.settings.window, now)) {
      await job.moveToDelayed(Date.now() + Math.max(MIN_REDELAY_MS, this.#scaled(at.getTime() - now.getTime())), token);
      throw new DelayedError();
    }
    if (!(await this.store.claim(chatKey, n))) return "already_sent";
    let sent: "ok" | "blocked";
    try {
      sent = await this.#send(chatKey, entry.sealedChat, reminderMessage(textsFor(this.#translator, entry.lang)));
    } catch (error) {
      await this.store.unclaim(chatKey, n);
      throw error;
    }
    if (sent === "blocked") {
      await this.store.uncountSent();
      return "blocked";
    }
    if (n < MAX_REMINDERS) await this.#plan(chatKey, n + 1, secondReminderAt(this.settings.window, now), now);
    return "sent";
  }

  // ---- lifecycle ----

  /** Starts the sender and the silence scan in this process (idempotent across processes). */
  async start(api: Api): Promise<void> {
    this.#api = api;
    await this.#clockReady;
    const connect = () => {
      const connection = new Redis(this.#redisUrl, { maxRetriesPerRequest: null });
      connection.on("error", () => undefined);
      return connection;
    };
    const senderConnection = connect();
    const sender = new Worker<MessageJob, SendOutcome>(REMINDER_QUEUE, (job, token) => this.#process(job, token), {
      connection: senderConnection,
      concurrency: 16,
      // BullMQ's limiter is kept in Redis per queue: the rate holds across every worker process.
      // It counts in fixed windows, so "25 per second" could let 50 through across a window's
      // edge. One message per 1/rate seconds, plus a tenth for the jitter of the network between
      // us and Telegram, keeps every sliding second under the rate where Telegram counts it.
      limiter: { max: 1, duration: Math.ceil(1_100 / this.settings.ratePerSecond) },
    });
    const scanConnection = connect();
    const scanner = new Worker(SCAN_QUEUE, async (job) => (job.name === "partial" ? ((await this.#partial?.sweep(this.#clock())) ?? 0) : this.scanOnce()), { connection: scanConnection });
    for (const worker of [sender, scanner]) {
      worker.on("error", (error) => this.#logger.warn({ err: error, event: "reminder_worker_error" }, "reminder worker problem"));
      worker.on("failed", (_job, error) => this.#logger.warn({ err: error, event: "reminder_job_failed" }, "a reminder job failed"));
    }
    this.#workers.push({ worker: sender, connection: senderConnection }, { worker: scanner, connection: scanConnection });
    this.#scanConnection = connect();
    this.#scanQueue = new Queue(SCAN_QUEUE, { connection: this.#scanConnection });
    this.#scanQueue.on("error", (error: Error) => this.#logger.warn({ err: error, event: "reminder_queue_error" }, "reminder scan queue cannot reach Redis"));
    // Every minute in the field; scaled down with the delays for pilots, but never under a second.
    const every = Math.max(1_000, this.#scaled(60_000));
    await this.#scanQueue.upsertJobScheduler(SCAN_SCHEDULER_ID, { every }, { name: "scan", opts: { removeOnComplete: true, removeOnFail: 10 } });
    // Partial interviews are a matter of days: once an hour (scaled likewise) is plenty.
    const hourly = Math.max(1_000, this.#scaled(3_600_000));
    if (this.#partial) await this.#scanQueue.upsertJobScheduler(PARTIAL_SCHEDULER_ID, { every: hourly }, { name: "partial", opts: { removeOnComplete: true, removeOnFail: 10 } });
  }

  async close(): Promise<void> {
    for (const { worker, connection } of this.#workers) {
      await Promise.race([worker.close(), new Promise((resolve) => setTimeout(resolve, 3_000))]).catch(() => undefined);
      connection.disconnect();
    }
    this.#workers = [];
    await this.#scanQueue?.close().catch(() => undefined);
    this.#scanConnection?.disconnect();
    await this.#queue.close().catch(() => undefined);
    this.#producer.disconnect();
  }

  #publishCounts(registry: Registry): void {
    const store = this.store;
    const gauge: Gauge = new Gauge({
      name: "survey_reminders",
      help: "Reminders: sent, returned (people back after a reminder), completed (finished after a reminder); totals across processes",
      labelNames: ["what"],
      registers: [registry],
      async collect() {
        const counts = await store.counts().catch(() => undefined);
        if (!counts) return;
        for (const what of ["sent", "returned", "completed"] as const) gauge.set({ what }, counts[what]);
      },
    });
  }
}
