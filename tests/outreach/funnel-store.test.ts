import type { Redis } from "ioredis";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import { CampaignCodeTakenError, FunnelStore } from "../../src/bot/outreach/funnel-store.ts";
import { campaignCode, sourceCode, workerCode, type Invite } from "../../src/bot/outreach/invite-payload.ts";
import { startTestRedis, type TestRedis } from "../support/redis.ts";

const SECRET = "test-secret-for-invites-0123456789abcdef";
const WORKER_IDS = [5_550_123_456, 987_654_321] as const;
const [aliceCode, bobCode] = WORKER_IDS.map((id) => workerCode(id, SECRET)) as [string, string];

let server: TestRedis;
let redis: Redis;

beforeAll(async () => {
  server = await startTestRedis();
  redis = server.client();
});
afterAll(async () => {
  await server.stop();
});
beforeEach(async () => {
  await redis.flushall();
});

function storeAt(clock: { t: number }, prefix?: string): FunnelStore {
  return new FunnelStore({ redis, now: () => clock.t, ...(prefix ? { prefix } : {}) });
}

describe("funnel counters", () => {
  const source = sourceCode({ workerCode: aliceCode, city: "astana", district: "ast_saryarka", label: "market-1" });

  it("counts each stage per source, and an unknown source is all zeros", async () => {
    const store = storeAt({ t: 0 });
    for (let i = 0; i < 3; i++) await store.record(source, "started");
    for (let i = 0; i < 2; i++) await store.record(source, "consented");
    await store.record(source, "eligible");
    await store.record(source, "completed");
    await store.record("direct", "started");
    expect(await store.funnel(source)).toEqual({ started: 3, consented: 2, eligible: 1, completed: 1 });
    expect(await store.funnel("direct")).toEqual({ started: 1, consented: 0, eligible: 0, completed: 0 });
    expect(await store.funnel("nobody.used.this")).toEqual({ started: 0, consented: 0, eligible: 0, completed: 0 });
  });

  it("moves each person's stop along as they answer, so the top drop-off is where people left", async () => {
    const store = storeAt({ t: 0 });
    // Three people reach the consent question.
    for (let i = 0; i < 3; i++) await store.recordStop(source, "a_consent");
    expect(await store.stops(source)).toEqual({ a_consent: 3 });
    // Two agree and move on to the city; one leaves at consent.
    await store.moved(source, "a_consent", "a_city");
    await store.moved(source, "a_consent", "a_city");
    expect(await store.stops(source)).toEqual({ a_consent: 1, a_city: 2 });
    expect((await store.funnel(source)).topDropOff).toEqual({ q: "a_city", count: 2 });
    // Both go on to the age question; one goes back to the city and forward again.
    await store.moved(source, "a_city", "a_age_group");
    await store.moved(source, "a_city", "a_age_group");
    await store.moved(source, "a_age_group", "a_city");
    await store.moved(source, "a_city", "a_age_group");
    expect(await store.stops(source)).toEqual({ a_consent: 1, a_age_group: 2 });
    // One finishes: they are no longer stopped anywhere. The other stays at the age question.
    await store.clearStop(source, "a_age_group");
    expect(await store.stops(source)).toEqual({ a_consent: 1, a_age_group: 1 });
    // Ties go to the alphabetically first question id, so the answer is stable.
    expect((await store.funnel(source)).topDropOff).toEqual({ q: "a_age_group", count: 1 });
  });

  it("never counts below zero, and has no drop-off when nobody is stopped", async () => {
    const store = storeAt({ t: 0 });
    await store.clearStop(source, "a_city");
    await store.moved(source, "a_city", "a_stay");
    expect(await store.stops(source)).toEqual({ a_stay: 1 });
    await store.clearStop(source, "a_stay");
    expect(await store.stops(source)).toEqual({});
    expect((await store.funnel(source)).topDropOff).toBeUndefined();
  });

  it("keeps stores with different prefixes apart", async () => {
    const clock = { t: 0 };
    await storeAt(clock, "round1:").record(source, "started");
    expect((await storeAt(clock, "round1:").funnel(source)).started).toBe(1);
    expect((await storeAt(clock).funnel(source)).started).toBe(0);
    expect(await redis.keys("*")).toEqual([`round1:funnel:${source}`]);
  });

  it("refuses a source or question id that could not come from an invite or a questionnaire", async () => {
    const store = storeAt({ t: 0 });
    await expect(store.record("has space", "started")).rejects.toThrow(/sourceCode/);
    await expect(store.record("x".repeat(65), "started")).rejects.toThrow(/1–64/);
    await expect(store.moved(source, undefined, "a b")).rejects.toThrow(/not a question id/);
  });
});

