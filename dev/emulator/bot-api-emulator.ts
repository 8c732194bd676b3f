/**
 * A Telegram Bot API emulator over real HTTP, for running the real grammY bot offline: point
 * grammY's `client.apiRoot` at `start()`'s apiRoot and drive the chat from the user's side.
 *
 *   const emulator = new BotApiEmulator();
 *   const { apiRoot } = await emulator.start();
 *   const bot = new Bot(emulator.token, { client: { apiRoot } });
 *   const alice = emulator.user({ id: 1001, first_name: "Alice" });
 *   emulator.sendCommand(alice, "/start");
 *   await emulator.waitForIdle(alice.id);
 *   emulator.transcript(alice.id);
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { BotApiError, notFound, unauthorized, type ApiResponseBody } from "./api-error.ts";
import { createBotMethods, type MethodHandler } from "./bot-methods.ts";
import { BotSettings, type BotCommand, type CommandScope } from "./bot-settings.ts";
import { CallbackQueries, type CallbackAnswer } from "./callback-queries.ts";
import { ChatStore, type NewGroup, type NewUser } from "./chat-store.ts";
import { EmulatorClock } from "./clock.ts";
import { EventLog, type ApiCall, type EmulatorEvent } from "./events.ts";
import { FailurePlan, type InjectedFailure, type RandomFailures } from "./failure-plan.ts";
import { FileStore, MAX_UPLOAD_BYTES } from "./file-store.ts";
import { readBody, route, sendJson } from "./http-io.ts";
import { LongPoller } from "./long-poll.ts";
import type { ReplyKeyboard } from "./reply-markup.ts";
import { parseRequestParams, RequestParams } from "./request-params.ts";
import { formatTranscript, transcriptOf, type TranscriptEntry } from "./transcript.ts";
import { UpdateQueue } from "./update-queue.ts";
import { UserActions, type PressOptions, type PressResult, type TextOptions, type UserFile } from "./user-actions.ts";
import { WebhookSender } from "./webhook-sender.ts";
import type { WireChat, WireMessage, WireUpdate, WireUser } from "./wire-types.ts";
import type { BotIdentity, EmulatorWorld } from "./world.ts";

export type { ApiCall, EmulatorEvent } from "./events.ts";
export type { TranscriptEntry, TranscriptButton } from "./transcript.ts";
export type { CallbackAnswer } from "./callback-queries.ts";
export type { InjectedFailure, RandomFailures } from "./failure-plan.ts";
export type { WireChat, WireMessage, WireUpdate, WireUser } from "./wire-types.ts";

export interface BotApiEmulatorOptions {
  /** The token the bot must use; its numeric prefix becomes the bot's id. */
  token?: string;
  botUsername?: string;
  botFirstName?: string;
  /** Webhook redelivery: first pause after a failure, doubling up to the maximum. */
  webhookRetryDelayMs?: number;
  webhookMaxRetryDelayMs?: number;
  webhookTimeoutMs?: number;
  /** How long no bot call must arrive before waitForIdle counts the chat as settled. */
  quietMs?: number;
}

export interface WaitOptions {
  timeoutMs?: number;
  /** Look at events from this mark (see mark()); by default from the last user action. */
  since?: number;
}

export interface IdleOptions {
  timeoutMs?: number;
  quietMs?: number;
}

const DEFAULT_TOKEN = "7000000001:emulator-secret-token";
/** A little over the upload limit, so multipart overhead does not trip it. */
const MAX_BODY_BYTES = MAX_UPLOAD_BYTES + 1024 * 1024;

export class BotApiEmulator {
  readonly token: string;
  readonly clock = new EmulatorClock();
  /** Every API call the bot made, in arrival order; results are filled in when answered. */
  readonly calls: ApiCall[] = [];

  private readonly world: EmulatorWorld;
  private readonly methods: Map<string, MethodHandler>;
  private readonly actions: UserActions;
  private readonly failures = new FailurePlan();
  private readonly quietMs: number;
  private server: Server | undefined;
  private lastActionMark = 0;
  /** performance.now() of the last bot call other than getUpdates, for quiet periods. */
  private lastBotActivityAt = 0;
  private callsInFlight = 0;

