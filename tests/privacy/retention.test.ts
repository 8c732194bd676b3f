import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { Redis } from "ioredis";
import { RecordStore } from "../../src/records/record-store.ts";
import { MAINTENANCE_QUEUE, PURGE_SCHEDULER_ID, purgeExpired, scheduleRetention } from "../../src/export/retention.ts";
import { startTestRedis, type TestRedis } from "../support/redis.ts";

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => redis?.stop());

const record = (pseudonym: string, day: string) => ({ pseudonym, answers: { a_city: "almaty" }, lang: "ru", version: 1, day });

describe("retention", () => {
  it("with an injected clock, records past RETENTION_DAYS are gone after the purge and younger ones remain", async () => {
    const store = new RecordStore({ redis: redis.client(), prefix: "ret:" });
    await store.append(record("old1", "2025-01-10"));
    await store.append(record("old2", "2025-11-23"));
    await store.append(record("edge", "2025-11-24"));
    await store.append(record("young", "2026-11-01"));
    const report = await purgeExpired({ store, retentionDays: 365, now: () => new Date("2026-11-24T12:00:00Z") });
    expect(report.records).toBe(2);
    const left: string[] = [];
    for await (const r of store.scan()) left.push(r.pseudonym);
    expect(left.sort()).toEqual(["edge", "young"]);
    expect(await store.has("old1")).toBe(false);
  });

  it("registers one daily job scheduler, however many workers start", async () => {
    const connection = new Redis(redis.url, { maxRetriesPerRequest: null });
    const store = new RecordStore({ redis: redis.client(), prefix: "ret2:" });
    const options = { store, retentionDays: 30, now: () => new Date(), prefix: "ret2" };
    const a = await scheduleRetention(connection, options);
    const b = await scheduleRetention(connection, options);
    const schedulers = await a.queue.getJobSchedulers();
    expect(schedulers.map((s) => s.key)).toEqual([PURGE_SCHEDULER_ID]);
    expect(schedulers[0]).toMatchObject({ pattern: "0 3 * * *", tz: "Asia/Almaty" });
    expect(a.queue.name).toBe(MAINTENANCE_QUEUE);
    await a.close();
    await b.close();
    connection.disconnect();
  });
});
