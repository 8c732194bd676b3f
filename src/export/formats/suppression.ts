/**
 * Cell suppression for frequency tables with row and column totals.
 *
 * Primary: every cell or total from 1 to k-1 is hidden ("<k"). An empty cell is shown as 0: it
 * describes nobody, and hiding it would only force more hiding, since zeros are what totals
 * give away first. Secondary: a hidden cell must not be recoverable from what is shown, so the
 * table is audited the way an intruder would attack it (interval propagation over every "parts
 * add up to the total" equation, knowing that "<k" means 1..k-1 and "x" means k or more) and,
 * while some hidden value is pinned to one number, the smallest shown cell in one of its
 * equations is hidden too ("x").
 */
export type Suppression = "primary" | "secondary";

export interface Mark {
  value: number;
  suppressed?: Suppression;
}

export interface ProtectedTable {
  cells: Mark[][];
  rowTotals: Mark[];
  columnTotals: Mark[];
  grandTotal: Mark;
}

/** A linear constraint the published table satisfies: the parts add up to the whole. */
export interface Equation {
  whole: number;
  parts: number[];
}

export interface Interval {
  lo: number;
  hi: number;
}

/** Variable layout: cells row by row, then row totals, then column totals, then the grand total. */
export function tableEquations(rows: number, columns: number): Equation[] {
  const cell = (r: number, c: number) => r * columns + c;
  const rowTotal = (r: number) => rows * columns + r;
  const columnTotal = (c: number) => rows * columns + rows + c;
  const grand = rows * columns + rows + columns;
  const equations: Equation[] = [];
  for (let r = 0; r < rows; r++) equations.push({ whole: rowTotal(r), parts: Array.from({ length: columns }, (_, c) => cell(r, c)) });
  for (let c = 0; c < columns; c++) equations.push({ whole: columnTotal(c), parts: Array.from({ length: rows }, (_, r) => cell(r, c)) });
  equations.push({ whole: grand, parts: Array.from({ length: rows }, (_, r) => rowTotal(r)) });
  equations.push({ whole: grand, parts: Array.from({ length: columns }, (_, c) => columnTotal(c)) });
  return equations;
}

/** What an intruder can narrow each value down to from the published marks. */
export function intruderIntervals(marks: readonly Mark[], equations: readonly Equation[], k: number, publicMax: number): Interval[] {
  const intervals = marks.map((m) =>
    m.suppressed === "primary" ? { lo: 1, hi: k - 1 } : m.suppressed === "secondary" ? { lo: k, hi: publicMax } : { lo: m.value, hi: m.value },
  );
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
      for (const p of parts) {
        const own = intervals[p]!;
        tighten(p, w.lo - (sumHi - own.hi), w.hi - (sumLo - own.lo));
      }
    }
  }
  return intervals;
}

/** Hides cells from 1 to k-1, then hides more until no hidden value can be worked out from the rest. */
export function protectTable(counts: readonly (readonly number[])[], k: number, publicMax: number): ProtectedTable {
  const rows = counts.length;
  const columns = counts[0]?.length ?? 0;
  const values = [
    ...counts.flat(),
    ...counts.map((row) => row.reduce((a, b) => a + b, 0)),
    ...Array.from({ length: columns }, (_, c) => counts.reduce((s, row) => s + row[c]!, 0)),
    counts.flat().reduce((a, b) => a + b, 0),
  ];
  const marks: Mark[] = values.map((value) => (value > 0 && value < k ? { value, suppressed: "primary" } : { value }));
  const equations = tableEquations(rows, columns);
  const cellCount = rows * columns;
  for (;;) {
    const intervals = intruderIntervals(marks, equations, k, publicMax);
    const pinned = marks.findIndex((m, i) => m.suppressed && intervals[i]!.lo === intervals[i]!.hi);
    if (pinned < 0) break;
    const related = equations.filter((e) => e.whole === pinned || e.parts.includes(pinned)).flatMap((e) => [e.whole, ...e.parts]);
    const pool = related.some((i) => !marks[i]!.suppressed && marks[i]!.value > 0) ? related : marks.map((_, i) => i);
    // Only non-empty values can be hidden as "x" (which says k or more); hiding a 0 protects nothing.
    const candidates = [...new Set(pool)].filter((i) => !marks[i]!.suppressed && marks[i]!.value > 0);
    if (candidates.length === 0) break; // everything is hidden: nothing is left to recover from
    // Interior cells before totals, smallest first: hide as little information as possible.
    candidates.sort((a, b) => Number(a >= cellCount) - Number(b >= cellCount) || marks[a]!.value - marks[b]!.value || a - b);
    marks[candidates[0]!]!.suppressed = "secondary";
  }
  return {
    cells: counts.map((row, r) => row.map((_, c) => marks[r * columns + c]!)),
    rowTotals: counts.map((_, r) => marks[cellCount + r]!),
    columnTotals: Array.from({ length: columns }, (_, c) => marks[cellCount + rows + c]!),
    grandTotal: marks[cellCount + rows + columns]!,
  };
}
