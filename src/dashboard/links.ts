/**
 * Signed, short-lived, one-time links to the dashboard, and the browser sessions they open.
 *
 * `/dashboard` in Telegram gives an analyst a link carrying a token: a random nonce, an expiry
 * and an HMAC over both. Opening it checks the signature and the expiry, then consumes the
 * nonce in Redis (GETDEL), so a link works once: whoever opens it first gets an HttpOnly
 * session cookie, and the same link opened again, from any browser, is refused. No password,
 * no analyst identity is stored: a session is a random id known only as its hash.
 */
import { createHash, createHmac, randomBytes, timingSafeEqual } from "node:crypto";
import type { Redis } from "ioredis";

export type Redeemed = { ok: true; session: string } | { ok: false; reason: "malformed" | "forged" | "expired" | "used" };

export interface DashboardLinksOptions {
  redis: Redis;
  /** Signs links; derived from the deployment's secret, never sent anywhere. */
  secret: string;
  prefix?: string;
  linkTtlSeconds: number;
  sessionTtlSeconds: number;
  now?: () => number;
}

const TOKEN = /^([A-Za-z0-9_-]{22})\.(\d{10,13})\.([A-Za-z0-9_-]{43})$/;

const hashOf = (text: string) => createHash("sha256").update(text).digest("base64url");

export class DashboardLinks {
  readonly #redis: Redis;
  readonly #key: Buffer;
  readonly #prefix: string;
  readonly linkTtlSeconds: number;
  readonly sessionTtlSeconds: number;
  readonly #now: () => number;

  constructor(options: DashboardLinksOptions) {
    this.#redis = options.redis;
    // A key of its own, so a dashboard signature can never pass for a pseudonym or an invite.
    this.#key = createHmac("sha256", options.secret).update("dashboard-link-v1").digest();
    this.#prefix = options.prefix ?? "survey:";
    this.linkTtlSeconds = options.linkTtlSeconds;
    this.sessionTtlSeconds = options.sessionTtlSeconds;
    this.#now = options.now ?? Date.now;
  }

  #sign(nonce: string, expires: string): string {
    return createHmac("sha256", this.#key).update(`${nonce}.${expires}`).digest("base64url");
  }

  /** A fresh one-time token, valid for linkTtlSeconds. */
  async issue(): Promise<string> {
    const nonce = randomBytes(16).toString("base64url");
    const expires = String(Math.floor(this.#now() / 1000) + this.linkTtlSeconds);
    await this.#redis.set(`${this.#prefix}dash-link:${nonce}`, "1", "EX", this.linkTtlSeconds);
    return `${nonce}.${expires}.${this.#sign(nonce, expires)}`;
  }

  /** Checks and consumes a token; on success opens a session and returns its id (for the cookie). */
  async redeem(token: string): Promise<Redeemed> {
    const match = TOKEN.exec(token);
    if (!match) return { ok: false, reason: "malformed" };
    const [, nonce, expires, signature] = match as unknown as [string, string, string, string];
    const expected = Buffer.from(this.#sign(nonce, expires));
    const given = Buffer.from(signature);
    if (expected.length !== given.length || !timingSafeEqual(expected, given)) return { ok: false, reason: "forged" };
    if (Number(expires) * 1000 <= this.#now()) return { ok: false, reason: "expired" };
    // GETDEL is atomic: of two browsers opening the same link at once, exactly one gets in.
    const fresh = await this.#redis.getdel(`${this.#prefix}dash-link:${nonce}`);
    if (fresh === null) return { ok: false, reason: "used" };
    const session = randomBytes(32).toString("base64url");
    await this.#redis.set(`${this.#prefix}dash-session:${hashOf(session)}`, "1", "EX", this.sessionTtlSeconds);
    return { ok: true, session };
  }

  async valid(session: string | undefined): Promise<boolean> {
    if (!session || !/^[A-Za-z0-9_-]{43}$/.test(session)) return false;
    return (await this.#redis.exists(`${this.#prefix}dash-session:${hashOf(session)}`)) === 1;
  }
}
