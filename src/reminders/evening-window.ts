/**
 * When a reminder may go out: an evening window in Kazakhstan's time (UTC+5 everywhere since
 * March 2024), given as `HH:MM-HH:MM` (REMINDER_WINDOW, default 18:00-21:00), when people are
 * back from work. Pure functions of an instant: no clock, no Redis.
 *
 * A window may run past midnight (`22:00-01:00`); `00:00-24:00` means all day (for pilots).
 */

/** Kazakhstan's offset from UTC; the same constant the record days use (src/records/record.ts). */
export const KAZAKHSTAN_OFFSET_MS = 5 * 3600_000;
const DAY_MS = 86_400_000;
const MINUTE_MS = 60_000;

export interface EveningWindow {
  /** Minutes after local midnight when the window opens (0–1439). */
  startMinute: number;
  /** Minutes of the window's length (1–1440). */
  lengthMinutes: number;
}

const PATTERN = /^([01]\d|2[0-4]):([0-5]\d)-([01]\d|2[0-4]):([0-5]\d)$/;

/** Parses `HH:MM-HH:MM`; undefined for anything else (config validation names the variable). */
export function parseWindow(text: string): EveningWindow | undefined {
  const match = PATTERN.exec(text.trim());
  if (!match) return undefined;
  const start = Number(match[1]) * 60 + Number(match[2]);
  const end = Number(match[3]) * 60 + Number(match[4]);
  if (start > 1440 || end > 1440 || start === 1440) return undefined;
  if (start === end) return undefined;
  const length = end > start ? end - start : end + 1440 - start;
  return { startMinute: start, lengthMinutes: length };
}

/** Local (Kazakhstan) milliseconds since the epoch: UTC shifted so day arithmetic is plain. */
const local = (at: number) => at + KAZAKHSTAN_OFFSET_MS;
const localMidnight = (at: number) => Math.floor(local(at) / DAY_MS) * DAY_MS - KAZAKHSTAN_OFFSET_MS;

/** The window that opens on the Kazakhstan day of `at` plus `dayOffset` days, as UTC instants. */
export function windowOnDay(window: EveningWindow, at: Date, dayOffset = 0): { opens: Date; closes: Date } {
  const opens = localMidnight(at.getTime()) + dayOffset * DAY_MS + window.startMinute * MINUTE_MS;
  return { opens: new Date(opens), closes: new Date(opens + window.lengthMinutes * MINUTE_MS) };
}

/** Whether `at` lies inside a window (the one that opened today or, past midnight, yesterday). */
export function isInWindow(window: EveningWindow, at: Date): boolean {
  const t = at.getTime();
  for (const offset of [-1, 0]) {
    const { opens, closes } = windowOnDay(window, at, offset);
    if (t >= opens.getTime() && t < closes.getTime()) return true;
  }
  return false;
}

/** The first instant at or after `at` inside a window: `at` itself when the window is open. */
export function nextInWindow(window: EveningWindow, at: Date): Date {
  if (isInWindow(window, at)) return at;
  for (const offset of [0, 1]) {
    const { opens } = windowOnDay(window, at, offset);
    if (opens.getTime() > at.getTime()) return opens;
  }
  /* c8 ignore next */
  return windowOnDay(window, at, 2).opens;
}

/** What the respondent chose when asked. */
export type ReminderChoice = "tonight" | "tomorrow";

/**
 * When the first reminder is due. "This evening" is the next open window (today's, or right now
 * when it is open; after it closed, tomorrow's is the next evening there is). "Tomorrow evening"
 * is the window that opens on the next Kazakhstan day.
 */
export function firstReminderAt(window: EveningWindow, choice: ReminderChoice, now: Date): Date {
  if (choice === "tonight") return nextInWindow(window, now);
  return windowOnDay(window, now, 1).opens;
}

/** The second and last reminder: the next evening after the first one, at the same hour. */
export function secondReminderAt(window: EveningWindow, first: Date): Date {
  return nextInWindow(window, new Date(first.getTime() + DAY_MS));
}
