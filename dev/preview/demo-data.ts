/**
 * The preview's "load demo data": 2,000 synthetic interviews drawn from the study report's
 * published figures (demo-sample.ts), so an analyst trying the preview gets a real-sized,
 * non-empty export without anyone taking the survey 2,000 times.
 *
 * Demo rows never mix with real ones: the loader refuses a store that holds any interview not
 * marked as demo, and every demo record carries DEMO_SOURCE, which the export counts and names in
 * its README. Only the preview (no BOT_TOKEN) offers this.
 */
import { DEMO_SOURCE } from "../../src/records/record.ts";
import type { RecordStore } from "../../src/records/record-store.ts";
import type { Questionnaire } from "../../src/flows/schema.ts";
import { fieldSample } from "./demo-sample.ts";

export const DEMO_INTERVIEWS = 2000;
/** One fixed draw: loading twice adds nothing (the same pseudonyms are already there). */
const DEMO_SEED = 2022;

export class RealDataPresent extends Error {
  constructor() {
    super("this Redis already holds real interviews; demo data is only loaded into a store that has none");
    this.name = "RealDataPresent";
  }
}

export interface DemoLoadResult {
  added: number;
  /** Demo interviews in the store afterwards. */
  total: number;
}

export async function loadDemoData(store: RecordStore, definition: Questionnaire, count = DEMO_INTERVIEWS): Promise<DemoLoadResult> {
  let demo = 0;
  for await (const record of store.scan()) {
    if (record.source !== DEMO_SOURCE) throw new RealDataPresent();
    demo++;
  }
  let added = 0;
  for (const record of fieldSample(definition, { count, seed: DEMO_SEED })) {
    if (await store.has(record.pseudonym)) continue;
    if (await store.append(record)) added++;
  }
  return { added, total: demo + added };
}
