/**
 * Disclosure control over the quasi-identifiers, decided in a counting pass before anything is
 * written: the sdcMicro approach (global recoding, then local suppression) with the policy as data.
 *
 * 1. Count every combination of the quasi-identifiers (memory grows with combinations, not rows).
 * 2. Global recodings of the policy, each tried in order (rare citizenships → "other country",
 *    adjacent age bands merged) and kept only if it lowers the number of rows step 4 touches.
 * 3. Within a combination shared by fewer than k people, generalize the district to the city; if
 *    the generalized pool is still under k, the next smallest districts of that combination join it.
 * 4. Local suppression: for the combinations still under k, blank the least important
 *    quasi-identifier (it gets the policy's suppressed code), pool, recount; then the next one,
 *    until every published combination holds at least k rows.
 * 5. If that touches more than the policy's ceiling of rows, refuse, saying by how much and what
 *    would work. Published combinations are compared as written (a suppressed cell is a value of
 *    its own), so what an analyst can group the file by is what was checked.
 *
 * Every decision is per combination, so every row of one combination is treated alike, and the
 * report carries counts only, never a value that could point at someone.
 */
import type { Answer } from "../flows/schema.ts";
import type { ExportPolicy, Recoding } from "../studies/export-policy.ts";

/** Joins a combination's values; answers are codes, which never hold this control character. */
const SEPARATOR = "\u001f";

const valueOf = (answers: Readonly<Record<string, Answer>>, q: string) => {
  const value = answers[q];
  return value === undefined ? "" : Array.isArray(value) ? value.join("+") : String(value);
};

export interface RecodingOutcome {
  question: string;
  kind: Recoding["kind"] | "generalize";
  /** What the recoding does, in words. */
  description: string;
  applied: boolean;
  /** Original code → published code, for the codes it changed. */
  codes: Record<string, string>;
  /** Rows whose value it changed. */
  rows: number;
}

export interface DisclosureReport {
  k: number;
  rows: number;
  /** The quasi-identifiers present in this questionnaire, most important first. */
  quasiIdentifiers: string[];
  recodings: RecodingOutcome[];
  suppression: {
    code: string;
    /** Suppressed cells per quasi-identifier. */
    cells: Record<string, number>;
    /** Rows with at least one suppressed cell. */
    rowsTouched: number;
    share: number;
    ceiling: number;
  };
  /** Published combinations and the smallest of them. */
  combinations: number;
  smallestCombination: number;
  /** 1 / the smallest combination: the chance of a correct match for the best-placed intruder. */
  highestRisk: number;
}

/** Why an export was refused, with what would have worked. Counts and variable names only. */
export interface RefusalReport {
  k: number;
  rows: number;
  /** Rows local suppression would have had to touch, and their share. */
  rowsToSuppress: number;
  share: number;
  ceiling: number;
  /** Suppressed cells per quasi-identifier in the plan that was refused. */
  cells: Record<string, number>;
  /** Combinations still under k even with every quasi-identifier suppressed (too few rows at all). */
  unfixable: number;
  /** The share the same plan needs on all cities and all days, when this request had a filter. */
  wholeSampleShare?: number;
}

/** The export was refused: publishing it would need more suppression than the policy allows. */
export class ReleaseGateError extends Error {
  readonly report: RefusalReport;
  constructor(report: RefusalReport) {
    super(refusalText(report));
    this.name = "ReleaseGateError";
    this.report = report;
  }
}

/** The explanation, in English, for logs and the README; the bot words it in the analyst's language. */
export function refusalText(r: RefusalReport): string {
  const percent = (x: number) => `${(100 * x).toFixed(1)}%`;
  const cells = Object.entries(r.cells)
    .filter(([, n]) => n > 0)
    .map(([q, n]) => `${q} ${n}`)
    .join(", ");
  const parts = [
    r.unfixable > 0
      ? `export refused: ${r.rows} interview(s) are too few for groups of at least ${r.k}.`
      : `export refused: to keep every combination of quasi-identifiers at ${r.k} or more people, ${r.rowsToSuppress} of ${r.rows} rows (${percent(r.share)}) would need a suppressed cell (${cells}), above the ceiling of ${percent(r.ceiling)}.`,
  ];
  if (r.wholeSampleShare !== undefined && r.wholeSampleShare <= r.ceiling) parts.push(`Without the city or date filter it needs ${percent(r.wholeSampleShare)} and would be released.`);
  else if (r.unfixable === 0) parts.push(`It would be released with a ceiling of at least ${percent(Math.ceil(r.share * 1000) / 1000)}, or once more interviews fill the small groups.`);
  return parts.join(" ");
}

