/**
 * k-anonymity over the quasi-identifiers, decided in a counting pass before anything is written.
 *
 * Rows whose full combination (city, district, sex, age band, citizenship) is shared by fewer
 * than k people have their district generalized to the city. Generalized rows then form one
 * group per city-level combination; if such a group would still be smaller than k, the next
 * smallest districts of that combination are generalized too, until it reaches k. Whatever is
 * still under k after that stops the export (the release gate): the report carries group sizes
 * only, never the values that would point at someone.
 */
import type { Answer } from "../flows/schema.ts";
import type { ExportPolicy } from "./policy.ts";

export interface ReleaseGateReport {
  k: number;
  quasiIdentifiers: string[];
  /** How many published combinations are still smaller than k. */
  combinationsUnderK: number;
  /** How many rows those combinations hold together. */
  rowsInThem: number;
  /** Size of each too-small combination → how many such combinations. */
  sizes: Record<number, number>;
}

/** The export was refused: publishing it would leave a group of fewer than k people. */
export class ReleaseGateError extends Error {
  readonly report: ReleaseGateReport;
  constructor(report: ReleaseGateReport) {
    super(
      `export refused: ${report.combinationsUnderK} combination(s) of ${report.quasiIdentifiers.join(", ")} would hold fewer than ${report.k} people ` +
        `even after generalizing the district. Widen the filters (all cities, a longer period) or wait for more interviews.`,
    );
    this.name = "ReleaseGateError";
    this.report = report;
  }
}

export interface GeneralizationPlan {
  /** Whether this row's district must be generalized. */
  generalizes(answers: Readonly<Record<string, Answer>>): boolean;
  /** Rows that will be generalized. */
  generalizedRows: number;
}

const valueOf = (answers: Readonly<Record<string, Answer>>, q: string) => {
  const value = answers[q];
  return value === undefined ? "" : Array.isArray(value) ? value.join("+") : String(value);
};

/** Joins a combination's values; answers are codes and numbers, which never hold this control character. */
const SEPARATOR = "\u001f";

/** Counts quasi-identifier combinations in the first pass; memory grows with combinations, not rows. */
export class QuasiIdentifierCounter {
  /** City-level key (every quasi-identifier but the generalizable one) → district → count. */
  private readonly groups = new Map<string, Map<string, number>>();
  private readonly coarse: string[];

  private readonly policy: ExportPolicy;

  constructor(policy: ExportPolicy, presentQuestions: ReadonlySet<string>) {
    this.policy = policy;
    this.coarse = policy.quasiIdentifiers.filter((q) => q !== policy.generalize.question && presentQuestions.has(q));
  }

  /** Runs for every record in every pass, so it builds one string and no intermediate array. */
  private coarseKey(answers: Readonly<Record<string, Answer>>): string {
    let key = "";
    for (const q of this.coarse) key += valueOf(answers, q) + SEPARATOR;
    return key;
  }

  add(answers: Readonly<Record<string, Answer>>): void {
    const key = this.coarseKey(answers);
    let districts = this.groups.get(key);
    if (!districts) this.groups.set(key, (districts = new Map()));
    const district = valueOf(answers, this.policy.generalize.question);
    districts.set(district, (districts.get(district) ?? 0) + 1);
  }

  /** A fingerprint of the counts, to check that a later pass saw the same records. */
  signature(): string {
    return JSON.stringify([...this.groups].map(([key, districts]) => [key, [...districts].sort()]).sort());
  }

  /** Decides which districts to generalize, or throws ReleaseGateError when k cannot be reached. */
  plan(): GeneralizationPlan {
    const { k } = this.policy;
    const generalized = new Map<string, Set<string>>();
    const tooSmall: number[] = [];
    let generalizedRows = 0;
    for (const [key, districts] of this.groups) {
      // A blank district was never asked: there is nothing to generalize, so it stands as it is.
      const blank = districts.get("") ?? 0;
      if (blank > 0 && blank < k) tooSmall.push(blank);
      const named = [...districts].filter(([district]) => district !== "").sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]));
      const chosen = new Set<string>();
      let pooled = 0;
      for (const [district, count] of named) {
        if (count >= k && (pooled === 0 || pooled >= k)) break;
        chosen.add(district);
        pooled += count;
      }
      if (chosen.size === 0) continue;
      if (pooled < k) tooSmall.push(pooled);
      generalized.set(key, chosen);
      generalizedRows += pooled;
    }
    if (tooSmall.length > 0) {
      const sizes: Record<number, number> = {};
      for (const size of tooSmall) sizes[size] = (sizes[size] ?? 0) + 1;
      throw new ReleaseGateError({
        k,
        quasiIdentifiers: [...this.policy.quasiIdentifiers],
        combinationsUnderK: tooSmall.length,
        rowsInThem: tooSmall.reduce((a, b) => a + b, 0),
        sizes,
      });
    }
    return {
      generalizedRows,
      generalizes: (answers) => generalized.get(this.coarseKey(answers))?.has(valueOf(answers, this.policy.generalize.question)) ?? false,
    };
  }
}
