/**
 * The fieldwork monitor, for coordinators: interviews per day and city against the targets
 * they set, where people stop, how long interviews take, integrity flags and invite links.
 * Pure: counters in, rows out. These are counts of interviews, never of answers, so only the
 * integrity flags (which describe how someone answered) are held to the k threshold.
 */
import type { Questionnaire } from "../flows/schema.ts";
import type { Translate } from "./figures.ts";
import { bySex } from "./figures.ts";
import type { Counts } from "./store.ts";
import { shown } from "./suppress.ts";

export interface FunnelCounts {
  started: number;
  consented: number;
  eligible: number;
  completed: number;
}

export interface FieldworkInput {
  definition: Questionnaire;
  translate: Translate;
  k: number;
  counts: Counts;
  city?: string;
  completedByDay: Map<string, Map<string, number>>;
  daily: Map<string, { started: number; consented: number }>;
  stops: Map<string, number>;
  targets: Map<string, number>;
  /** Funnel per invite source, from the outreach store. */
  funnels: Map<string, FunnelCounts>;
}

export interface Fieldwork {
  cities: { code: string; label: string; completed: number; target: number | null; percentOfTarget: number | null }[];
  days: { day: string; started: number; consented: number; completed: Record<string, number>; completedTotal: number }[];
  stops: { q: string; label: string; count: number }[];
  duration: { medianMinutes: number | null; measured: number };
  flags: { flag: string; text: string; share: number | null }[];
  flaggedNote: string;
  sources: { source: string; started: number; consented: number; eligible: number; completed: number }[];
}

/** The median of a histogram of whole minutes: the lower middle bucket. */
export function medianOfBuckets(buckets: Map<number, number>): number | null {
  const total = [...buckets.values()].reduce((a, b) => a + b, 0);
  if (total === 0) return null;
  let seen = 0;
  for (const minute of [...buckets.keys()].sort((a, b) => a - b)) {
    seen += buckets.get(minute)!;
    if (seen * 2 >= total) return minute;
  }
  return null;
}

export function buildFieldwork(input: FieldworkInput): Fieldwork {
  const { definition, translate, k } = input;
  const cityQuestion = definition.questions.find((q) => q.id === definition.cityQuestion);
  const cityOptions = (cityQuestion?.options ?? []).map((o) => ({ code: o.code, label: translate(o.labelKey) }));
  const all = new Map<string, number>();
  for (const sexes of bySex(input.counts, input.city).values()) for (const [what, n] of sexes) all.set(what, (all.get(what) ?? 0) + n);

  const completedIn = new Map<string, number>();
  for (const [field, n] of input.counts) {
    const [city, , what] = field.split("|");
    if (what === "n" && city) completedIn.set(city, (completedIn.get(city) ?? 0) + n);
  }
  // Every city of the study, so a target can be set before its first interview; not a city
  // that screening turns away (other_kz), unless interviews were somehow counted there.
  const screenedOut = (code: string) =>
    definition.screening.some((rule) => rule.when.op === "equals" && rule.when.q === definition.cityQuestion && rule.when.value === code);
  const cities = cityOptions
    .filter((c) => !input.city || c.code === input.city)
    .filter((c) => !screenedOut(c.code) || completedIn.has(c.code) || input.targets.has(c.code))
    .map((c) => {
      const completed = completedIn.get(c.code) ?? 0;
      const target = input.targets.get(c.code) ?? null;
      return { ...c, completed, target, percentOfTarget: target ? Math.round((100 * completed) / target) : null };
    });

  const dayList = [...new Set([...input.completedByDay.keys(), ...input.daily.keys()])].sort();
  const days = dayList.map((day) => {
    const byCity = Object.fromEntries([...(input.completedByDay.get(day) ?? new Map<string, number>())].filter(([city]) => !input.city || city === input.city));
    const early = input.daily.get(day) ?? { started: 0, consented: 0 };
    return { day, started: early.started, consented: early.consented, completed: byCity, completedTotal: Object.values(byCity).reduce((a, b) => a + b, 0) };
  });

  const labels = new Map(definition.questions.map((q) => [q.id, translate(q.textKey)]));
  const stops = [...input.stops]
    .filter(([, n]) => n > 0)
    .sort(([qa, a], [qb, b]) => b - a || qa.localeCompare(qb))
    .map(([q, count]) => ({ q, label: labels.get(q) ?? q, count }));

  const buckets = new Map<number, number>();
  for (const [what, n] of all) if (what.startsWith("t:")) buckets.set(Number(what.slice(2)), n);
  const measured = [...buckets.values()].reduce((a, b) => a + b, 0);

  const completed = all.get("n") ?? 0;
  const flags = [...all]
    .filter(([what]) => what.startsWith("f:"))
    .map(([what, n]) => {
      const hidden = n > 0 && n < k;
      return { flag: what.slice(2), text: hidden ? shown({ value: n, hidden: "primary" }, k) : String(n), share: hidden || completed === 0 ? null : Math.round((1000 * n) / completed) / 10 };
    })
    .sort((a, b) => a.flag.localeCompare(b.flag));

  const sourceCompleted = new Map<string, number>();
  for (const [what, n] of all) if (what.startsWith("s:")) sourceCompleted.set(what.slice(2), n);
  const sourceNames = new Set([...sourceCompleted.keys(), ...(input.city ? [] : input.funnels.keys())]);
  const sources = [...sourceNames].sort().map((source) => {
    const f = input.funnels.get(source);
    return { source, started: f?.started ?? 0, consented: f?.consented ?? 0, eligible: f?.eligible ?? 0, completed: sourceCompleted.get(source) ?? 0 };
  });

  return {
    cities,
    days,
    stops,
    duration: { medianMinutes: medianOfBuckets(buckets), measured },
    flags,
    flaggedNote: "Flagged interviews are kept; a flag asks for a second look, it does not drop anyone.",
    sources,
  };
}
