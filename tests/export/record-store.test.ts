import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import { RecordStore, type RecordCodec } from "../../src/records/record-store.ts";
import type { CompletedRecord } from "../../src/records/record.ts";
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

function recordOf(n: number, day = "2026-03-10"): CompletedRecord {
  return { pseudonym: `p-${n}`, answers: { a_city: "almaty", b_reasons: ["money", "family"], b_children_n: n }, lang: "ru", version: 1, day };
}

async function all(store: RecordStore, batchSize?: number): Promise<CompletedRecord[]> {
  const out: CompletedRecord[] = [];
  for await (const r of store.scan(batchSize ? { batchSize } : {})) out.push(r);
  return out;
}

/** Reversible but visibly different from the plain text, like real encryption. */
const base64Codec: RecordCodec = {
  seal: (plain) => `b64.${Buffer.from(plain).toString("base64")}`,
  open: (sealed) => {
    if (!sealed.startsWith("b64.")) throw new Error("not sealed by this codec");
    return Buffer.from(sealed.slice(4), "base64").toString("utf8");
  },
};

describe("RecordStore", () => {
  it("keeps one completed interview per person, and reads it back", async () => {
    const store = new RecordStore({ redis: client });
    expect(await store.append(recordOf(1))).toBe(true);
    expect(await store.append({ ...recordOf(1), answers: { a_city: "astana" } })).toBe(false);
    expect(await store.has("p-1")).toBe(true);
    expect(await store.has("p-2")).toBe(false);
    expect(await store.count()).toBe(1);
    expect(await all(store)).toEqual([recordOf(1)]);
  });

  it("appends once per person even when two bot processes race", async () => {
    const first = new RecordStore({ redis: redis.client() });
    const second = new RecordStore({ redis: redis.client() });
    const attempts = Array.from({ length: 40 }, (_, i) => [first, second][i % 2]!.append({ ...recordOf(i % 10), lang: i % 2 ? "uz" : "ru" }));
    const results = await Promise.all(attempts);
    expect(results.filter(Boolean)).toHaveLength(10);
    expect(await first.count()).toBe(10);
    const pseudonyms = (await all(first)).map((r) => r.pseudonym).sort();
    expect(pseudonyms).toEqual(Array.from({ length: 10 }, (_, i) => `p-${i}`).sort());
  });

  it("refuses a record that does not match the schema before storing anything", async () => {
    const store = new RecordStore({ redis: client });
    await expect(store.append({ ...recordOf(1), day: "10.03.2026" })).rejects.toThrow();
    expect(await store.count()).toBe(0);
  });

  it("deletes a person's record so no later scan sees it, and lets them finish again", async () => {
    const store = new RecordStore({ redis: client });
    for (let i = 0; i < 3; i++) await store.append(recordOf(i));
    expect(await store.deleteOf("p-1")).toBe(true);
    expect(await store.deleteOf("p-1")).toBe(false);
    expect(await store.deleteOf("nobody")).toBe(false);
    expect(await store.has("p-1")).toBe(false);
    expect(await store.count()).toBe(2);
    expect((await all(store)).map((r) => r.pseudonym)).toEqual(["p-0", "p-2"]);
    expect(await client.hlen(store.indexKey)).toBe(2);
  });

  it.each([1, 3, 7, 10, 11, 500])("scans every record once, in order, with pages of %i", async (batchSize) => {
    const store = new RecordStore({ redis: client });
    for (let i = 0; i < 10; i++) await store.append(recordOf(i));
    expect((await all(store, batchSize)).map((r) => r.pseudonym)).toEqual(Array.from({ length: 10 }, (_, i) => `p-${i}`));
  });

  it("scans nothing from an empty store", async () => {
    expect(await all(new RecordStore({ redis: client }))).toEqual([]);
  });

  it("reads only up to a pinned snapshot, so records finished during an export wait for the next one", async () => {
    const store = new RecordStore({ redis: client });
    for (let i = 0; i < 4; i++) await store.append(recordOf(i));
    const until = await store.snapshot();
    await store.append(recordOf(99));
    const seen: string[] = [];
    for await (const r of store.scan({ until: until!, batchSize: 3 })) seen.push(r.pseudonym);
    expect(seen).toEqual(["p-0", "p-1", "p-2", "p-3"]);
  });

  it("skips and counts a record it cannot read instead of failing the export", async () => {
    const store = new RecordStore({ redis: client, codec: base64Codec });
    await store.append(recordOf(1));
    await client.xadd(store.streamKey, "*", "r", "b64.bm90IGpzb24="); // "not json"
    await client.xadd(store.streamKey, "*", "r", "plain text, wrong key");
    await client.xadd(store.streamKey, "*", "r", base64Codec.seal(JSON.stringify({ pseudonym: "x" }))); // fails the schema
    await store.append(recordOf(2));
    const reasons: string[] = [];
    const seen: string[] = [];
    for await (const r of store.scan({ batchSize: 2, onUnreadable: (reason) => reasons.push(reason) })) seen.push(r.pseudonym);
    expect(seen).toEqual(["p-1", "p-2"]);
    expect(reasons).toHaveLength(3);
  });

  it("stores what the codec seals, not the plain JSON", async () => {
    const store = new RecordStore({ redis: client, codec: base64Codec });
    await store.append(recordOf(7));
    const [[, fields]] = (await client.xrange(store.streamKey, "-", "+")) as [[string, string[]]];
    const stored = fields[1]!;
    expect(stored).not.toContain("almaty");
    expect(stored).not.toContain("p-7");
    expect(stored.startsWith("b64.")).toBe(true);
    expect(await all(store)).toEqual([recordOf(7)]);
    // Without the codec the same data cannot be read.
    expect(await all(new RecordStore({ redis: client }))).toEqual([]);
  });

  it("purges records completed before a day, keeps the rest, and forgets the purged people", async () => {
    const store = new RecordStore({ redis: client });
    const days = ["2025-01-31", "2025-02-28", "2025-03-01", "2025-03-02", "2026-01-01"];
    for (const [i, day] of days.entries()) await store.append(recordOf(i, day));
    expect(await store.purgeOlderThan("2025-03-01", { batchSize: 2 })).toBe(2);
    expect((await all(store)).map((r) => r.day)).toEqual(["2025-03-01", "2025-03-02", "2026-01-01"]);
    expect(await store.has("p-0")).toBe(false);
    expect(await store.has("p-2")).toBe(true);
    expect(await store.purgeOlderThan("2025-03-01")).toBe(0);
    await expect(store.purgeOlderThan("1 March")).rejects.toThrow(/YYYY-MM-DD/);
  });

  it("re-seals every record under the current codec without bringing back a deleted one", async () => {
    const plain = new RecordStore({ redis: client });
    for (let i = 0; i < 3; i++) await plain.append(recordOf(i));
    await plain.deleteOf("p-1");
    const sealed = new RecordStore({ redis: client, codec: { seal: base64Codec.seal, open: (s) => (s.startsWith("b64.") ? base64Codec.open(s) : s) } });
    expect(await sealed.reseal()).toBe(2);
    const raw = (await client.xrange(sealed.streamKey, "-", "+")).map(([, f]) => f[1]!);
    expect(raw.every((v) => v.startsWith("b64."))).toBe(true);
    expect((await all(sealed)).map((r) => r.pseudonym)).toEqual(["p-0", "p-2"]);
    expect(await sealed.has("p-1")).toBe(false);
    expect(await sealed.deleteOf("p-2")).toBe(true);
    expect(await sealed.count()).toBe(1);
  });
});
