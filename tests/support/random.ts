/** Deterministic pseudo-random numbers (mulberry32), so a failing case or a benchmark can be replayed: the demo sample's generator. */
export { seeded } from "../../dev/preview/demo-sample.ts";
