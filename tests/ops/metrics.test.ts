/**
 * /metrics as Prometheus scrapes it, after a person has started an interview through the real
 * bot process. The counters must move with what the person did, and no label may carry
 * anything about who they are.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Respondent, startHarness, type BotProcess, type Harness } from "../bot/harness.ts";
import { answerAll, ELIGIBLE, onboard } from "../bot/interview.ts";
import { get } from "./poll.ts";
import { parseExposition, valueOf, type Sample } from "./prometheus-text.ts";

/** Distinctive values, so a leak cannot hide behind a coincidence. */
const PERSON = { id: 931_774_205, first_name: "Zhanarbek", last_name: "Metricsuly", username: "canary_metrics_user", language_code: "ru" };
const ANSWERS = 5;

let harness: Harness;
let bot: BotProcess;
let asked: string[];
let given: Record<string, unknown>;
let waitingAt: string | undefined;
let samples: Sample[];
let exposition: string;

beforeAll(async () => {
  harness = await startHarness();
  bot = await harness.startBot();
  const respondent = new Respondent(harness, harness.emulator.user(PERSON));
  await onboard(respondent, "en");
  ({ asked, given } = await answerAll(respondent, ELIGIBLE, { maxSteps: ANSWERS }));
  waitingAt = respondent.currentQuestion();
  const scraped = await get(bot.port, "/metrics");
  expect(scraped.status).toBe(200);
  exposition = scraped.body;
  samples = parseExposition(exposition);
}, 90_000);
afterAll(async () => harness?.stop());

describe("/metrics after one person answered a few questions", () => {
  it("counts every update the bot handled", () => {
    // /start, the language, the consent and one press per answer, at the least.
    expect(valueOf(samples, "survey_updates_total")).toBeGreaterThanOrEqual(3 + asked.length);
  });

  it("counts the answers given, the consent question included", () => {
    expect(asked).toHaveLength(ANSWERS);
    expect(Object.keys(given)).toEqual(["a_consent", ...asked]);
    expect(valueOf(samples, "survey_answers_total")).toBe(Object.keys(given).length);
  });

  it("counts one interview started and one consented", () => {
    expect(valueOf(samples, "survey_interviews_total", { outcome: "started" })).toBe(1);
    expect(valueOf(samples, "survey_interviews_total", { outcome: "consented" })).toBe(1);
    expect(valueOf(samples, "survey_interviews_total", { outcome: "completed" }) ?? 0).toBe(0);
  });

  it("shows drop-off by question id: one person waits at the current question, none at those answered", () => {
    expect(waitingAt).toBeDefined();
    expect(asked).not.toContain(waitingAt);
    expect(valueOf(samples, "survey_respondents_at_question", { question: waitingAt! })).toBe(1);
    for (const q of Object.keys(given)) expect(valueOf(samples, "survey_respondents_at_question", { question: q }) ?? 0, q).toBe(0);
    // A count of people cannot go below zero: every question left was first arrived at.
    const negative = samples.filter((x) => x.name === "survey_respondents_at_question" && x.value < 0).map((x) => `${x.labels.question}=${x.value}`);
    expect(negative).toEqual([]);
  });

  it("declares the export and Telegram error families for operators to alert on", () => {
    expect(exposition).toMatch(/^# TYPE survey_export_jobs gauge$/m);
    expect(exposition).toMatch(/^# TYPE survey_telegram_errors_total counter$/m);
  });

  it("carries nothing about the person in any label value or metric name", () => {
    const identifying = [String(PERSON.id), PERSON.id.toString(16), PERSON.username, PERSON.first_name, PERSON.last_name].map((v) => v.toLowerCase());
    const labelValues = samples.flatMap((s) => Object.values(s.labels));
    expect(labelValues.length).toBeGreaterThan(0);
    for (const text of [...labelValues, ...samples.map((s) => s.name)]) {
      for (const value of identifying) expect(text.toLowerCase(), `a label or name contains ${value}`).not.toContain(value);
    }
    // Survey labels hold codes only: question ids, outcomes, job states, error codes.
    for (const s of samples.filter((x) => x.name.startsWith("survey_") && !x.name.startsWith("survey_process_"))) {
      for (const [label, value] of Object.entries(s.labels)) expect(value, `${s.name}{${label}}`).toMatch(/^[a-z0-9_]+$/);
    }
  });
});
