/**
 * Keyed pseudonyms: HMAC-SHA256 under PSEUDONYM_SECRET, with a purpose prefix so the same
 * Telegram id gives unrelated values for different uses. Without the secret nobody can go from
 * a stored key back to a person, nor test a guessed id against it.
 */
import { createHmac } from "node:crypto";

export type PseudonymPurpose = "chat" | "respondent" | "worker" | "analyst";

export class Pseudonyms {
  readonly #secret: string;

  constructor(secret: string) {
    if (secret.length < 32) throw new Error("PSEUDONYM_SECRET must be at least 32 characters of random text");
    this.#secret = secret;
  }

  /** A 128-bit base64url pseudonym of an id for one purpose. */
  of(purpose: PseudonymPurpose, id: number | string): string {
    return createHmac("sha256", this.#secret).update(`${purpose}:${id}`).digest("base64url").slice(0, 22);
  }

  /** The Redis key part of a private chat. */
  chat(chatId: number): string {
    return this.of("chat", chatId);
  }

  /** What a completed record is filed under: lets /delete find it, never leaves Redis. */
  respondent(userId: number): string {
    return this.of("respondent", userId);
  }
}
