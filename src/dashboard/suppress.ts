/**
 * Small-cell suppression for one figure's table, pure and on its own so the dashboard's rules
 * do not move when the export's code does (the rules are the same: k, then secondary hiding).
 *
 * Primary: a count from 1 to k-1 shows as "<k". Zero stays 0: it describes nobody.
 * Secondary: a hidden count must not be recoverable from what is shown. The table's equations
 * ("these parts add up to that whole") are attacked the way an intruder would, by narrowing
 * each hidden value's interval (1..k-1 for "<k", k..max for "x") until nothing changes; while a
 * hidden value is pinned to one number, the smallest shown count in one of its equations is
 * hidden too, as "x".
 */
export type Hidden = "primary" | "secondary";

export interface Mark {
  value: number;
  hidden?: Hidden;
}

/** The parts (indices into the values) add up to the whole (an index too). */
export interface Equation {
  whole: number;
  parts: readonly number[];
}

export interface Interval {
  lo: number;
  hi: number;
}

/** What someone who sees the marks can narrow each value down to. */
export function intruderIntervals(marks: readonly Mark[], equations: readonly Equation[], k: number, max: number): Interval[] {
  const intervals = marks.map((m) => (m.hidden === "primary" ? { lo: 1, hi: k - 1 } : m.hidden === "secondary" ? { lo: k, hi: max } : { lo: m.value, hi: m.value }));
  for (let changed = true; changed; ) {
    changed = false;
    const tighten = (i: number, lo: number, hi: number) => {
      const current = intervals[i]!;
      if (lo > current.lo) (current.lo = lo), (changed = true);
      if (hi < current.hi) (current.hi = hi), (changed = true);
    };
    for (const { whole, parts } of equations) {
      const sumLo = parts.reduce((s, p) => s + intervals[p]!.lo, 0);
      const sumHi = parts.reduce((s, p) => s + intervals[p]!.hi, 0);
      tighten(whole, sumLo, sumHi);
      const w = intervals[whole]!;
      for (const p of parts) tighten(p, w.lo - (sumHi - intervals[p]!.hi), w.hi - (sumLo - intervals[p]!.lo));
    }
  }
  return intervals;
}

/** Hides 1..k-1, then more, until no hidden value can be worked out. `max` bounds any value (the sample). */
export function protect(values: readonly number[], equations: readonly Equation[], k: number, max: number): Mark[] {
  const marks: Mark[] = values.map((value) => (value > 0 && value < k ? { value, hidden: "primary" } : { value }));
  const wholes = new Set(equations.map((e) => e.whole));
  for (;;) {
    const intervals = intruderIntervals(marks, equations, k, max);
    const pinned = marks.findIndex((m, i) => m.hidden && intervals[i]!.lo === intervals[i]!.hi);
    if (pinned < 0) return marks;
    const visible = (i: number) => !marks[i]!.hidden && marks[i]!.value > 0;
    // Break the equation that gives the value away: among the pinned value's equations, the one
    // with the fewest hidden members, and in it the smallest visible part (a whole only if no part
    // is left). Hiding there, rather than anywhere nearby, keeps the rest of the table readable.
    const own = equations
      .filter((e) => e.whole === pinned || e.parts.includes(pinned))
      .map((e) => ({ members: [e.whole, ...e.parts], parts: e.parts.filter(visible), whole: visible(e.whole) ? [e.whole] : [] }))
      .filter((e) => e.parts.length + e.whole.length > 0)
      .sort((a, b) => a.members.filter((i) => marks[i]!.hidden).length - b.members.filter((i) => marks[i]!.hidden).length);
    const pool = own[0] ? (own[0].parts.length > 0 ? own[0].parts : own[0].whole) : marks.map((_, i) => i).filter(visible);
    const candidates = [...new Set(pool)];
    if (candidates.length === 0) return marks;
    // Parts before wholes, smallest first: hide as little as possible.
    candidates.sort((a, b) => Number(wholes.has(a)) - Number(wholes.has(b)) || marks[a]!.value - marks[b]!.value || a - b);
    marks[candidates[0]!]!.hidden = "secondary";
  }
}

/** How a mark reads on the page and in downloads. */
export function shown(mark: Mark, k: number): string {
  return mark.hidden === "primary" ? `<${k}` : mark.hidden === "secondary" ? "x" : String(mark.value);
}
