/**
 * The emulator's notion of "now". Messages carry dates and some rules depend on age (a bot cannot
 * delete a message older than 48 hours), so tests move this clock instead of waiting.
 * Quiet periods and long-poll timeouts use real time; only Telegram-visible dates use this one.
 */
export class EmulatorClock {
  private offsetMs = 0;
  private fixedMs: number | undefined;

  /** Milliseconds since the epoch, as Telegram would see them. */
  nowMs(): number {
    return this.fixedMs ?? Date.now() + this.offsetMs;
  }

  /** Unix seconds, the unit of every `date` field in the Bot API. */
  unixSeconds(): number {
    return Math.floor(this.nowMs() / 1000);
  }

  /** Freezes the clock at the given instant until advance() or resume(). */
  set(at: Date | number): void {
    this.fixedMs = typeof at === "number" ? at : at.getTime();
  }

  /** Moves the clock forward; a frozen clock stays frozen at the new instant. */
  advance(ms: number): void {
    if (this.fixedMs !== undefined) this.fixedMs += ms;
    else this.offsetMs += ms;
  }

  /** Lets the clock run again from the instant it shows now. */
  resume(): void {
    if (this.fixedMs === undefined) return;
    this.offsetMs = this.fixedMs - Date.now();
    this.fixedMs = undefined;
  }
}