/** What the export does to one row's quasi-identifiers. */
export interface DisclosurePlan {
  report: DisclosureReport;
  /**
   * Rewrites the row's quasi-identifier answers in place to their published values. `key` is
   * the combination's key when the caller already has it (QuasiIdentifierCounter.add returns it).
   */
  apply(answers: Record<string, Answer>, key?: string): void;
}

interface Tuple {
  /** The combination as counted. */
  original: string;
  /** Its values as they will be published, one per quasi-identifier. */
  values: string[];
  count: number;
}

/** Counts quasi-identifier combinations in the first pass. */
export class QuasiIdentifierCounter {
  private readonly counts = new Map<string, number>();
  /** The quasi-identifiers present in the questionnaire, most important first. */
  readonly questions: string[];

  private readonly policy: ExportPolicy;

  constructor(policy: ExportPolicy, presentQuestions: ReadonlySet<string>) {
    this.policy = policy;
    this.questions = policy.quasiIdentifiers.filter((q) => presentQuestions.has(q));
  }

  /** Runs for every record in every pass, so it builds one string and no intermediate array. */
  keyOf(answers: Readonly<Record<string, Answer>>): string {
    let key = "";
    for (const q of this.questions) key += valueOf(answers, q) + SEPARATOR;
    return key;
  }

  /** Counts the record's combination; returns its key, which apply() can reuse. */
  add(answers: Readonly<Record<string, Answer>>): string {
    const key = this.keyOf(answers);
    this.counts.set(key, (this.counts.get(key) ?? 0) + 1);
    return key;
  }

  get rows(): number {
    let total = 0;
    for (const count of this.counts.values()) total += count;
    return total;
  }

  /** A fingerprint of the counts, to check that a later pass saw the same records. */
  signature(): string {
    return JSON.stringify([...this.counts].sort());
  }

  /** The cheapest plan, whether or not it is within the ceiling (see plan()). */
  cheapest(): Computed {
    const tuples = () => [...this.counts].map(([original, count]) => ({ original, values: original.split(SEPARATOR).slice(0, -1), count }));
    const accepted: Recoding[] = [];
    let best = compute(this.policy, this.questions, tuples(), accepted);
    for (const recoding of this.policy.recodings) {
      if (!this.questions.includes(recoding.question) || best.rowsTouched === 0) continue;
      const trial = compute(this.policy, this.questions, tuples(), [...accepted, recoding]);
      if (trial.rowsTouched < best.rowsTouched) (accepted.push(recoding), (best = trial));
    }
    return best;
  }

  /**
   * Decides every row's published quasi-identifiers, or throws ReleaseGateError when that would
   * touch more rows than the ceiling allows. `wholeSample` is the same count without the
   * request's filters, to say whether dropping them would help.
   */
  plan(wholeSample?: QuasiIdentifierCounter): DisclosurePlan {
    const plan = this.cheapest();
    const rows = this.rows;
    const { k, suppression } = this.policy;
    // No quasi-identifiers declared: there is no combination to protect, so nothing is refused or
    // changed, and the report says so rather than calling the whole sample one combination.
    if (this.questions.length === 0) {
      return {
        report: {
          k,
          rows,
          quasiIdentifiers: [],
          recodings: [],
          suppression: { code: suppression.code, cells: {}, rowsTouched: 0, share: 0, ceiling: suppression.maxShare },
          combinations: 0,
          smallestCombination: 0,
          highestRisk: 0,
        },
        apply: () => undefined,
      };
    }
    const share = rows === 0 ? 0 : plan.rowsTouched / rows;
    if (plan.unfixable > 0 || share > suppression.maxShare) {
      const whole = wholeSample?.cheapest();
      const wholeRows = wholeSample?.rows ?? 0;
      throw new ReleaseGateError({
        k,
        rows,
        rowsToSuppress: plan.rowsTouched,
        share,
        ceiling: suppression.maxShare,
        cells: plan.cells,
        unfixable: plan.unfixable,
        ...(whole && wholeRows > rows ? { wholeSampleShare: whole.unfixable > 0 ? 1 : whole.rowsTouched / wholeRows } : {}),
      });
    }
    const published = plan.published;
    const questions = this.questions;
    let smallest = 0;
    for (const size of plan.finalCounts.values()) if (smallest === 0 || size < smallest) smallest = size;
    return {
      report: {
        k,
        rows,
        quasiIdentifiers: [...questions],
        recodings: plan.outcomes,
        suppression: { code: suppression.code, cells: plan.cells, rowsTouched: plan.rowsTouched, share, ceiling: suppression.maxShare },
        combinations: plan.finalCounts.size,
        smallestCombination: smallest,
        highestRisk: smallest === 0 ? 0 : 1 / smallest,
      },
      apply: (answers, key) => {
        if (published.size === 0) return;
        const values = published.get(key ?? this.keyOf(answers));
        if (!values) return;
        questions.forEach((q, i) => {
          const value = values[i]!;
          if (value === "") delete answers[q];
          else answers[q] = value;
        });
      },
    };
  }
}

