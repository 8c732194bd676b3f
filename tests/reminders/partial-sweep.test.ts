/**
 * The bot side of partial interviews: an active interview silent for PARTIAL_AFTER_DAYS is copied
 * (answers so far, day of last activity, under its pseudonym only), a younger silence is not,
 * and completion, /delete or a block removes the copy. Real Redis, real session encryption.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import { labourMigrantsKz } from "../../src/flows/definitions/labour-migrants-kz.ts";
import * as engine from "../../src/flows/engine.ts";
import { AesGcmCodec, parseDataKeys } from "../../src/platform/privacy/data-codec.ts";
import { SessionStore } from "../../src/bot/session/session-store.ts";
import { SESSION_FORMAT, type Session } from "../../src/bot/session/session.ts";
import { ReminderStore } from "../../src/reminders/reminder-store.ts";
import { PartialSweep } from "../../src/reminders/partial-sweep.ts";
import { TEST_DATA_KEY } from "../bot/harness.ts";
import { startTestRedis, type TestRedis } from "../support/redis.ts";
import { nativeStudyOf } from "../../src/studies/catalog.ts";
import { shippedStudies } from "../support/studies.ts";

/** The IOM study's imported form, as loaded from forms/. */
const shippedForm = async () => (await shippedStudies()).default.form;

const DAY = 86_400_000;
let redis: TestRedis;
let client: Redis;

beforeAll(async () => {
  redis = await startTestRedis();
  client = redis.client();
});
afterAll(async () => {
  await redis?.stop();
});

describe("partial interviews, bot side", () => {
  it("copies an interview silent for 7 days, not one silent for 6, and forgets it on completion or /delete", async () => {
    const codec = new AesGcmCodec(parseDataKeys(TEST_DATA_KEY));
    const sessions = new SessionStore({ redis: client, prefix: "survey:", ttlSeconds: 30 * 86_400, codec });
    const reminders = new ReminderStore({ redis: client, prefix: "survey:", ttlSeconds: 30 * 86_400 });
    const sweep = new PartialSweep({ redis: client, prefix: "survey:", sessions, study: nativeStudyOf(labourMigrantsKz, await shippedForm()), codec, afterDays: 7, retentionDays: 365 });
    const env = { currentYear: 2026 };
    let state = engine.start(labourMigrantsKz);
    for (const [q, value] of [["a_consent", "agree"], ["a_city", "almaty"]] as const) {
      const step = engine.answer(labourMigrantsKz, state, { q, value }, env);
      state = step.state;
    }
    const session: Session = { format: SESSION_FORMAT, lang: "ky", source: "market-1", survey: state, pace: [], messages: [], offered: [] };
    const t0 = Date.parse("2026-11-20T15:30:00Z"); // 20:30 in Almaty
    for (const key of ["early", "late"]) await sessions.save(key, session);
    await reminders.touch("early", t0, codec.seal("1"), "ky");
    await reminders.touch("late", t0 + DAY, codec.seal("2"), "ky");

    expect(await sweep.sweep(new Date(t0 + 7 * DAY - 1))).toBe(0);
    expect(await sweep.sweep(new Date(t0 + 7 * DAY + 1))).toBe(1);
    const copied = [];
    for await (const record of sweep.store.scan()) copied.push(record);
    expect(copied).toEqual([{ pseudonym: "early", answers: { a_consent: "agree", a_city: "almaty" }, lang: "ky", version: labourMigrantsKz.version, formId: "labour_migrants_kz", formVersion: "1", day: "2026-11-20", source: "market-1" }]);
    // Stored sealed, like completed records.
    const raw = JSON.stringify(await client.xrange(sweep.store.streamKey, "-", "+"));
    expect(raw).not.toContain("almaty");

    expect(await sweep.sweep(new Date(t0 + 8 * DAY + 1))).toBe(1);
    expect(await sweep.store.count()).toBe(2);
    await sweep.forget("early");
    await sweep.forget("late");
    expect(await sweep.store.count()).toBe(0);
  });
});
