/**
 * The evening window in Kazakhstan time (UTC+5): 18:00-21:00 there is 13:00-16:00 UTC.
 */
import { describe, expect, it } from "vitest";
import { firstReminderAt, isInWindow, nextInWindow, parseWindow, secondReminderAt } from "../../src/reminders/evening-window.ts";

const evening = parseWindow("18:00-21:00")!;
const utc = (s: string) => new Date(`${s}Z`);

describe("evening window", () => {
  it("reads HH:MM-HH:MM and refuses anything else", () => {
    expect(evening).toEqual({ startMinute: 18 * 60, lengthMinutes: 180 });
    expect(parseWindow("22:00-01:30")).toEqual({ startMinute: 22 * 60, lengthMinutes: 210 });
    expect(parseWindow("00:00-24:00")).toEqual({ startMinute: 0, lengthMinutes: 1440 });
    for (const bad of ["18-21", "18:00", "25:00-26:00", "18:00-18:00", "18:60-21:00", "24:00-01:00", ""]) expect(parseWindow(bad), bad).toBeUndefined();
  });

  it("is open 18:00-21:00 in Almaty, that is 13:00-16:00 UTC", () => {
    expect(isInWindow(evening, utc("2026-11-30T12:59:59"))).toBe(false);
    expect(isInWindow(evening, utc("2026-11-30T13:00:00"))).toBe(true);
    expect(isInWindow(evening, utc("2026-11-30T15:59:59"))).toBe(true);
    expect(isInWindow(evening, utc("2026-11-30T16:00:00"))).toBe(false);
  });

  it("a window past midnight is open on both sides of it", () => {
    const late = parseWindow("22:00-01:00")!;
    expect(isInWindow(late, utc("2026-11-30T17:30:00"))).toBe(true); // 22:30 local
    expect(isInWindow(late, utc("2026-11-30T19:30:00"))).toBe(true); // 00:30 local, next day
    expect(isInWindow(late, utc("2026-11-30T20:30:00"))).toBe(false); // 01:30 local
    expect(nextInWindow(late, utc("2026-11-30T20:30:00")).toISOString()).toBe("2026-12-01T17:00:00.000Z");
  });

  it("this evening: today's window, now if it is open, tomorrow's once it closed", () => {
    expect(firstReminderAt(evening, "tonight", utc("2026-11-30T05:00:00")).toISOString()).toBe("2026-11-30T13:00:00.000Z");
    expect(firstReminderAt(evening, "tonight", utc("2026-11-30T14:00:00")).toISOString()).toBe("2026-11-30T14:00:00.000Z");
    expect(firstReminderAt(evening, "tonight", utc("2026-11-30T17:00:00")).toISOString()).toBe("2026-12-01T13:00:00.000Z");
  });

  it("tomorrow evening: the window of the next day in Kazakhstan, even when UTC is still on the day before", () => {
    // 21:00 UTC on the 30th is 02:00 on 1 December in Almaty: "tomorrow" is the 2nd.
    expect(firstReminderAt(evening, "tomorrow", utc("2026-11-30T21:00:00")).toISOString()).toBe("2026-12-02T13:00:00.000Z");
    expect(firstReminderAt(evening, "tomorrow", utc("2026-11-30T10:00:00")).toISOString()).toBe("2026-12-01T13:00:00.000Z");
  });

  it("the second reminder is the next evening, inside the window", () => {
    const second = secondReminderAt(evening, utc("2026-11-30T15:30:00"));
    expect(second.toISOString()).toBe("2026-12-01T15:30:00.000Z");
    expect(isInWindow(evening, second)).toBe(true);
  });
});