interface Computed {
  /** Original combination → published values, for the combinations that change. */
  published: Map<string, string[]>;
  finalCounts: Map<string, number>;
  outcomes: RecodingOutcome[];
  cells: Record<string, number>;
  rowsTouched: number;
  unfixable: number;
}

const join = (values: readonly string[]) => values.join(SEPARATOR);

function groupCounts(tuples: readonly Tuple[]): Map<string, number> {
  const counts = new Map<string, number>();
  for (const t of tuples) {
    const key = join(t.values);
    counts.set(key, (counts.get(key) ?? 0) + t.count);
  }
  return counts;
}

/** Runs steps 2 to 4 on fresh tuples, applying the given global recodings of the policy's list. */
function compute(policy: ExportPolicy, questions: readonly string[], tuples: Tuple[], recodings: readonly Recoding[]): Computed {
  const { k } = policy;
  const rows = tuples.reduce((s, t) => s + t.count, 0);
  const outcomes: RecodingOutcome[] = [];

  // Step 2: global recodings; the district is then generalized within the combinations they leave.
  for (const recoding of policy.recodings) {
    const at = questions.indexOf(recoding.question);
    if (at < 0) continue;
    const applied = recodings.includes(recoding);
    const codes: Record<string, string> = {};
    if (recoding.kind === "merge") for (const code of recoding.codes) codes[code] = recoding.into;
    else {
      const perCode = new Map<string, number>();
      for (const t of tuples) perCode.set(t.values[at]!, (perCode.get(t.values[at]!) ?? 0) + t.count);
      for (const [code, count] of perCode) if (code !== "" && !policy.missingCodes.includes(code) && count < recoding.belowShare * rows) codes[code] = recoding.into;
    }
    let changed = 0;
    if (applied) {
      for (const t of tuples) {
        const to = codes[t.values[at]!];
        if (to !== undefined) (t.values[at] = to), (changed += t.count);
      }
    }
    outcomes.push({
      question: recoding.question,
      kind: recoding.kind,
      description: recoding.label,
      applied,
      codes: applied ? Object.fromEntries(Object.entries(codes).filter(([from, to]) => from !== to)) : {},
      rows: changed,
    });
  }

  // Step 3: the district, within each combination of the other quasi-identifiers.
  const generalize = policy.generalize;
  const districtAt = generalize ? questions.indexOf(generalize.question) : -1;
  let generalizedRows = 0;
  const generalizedCodes: Record<string, string> = {};
  if (generalize && districtAt >= 0) {
    const byCoarse = new Map<string, Tuple[]>();
    for (const t of tuples) {
      const coarse = join(t.values.filter((_, i) => i !== districtAt));
      const list = byCoarse.get(coarse);
      if (list) list.push(t);
      else byCoarse.set(coarse, [t]);
    }
    for (const list of byCoarse.values()) {
      const perDistrict = new Map<string, number>();
      for (const t of list) perDistrict.set(t.values[districtAt]!, (perDistrict.get(t.values[districtAt]!) ?? 0) + t.count);
      // A blank district was never asked: there is nothing to generalize.
      const named = [...perDistrict].filter(([district]) => district !== "").sort((a, b) => a[1] - b[1] || a[0].localeCompare(b[0]));
      const chosen = new Set<string>();
      let pooled = 0;
      for (const [district, count] of named) {
        if (count >= k && (pooled === 0 || pooled >= k)) break;
        chosen.add(district);
        pooled += count;
      }
      for (const t of list) {
        if (!chosen.has(t.values[districtAt]!)) continue;
        generalizedCodes[t.values[districtAt]!] = generalize.to;
        t.values[districtAt] = generalize.to;
        generalizedRows += t.count;
      }
    }
    outcomes.unshift({
      question: generalize.question,
      kind: "generalize",
      description: `District generalized to the city, within combinations of fewer than ${k} people`,
      applied: generalizedRows > 0,
      codes: Object.fromEntries(Object.keys(generalizedCodes).sort().map((code) => [code, generalize.to])),
      rows: generalizedRows,
    });
  }

  // Step 4: local suppression, least important quasi-identifier first.
  const cells: Record<string, number> = Object.fromEntries(questions.map((q) => [q, 0]));
  const touched = new Set<Tuple>();
  for (let at = questions.length - 1; at >= 0; at--) {
    const counts = groupCounts(tuples);
    let any = false;
    for (const t of tuples) {
      if (counts.get(join(t.values))! >= k || t.values[at] === policy.suppression.code) continue;
      t.values[at] = policy.suppression.code;
      cells[questions[at]!]! += t.count;
      touched.add(t);
      any = true;
    }
    if (!any) break;
  }
  rescueLeftovers(tuples, k, policy.suppression.code, questions, cells, touched);
  const finalCounts = groupCounts(tuples);
  let unfixable = 0;
  for (const count of finalCounts.values()) if (count < k) unfixable++;
  let rowsTouched = 0;
  for (const t of touched) rowsTouched += t.count;
  // Only the combinations that change: most rows are published as they are, and for them the
  // export's per-row lookup then finds nothing to do.
  const published = new Map<string, string[]>();
  for (const t of tuples) if (join(t.values) + SEPARATOR !== t.original) published.set(t.original, t.values);
  return { published, finalCounts, outcomes, cells, rowsTouched, unfixable };
}

