/** Deterministic pseudo-random numbers (mulberry32), so a failing case or a benchmark can be replayed: the demo sample's generator. */
import { seeded } from "../../dev/preview/demo-sample.ts";

export { seeded };

/** The same generator on a scrambled seed, so neighbouring seeds play unrelated paths (the differential tests). */
export const random = (seed: number): (() => number) => seeded(Math.imul(seed ^ 0x9e3779b9, 0x85ebca6b));

/** One of `items`, drawn with `rand`. */
export const pick = <T>(rand: () => number, items: readonly T[]): T => items[Math.floor(rand() * items.length)]!;