describe("invite registry", () => {
  const market: Invite = { workerCode: aliceCode, city: "astana", label: "market-1" };
  const dorm: Invite = { workerCode: aliceCode, city: "shymkent", district: "shy_al_farabi", label: "dorm-7" };
  const site: Invite = { workerCode: bobCode, city: "almaty", district: "alm_bostandyk", label: "site" };

  it("resolves a typed campaign code to its source, however it was typed", async () => {
    const store = storeAt({ t: 1000 });
    const registered = await store.registerInvite(market);
    expect(registered).toEqual({ invite: market, campaignCode: campaignCode(market), sourceCode: sourceCode(market), createdAt: 1000 });
    expect((await store.resolveCampaignCode(registered.campaignCode))?.sourceCode).toBe(sourceCode(market));
    expect((await store.resolveCampaignCode(` ${registered.campaignCode.toLowerCase().replaceAll("-", " ")} `))?.sourceCode).toBe(sourceCode(market));
    expect(await store.resolveCampaignCode("AST-MARKET-2-000")).toBeUndefined();
    expect(await store.resolveCampaignCode("hello")).toBeUndefined();
    expect(await store.resolveCampaignCode("")).toBeUndefined();
  });

  it("lists a worker's own invites oldest first, and every invite for analysts", async () => {
    const clock = { t: 1000 };
    const store = storeAt(clock);
    await store.registerInvite(dorm);
    clock.t = 2000;
    await store.registerInvite(site);
    clock.t = 3000;
    await store.registerInvite(market);
    expect((await store.invitesOfWorker(aliceCode)).map((r) => r.invite)).toEqual([dorm, market]);
    expect((await store.invitesOfWorker(bobCode)).map((r) => r.invite)).toEqual([site]);
    expect(await store.invitesOfWorker("nobody")).toEqual([]);
    expect((await store.allInvites()).map((r) => r.sourceCode)).toEqual([dorm, site, market].map(sourceCode));
  });

  it("registers the same invite twice harmlessly, keeping its first creation time", async () => {
    const clock = { t: 1000 };
    const store = storeAt(clock);
    await store.registerInvite(market);
    clock.t = 5000;
    expect((await store.registerInvite({ ...market })).createdAt).toBe(1000);
    expect(await store.allInvites()).toHaveLength(1);
  });

  it("refuses an invite whose campaign code another source already holds", async () => {
    // Two workers choosing the same label in the same city share a code 1 time in 1000; find such a pair.
    const byCode = new Map<string, Invite>();
    let clash: [Invite, Invite] | undefined;
    for (let id = 1; !clash && id < 100_000; id++) {
      const invite: Invite = { workerCode: workerCode(id, SECRET), city: "almaty", label: "market" };
      const earlier = byCode.get(campaignCode(invite));
      if (earlier) clash = [earlier, invite];
      else byCode.set(campaignCode(invite), invite);
    }
    const [first, second] = clash!;
    const store = storeAt({ t: 0 });
    await store.registerInvite(first);
    await expect(store.registerInvite(second)).rejects.toBeInstanceOf(CampaignCodeTakenError);
    expect((await store.resolveCampaignCode(campaignCode(first)))?.sourceCode).toBe(sourceCode(first));
  });
});

describe("privacy", () => {
  it("keeps no worker's Telegram id anywhere in its keys or values", async () => {
    const store = storeAt({ t: 1_700_000_000_000 }, "survey:");
    const invites: Invite[] = [
      { workerCode: aliceCode, city: "astana", label: "market-1" },
      { workerCode: bobCode, city: "almaty", district: "alm_bostandyk", label: "site" },
    ];
    for (const invite of invites) {
      const { sourceCode: source } = await store.registerInvite(invite);
      await store.record(source, "started");
      await store.record(source, "consented");
      await store.recordStop(source, "a_city");
      await store.moved(source, "a_city", "a_age_group");
    }

    const dump: string[] = [];
    for (const key of await redis.keys("*")) {
      dump.push(key);
      const type = await redis.type(key);
      if (type === "string") dump.push((await redis.get(key)) ?? "");
      else if (type === "hash") dump.push(JSON.stringify(await redis.hgetall(key)));
      else if (type === "zset") dump.push(JSON.stringify(await redis.zrange(key, "0", "-1", "WITHSCORES")));
      else throw new Error(`unexpected key type ${type} for ${key}`);
    }
    const text = dump.join("\n");
    expect(dump.length).toBeGreaterThan(8);
    expect(dump.filter((_, i) => i % 2 === 0).every((key) => key.startsWith("survey:"))).toBe(true);
    for (const id of WORKER_IDS) {
      expect(text).not.toContain(String(id));
      expect(text.toLowerCase()).not.toContain(id.toString(16));
    }
  });
});

describe("funnels per study", () => {
  const source = sourceCode({ workerCode: aliceCode, city: "almaty", label: "bazaar" });

  it("count each study apart, the IOM study under the key names it always had", async () => {
    const store = storeAt({ t: 0 });
    await store.record(source, "started", "labour_migrants_kz@1");
    await store.record(source, "started");
    await store.record(source, "started", "household_survey@3");
    await store.moved(source, undefined, "age", "household_survey@3");
    expect((await store.funnel(source)).started).toBe(2);
    expect(await store.funnel(source, "labour_migrants_kz@1")).toEqual(await store.funnel(source));
    expect(await store.funnel(source, "household_survey@3")).toEqual({ started: 1, consented: 0, eligible: 0, completed: 0, topDropOff: { q: "age", count: 1 } });
    expect(await redis.hget(`survey:funnel:${source}`, "started")).toBe("2");
    expect(await redis.hget(`survey:funnel:household_survey@3:${source}`, "started")).toBe("1");
  });

  it("keep an invite's study, and refuse the same code for another study", async () => {
    const store = storeAt({ t: 0 });
    const invite: Invite = { workerCode: aliceCode, city: "almaty", label: "bazaar", study: "household_survey" };
    const registered = await store.registerInvite(invite);
    expect((await store.resolveCampaignCode(registered.campaignCode))?.invite.study).toBe("household_survey");
    await expect(store.registerInvite({ ...invite, study: "labour_migrants_kz" })).rejects.toBeInstanceOf(CampaignCodeTakenError);
    expect((await store.registerInvite(invite)).campaignCode).toBe(registered.campaignCode);
  });
});
