/**
 * Webhook mode under faults, judged by what people see. Two bot processes sit behind a
 * fan-out that hands every update to both (as a load balancer retrying on another replica
 * can): nobody may be answered twice. Then Redis dies for 5 s: the webhook answers 5xx,
 * Telegram (the emulator) redelivers, and every tap is answered once Redis is back.
 */
import { createServer, type Server } from "node:http";
import type { AddressInfo } from "node:net";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { freePort } from "../support/redis.ts";
import { liveQuestions, walk, type Walk } from "./crowd.ts";
import { Respondent, startHarness, type BotProcess, type Harness } from "./harness.ts";
import { onboard } from "./interview.ts";

const SECRET_TOKEN = "webhook-secret-token-for-tests_0123";
let harness: Harness;
let fanOut: Server;
let bots: BotProcess[] = [];

/** Posts each update to every bot; answers 200 only when all of them did. */
async function startFanOut(targets: string[]): Promise<{ server: Server; url: string }> {
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      const body = Buffer.concat(chunks);
      const headers = { "content-type": "application/json", "x-telegram-bot-api-secret-token": String(req.headers["x-telegram-bot-api-secret-token"] ?? "") };
      void Promise.all(targets.map((t) => fetch(t, { method: "POST", headers, body }).then((r) => r.status, () => 599))).then((codes) => {
        res.writeHead(codes.every((c) => c === 200) ? 200 : 503).end();
      });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  return { server, url: `http://127.0.0.1:${(server.address() as AddressInfo).port}/telegram/webhook` };
}

beforeAll(async () => {
  harness = await startHarness({ redisArgs: ["--appendonly", "yes", "--appendfsync", "always"] });
  const ports = [await freePort(), await freePort()];
  const fan = await startFanOut(ports.map((p) => `http://127.0.0.1:${p}/telegram/webhook`));
  fanOut = fan.server;
  // Both register the fan-out as their webhook; Telegram keeps one URL, the same for both.
  for (const port of ports) bots.push(await harness.startBot({ PORT: String(port), WEBHOOK_URL: fan.url, WEBHOOK_SECRET: SECRET_TOKEN }));
}, 60_000);
afterAll(async () => {
  await harness?.stop();
  await new Promise((resolve) => fanOut?.close(resolve));
});

async function crowd(firstId: number, size: number): Promise<Respondent[]> {
  const people = Array.from({ length: size }, (_, i) => new Respondent(harness, harness.emulator.user({ id: firstId + i, first_name: `W${i}`, language_code: "en" })));
  for (const person of people) await onboard(person, "en");
  return people;
}

/** Questions the bot sent to this person, as texts: one send per question, never two. */
function questionSends(userId: number): string[] {
  return harness.emulator.callsTo("sendMessage").filter((c) => c.params.chat_id === userId && /Question \d+ of about/.test(String(c.params.text))).map((c) => String(c.params.text));
}

/**
 * `oneSendPerQuestion`: with Redis up, a question is never sent twice. When Redis dies between
 * sending a question and saving that it was sent, the redelivery sends it again and takes the
 * buttons off the first copy: one live copy, which liveQuestions() checks either way.
 */
function expectAnsweredOnce(people: Respondent[], walks: Walk[], options: { oneSendPerQuestion: boolean }): void {
  walks.forEach((w, i) => {
    const person = people[i]!;
    expect(w.problem, w.problem).toBeUndefined();
    expect(w.completed).toBe(true);
    const sends = questionSends(person.user.id);
    if (options.oneSendPerQuestion) expect(new Set(sends).size, person.emulator.formatTranscript(person.user.id)).toBe(sends.length);
    const answers = harness.emulator.callbackAnswers(person.user.id).map((a) => a.queryId);
    expect(new Set(answers).size).toBe(answers.length);
    expect(liveQuestions(person)).toEqual([]);
    expect(person.botTexts().join("\n")).not.toMatch(/Sorry, something went wrong|Welcome back/);
  });
}

describe("two webhook processes, each receiving every update", () => {
  it("answers nobody twice: one send per question, one answer per tap", async () => {
    const people = await crowd(960_000_000, 8);
    const walks = await Promise.all(people.map((p) => walk(p, { pauseMs: () => Math.random() * 40 })));
    expectAnsweredOnce(people, walks, { oneSendPerQuestion: true });
    expect(bots.every((b) => b.child.exitCode === null)).toBe(true);
  }, 60_000);

  it("Redis down for 5 s: no Sorry, every tap answered once Redis is back", async () => {
    const people = await crowd(961_000_000, 10);
    const walking = Promise.all(people.map((p) => walk(p, { pauseMs: () => Math.random() * 60 })));
    await new Promise((r) => setTimeout(r, 1_000));
    await harness.redis.kill();
    await new Promise((r) => setTimeout(r, 5_000));
    await harness.redis.restart();
    expectAnsweredOnce(people, await walking, { oneSendPerQuestion: false });
  }, 90_000);
});
