/**
 * The Redis key names of completed records, per study, built here and nowhere else.
 *
 * The IOM study's records were kept before studies were data, under `records` and
 * `record-index`; its study keeps those names, so a deployment's existing records are still
 * found. Every other study has its own stream and index, named after its key (form_id@version).
 */
import type { Redis } from "ioredis";
import type { StudyKey } from "../studies/study.ts";

/** The study whose records predate per-study keys: the IOM instrument, version 1. */
export const LEGACY_STUDY = { formId: "labour_migrants_kz", version: "1" } as const;
export const LEGACY_STUDY_KEY: StudyKey = `${LEGACY_STUDY.formId}@${LEGACY_STUDY.version}`;

export interface RecordKeys {
  stream: string;
  index: string;
}

export function recordKeys(prefix: string, study: StudyKey = LEGACY_STUDY_KEY): RecordKeys {
  if (study === LEGACY_STUDY_KEY) return { stream: `${prefix}records`, index: `${prefix}record-index` };
  return { stream: `${prefix}records:${study}`, index: `${prefix}record-index:${study}` };
}

/** The studies whose records are stored under `prefix`, read from the stream names (key rotation). */
export async function storedStudies(redis: Redis, prefix: string): Promise<StudyKey[]> {
  const found = new Set<StudyKey>();
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}records:*`, "COUNT", 200);
    cursor = next;
    for (const key of keys) found.add(key.slice(`${prefix}records:`.length));
  } while (cursor !== "0");
  return [...found].sort();
}

/** A record's study: its formId/formVersion, or the IOM study for records written before them. */
export function recordStudyOf(record: { formId?: string | undefined; formVersion?: string | undefined }): { formId: string; formVersion: string } {
  return { formId: record.formId ?? LEGACY_STUDY.formId, formVersion: record.formVersion ?? LEGACY_STUDY.version };
}
