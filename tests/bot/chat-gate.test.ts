/**
 * The per-chat lock against a real Redis: a holder that dies never costs the next update
 * (its lease runs out before a waiter gives up), a holder that works long keeps its lock by
 * renewing the lease, and the exit script marks the update processed even when nothing is saved.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { ChatGate } from "../../src/bot/session/chat-gate.ts";
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
});
