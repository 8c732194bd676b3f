/**
 * The bot under faults, judged by what people see: 20 interviews at once while the bot is
 * stopped with SIGTERM, killed with SIGKILL, and while Redis is down for 5 s. Every tap must
 * get its answer, nobody may need /start, and no question may be left live twice.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { isRunning } from "../support/processes.ts";
import { liveQuestions, walk, type Walk } from "./crowd.ts";
import { Respondent, startHarness, type Harness } from "./harness.ts";
import { onboard } from "./interview.ts";

let harness: Harness;

beforeAll(async () => {
  // Append-only with fsync on every write, as production requires: a restarted Redis keeps sessions.
  harness = await startHarness({ redisArgs: ["--appendonly", "yes", "--appendfsync", "always"] });
}, 60_000);
afterAll(async () => harness?.stop());

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function crowd(firstId: number, size: number): Promise<Respondent[]> {
  const people = Array.from({ length: size }, (_, i) => new Respondent(harness, harness.emulator.user({ id: firstId + i, first_name: `P${i}`, language_code: "en" })));
  for (const person of people) await onboard(person, "en");
  return people;
}

function expectEveryoneFinished(people: Respondent[], walks: Walk[]): void {
  walks.forEach((w, i) => {
    expect(w.problem, w.problem).toBeUndefined();
    expect(w.completed).toBe(true);
    // Never asked to start again, and no question left with live buttons.
    expect(people[i]!.transcript().filter((e) => e.from === "user" && e.text?.startsWith("/start")).length).toBe(1);
    const calls = harness.emulator.calls
      .filter((c) => c.params.chat_id === people[i]!.user.id)
      .map((c) => `${c.method} ${String(c.params.message_id ?? "")} -> ${c.result?.ok ? JSON.stringify((c.result as { result: { message_id?: number } }).result?.message_id ?? "ok") : c.result?.description}`);
    const answers = harness.emulator.callbackAnswers(people[i]!.user.id).map((a) => JSON.stringify(a).slice(0, 120));
    const events = [answers.join("\n"), ...harness.bots.map((b, n) => `bot ${n}: ` + b.logs.join("").split("\n").filter((l) => /duplicate_update|update_held|stopping|stopped|started|update_failed/.test(l)).map((l) => (JSON.parse(l) as { event: string; time: number }).event + "@" + (JSON.parse(l) as { time: number }).time).join(" "))];
    expect(liveQuestions(people[i]!), `${people[i]!.emulator.formatTranscript(people[i]!.user.id)}\n${calls.join("\n")}\n${events.join("\n")}`).toEqual([]);
    expect(people[i]!.botTexts().join("\n")).not.toContain("Sorry, something went wrong");
  });
}

describe("20 interviews at once", () => {
  it("a SIGTERM and then a kill -9 of the bot mid-walk: every tap answered, nobody needs /start", async () => {
    let bot = await harness.startBot();
    const people = await crowd(930_000_000, 20);
    const walking = Promise.all(people.map((p) => walk(p, { pauseMs: () => Math.random() * 60 })));

    await sleep(1_500);
    const terminated = bot;
    const stopped = terminated.kill("SIGTERM");
    expect(await stopped).toBe(0); // drained and exited by itself
    expect(isRunning(terminated.child.pid!)).toBe(false);
    bot = await harness.startBot();

    await sleep(1_500);
    const killed = bot;
    await killed.kill("SIGKILL");
    expect(isRunning(killed.child.pid!)).toBe(false);
    await harness.startBot();

    const walks = await walking;
    expectEveryoneFinished(people, walks);
    const taps = walks.reduce((n, w) => n + w.taps, 0);
    expect(taps).toBeGreaterThan(20 * 20);
  }, 90_000);

  it("Redis down for 5 s in polling mode: no Sorry, every tap answered once Redis is back", async () => {
    while (harness.bots.filter((b) => b.child.exitCode === null && b.child.signalCode === null).length < 1) await harness.startBot();
    const people = await crowd(931_000_000, 20);
    const walking = Promise.all(people.map((p) => walk(p, { pauseMs: () => Math.random() * 60 })));
    await sleep(1_000);
    await harness.redis.kill();
    await sleep(5_000);
    await harness.redis.restart();
    const walks = await walking;
    expectEveryoneFinished(people, walks);
    // Everything the bot printed meanwhile went through the logger (JSON lines, redacted),
    // BullMQ's complaints about the lost connection included: no raw stack traces.
    const running = harness.bots.filter((b) => b.child.exitCode === null && b.child.signalCode === null);
    const lines = running.flatMap((b) => b.logs.join("").split("\n")).filter((l) => l.trim() !== "");
    for (const line of lines) expect(() => JSON.parse(line), `not a log line: ${line}`).not.toThrow();
  }, 90_000);
});
