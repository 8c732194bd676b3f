/**
 * The session's study fields: sessions written before studies were data still read (and belong
 * to the native study); a form study's state is checked like the rest; parked sessions of other
 * studies are kept under keys built in one place.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { startTestRedis, type TestRedis } from "../support/redis.ts";
import { Session, SESSION_FORMAT } from "../../src/bot/session/session.ts";
import { SessionStore } from "../../src/bot/session/session-store.ts";
import { emptyFormState } from "../../src/flows/form-engine.ts";
import { STATE_FORMAT } from "../../src/flows/state.ts";

let redis: TestRedis;
beforeAll(async () => {
  redis = await startTestRedis();
});
afterAll(async () => redis?.stop());

const old = { format: SESSION_FORMAT, lang: "ru", survey: { format: STATE_FORMAT, version: 1, status: "active", answers: { a_consent: "agree" } }, pace: [], messages: [], offered: [] };

describe("the session's study", () => {
  it("is absent in sessions from before studies were data, which still read", () => {
    const parsed = Session.parse(old);
    expect(parsed.study).toBeUndefined();
    expect(parsed.form).toBeUndefined();
  });

  it("holds a form study's state, checked: answers as ODK strings, repeat counts, closed repeats", () => {
    const form = { state: { answers: { "household/member[2]/age": "34", works: "yes" }, repeats: { "household/member": 2 }, closed: ["household/member"] }, status: "active" };
    expect(Session.parse({ ...old, study: "household_survey@3", form }).form).toEqual(form);
    expect(Session.parse({ ...old, study: "household_survey@3", form: { state: emptyFormState(), status: "completed" } }).form?.status).toBe("completed");
    expect(Session.safeParse({ ...old, form: { ...form, state: { ...form.state, answers: { age: 34 } } } }).success).toBe(false);
    expect(Session.safeParse({ ...old, form: { ...form, state: { ...form.state, repeats: { "household/member": -1 } } } }).success).toBe(false);
    expect(Session.safeParse({ ...old, form: { ...form, status: "ineligible" } }).success).toBe(false);
    expect(Session.safeParse({ ...old, form: { ...form, state: { ...form.state, extra: 1 } } }).success).toBe(false);
  });

  it("keeps the current session where it always was, and other studies' sessions parked beside it", async () => {
    const store = new SessionStore({ redis: redis.client(), prefix: "survey:", ttlSeconds: 60 });
    expect(store.key("chat")).toBe("survey:session:chat");
    expect(store.parkedKey("chat", "household_survey@3")).toBe("survey:session:chat:household_survey@3");
    const session = Session.parse(old);
    await store.save("chat", session);
    await store.park("chat", "household_survey@3", { ...session, study: "household_survey@3" });
    expect(await store.parkedCount("chat", ["household_survey@3", "other@1"])).toBe(1);
    const parked = await store.loadParked("chat", "household_survey@3");
    expect(parked.kind === "found" && parked.session.study).toBe("household_survey@3");
    expect((await store.load("chat")).kind).toBe("found");
    expect(await store.deleteParked("chat", ["household_survey@3", "other@1"])).toBe(1);
    expect((await store.loadParked("chat", "household_survey@3")).kind).toBe("absent");
  });
});