/**
 * After the last level, a handful of rows can be left in a pool of fewer than k with their
 * quasi-identifiers blanked. Such a pool takes in the smallest pool that agrees with it wherever
 * it is not blank (blanking those cells there too), until it holds k rows.
 */
function rescueLeftovers(tuples: Tuple[], k: number, code: string, questions: readonly string[], cells: Record<string, number>, touched: Set<Tuple>): void {
  for (;;) {
    const pools = new Map<string, { values: string[]; count: number; members: Tuple[] }>();
    for (const t of tuples) {
      const key = join(t.values);
      const pool = pools.get(key);
      if (pool) (pool.count += t.count), pool.members.push(t);
      else pools.set(key, { values: t.values, count: t.count, members: [t] });
    }
    const small = [...pools.values()].filter((p) => p.count < k).sort((a, b) => a.count - b.count);
    const target = small[0];
    if (!target) return;
    const fits = (values: readonly string[]) => values.every((v, i) => target.values[i] === code || target.values[i] === v);
    const donor = [...pools.values()].filter((p) => p !== target && fits(p.values)).sort((a, b) => a.count - b.count)[0];
    if (!donor) return; // nothing to pool with: too few rows at all
    for (const t of donor.members) {
      t.values.forEach((value, i) => {
        if (target.values[i] !== code || value === code) return;
        t.values[i] = code;
        cells[questions[i]!]! += t.count;
      });
      touched.add(t);
    }
  }
}

/** The one line the Telegram caption carries. */
export function disclosureLine(report: DisclosureReport): string {
  const recoded = report.recodings.filter((r) => r.applied && r.rows > 0).map((r) => `${r.question} ${r.rows}`);
  return (
    `k=${report.k}: ${report.suppression.rowsTouched} rows (${(100 * report.suppression.share).toFixed(1)}%) with a suppressed cell` +
    (recoded.length > 0 ? `; recoded: ${recoded.join(", ")}` : "") +
    `; highest risk 1/${report.smallestCombination || "-"}`
  );
}