  constructor(options: BotApiEmulatorOptions = {}) {
    this.token = options.token ?? DEFAULT_TOKEN;
    this.quietMs = options.quietMs ?? 150;
    const botId = Number(this.token.split(":")[0]);
    const bot: BotIdentity = {
      id: Number.isSafeInteger(botId) ? botId : 7_000_000_001,
      is_bot: true,
      first_name: options.botFirstName ?? "Survey Bot",
      username: options.botUsername ?? "survey_emulator_bot",
      can_join_groups: true,
      can_read_all_group_messages: false,
      supports_inline_queries: false,
      can_connect_to_business: false,
      has_main_web_app: false,
      has_topics_enabled: false,
      allows_users_to_create_topics: false,
      can_manage_bots: false,
      supports_join_request_queries: false,
    };
    const queue = new UpdateQueue();
    const events = new EventLog();
    this.world = {
      bot,
      clock: this.clock,
      chats: new ChatStore(),
      files: new FileStore(),
      queue,
      poller: new LongPoller(queue),
      webhook: new WebhookSender(
        queue,
        {
          firstRetryDelayMs: options.webhookRetryDelayMs ?? 100,
          maxRetryDelayMs: options.webhookMaxRetryDelayMs ?? 2000,
          requestTimeoutMs: options.webhookTimeoutMs ?? 10_000,
        },
        () => this.clock.unixSeconds(),
        (body) => this.runWebhookReply(body),
      ),
      callbacks: new CallbackQueries(),
      settings: new BotSettings(),
      events,
    };
    this.methods = createBotMethods(this.world);
    this.actions = new UserActions(this.world);
  }

  /** getMe's answer, for `new Bot(token, { botInfo })` without a getMe round trip. */
  get botInfo(): BotIdentity {
    return { ...this.world.bot };
  }

  // ---- lifecycle ----

  async start(options: { port?: number; host?: string } = {}): Promise<{ apiRoot: string; port: number }> {
    if (this.server) throw new Error("The emulator is already started");
    const host = options.host ?? "127.0.0.1";
    const server = createServer((request, response) => void this.handle(request, response));
    // grammY keeps its connections alive. Node closes an idle one after 5 s by default, and a
    // request written just as it closes fails with "socket hang up": on a busy machine the bench
    // pauses a bot that long between rounds. Connections here end with stop() instead.
    server.keepAliveTimeout = 10 * 60_000;
    this.server = server;
    await new Promise<void>((resolve, reject) => {
      server.once("error", reject);
      server.listen(options.port ?? 0, host, () => resolve());
    });
    const { port } = server.address() as AddressInfo;
    const printableHost = host.includes(":") ? `[${host}]` : host;
    return { apiRoot: `http://${printableHost}:${port}`, port };
  }

  /** Closes the server, ends held long polls and stops webhook delivery. */
  async stop(): Promise<void> {
    this.world.webhook.stop();
    this.world.poller.release();
    const server = this.server;
    this.server = undefined;
    if (!server) return;
    // Let the released poll write its empty answer before the sockets go.
    await new Promise((resolve) => setImmediate(resolve));
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    server.closeAllConnections();
    await closed;
  }

  // ---- people and chats ----

  user(input: NewUser): WireUser {
    return this.world.chats.addUser(input);
  }

  group(input: NewGroup): WireChat {
    return this.world.chats.addGroup(input);
  }

  /** From now on the bot's messages to this person fail with 403 "bot was blocked by the user". */
  blockBot(user: WireUser): void {
    this.world.chats.requireChat(user.id).botBlocked = true;
  }

  unblockBot(user: WireUser): void {
    this.world.chats.requireChat(user.id).botBlocked = false;
  }

  // ---- what people do ----

  sendText(user: WireUser, text: string, options?: TextOptions): WireMessage {
    return this.act(() => this.actions.sendText(user, text, options));
  }

  sendCommand(user: WireUser, command: string, payload?: string): WireMessage {
    return this.act(() => this.actions.sendCommand(user, command, payload));
  }

  pressButton(user: WireUser, messageId: number, data: string, options?: PressOptions): PressResult {
    return this.act(() => this.actions.pressButton(user, messageId, data, options));
  }

  sendSticker(user: WireUser, sticker?: UserFile & { emoji?: string }): WireMessage {
    return this.act(() => this.actions.sendSticker(user, sticker));
  }

  sendVoice(user: WireUser, voice?: UserFile & { duration?: number }): WireMessage {
    return this.act(() => this.actions.sendVoice(user, voice));
  }

  sendPhoto(user: WireUser, photo?: UserFile & { caption?: string }): WireMessage {
    return this.act(() => this.actions.sendPhoto(user, photo));
  }

  sendLocation(user: WireUser, latitude: number, longitude: number): WireMessage {
    return this.act(() => this.actions.sendLocation(user, latitude, longitude));
  }

  sendContact(user: WireUser, contact: { phone_number: string; first_name?: string; user_id?: number }): WireMessage {
    return this.act(() => this.actions.sendContact(user, contact));
  }

  editMessage(user: WireUser, messageId: number, newText: string): WireMessage {
    return this.act(() => this.actions.editMessage(user, messageId, newText));
  }

  sendToGroup(group: WireChat, user: WireUser, text: string): WireMessage {
    return this.act(() => this.actions.sendText(user, text, {}, group));
  }

