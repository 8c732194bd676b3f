/**
 * Each study keeps its completed interviews apart: its own stream and index, so a record of one
 * study never appears in another's scan (and so in another's export). The IOM study keeps the
 * key names it had before studies were data, so a deployment's existing records are still found.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import { RecordStore } from "../../src/records/record-store.ts";
import { RecordStores } from "../../src/records/record-stores.ts";
import { LEGACY_STUDY_KEY, recordKeys, recordStudyOf } from "../../src/records/keys.ts";
import { CompletedRecord } from "../../src/records/record.ts";
import { startTestRedis, type TestRedis } from "../support/redis.ts";

let redis: TestRedis;
let client: Redis;
beforeAll(async () => {
  redis = await startTestRedis();
  client = redis.client();
});
afterAll(async () => redis.stop());
beforeEach(async () => {
  await client.flushdb();
});

const FORM = "household_survey@3";
const record = (pseudonym: string, formId: string, formVersion: string): CompletedRecord => ({
  pseudonym,
  answers: formId === "labour_migrants_kz" ? { a_city: "almaty" } : { "household/member[2]/age": "34" },
  lang: "en",
  version: 1,
  formId,
  formVersion,
  day: "2026-11-30",
});

async function scanned(store: RecordStore): Promise<CompletedRecord[]> {
  const out: CompletedRecord[] = [];
  for await (const r of store.scan()) out.push(r);
  return out;
}

describe("per-study record streams", () => {
  it("never mix: each study scans only its own records, and one person may have one in each", async () => {
    const stores = new RecordStores({ redis: client, prefix: "survey:", studies: [LEGACY_STUDY_KEY, FORM] });
    const native = stores.of(LEGACY_STUDY_KEY);
    const form = stores.of(FORM);
    expect(await native.append(record("p1", "labour_migrants_kz", "1"))).toBe(true);
    expect(await form.append(record("p1", "household_survey", "3"))).toBe(true);
    expect(await form.append(record("p2", "household_survey", "3"))).toBe(true);
    // Still one interview per person within a study.
    expect(await form.append(record("p2", "household_survey", "3"))).toBe(false);

    expect((await scanned(native)).map((r) => [r.pseudonym, r.formId])).toEqual([["p1", "labour_migrants_kz"]]);
    expect((await scanned(form)).map((r) => [r.pseudonym, r.formId, r.formVersion])).toEqual([["p1", "household_survey", "3"], ["p2", "household_survey", "3"]]);
    expect((await scanned(form))[0]!.answers).toEqual({ "household/member[2]/age": "34" });

    // /delete reaches every study's record of the person.
    const deleted = await Promise.all(stores.all().map((s) => s.deleteOf("p1")));
    expect(deleted).toEqual([true, true]);
    expect(await native.count()).toBe(0);
    expect((await scanned(form)).map((r) => r.pseudonym)).toEqual(["p2"]);
  });

  it("keep the IOM study's records where they always were", async () => {
    expect(recordKeys("survey:", LEGACY_STUDY_KEY)).toEqual({ stream: "survey:records", index: "survey:record-index" });
    expect(recordKeys("survey:")).toEqual({ stream: "survey:records", index: "survey:record-index" });
    expect(recordKeys("survey:", FORM)).toEqual({ stream: `survey:records:${FORM}`, index: `survey:record-index:${FORM}` });
    // A record written before studies were data (no formId) is found by the IOM study's store.
    const old = { pseudonym: "p-old", answers: { a_city: "astana" }, lang: "ru", version: 1, day: "2025-05-01" };
    await new RecordStore({ redis: client, prefix: "survey:" }).append(old);
    const found = await scanned(new RecordStores({ redis: client, prefix: "survey:", studies: [LEGACY_STUDY_KEY] }).of(LEGACY_STUDY_KEY));
    expect(found).toEqual([old]);
    expect(recordStudyOf(found[0]!)).toEqual({ formId: "labour_migrants_kz", formVersion: "1" });
    expect(await client.xlen("survey:records")).toBe(1);
  });

  it("validate formId and formVersion as text", () => {
    expect(CompletedRecord.safeParse({ ...record("p", "f", "1"), formVersion: 1 }).success).toBe(false);
  });
});
