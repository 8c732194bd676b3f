/**
 * Everything observable that happened in the emulator, numbered in order, so tests can wait for
 * "the bot's next reply" without racing: waitFor looks at events from a mark, not from when it was called.
 */
import type { ApiResponseBody } from "./api-error.ts";
import type { WireMessage } from "./wire-types.ts";

export interface ApiCall {
  method: string;
  /** The call's parameters; uploads appear as { upload: fileName, size }. */
  params: Record<string, unknown>;
  /** Emulator-clock milliseconds when the call arrived. */
  at: number;
  /** Set once the call is answered; a held getUpdates has none yet. */
  result: ApiResponseBody | undefined;
}

export type EmulatorEvent =
  | { kind: "call"; seq: number; call: ApiCall }
  | { kind: "message"; seq: number; action: "sent" | "edited" | "deleted"; chatId: number; message: WireMessage; sender: "user" | "bot" };

export type NewEmulatorEvent =
  | { kind: "call"; call: ApiCall }
  | { kind: "message"; action: "sent" | "edited" | "deleted"; chatId: number; message: WireMessage; sender: "user" | "bot" };

export class EventLog {
  private readonly events: EmulatorEvent[] = [];
  private readonly listeners = new Set<(event: EmulatorEvent) => void>();

  emit(event: NewEmulatorEvent): void {
    const numbered = { ...event, seq: this.events.length } as EmulatorEvent;
    this.events.push(numbered);
    for (const listener of [...this.listeners]) listener(numbered);
  }

  /** The sequence number the next event will get. */
  mark(): number {
    return this.events.length;
  }

  since(seq: number): EmulatorEvent[] {
    return this.events.slice(seq);
  }

  subscribe(listener: (event: EmulatorEvent) => void): () => void {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  }
}
