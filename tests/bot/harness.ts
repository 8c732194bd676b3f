/**
 * End-to-end harness: a real Redis, the Bot API emulator over real HTTP, and the bot started
 * the way production starts it (`node src/bot/main.ts` with TELEGRAM_API_ROOT pointing at the
 * emulator), in a child process whose logs are captured for privacy scans. The child is the
 * process that polls: killing it kills the bot, and kill() waits until its PID is gone.
 */
import type { ChildProcess } from "node:child_process";
import { mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { BotApiEmulator, type TranscriptEntry } from "../../dev/emulator/bot-api-emulator.ts";
import type { WireUser } from "../../dev/emulator/wire-types.ts";
import { decodeButton, type Button } from "../../src/bot/callback-data.ts";
import { freePort, startTestRedis, type TestRedis } from "../support/redis.ts";
import { isRunning, node24, signalGroup, spawnTracked } from "../support/processes.ts";

export const TEST_TOKEN = "7000000001:AAEmulatorTokenForTestsOnly_0123456789";
export const TEST_SECRET = "test-pseudonym-secret-0123456789abcdef";
export const TEST_DATA_KEY = `k1:${Buffer.alloc(32, 7).toString("base64")}`;

export interface BotProcess {
  child: ChildProcess;
  port: number;
  logs: string[];
  /** Resolves when the process has exited. */
  exited: Promise<number | null>;
  /** Signals the bot's process group and waits until the bot's PID no longer exists. */
  kill(signal?: NodeJS.Signals): Promise<number | null>;
}

export interface Harness {
  redis: TestRedis;
  emulator: BotApiEmulator;
  apiRoot: string;
  env: Record<string, string>;
  bots: BotProcess[];
  startBot(extraEnv?: Record<string, string>): Promise<BotProcess>;
  stop(): Promise<void>;
}

export async function startHarness(options: { env?: Record<string, string>; redisArgs?: string[] } = {}): Promise<Harness> {
  const redis = await startTestRedis(options.redisArgs ? { args: options.redisArgs } : {});
  // Webhook redelivery retries quickly here, so outage tests do not wait on long back-offs.
  const emulator = new BotApiEmulator({ token: TEST_TOKEN, botUsername: "migrant_survey_test_bot", quietMs: 120, webhookRetryDelayMs: 200, webhookMaxRetryDelayMs: 1_000 });
  const { apiRoot } = await emulator.start();
  const env: Record<string, string> = {
    BOT_TOKEN: TEST_TOKEN,
    TELEGRAM_API_ROOT: apiRoot,
    REDIS_URL: redis.url,
    PSEUDONYM_SECRET: TEST_SECRET,
    DATA_KEY: TEST_DATA_KEY,
    LOG_LEVEL: "info",
    EXPORT_DIR: mkdtempSync(join(tmpdir(), "survey-exports-")),
    NODE_ENV: "test",
    ...options.env,
  };
  const bots: BotProcess[] = [];
  const harness: Harness = {
    redis,
    emulator,
    apiRoot,
    env,
    bots,
    async startBot(extraEnv = {}) {
      const port = await freePort();
      const child: ChildProcess = spawnTracked(node24(), ["src/bot/main.ts"], {
        env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...env, PORT: String(port), ...extraEnv },
        stdio: ["ignore", "pipe", "pipe"],
      });
      const logs: string[] = [];
      child.stdout!.on("data", (chunk: Buffer) => logs.push(chunk.toString()));
      child.stderr!.on("data", (chunk: Buffer) => logs.push(chunk.toString()));
      const exited = new Promise<number | null>((resolve) => child.once("exit", (code) => resolve(code)));
      const bot: BotProcess = {
        child,
        port,
        logs,
        exited,
        async kill(signal = "SIGKILL") {
          if (child.exitCode === null && child.signalCode === null) signalGroup(child, signal);
          const code = await exited;
          if (child.pid !== undefined && isRunning(child.pid)) throw new Error(`bot pid ${child.pid} still runs after ${signal}`);
          return code;
        },
      };
      bots.push(bot);
      await waitForStart(bot);
      return bot;
    },
    async stop() {
      await Promise.all(bots.map((b) => b.kill("SIGKILL")));
      await emulator.stop();
      await redis.stop();
    },
  };
  return harness;
}

async function waitForStart(bot: BotProcess, timeoutMs = 20_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (bot.logs.join("").includes('"event":"started"')) return;
    if (bot.child.exitCode !== null) throw new Error(`the bot exited with ${bot.child.exitCode}:\n${bot.logs.join("")}`);
    await new Promise((r) => setTimeout(r, 50));
  }
  throw new Error(`the bot did not start within ${timeoutMs} ms:\n${bot.logs.join("")}`);
}

/** A person using the bot through the emulator, as a test drives them. */
export class Respondent {
  readonly harness: Harness;
  readonly user: WireUser;

  constructor(harness: Harness, user: WireUser) {
    this.harness = harness;
    this.user = user;
  }

  get emulator(): BotApiEmulator {
    return this.harness.emulator;
  }

  transcript(): TranscriptEntry[] {
    return this.emulator.transcript(this.user.id);
  }

  botTexts(): string[] {
    return this.transcript()
      .filter((e) => e.from === "bot")
      .map((e) => e.text ?? e.caption ?? "");
  }

  async settle(): Promise<void> {
    await this.emulator.waitForIdle(this.user.id, { timeoutMs: 10_000 });
  }

  async command(command: string, payload?: string): Promise<void> {
    this.emulator.sendCommand(this.user, command, payload);
    await this.settle();
  }

  async type(text: string): Promise<void> {
    this.emulator.sendText(this.user, text);
    await this.settle();
  }

  /** The newest bot message that still has buttons. */
  lastKeyboard(): TranscriptEntry {
    const withButtons = this.transcript().filter((e) => e.from === "bot" && e.buttons && e.buttons.length > 0);
    const last = withButtons.at(-1);
    if (!last) throw new Error(`no message with buttons:\n${this.emulator.formatTranscript(this.user.id)}`);
    return last;
  }

  /** Presses the first button (newest message first) whose decoded data matches. */
  async press(match: (button: Button, label: string) => boolean): Promise<void> {
    const messages = this.transcript().filter((e) => e.from === "bot" && e.buttons).reverse();
    for (const message of messages) {
      for (const button of message.buttons!.flat()) {
        const decoded = decodeButton(button.callbackData);
        if (decoded && match(decoded, button.text)) {
          this.emulator.pressButton(this.user, message.messageId, button.callbackData!);
          await this.settle();
          return;
        }
      }
    }
    throw new Error(`no such button:\n${this.emulator.formatTranscript(this.user.id)}`);
  }

  async pressLabel(label: string | RegExp): Promise<void> {
    await this.press((_b, text) => (typeof label === "string" ? text === label : label.test(text)));
  }

  /** The question the newest keyboard asks, from its buttons' data. */
  currentQuestion(): string | undefined {
    for (const button of this.lastKeyboard().buttons!.flat()) {
      const decoded = decodeButton(button.callbackData);
      if (decoded && (decoded.kind === "answer" || decoded.kind === "toggle" || decoded.kind === "number" || decoded.kind === "done" || decoded.kind === "back")) return decoded.q;
    }
    return undefined;
  }

  async answer(q: string, code: string): Promise<void> {
    await this.press((b) => (b.kind === "answer" || b.kind === "toggle") && b.q === q && b.code === code);
  }
}
