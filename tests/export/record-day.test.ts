/**
 * Days are Kazakhstan's days everywhere: the day stored with a record, an export's period and
 * the retention cut-off. Between 19:00 and 24:00 UTC the UTC date is still yesterday while it is
 * already tomorrow in Almaty; an export that mixed the two left that evening's interviews out.
 */
import { describe, expect, it } from "vitest";
import { matchesFilter } from "../../src/export/anonymize.ts";
import { STUDY_POLICY } from "../../src/studies/export-policy.ts";
import { kazakhstanDay, lastDays, type CompletedRecord } from "../../src/records/record.ts";
import { oldestKeptDay } from "../../src/export/retention.ts";

const recordOn = (day: string): CompletedRecord => ({ pseudonym: "p", answers: {}, lang: "ru", version: 1, day });
const at = (iso: string) => new Date(iso);

describe("Kazakhstan's calendar day (UTC+5)", () => {
  it.each([
    ["2026-11-24T18:59:59Z", "2026-11-24"], // 23:59 in Almaty
    ["2026-11-24T19:00:00Z", "2026-11-25"], // midnight in Almaty
    ["2026-12-31T19:30:00Z", "2027-01-01"],
    ["2026-11-24T00:00:00Z", "2026-11-24"], // 05:00 in Almaty
  ])("at %s it is %s in Almaty", (utc, day) => {
    expect(kazakhstanDay(at(utc))).toBe(day);
  });
});

describe("an export of the last N days", () => {
  // Every half hour of a whole UTC day, so both sides of Almaty's midnight are covered.
  const instants = Array.from({ length: 48 }, (_, i) => new Date(Date.UTC(2026, 10, 24) + i * 30 * 60_000));

  it.each([1, 7, 30])("includes an interview finished a minute before the request (last %i days), at any hour", (days) => {
    for (const now of instants) {
      const finished = recordOn(kazakhstanDay(new Date(now.getTime() - 60_000)));
      expect(matchesFilter(finished, lastDays(days, now), STUDY_POLICY), now.toISOString()).toBe(true);
    }
  });

  it("leaves out an interview finished more than N days before, at any hour", () => {
    for (const now of instants) {
      const old = recordOn(kazakhstanDay(new Date(now.getTime() - 8 * 86_400_000)));
      expect(matchesFilter(old, lastDays(7, now), STUDY_POLICY), now.toISOString()).toBe(false);
    }
  });
});

describe("the retention cut-off", () => {
  it("counts days as Almaty does: just after Almaty's midnight the cut-off moves on a day", () => {
    expect(oldestKeptDay(at("2026-11-24T18:59:00Z"), 365)).toBe("2025-11-24");
    expect(oldestKeptDay(at("2026-11-24T19:01:00Z"), 365)).toBe("2025-11-25");
  });
});
