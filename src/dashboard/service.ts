/**
 * The dashboard as one service the bot wires up: counters (store), one-time links (links), and
 * the data one page view needs, assembled from counters only. A study with interviews from
 * before the dashboard existed is backfilled from its records once, on the first view.
 */
import type { Redis } from "ioredis";
import type { Questionnaire } from "../flows/schema.ts";
import type { RecordStore } from "../records/record-store.ts";
import { CompletedRecord } from "../records/record.ts";
import { buildFieldwork, type Fieldwork, type FunnelCounts } from "./fieldwork.ts";
import { buildFigures, type Filter, type FiguresPage, type Translate } from "./figures.ts";
import { DashboardLinks } from "./links.ts";
import { DASHBOARD_POLICY, type DashboardPolicy } from "./policy.ts";
import { DashboardStore } from "./store.ts";

export interface DashboardData extends FiguresPage {
  study: { id: string; version: number; title: string };
  filter: Filter;
  cities: { code: string; label: string }[];
  fieldwork: Fieldwork;
  k: number;
}

export interface DashboardOptions {
  redis: Redis;
  prefix: string;
  definition: Questionnaire;
  records: RecordStore;
  translate: Translate;
  secret: string;
  /** Where analysts open the dashboard, e.g. https://survey.example.org; else http://HOST:PORT. */
  publicUrl?: string;
  linkTtlSeconds: number;
  sessionTtlSeconds: number;
  /** Opens a sealed record (the record store's codec), to take a deleted one out of the counters. */
  openRecord?: (sealed: string) => string;
  /** Funnel counts per invite source (started, consented, eligible, completed). */
  funnel: (source: string) => Promise<FunnelCounts>;
  policy?: DashboardPolicy;
}

const DAY = /^\d{4}-\d{2}-\d{2}$/;

export class Dashboard {
  readonly store: DashboardStore;
  readonly links: DashboardLinks;
  readonly policy: DashboardPolicy;
  readonly #options: DashboardOptions;
  #listeningUrl: string | undefined;
  #backfilling: Promise<number> | undefined;

  constructor(options: DashboardOptions) {
    this.#options = options;
    this.policy = options.policy ?? DASHBOARD_POLICY;
    this.store = new DashboardStore({ redis: options.redis, prefix: options.prefix, definition: options.definition, sexQuestion: this.policy.sexQuestion });
    this.links = new DashboardLinks({
      redis: options.redis,
      prefix: options.prefix,
      secret: options.secret,
      linkTtlSeconds: options.linkTtlSeconds,
      sessionTtlSeconds: options.sessionTtlSeconds,
    });
  }

  /** The HTTP server tells where it listens, for links when no public URL is configured. */
  listeningAt(url: string): void {
    this.#listeningUrl = url;
  }

  /** A fresh one-time link to the dashboard. */
  async link(): Promise<string> {
    const base = (this.#options.publicUrl ?? this.#listeningUrl ?? "http://127.0.0.1:8080").replace(/\/+$/, "");
    return `${base}/dashboard/open?t=${await this.links.issue()}`;
  }

  /** Rebuilds the counters from the records; concurrent callers share one run. */
  backfill(): Promise<number> {
    this.#backfilling ??= this.store
      .backfill(this.#options.records.streamKey, (until) => this.#options.records.scan({ until, batchSize: 1000 }))
      .finally(() => (this.#backfilling = undefined));
    return this.#backfilling;
  }

  /** A person's stored record, read before /delete removes it, so it can be uncounted after. */
  async recordOf(pseudonym: string): Promise<CompletedRecord | undefined> {
    const { redis, records, openRecord } = this.#options;
    const id = await redis.hget(records.indexKey, pseudonym);
    if (!id) return undefined;
    const fields = (await redis.xrange(records.streamKey, id, id))[0]?.[1] ?? [];
    const at = fields.indexOf("r");
    if (at < 0) return undefined;
    const sealed = fields[at + 1] ?? "";
    const parsed = CompletedRecord.safeParse(JSON.parse(openRecord ? openRecord(sealed) : sealed));
    return parsed.success ? parsed.data : undefined;
  }

  async data(filter: Filter): Promise<DashboardData> {
    const { definition, translate } = this.#options;
    const version = definition.version;
    if (!(await this.store.built(version))) await this.backfill();
    const cityQuestion = definition.questions.find((q) => q.id === definition.cityQuestion);
    const cities = (cityQuestion?.options ?? []).map((o) => ({ code: o.code, label: translate(o.labelKey) }));
    const clean: Filter = {
      ...(filter.city && cities.some((c) => c.code === filter.city) ? { city: filter.city } : {}),
      ...(filter.from && DAY.test(filter.from) ? { from: filter.from } : {}),
      ...(filter.to && DAY.test(filter.to) ? { to: filter.to } : {}),
    };
    const period = { ...(clean.from ? { from: clean.from } : {}), ...(clean.to ? { to: clean.to } : {}) };
    const [counts, completedByDay, daily, stops, targets] = await Promise.all([
      this.store.counts(version, period, clean.city),
      this.store.completedByDay(version, period),
      this.store.daily(version),
      this.store.stops(version),
      this.store.targets(),
    ]);
    const page = buildFigures({ counts, definition, policy: this.policy, translate, ...(clean.city ? { city: clean.city } : {}) });
    const sources = new Set<string>();
    for (const field of counts.keys()) {
      const what = field.split("|")[2] ?? "";
      if (what.startsWith("s:")) sources.add(what.slice(2));
    }
    const funnels = new Map<string, FunnelCounts>();
    await Promise.all([...sources].map(async (s) => funnels.set(s, await this.#options.funnel(s).catch(() => ({ started: 0, consented: 0, eligible: 0, completed: 0 })))));
    const inPeriod = (day: string) => (!period.from || day >= period.from) && (!period.to || day <= period.to);
    const fieldwork = buildFieldwork({
      definition,
      translate,
      k: this.policy.k,
      counts,
      ...(clean.city ? { city: clean.city } : {}),
      completedByDay,
      daily: new Map([...daily].filter(([day]) => inPeriod(day))),
      stops,
      targets,
      funnels,
    });
    return { ...page, study: { id: definition.id, version, title: translate(definition.titleKey) }, filter: clean, cities, fieldwork, k: this.policy.k };
  }
}
