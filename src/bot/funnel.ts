/**
 * The outreach funnel as the bot feeds it: aggregate counts per invite source in Redis (for
 * /stats) and in Prometheus (for operators). People who came without a link count under
 * "direct". Nothing here knows who anyone is.
 */
import type { Metrics } from "./metrics.ts";
import type { FunnelStore } from "./outreach/funnel-store.ts";
import type { FunnelSink, FunnelStage } from "./services.ts";

export const DIRECT_SOURCE = "direct";

export function funnelSink(store: FunnelStore, metrics: Metrics): FunnelSink {
  return {
    async count(source: string | undefined, stage: FunnelStage) {
      metrics.interview(stage);
      await store.record(source ?? DIRECT_SOURCE, stage);
    },
    async moved(source: string | undefined, from: string | undefined, to: string | undefined) {
      metrics.moved(from, to);
      await store.moved(source ?? DIRECT_SOURCE, from, to);
    },
    async resolveCampaign(code: string) {
      return (await store.resolveCampaignCode(code))?.sourceCode;
    },
  };
}
