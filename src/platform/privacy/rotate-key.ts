/**
 * Key rotation: re-seals every session and completed record with the newest data key, so the
 * old key can then be retired. Run it after putting the new key first in DATA_KEY (old keys
 * after it): `DATA_KEY=k2:<new>,k1:<old> npm run rotate-key`.
 */
import type { Redis } from "ioredis";
import { RecordStore } from "../../records/record-store.ts";
import { storedStudies } from "../../records/keys.ts";
import { AesGcmCodec } from "./data-codec.ts";

/** Replaces a value only if nobody changed it meanwhile (a bot may be writing the same session). */
const COMPARE_AND_SET = `
if redis.call("GET", KEYS[1]) ~= ARGV[1] then return 0 end
redis.call("SET", KEYS[1], ARGV[2], "KEEPTTL")
return 1`;

export interface RotationReport {
  sessions: number;
  records: number;
  /** Values that could not be opened with any configured key (left untouched). */
  unreadable: number;
}

export async function rotateDataKey(redis: Redis, prefix: string, codec: AesGcmCodec): Promise<RotationReport> {
  let sessions = 0;
  let unreadable = 0;
  let cursor = "0";
  do {
    const [next, keys] = await redis.scan(cursor, "MATCH", `${prefix}session:*`, "COUNT", 200);
    cursor = next;
    for (const key of keys) {
      const sealed = await redis.get(key);
      if (sealed === null || AesGcmCodec.keyIdOf(sealed) === codec.currentKeyId) continue;
      try {
        const resealed = codec.seal(codec.open(sealed));
        sessions += Number(await redis.eval(COMPARE_AND_SET, 1, key, sealed, resealed));
      } catch {
        unreadable++;
      }
    }
  } while (cursor !== "0");
  // The IOM study's records, then every other study's (each has its own stream, see records/keys.ts).
  let records = await new RecordStore({ redis, prefix, codec }).reseal({ onUnreadable: () => unreadable++ });
  for (const study of await storedStudies(redis, prefix)) {
    records += await new RecordStore({ redis, prefix, codec, study }).reseal({ onUnreadable: () => unreadable++ });
  }
  return { sessions, records, unreadable };
}
