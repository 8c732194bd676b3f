/** Failures a test schedules for upcoming calls, to see how the bot copes with 429s and outages. */
import { BotApiError } from "./api-error.ts";

export interface InjectedFailure {
  error_code: number;
  /** Defaults to Telegram's wording for the code (e.g. "Too Many Requests: retry after 1"). */
  description?: string;
  retry_after?: number;
}

const INTERNAL_ERROR: InjectedFailure = { error_code: 500, description: "Internal Server Error" };

/** Failing a share of calls at random, as a struggling Telegram does. */
export interface RandomFailures {
  /** Share of calls that fail, 0..1. */
  rate: number;
  /** Failures to choose from, in turn. */
  failures: InjectedFailure[];
  /** Methods that may fail (compared case-insensitively); by default all but getUpdates. */
  methods?: string[];
  /** A seeded source of randomness, so a failing run can be repeated. */
  random?: () => number;
}

export class FailurePlan {
  private readonly planned = new Map<string, InjectedFailure[]>();
  private randomly: RandomFailures | undefined;
  private drawn = 0;

  /** From now on fail a share of calls at random; undefined stops it. */
  setRandom(failures: RandomFailures | undefined): void {
    this.randomly = failures;
  }

  /** Queues failures for the next `count` calls of a method (names compare case-insensitively). */
  add(method: string, failure: InjectedFailure = INTERNAL_ERROR, count = 1): void {
    const key = method.toLowerCase();
    const list = this.planned.get(key) ?? [];
    for (let index = 0; index < count; index += 1) list.push(failure);
    this.planned.set(key, list);
  }

  private randomFailure(method: string): InjectedFailure | undefined {
    const plan = this.randomly;
    if (!plan || plan.failures.length === 0 || !isRandomlyFailing(plan, method)) return undefined;
    if ((plan.random ?? Math.random)() >= plan.rate) return undefined;
    return plan.failures[this.drawn++ % plan.failures.length];
  }

  /** The error for this call, if one was planned; each planned failure is used once. */
  take(method: string): BotApiError | undefined {
    const failure = this.planned.get(method.toLowerCase())?.shift() ?? this.randomFailure(method);
    if (!failure) return undefined;
    return new BotApiError(
      failure.error_code,
      failure.description ?? defaultDescription(failure),
      failure.retry_after === undefined ? undefined : { retry_after: failure.retry_after },
    );
  }
}

export function isRandomlyFailing(plan: RandomFailures, method: string): boolean {
  const name = method.toLowerCase();
  if (plan.methods) return plan.methods.some((m) => m.toLowerCase() === name);
  return name !== "getupdates";
}

function defaultDescription(failure: InjectedFailure): string {
  if (failure.error_code === 429) return `Too Many Requests: retry after ${failure.retry_after ?? 1}`;
  if (failure.error_code === 403) return "Forbidden: bot was blocked by the user";
  if (failure.error_code >= 500) return "Internal Server Error";
  return "Bad Request: injected failure";
}