  /** Delivers a raw update as is; an explicit update_id lets tests deliver duplicates, none takes the next. */
  pushUpdate(update: Omit<WireUpdate, "update_id"> & { update_id?: number }): WireUpdate | undefined {
    return this.act(() => this.actions.pushUpdate(update));
  }

  // ---- bot-side failures ----

  /** The next call of `method` fails with this error (e.g. { error_code: 429, retry_after: 1 }). */
  failNext(method: string, failure: InjectedFailure): void {
    this.failures.add(method, failure, 1);
  }

  /** The next `count` calls of `method` fail, with 500 Internal Server Error unless told otherwise. */
  fail(method: string, count: number, failure?: InjectedFailure): void {
    this.failures.add(method, failure, count);
  }

  /** Fails a share of the bot's calls at random (e.g. 10% with 429 and 500) until called with undefined. */
  failRandomly(failures: RandomFailures | undefined): void {
    this.failures.setRandom(failures);
  }

  // ---- observation ----

  transcript(chatId: number): TranscriptEntry[] {
    return transcriptOf(this.world.chats.requireChat(chatId), this.world.files);
  }

  formatTranscript(chatId: number): string {
    return formatTranscript(chatId, this.transcript(chatId));
  }

  callsTo(method: string): ApiCall[] {
    const wanted = method.toLowerCase();
    return this.calls.filter((call) => call.method.toLowerCase() === wanted);
  }

  /** Updates for this chat (or all chats) that the bot has not confirmed yet. */
  pendingUpdates(chatId?: number): number {
    return this.world.queue.pendingFor(chatId);
  }

  callbackAnswers(chatId: number): CallbackAnswer[] {
    return this.world.callbacks.answersFor(chatId);
  }

  replyKeyboard(chatId: number): ReplyKeyboard | undefined {
    return this.world.chats.requireChat(chatId).replyKeyboard;
  }

  commands(scope?: CommandScope, languageCode?: string): BotCommand[] {
    return this.world.settings.getCommands(scope, languageCode);
  }

  /** A stored file's name and bytes, whoever sent it. */
  file(fileId: string): { fileName: string | undefined; bytes: Buffer } | undefined {
    const file = this.world.files.get(fileId);
    return file && { fileName: file.fileName, bytes: file.bytes };
  }

  /** The sequence number of the next event, to pass as `since` to waitFor. */
  mark(): number {
    return this.world.events.mark();
  }

  /**
   * Resolves with the first event (a finished bot call, or a message sent, edited or deleted)
   * matching the predicate, looking from the last user action on so a fast reply is not missed.
   */
  waitFor(predicate: (event: EmulatorEvent) => boolean, options: WaitOptions | number = {}): Promise<EmulatorEvent> {
    const { timeoutMs = 3000, since = this.lastActionMark } = typeof options === "number" ? { timeoutMs: options } : options;
    const already = this.world.events.since(since).find(predicate);
    if (already) return Promise.resolve(already);
    return new Promise((resolve, reject) => {
      const unsubscribe = this.world.events.subscribe((event) => {
        if (!predicate(event)) return;
        clearTimeout(timer);
        unsubscribe();
        resolve(event);
      });
      const timer = setTimeout(() => {
        unsubscribe();
        reject(new Error(`waitFor: nothing matched within ${timeoutMs} ms.\n${this.describeState()}`));
      }, timeoutMs);
    });
  }

  /** The next message the bot sends to a chat (from the last user action on), optionally matching its text. */
  async waitForBotMessage(chatId: number, text?: string | RegExp, options?: WaitOptions): Promise<WireMessage> {
    const matches = (message: WireMessage): boolean => {
      if (text === undefined) return true;
      const shown = message.text ?? message.caption ?? "";
      return typeof text === "string" ? shown.includes(text) : text.test(shown);
    };
    const event = await this.waitFor(
      (candidate) => candidate.kind === "message" && candidate.sender === "bot" && candidate.action === "sent" && candidate.chatId === chatId && matches(candidate.message),
      options,
    );
    if (event.kind !== "message") throw new Error("unreachable: waitForBotMessage matched a non-message event");
    return event.message;
  }

  /**
   * Resolves once every update for the chat (or all chats) has been confirmed by the bot and no
   * bot call (other than getUpdates) has arrived for a quiet period: the bot's reply has settled.
   */
  waitForIdle(chatId?: number, options: IdleOptions = {}): Promise<void> {
    const quietMs = options.quietMs ?? this.quietMs;
    const timeoutMs = options.timeoutMs ?? 5000;
    const started = performance.now();
    return new Promise((resolve, reject) => {
      const check = (): void => {
        const now = performance.now();
        const pending = this.world.queue.pendingFor(chatId);
        const lastActivity = Math.max(this.lastBotActivityAt, this.world.queue.lastConfirmedAt);
        if (pending === 0 && this.callsInFlight === 0 && now - lastActivity >= quietMs) {
          resolve();
          return;
        }
        if (now - started > timeoutMs) {
          const why = pending > 0
            ? `${pending} update(s) ${chatId === undefined ? "" : `for chat ${chatId} `}were never confirmed by the bot; is it running (bot.start(), run(bot) or a webhook)?`
            : "the bot kept making calls";
          reject(new Error(`waitForIdle: not idle after ${timeoutMs} ms: ${why}\n${this.describeState()}`));
          return;
        }
        setTimeout(check, 10);
      };
      check();
    });
  }

