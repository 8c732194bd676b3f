/** What the bot keeps about a respondent, read back from the test Redis as an analyst or auditor would. */
import { SessionStore } from "../../src/bot/session/session-store.ts";
import type { Session } from "../../src/bot/session/session.ts";
import { AesGcmCodec, parseDataKeys } from "../../src/platform/privacy/data-codec.ts";
import { Pseudonyms } from "../../src/platform/privacy/pseudonym.ts";
import { RecordStore } from "../../src/records/record-store.ts";
import type { CompletedRecord } from "../../src/records/record.ts";
import { TEST_DATA_KEY, TEST_SECRET, type Harness } from "./harness.ts";

const PREFIX = "survey:";
const codec = () => new AesGcmCodec(parseDataKeys(TEST_DATA_KEY));
export const pseudonyms = new Pseudonyms(TEST_SECRET);

/** The session under the chat's pseudonym, or undefined when none is kept. */
export async function sessionOf(harness: Harness, userId: number): Promise<Session | undefined> {
  const store = new SessionStore({ redis: harness.redis.client(), prefix: PREFIX, ttlSeconds: 60, codec: codec() });
  const loaded = await store.load(pseudonyms.chat(userId));
  if (loaded.kind === "unreadable") throw new Error(`the session of user ${userId} cannot be read: ${loaded.reason}`);
  return loaded.kind === "found" ? loaded.session : undefined;
}

/** The completed record of this respondent, if one was stored. */
export async function recordOf(harness: Harness, userId: number): Promise<CompletedRecord | undefined> {
  const store = new RecordStore({ redis: harness.redis.client(), prefix: PREFIX, codec: codec() });
  const pseudonym = pseudonyms.respondent(userId);
  for await (const record of store.scan()) if (record.pseudonym === pseudonym) return record;
  return undefined;
}

/** Redis keys that name this person under either pseudonym. */
export async function keysAbout(harness: Harness, userId: number): Promise<string[]> {
  const keys = await harness.redis.client().keys("*");
  return keys.filter((key) => key.includes(pseudonyms.chat(userId)) || key.includes(pseudonyms.respondent(userId)));
}

/** The one key kept before consent: the chat's message ids, for "clear this chat". */
export const messageIdsKey = (userId: number) => `${PREFIX}messages:${pseudonyms.chat(userId)}`;

/**
 * Checks that a message-ids key holds message ids and their times only (numbers, no text) and
 * expires within Telegram's 48 hours; throws otherwise. Returns the key, for filtering.
 */
export async function harmlessMessageIds(harness: Harness, userId: number): Promise<string> {
  const redis = harness.redis.client();
  const key = messageIdsKey(userId);
  const entries = await redis.zrange(key, "0", "-1", "WITHSCORES");
  for (const value of entries) if (!/^\d+$/.test(value)) throw new Error(`${key} holds "${value}", not a message id or time`);
  const ttl = await redis.ttl(key);
  if (entries.length > 0 && (ttl <= 0 || ttl > 48 * 3600)) throw new Error(`${key} expires in ${ttl} s, not within 48 hours`);
  return key;
}

/** The anonymous "I need help now" counter. */
export async function urgentHelpCount(harness: Harness): Promise<number> {
  return Number((await harness.redis.client().get(`${PREFIX}counter:urgent_help`)) ?? 0);
}
