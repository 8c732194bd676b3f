/** Where a form study's completed interviews go: its own record store (records/keys.ts), never another study's. */
import { RecordStore } from "../../records/record-store.ts";
import type { FormStudy } from "../../studies/study.ts";
import type { BotContext } from "../context.ts";
import type { RecordSink } from "../services.ts";

const stores = new WeakMap<object, Map<string, RecordStore>>();

export function formRecordsOf(ctx: BotContext, study: FormStudy): RecordSink {
  const { redis, config, codec } = ctx.deps;
  let byStudy = stores.get(redis);
  if (!byStudy) stores.set(redis, (byStudy = new Map()));
  let store = byStudy.get(study.key);
  if (!store) byStudy.set(study.key, (store = new RecordStore({ redis, prefix: config.REDIS_PREFIX, codec, study: study.key })));
  return store;
}
