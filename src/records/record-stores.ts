/**
 * One RecordStore per study, made on first use: each study's completed interviews live in their
 * own stream and index (keys.ts), so a record of one study can never appear in another's export.
 */
import type { Redis } from "ioredis";
import type { StudyKey } from "../studies/study.ts";
import { RecordStore, type RecordCodec } from "./record-store.ts";

export interface RecordStoresOptions {
  redis: Redis;
  prefix?: string;
  codec?: RecordCodec;
  /** The studies a deployment runs: what `all()` covers (a /delete reaches each). */
  studies: readonly StudyKey[];
}

export class RecordStores {
  readonly #options: RecordStoresOptions;
  readonly #stores = new Map<StudyKey, RecordStore>();

  constructor(options: RecordStoresOptions) {
    this.#options = options;
  }

  of(study: StudyKey): RecordStore {
    let store = this.#stores.get(study);
    if (!store) {
      const { redis, prefix, codec } = this.#options;
      store = new RecordStore({ redis, study, ...(prefix !== undefined ? { prefix } : {}), ...(codec ? { codec } : {}) });
      this.#stores.set(study, store);
    }
    return store;
  }

  /** The store of every study the deployment runs. */
  all(): RecordStore[] {
    return this.#options.studies.map((study) => this.of(study));
  }
}
