/**
 * The reminders' clock when REMINDER_DELAY_SCALE is below 1 (pilots, black-box checks): time
 * that runs 1/scale times faster than the wall clock, so a whole cycle (a pause, this evening's
 * window, the next evening's) passes in seconds while every rule still reads "evening, in
 * Almaty". At scale 0.001 a day lasts 86 seconds.
 *
 * All processes must agree on this time, or a restarted bot would think it is hours earlier than
 * the one that planned a reminder. So the instant it starts running fast from (the anchor) is
 * written to Redis once, by whichever process comes first, and read by all.
 */
import type { Redis } from "ioredis";

export class PilotClock {
  readonly #scale: number;
  #anchor: number | undefined;

  constructor(scale: number) {
    this.#scale = scale;
  }

  /** Agrees on the anchor with every other process; until then the clock reads wall time. */
  async agree(redis: Redis, key: string): Promise<void> {
    await redis.set(key, String(Date.now()), "NX");
    this.#anchor = Number(await redis.get(key));
  }

  now(): Date {
    const real = Date.now();
    if (this.#anchor === undefined) return new Date(real);
    return new Date(this.#anchor + (real - this.#anchor) / this.#scale);
  }
}
