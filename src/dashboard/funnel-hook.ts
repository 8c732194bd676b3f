/**
 * Feeds the fieldwork monitor from the outreach funnel the bot already reports to: people who
 * start and agree are counted per day (their city is not asked yet), and each move from one
 * question to the next updates "where people stop" for this study version. A failed count
 * costs a statistic, never an answer, so errors are handed to onError (logged) and go no further.
 */
import { kazakhstanDay } from "../records/record.ts";
import type { DashboardStore } from "./store.ts";

export interface FunnelLike {
  count(source: string | undefined, stage: "started" | "consented" | "eligible" | "completed"): Promise<void>;
  moved(source: string | undefined, from: string | undefined, to: string | undefined): Promise<void>;
  resolveCampaign(code: string): Promise<string | undefined>;
}

export function withDashboardCounts<F extends FunnelLike>(funnel: F, store: DashboardStore, clock: () => Date, onError: (error: unknown) => void): F {
  return {
    ...funnel,
    // Not awaited: the person's reply never waits on a dashboard counter (with appendfsync
    // always, each awaited write would add a disk flush before the next question).
    async count(source, stage) {
      await funnel.count(source, stage);
      if (stage === "started" || stage === "consented") void store.stage(kazakhstanDay(clock()), stage).catch(onError);
    },
    async moved(source, from, to) {
      await funnel.moved(source, from, to);
      void store.moved(from, to).catch(onError);
    },
    resolveCampaign: (code) => funnel.resolveCampaign(code),
  };
}
