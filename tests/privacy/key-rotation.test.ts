import { randomBytes } from "node:crypto";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AesGcmCodec, DataKeyError, parseDataKeys } from "../../src/platform/privacy/data-codec.ts";
import { rotateDataKey } from "../../src/platform/privacy/rotate-key.ts";
import { SessionStore } from "../../src/bot/session/session-store.ts";
import { SESSION_FORMAT } from "../../src/bot/session/session.ts";
import { RecordStore } from "../../src/records/record-store.ts";
import { startTestRedis, type TestRedis } from "../support/redis.ts";

const keyA = `ka:${randomBytes(32).toString("base64")}`;
const keyB = `kb:${randomBytes(32).toString("base64")}`;
let redis: TestRedis;

beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => redis?.stop());

const session = (n: number) => ({
  format: SESSION_FORMAT,
  lang: "uz" as const,
  survey: { format: 1 as const, version: 1, status: "active" as const, answers: { a_consent: "agree", b_children_n: n } },
  pace: [],
  messages: [],
  offered: [],
});
const record = (n: number) => ({ pseudonym: `p${n}`, answers: { a_city: "almaty", b_children_n: n }, lang: "uz", version: 1, day: "2026-11-20" });

describe("encryption at rest", () => {
  it("stores ciphertext that names its key and does not contain the answers", async () => {
    const codec = new AesGcmCodec(parseDataKeys(keyA));
    const sealed = codec.seal(JSON.stringify(record(7)));
    expect(AesGcmCodec.keyIdOf(sealed)).toBe("ka");
    expect(sealed).not.toContain("almaty");
    expect(JSON.parse(codec.open(sealed))).toEqual(record(7));
  });

  it("refuses a tampered ciphertext", () => {
    const codec = new AesGcmCodec(parseDataKeys(keyA));
    const sealed = codec.seal("secret");
    const tampered = sealed.slice(0, -2) + (sealed.endsWith("A") ? "BB" : "AA");
    expect(() => codec.open(tampered)).toThrow();
  });

  it("says which key is missing when data was sealed with a key that is not configured", () => {
    const sealed = new AesGcmCodec(parseDataKeys(keyA)).seal("x");
    expect(() => new AesGcmCodec(parseDataKeys(keyB)).open(sealed)).toThrow(/sealed with key "ka"/);
  });

  it.each([
    ["an empty value", ""],
    ["a key without an id", randomBytes(32).toString("base64")],
    ["a short key", `k1:${randomBytes(16).toString("base64")}`],
  ])("rejects %s with a line saying what to write", (_name, value) => {
    expect(() => parseDataKeys(value)).toThrow(DataKeyError);
  });
});

describe("key rotation", () => {
  it("data written under key A is readable after adding key B, and after rotation no ciphertext names key A", async () => {
    const client = redis.client();
    const underA = new AesGcmCodec(parseDataKeys(keyA));
    const sessionsA = new SessionStore({ redis: client, prefix: "rot:", ttlSeconds: 3600, codec: underA });
    const recordsA = new RecordStore({ redis: client, prefix: "rot:", codec: underA });
    for (let n = 1; n <= 5; n++) {
      await sessionsA.save(`chat${n}`, session(n));
      await recordsA.append(record(n));
    }

    // B first (used to seal), A still there (used to open).
    const both = new AesGcmCodec(parseDataKeys(`${keyB},${keyA}`));
    const sessionsBoth = new SessionStore({ redis: client, prefix: "rot:", ttlSeconds: 3600, codec: both });
    const loaded = await sessionsBoth.load("chat3");
    expect(loaded.kind === "found" && loaded.session.survey.answers.b_children_n).toBe(3);

    const report = await rotateDataKey(client, "rot:", both);
    expect(report).toEqual({ sessions: 5, records: 5, unreadable: 0 });

    const values = [
      ...(await Promise.all((await client.keys("rot:session:*")).map((k) => client.get(k)))),
      ...(await client.xrange("rot:records", "-", "+")).map(([, fields]) => fields[1]),
    ];
    expect(values).toHaveLength(10);
    for (const value of values) expect(AesGcmCodec.keyIdOf(value!)).toBe("kb");

    // With key A gone entirely, everything still opens.
    const onlyB = new AesGcmCodec(parseDataKeys(keyB));
    const records = [];
    for await (const r of new RecordStore({ redis: client, prefix: "rot:", codec: onlyB }).scan()) records.push(r);
    expect(records.map((r) => r.answers.b_children_n).sort()).toEqual([1, 2, 3, 4, 5]);
    expect((await client.ttl("rot:session:chat1")) > 0).toBe(true);
  });

  it("re-seals every study's records and the sessions parked for other studies", async () => {
    const client = redis.client();
    const underA = new AesGcmCodec(parseDataKeys(keyA));
    const sessionsA = new SessionStore({ redis: client, prefix: "rot2:", ttlSeconds: 3600, codec: underA });
    await sessionsA.save("chat1", session(1));
    await sessionsA.park("chat1", "household_survey@3", session(2));
    await new RecordStore({ redis: client, prefix: "rot2:", codec: underA }).append(record(1));
    await new RecordStore({ redis: client, prefix: "rot2:", codec: underA, study: "household_survey@3" }).append(record(2));

    const both = new AesGcmCodec(parseDataKeys(`${keyB},${keyA}`));
    expect(await rotateDataKey(client, "rot2:", both)).toEqual({ sessions: 2, records: 2, unreadable: 0 });
    const values = [
      await client.get("rot2:session:chat1"),
      await client.get("rot2:session:chat1:household_survey@3"),
      ...(await client.xrange("rot2:records", "-", "+")).map(([, fields]) => fields[1]),
      ...(await client.xrange("rot2:records:household_survey@3", "-", "+")).map(([, fields]) => fields[1]),
    ];
    expect(values).toHaveLength(4);
    for (const value of values) expect(AesGcmCodec.keyIdOf(value!)).toBe("kb");
  });
});
