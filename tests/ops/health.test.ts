/**
 * /healthz as an orchestrator sees it: the real bot process (`node src/bot/main.ts`) against the
 * Bot API emulator, with its own redis-server that the test kills and brings back. Restarting
 * the bot while Redis is down would only make things worse, so the process must ride the outage
 * out, say it is unhealthy while it lasts, and report healthy again by itself.
 *
 * The steps run in order on one bot and one Redis.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startHarness, type BotProcess, type Harness } from "../bot/harness.ts";
import { get, pollUntil } from "./poll.ts";

/** The Dockerfile's HEALTHCHECK --timeout: a slower answer counts as a failed check, not a 503. */
const MONITOR_TIMEOUT_MS = 5_000;
/** Long enough for the Redis client's reconnect back-off to reach its longest delays. */
const OUTAGE_MS = 12_000;

let harness: Harness;
let bot: BotProcess;
let exitCode: number | null | undefined;

beforeAll(async () => {
  harness = await startHarness();
  bot = await harness.startBot();
  bot.child.once("exit", (code) => {
    exitCode = code;
  });
}, 60_000);
afterAll(async () => harness?.stop());

const stillRunning = () => `the bot exited (${exitCode}):\n${bot.logs.join("")}`;

describe("/healthz through a Redis outage", () => {
  it("answers 200 while Redis and the Bot API answer", async () => {
    const healthy = await get(bot.port, "/healthz", MONITOR_TIMEOUT_MS);
    expect(healthy.status).toBe(200);
    expect(JSON.parse(healthy.body)).toMatchObject({ redis: "ok", telegram: "ok" });
  });

  it("turns 503, naming Redis, within a few seconds of Redis dying", async () => {
    await harness.redis.kill();
    const down = await pollUntil(bot.port, "/healthz", (o) => o.status !== 200, { withinMs: 5_000 });
    expect(down.status).toBe(503);
    expect(JSON.parse(down.body)).toMatchObject({ redis: "down", telegram: "ok" });
  });

  it("keeps answering 503 within a monitor's timeout for as long as Redis stays down, and the bot keeps running", async () => {
    const answers: string[] = [];
    const until = Date.now() + OUTAGE_MS;
    while (Date.now() < until) {
      const started = Date.now();
      const observed = await get(bot.port, "/healthz", MONITOR_TIMEOUT_MS);
      answers.push(`${observed.status} after ${Date.now() - started} ms`);
      expect(exitCode, stillRunning()).toBeUndefined();
      await new Promise((r) => setTimeout(r, 500));
    }
    expect(answers.filter((a) => !a.startsWith("503 ")), `answers during the outage:\n${answers.join("\n")}`).toEqual([]);
  }, OUTAGE_MS + 2 * MONITOR_TIMEOUT_MS);

  it("answers 200 again once Redis is back, with the same process", async () => {
    await harness.redis.restart();
    const back = await pollUntil(bot.port, "/healthz", (o) => o.status === 200, { withinMs: 20_000 });
    expect(JSON.parse(back.body)).toMatchObject({ redis: "ok", telegram: "ok" });
    expect(exitCode, stillRunning()).toBeUndefined();
    expect(bot.child.exitCode).toBeNull();
  }, 30_000);
});
