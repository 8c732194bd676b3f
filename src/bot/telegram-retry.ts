/**
 * Retries of Bot API calls that failed for a passing reason (429, 5xx, a network error), kept
 * short because a person is waiting for the reply: the pauses of one call add up to at most
 * RETRY_BUDGET_MS, whatever Telegram asks for. A 429 asking for a longer wait, or a call still
 * failing when the budget is spent, fails; the session then remembers the question was not
 * shown, and the person's next contact brings it (see features/survey.ts).
 *
 * @grammyjs/auto-retry caps only 429 waits; its 5xx back-off (3, 6, 12 s) kept one reply 21 s.
 * getUpdates is not retried here: the polling loop has its own pace.
 */
import { HttpError, type Transformer } from "grammy";

export const RETRY_BUDGET_MS = 4_000;
const FIRST_PAUSE_MS = 250;

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

export function telegramRetry(budgetMs = RETRY_BUDGET_MS): Transformer {
  return async (prev, method, payload, signal) => {
    if (method === "getUpdates") return prev(method, payload, signal);
    let spent = 0;
    let pause = FIRST_PAUSE_MS;
    for (;;) {
      let wait: number | undefined;
      try {
        const result = await prev(method, payload, signal);
        if (result.ok) return result;
        if (result.error_code === 429) wait = (result.parameters?.retry_after ?? 1) * 1_000;
        else if (result.error_code >= 500) wait = pause;
        if (wait === undefined || spent + wait > budgetMs || signal?.aborted) return result;
      } catch (error) {
        // A network failure (Telegram unreachable, a reset connection); anything else is ours.
        if (!(error instanceof HttpError) || spent + pause > budgetMs || signal?.aborted) throw error;
        wait = pause;
      }
      await sleep(wait);
      spent += wait;
      pause *= 2;
    }
  };
}
