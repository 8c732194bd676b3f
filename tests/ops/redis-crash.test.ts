/**
 * Crash durability (issue 9): once the bot has acknowledged an answer (the next question
 * arrived), a kill -9 of redis-server and a restart keep it, provided Redis runs append-only.
 * In production the bot refuses a Redis that does not, with one line saying so.
 */
import { afterAll, describe, expect, it } from "vitest";
import { AesGcmCodec, parseDataKeys } from "../../src/platform/privacy/data-codec.ts";
import { Pseudonyms } from "../../src/platform/privacy/pseudonym.ts";
import { SessionStore } from "../../src/bot/session/session-store.ts";
import { freePort } from "../support/redis.ts";
import { node24, spawnTracked } from "../support/processes.ts";
import { Respondent, startHarness, TEST_DATA_KEY, TEST_SECRET, type Harness } from "../bot/harness.ts";
import { answerAll, ELIGIBLE, onboard } from "../bot/interview.ts";


const harnesses: Harness[] = [];
afterAll(async () => Promise.all(harnesses.map((h) => h.stop())));

async function harnessWith(redisArgs?: string[]): Promise<Harness> {
  const harness = await startHarness(redisArgs ? { redisArgs } : {});
  harnesses.push(harness);
  return harness;
}

/** The answers in this person's session, read the way the bot reads them (decrypted). */
async function sessionAnswers(harness: Harness, userId: number): Promise<Record<string, unknown>> {
  const store = new SessionStore({ redis: harness.redis.client(), prefix: "survey:", ttlSeconds: 60, codec: new AesGcmCodec(parseDataKeys(TEST_DATA_KEY)) });
  const loaded = await store.load(new Pseudonyms(TEST_SECRET).chat(userId));
  return loaded.kind === "found" ? loaded.session.survey.answers : {};
}

/** Answers the first question, waits for the bot to ask the next one, then kills Redis at once and restarts it. */
async function answerThenCrashRedis(harness: Harness, userId: number): Promise<{ question: string; answer: unknown }> {
  const respondent = new Respondent(harness, harness.emulator.user({ id: userId, first_name: "Aigerim", language_code: "ru" }));
  await onboard(respondent, "en");
  const { asked, given } = await answerAll(respondent, ELIGIBLE, { maxSteps: 1 });
  const question = asked[0]!;
  // The acknowledgement a person sees: the next question.
  expect(respondent.currentQuestion()).not.toBe(question);
  await harness.redis.kill();
  await harness.redis.restart();
  return { question, answer: given[question] };
}

describe("an acknowledged answer and a kill -9 of Redis", () => {
  it("with appendfsync always, the answer is still in the session after Redis restarts (bot in production mode)", async () => {
    const harness = await harnessWith(["--appendonly", "yes", "--appendfsync", "always"]);
    // Production mode: the start-up durability check passes on this Redis.
    await harness.startBot({ NODE_ENV: "production" });
    const { question, answer } = await answerThenCrashRedis(harness, 940_000_001);
    expect(answer).toBeDefined();
    expect(await sessionAnswers(harness, 940_000_001)).toMatchObject({ a_consent: "agree", [question]: answer });
  }, 60_000);

  it("without append-only, the same crash loses it: the reason production refuses such a Redis", async () => {
    const harness = await harnessWith(); // appendonly no, no snapshots
    await harness.startBot();
    await answerThenCrashRedis(harness, 940_000_002);
    expect(await sessionAnswers(harness, 940_000_002)).toEqual({});
  }, 60_000);
});

describe("start-up in production on a Redis without append-only", () => {
  it("exits non-zero with one line on stderr naming appendonly", async () => {
    const harness = await harnessWith(); // appendonly no
    const child = spawnTracked(node24(), ["src/bot/main.ts"], {
      env: { PATH: process.env.PATH ?? "", HOME: process.env.HOME ?? "/tmp", ...harness.env, NODE_ENV: "production", PORT: String(await freePort()) },
      stdio: ["ignore", "pipe", "pipe"],
    });
    let stdout = "";
    let stderr = "";
    child.stdout!.on("data", (chunk: Buffer) => (stdout += chunk.toString()));
    child.stderr!.on("data", (chunk: Buffer) => (stderr += chunk.toString()));
    const code = await new Promise<number | null>((resolve) => child.once("exit", resolve));

    expect(code, `stdout:\n${stdout}\nstderr:\n${stderr}`).not.toBe(0);
    const lines = stderr.split("\n").filter((l) => l.trim() !== "");
    expect(lines, stderr).toHaveLength(1);
    expect(lines[0]).toMatch(/appendonly/);
    expect(lines[0]).toMatch(/"yes"/); // says what to set, not only what is wrong
    expect(stdout).not.toContain('"event":"started"');
  }, 30_000);
});
