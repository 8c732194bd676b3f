/**
 * The dashboard's disclosure rules and breakdowns, as data. The threshold is the export's own
 * k, so a figure on screen and a table in an export hide the same cells.
 */
import { STUDY_POLICY } from "../studies/export-policy.ts";

export interface DashboardPolicy {
  /** Counts from 1 to k-1 show as "<k"; then more cells are hidden until none can be worked out. */
  k: number;
  /** The question every figure is broken down by (the report's main cut). */
  sexQuestion: string;
  /** Plain words for the named conditions of the definition, for "Asked of …" under a chart. */
  setWords: Readonly<Record<string, string>>;
}

export const DASHBOARD_POLICY: DashboardPolicy = {
  k: STUDY_POLICY.k,
  sexQuestion: "b_sex",
  setWords: { WORKING: "those working now", REMITTER: "those who remit" },
};
