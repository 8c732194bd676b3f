/**
 * getUpdates with a timeout: the request is held open until an update is queued, the timeout
 * passes, the client goes away or another getUpdates replaces it. Nothing here polls on a timer,
 * so an idle bot costs one request per timeout, as with Telegram.
 */
import { BotApiError } from "./api-error.ts";
import type { UpdateQueue } from "./update-queue.ts";
import type { WireUpdate } from "./wire-types.ts";

export interface PollRequest {
  offset: number | undefined;
  limit: number;
  timeoutSeconds: number;
  /** Aborted when the HTTP client disconnects (grammY aborts its poll on bot.stop()). */
  clientGone: AbortSignal;
}

type PollOutcome = "updates" | "timeout" | "replaced" | "client-gone" | "released";

/** Telegram caps the hold at about 50 s. */
const MAX_TIMEOUT_SECONDS = 50;

export class LongPoller {
  private held: ((outcome: PollOutcome) => void) | undefined;

  private readonly queue: UpdateQueue;

  constructor(queue: UpdateQueue) {
    this.queue = queue;
  }

  async poll(request: PollRequest): Promise<WireUpdate[]> {
    // Like Telegram, a newer getUpdates ends the one being held with 409.
    this.held?.("replaced");
    this.queue.confirmOffset(request.offset);
    const ready = this.queue.take(request.limit);
    if (ready.length > 0 || request.timeoutSeconds <= 0) return ready;

    const outcome = await new Promise<PollOutcome>((resolve) => {
      const finish = (result: PollOutcome): void => {
        clearTimeout(timer);
        unsubscribe();
        request.clientGone.removeEventListener("abort", onClientGone);
        if (this.held === finish) this.held = undefined;
        resolve(result);
      };
      const onClientGone = (): void => finish("client-gone");
      const timer = setTimeout(() => finish("timeout"), Math.min(request.timeoutSeconds, MAX_TIMEOUT_SECONDS) * 1000);
      const unsubscribe = this.queue.subscribe(() => finish("updates"));
      request.clientGone.addEventListener("abort", onClientGone);
      this.held = finish;
      if (request.clientGone.aborted) finish("client-gone");
    });

    if (outcome === "replaced") {
      throw new BotApiError(409, "Conflict: terminated by other getUpdates request; make sure that only one bot instance is running");
    }
    // Nobody will read a response to a closed request, so its updates stay undelivered.
    if (outcome === "client-gone" || outcome === "released") return [];
    return this.queue.take(request.limit);
  }

  /** Answers a held request with no updates (on stop, or when a webhook is set). */
  release(): void {
    this.held?.("released");
  }
}
