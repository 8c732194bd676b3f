/**
 * Encryption at rest: AES-256-GCM with keys that never live in Redis.
 *
 * Keys come from DATA_KEY or DATA_KEY_FILE as `id:base64key` entries separated by commas or
 * new lines; the first is used to seal, all are tried by id to open. Each sealed value names
 * its key id, so a new key can be added first and old data re-sealed later (npm run rotate-key).
 * The JSON is deflated before encryption: sessions stay well under 4 KB at the last question.
 */
import { createCipheriv, createDecipheriv, createHash, createSecretKey, randomBytes, type KeyObject } from "node:crypto";
import { deflateRawSync, inflateRawSync } from "node:zlib";
import { readFileSync } from "node:fs";
import type { Config } from "../config.ts";
import type { Codec } from "./codec.ts";

const PREFIX = "v1";
const KEY_ID = /^[A-Za-z0-9_-]{1,16}$/;

export interface DataKey {
  id: string;
  key: Buffer;
}

export class DataKeyError extends Error {
  override name = "DataKeyError";
}

/** Parses `id:base64key` entries; the key must decode to exactly 32 bytes. */
export function parseDataKeys(text: string): DataKey[] {
  const entries = text.split(/[\s,]+/).map((s) => s.trim()).filter(Boolean);
  if (entries.length === 0) throw new DataKeyError("DATA_KEY is empty: give id:base64key, e.g. k1:$(openssl rand -base64 32)");
  return entries.map((entry) => {
    const at = entry.indexOf(":");
    const id = entry.slice(0, at);
    const key = Buffer.from(entry.slice(at + 1), "base64");
    if (at < 1 || !KEY_ID.test(id)) throw new DataKeyError(`DATA_KEY entry "${id || entry.slice(0, 8)}…": start it with a key id of A-Z a-z 0-9 _ - and a colon`);
    if (key.length !== 32) throw new DataKeyError(`DATA_KEY ${id}: the key must be 32 bytes in base64 (openssl rand -base64 32), not ${key.length}`);
    return { id, key };
  });
}

export class AesGcmCodec implements Codec {
  // KeyObjects are made once: building one per call is a measurable share of an update's cost.
  readonly #keys: Map<string, KeyObject>;
  readonly #currentId: string;

  constructor(keys: DataKey[]) {
    if (keys.length === 0) throw new DataKeyError("no data key given");
    this.#keys = new Map(keys.map((k) => [k.id, createSecretKey(k.key)]));
    this.#currentId = keys[0]!.id;
  }

  get currentKeyId(): string {
    return this.#currentId;
  }

  seal(plain: string): string {
    const iv = randomBytes(12);
    const cipher = createCipheriv("aes-256-gcm", this.#keys.get(this.#currentId)!, iv);
    const body = Buffer.concat([cipher.update(deflateRawSync(Buffer.from(plain, "utf8"))), cipher.final()]);
    return [PREFIX, this.#currentId, iv.toString("base64url"), cipher.getAuthTag().toString("base64url"), body.toString("base64url")].join(".");
  }

  open(sealed: string): string {
    const parts = sealed.split(".");
    if (parts[0] !== PREFIX || parts.length !== 5) throw new DataKeyError("stored data is not sealed by this codec");
    const [, id, iv, tag, body] = parts as [string, string, string, string, string];
    const key = this.#keys.get(id);
    if (!key) throw new DataKeyError(`stored data is sealed with key "${id}", which is not among DATA_KEY's keys; add it back to read this data`);
    const decipher = createDecipheriv("aes-256-gcm", key, Buffer.from(iv, "base64url"));
    decipher.setAuthTag(Buffer.from(tag, "base64url"));
    return inflateRawSync(Buffer.concat([decipher.update(Buffer.from(body, "base64url")), decipher.final()])).toString("utf8");
  }

  /** The key id a sealed value names, for rotation. */
  static keyIdOf(sealed: string): string | undefined {
    const parts = sealed.split(".");
    return parts[0] === PREFIX && parts.length === 5 ? parts[1] : undefined;
  }
}

/** A fixed key for development and the local preview only; production refuses to start without its own. */
const DEVELOPMENT_KEY: DataKey = { id: "dev", key: createHash("sha256").update("survey-bot development data key").digest() };

export function dataKeysFrom(config: Config): DataKey[] | undefined {
  if (config.DATA_KEY) return parseDataKeys(config.DATA_KEY);
  if (config.DATA_KEY_FILE) return parseDataKeys(readFileSync(config.DATA_KEY_FILE, "utf8"));
  return undefined;
}

export function dataCodec(config: Config): AesGcmCodec {
  const keys = dataKeysFrom(config);
  if (keys) return new AesGcmCodec(keys);
  if (config.NODE_ENV === "production") {
    throw new DataKeyError("DATA_KEY or DATA_KEY_FILE is required in production: answers are encrypted at rest with a key kept outside Redis");
  }
  return new AesGcmCodec([DEVELOPMENT_KEY]);
}