  // ---- HTTP ----

  private async handle(request: IncomingMessage, response: ServerResponse): Promise<void> {
    const url = new URL(request.url ?? "/", "http://emulator.invalid");
    const target = route(url.pathname);
    if (target.kind === "file") {
      this.serveFile(target.token, target.filePath, response);
      return;
    }
    if (target.kind === "unknown") {
      sendJson(response, notFound().toBody());
      return;
    }
    const clientGone = new AbortController();
    response.on("close", () => {
      if (!response.writableFinished) clientGone.abort();
    });
    let params: RequestParams;
    try {
      params = parseRequestParams(request.headers["content-type"], await readBody(request, MAX_BODY_BYTES), url.searchParams);
    } catch (error) {
      sendJson(response, toErrorBody(error));
      if (error instanceof BotApiError && error.errorCode === 413) request.destroy();
      return;
    }
    const body = await this.call(target.method, params, clientGone.signal, target.token);
    sendJson(response, body);
  }

  /** Runs one API call with logging and failure injection; used for HTTP and webhook replies. */
  private async call(method: string, params: RequestParams, clientGone: AbortSignal, token: string): Promise<ApiResponseBody> {
    const isPoll = method.toLowerCase() === "getupdates";
    const record: ApiCall = { method, params: params.describe(), at: this.clock.nowMs(), result: undefined };
    this.calls.push(record);
    if (!isPoll) {
      this.callsInFlight += 1;
      this.lastBotActivityAt = performance.now();
    }
    let body: ApiResponseBody;
    try {
      if (token !== this.token) throw unauthorized();
      const handler = this.methods.get(method.toLowerCase());
      if (!handler) throw notFound();
      const injected = this.failures.take(method);
      if (injected) throw injected;
      body = { ok: true, result: await handler(params, clientGone) };
    } catch (error) {
      body = toErrorBody(error);
    } finally {
      if (!isPoll) {
        this.callsInFlight -= 1;
        this.lastBotActivityAt = performance.now();
      }
    }
    record.result = body;
    this.world.events.emit({ kind: "call", call: record });
    return body;
  }

  private serveFile(token: string, filePath: string, response: ServerResponse): void {
    if (token !== this.token) {
      sendJson(response, unauthorized().toBody());
      return;
    }
    const file = this.world.files.atPath(filePath);
    if (!file) {
      sendJson(response, notFound().toBody());
      return;
    }
    response.writeHead(200, { "content-type": file.mimeType ?? "application/octet-stream", "content-length": file.bytes.length });
    response.end(file.bytes);
  }

  /** grammY may answer a webhook POST with a method call in the body; Telegram runs it. */
  private async runWebhookReply(body: string): Promise<void> {
    let parsed: unknown;
    try {
      parsed = JSON.parse(body);
    } catch {
      return;
    }
    if (typeof parsed !== "object" || parsed === null || typeof (parsed as { method?: unknown }).method !== "string") return;
    const { method, ...rest } = parsed as { method: string } & Record<string, unknown>;
    await this.call(method, new RequestParams(rest), new AbortController().signal, this.token);
  }

  private act<T>(action: () => T): T {
    this.lastActionMark = this.world.events.mark();
    return action();
  }

  /** Recent calls and every chat, for timeout messages a person can act on. */
  private describeState(): string {
    const recent = this.calls
      .filter((call) => call.method.toLowerCase() !== "getupdates")
      .slice(-8)
      .map((call) => `  ${call.method} ${JSON.stringify(call.params).slice(0, 160)} -> ${call.result ? (call.result.ok ? "ok" : `${call.result.error_code} ${call.result.description}`) : "pending"}`);
    const chats = this.world.chats.allChats().map((state) => formatTranscript(state.chat.id, transcriptOf(state, this.world.files)));
    return [`Recent bot calls:`, ...(recent.length > 0 ? recent : ["  (none)"]), `Pending updates: ${this.world.queue.size()}`, ...chats].join("\n");
  }
}

function toErrorBody(error: unknown): ApiResponseBody {
  if (error instanceof BotApiError) return error.toBody();
  const message = error instanceof Error ? error.message : String(error);
  return { ok: false, error_code: 500, description: `Internal Server Error: ${message}` };
}
