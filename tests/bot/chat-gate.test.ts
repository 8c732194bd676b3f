/**
 * The per-chat lock against a real Redis: a holder that dies never costs the next update
 * (its lease runs out before a waiter gives up), a holder that works long keeps its lock by
 * renewing the lease, and the exit script marks the update processed even when nothing is saved.
 * Message ids noted while an update holds the chat are written by that exit script.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChatGate } from "../../src/bot/session/chat-gate.ts";
import { ChatMessages } from "../../src/bot/session/chat-messages.ts";
import { startTestRedis, type TestRedis } from "../support/redis.ts";

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => redis?.stop());

describe("the chat lock", () => {
  it("refuses a wait shorter than the lease, which would let a dead holder cost an update", () => {
    expect(() => new ChatGate({ redis: redis.client(), prefix: "t:", lockTtlMs: 5_000, waitMs: 4_000 })).toThrow(/outlast/);
  });

  it("a dead holder's lock is gone before the next update stops waiting", async () => {
    const dead = new ChatGate({ redis: redis.client(), prefix: "t1:", lockTtlMs: 1_000, waitMs: 2_000 });
    await dead.enter("chat", 1); // never leaves, never renews: the process died
    const alive = new ChatGate({ redis: redis.client(), prefix: "t1:", lockTtlMs: 1_000, waitMs: 2_000 });
    const startedAt = Date.now();
    const entry = await alive.enter("chat", 2);
    expect(entry.processed).toBe(false);
    expect(Date.now() - startedAt).toBeGreaterThanOrEqual(500);
    await alive.leave("chat", 2, entry.token);
  });

  it("a living holder keeps its lock past the lease by renewing it", async () => {
    const holder = new ChatGate({ redis: redis.client(), prefix: "t2:", lockTtlMs: 600, waitMs: 1_200 });
    const entry = await holder.enter("chat", 1);
    const lease = holder.renew("chat", entry.token);
    const other = new ChatGate({ redis: redis.client(), prefix: "t2:", lockTtlMs: 600, waitMs: 1_200 });
    await expect(other.enter("chat", 2)).rejects.toThrow(/busy/);
    lease.stop();
    await holder.leave("chat", 1, entry.token);
    const next = await other.enter("chat", 2);
    await other.leave("chat", 2, next.token);
  });

  it("the exit marks the update processed with the release, saved or not", async () => {
    const gate = new ChatGate({ redis: redis.client(), prefix: "t3:" });
    const first = await gate.enter("chat", 7);
    await gate.leave("chat", 7, first.token, { markProcessedForSeconds: 60 });
    const again = await gate.enter("chat", 7);
    expect(again.processed).toBe(true);
    await gate.leave("chat", 7, again.token);
  });

  it("writes the message ids an update noted with its exit, and ids noted outside an update at once", async () => {
    const client = redis.client();
    const gate = new ChatGate({ redis: client, prefix: "t4:" });
    const messages = new ChatMessages({ redis: client, prefix: "t4:" });
    const now = 1_000_000;
    await messages.remember("chat", [3], now - 49 * 3600); // past Telegram's 48 hours: dropped by the next write
    const entry = await gate.enter("chat", 8);
    messages.hold("chat");
    await messages.remember("chat", [10], now);
    await messages.remember("chat", [11, 12], now + 1);
    // Not in Redis yet, but counted by "clear this chat" during the update.
    expect(await client.zcard("t4:messages:chat")).toBe(1);
    expect(await messages.deletable("chat", now + 1)).toEqual([10, 11, 12]);
    await messages.remember("other", [5], now); // another chat, not held: written at once
    expect(await client.zscore("t4:messages:other", "5")).toBe(String(now));
    await gate.leave("chat", 8, entry.token, { markProcessedForSeconds: 60, addToSet: messages.release("chat")! });
    expect(await client.zrange("t4:messages:chat", "0", "-1", "WITHSCORES")).toEqual(["10", String(now), "11", String(now + 1), "12", String(now + 1)]);
    expect(await client.ttl("t4:messages:chat")).toBeGreaterThan(47 * 3600);
    expect(messages.release("chat")).toBeUndefined();
    // After release, ids are written at once again.
    await messages.remember("chat", [13], now + 2);
    expect(await messages.deletable("chat", now + 2)).toEqual([10, 11, 12, 13]);
  });

  it("forgetting a held chat forgets the ids it noted so far, not the ones after", async () => {
    const client = redis.client();
    const gate = new ChatGate({ redis: client, prefix: "t5:" });
    const messages = new ChatMessages({ redis: client, prefix: "t5:" });
    const now = 2_000_000;
    await messages.remember("chat", [1, 2], now);
    const entry = await gate.enter("chat", 9);
    messages.hold("chat");
    await messages.remember("chat", [3], now);
    await messages.forget("chat");
    expect(await messages.deletable("chat", now)).toEqual([]);
    await messages.remember("chat", [4], now); // the notice sent after clearing
    await gate.leave("chat", 9, entry.token, { addToSet: messages.release("chat")! });
    expect(await client.zrange("t5:messages:chat", "0", "-1")).toEqual(["4"]);
  });
});
