/**
 * Side-by-side timing helpers. Benchmarks here compare two things in the same run, alternating
 * rounds so that machine noise (another process, CPU frequency) hits both alike, and report the
 * median of the per-round ratios.
 */
import { performance } from "node:perf_hooks";

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const mid = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[mid]! : (sorted[mid - 1]! + sorted[mid]!) / 2;
}

/** Time of `iterations` calls of a synchronous function, in milliseconds. */
export function timeSync(iterations: number, fn: () => void): number {
  const start = performance.now();
  for (let i = 0; i < iterations; i++) fn();
  return performance.now() - start;
}

export async function timeAsync(fn: () => Promise<void>): Promise<number> {
  const start = performance.now();
  await fn();
  return performance.now() - start;
}

export interface Comparison {
  a: number;
  b: number;
  /** Median over rounds of a/b. */
  ratio: number;
}

/** Runs a and b alternately for `rounds` rounds (order flipped each round) and compares medians. */
export async function compare(rounds: number, a: () => Promise<number> | number, b: () => Promise<number> | number): Promise<Comparison> {
  const as: number[] = [];
  const bs: number[] = [];
  const ratios: number[] = [];
  for (let round = 0; round < rounds; round++) {
    let ta: number;
    let tb: number;
    if (round % 2 === 0) {
      ta = await a();
      tb = await b();
    } else {
      tb = await b();
      ta = await a();
    }
    as.push(ta);
    bs.push(tb);
    ratios.push(ta / tb);
  }
  return { a: median(as), b: median(bs), ratio: median(ratios) };
}

export function line(label: string, value: string): void {
  process.stdout.write(`${label.padEnd(58)} ${value}\n`);
}
