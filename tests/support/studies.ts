/**
 * The studies the repository ships (forms/), loaded as production loads them, once per test
 * file: tests that wire the bot with createApp hand them in as run-bot does.
 */
import { loadStudies } from "../../src/studies/catalog.ts";
import type { StudyCatalog } from "../../src/studies/study.ts";

let shipped: Promise<StudyCatalog> | undefined;

export function shippedStudies(): Promise<StudyCatalog> {
  shipped ??= loadStudies({ dir: "forms" });
  return shipped;
}
