/**
 * The outreach funnel as the bot feeds it: aggregate counts per invite source in Redis (for
 * /stats) and in Prometheus (for operators). People who came without a link count under
 * "direct". Nothing here knows who anyone is.
 */
import type { Metrics } from "./metrics.ts";
import type { FunnelStore } from "./outreach/funnel-store.ts";
import type { FunnelSink, FunnelStage } from "./services.ts";
import type { StudyKey } from "../studies/study.ts";

export const DIRECT_SOURCE = "direct";

/** The funnel of one study (its counters apart from every other study's). */
export function funnelSink(store: FunnelStore, metrics: Metrics, study?: StudyKey): FunnelSink {
  return {
    async count(source: string | undefined, stage: FunnelStage) {
      metrics.interview(stage);
      await store.record(source ?? DIRECT_SOURCE, stage, study);
    },
    async moved(source: string | undefined, from: string | undefined, to: string | undefined) {
      metrics.moved(from, to);
      await store.moved(source ?? DIRECT_SOURCE, from, to, study);
    },
    async resolveCampaign(code: string) {
      return (await store.resolveCampaignCode(code))?.sourceCode;
    },
  };
}
