import { createHmac } from "node:crypto";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { campaignCode, normalizeCampaignCode, normalizeLabel, signInvite, sourceCode, verifyInvite, workerCode, type Invite } from "../../src/bot/outreach/invite-payload.ts";
import { CITIES, DISTRICTS_BY_CITY, LOCATIONS, type City } from "../../src/bot/outreach/locations.ts";

const SECRET = "test-secret-for-invites-0123456789abcdef";
const OTHER_SECRET = "another-secret-for-invites-0123456789abc";
const TELEGRAM_ID = 5_550_123_456;
const PAYLOAD_ALPHABET = /^[A-Za-z0-9_-]+$/;

const worker = workerCode(TELEGRAM_ID, SECRET);

const LONGEST_DISTRICT = Object.values(DISTRICTS_BY_CITY)
  .flat()
  .reduce((a, b) => (b.length > a.length ? b : a));
const LONGEST_DISTRICT_CITY = CITIES.find((c) => (DISTRICTS_BY_CITY[c] as readonly string[]).includes(LONGEST_DISTRICT))!;

const labelArb = fc.string({ unit: fc.constantFrom(..."abcdefghijklmnopqrstuvwxyz0123456789-"), minLength: 1, maxLength: 16 });
const workerArb = fc.string({ unit: fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"), minLength: 6, maxLength: 6 });
const inviteArb: fc.Arbitrary<Invite> = fc
  .record({ workerCode: workerArb, location: fc.constantFrom(...LOCATIONS), label: labelArb })
  .map(({ workerCode, location, label }) => ({ workerCode, city: location.city, label, ...(location.district ? { district: location.district } : {}) }));

/** Signs a raw body the way version 1 does, to build payloads that are signed but malformed. */
function signRawBody(body: string, secret = SECRET): string {
  return body + createHmac("sha256", secret).update(`outreach-invite-signature:${body}`).digest("base64url").slice(0, 16);
}

describe("signed invite payloads", () => {
  it("round-trips a city-wide invite and a district invite", () => {
    const cityWide: Invite = { workerCode: worker, city: "astana", label: "market-1" };
    const district: Invite = { workerCode: worker, city: "shymkent", district: "shy_al_farabi", label: "dorm7" };
    expect(verifyInvite(signInvite(cityWide, SECRET), SECRET)).toEqual(cityWide);
    expect(verifyInvite(signInvite(district, SECRET), SECRET)).toEqual(district);
  });

  it("round-trips any city, district and label", () => {
    fc.assert(fc.property(inviteArb, (invite) => {
      expect(verifyInvite(signInvite(invite, SECRET), SECRET)).toEqual(invite);
    }));
  });

  it("fits Telegram's 64 characters of A-Z a-z 0-9 _ - for the longest district and a 16-character label", () => {
    const payload = signInvite({ workerCode: worker, city: LONGEST_DISTRICT_CITY, district: LONGEST_DISTRICT as never, label: "z".repeat(16) }, SECRET);
    expect(payload.length).toBeLessThanOrEqual(64);
    expect(payload).toMatch(PAYLOAD_ALPHABET);
    fc.assert(
      fc.property(inviteArb, (invite) => {
        const p = signInvite(invite, SECRET);
        expect(p.length).toBeLessThanOrEqual(64);
        expect(p).toMatch(PAYLOAD_ALPHABET);
      }),
    );
  });

  it("carries the worker's pseudonym, not their Telegram id", () => {
    const payload = signInvite({ workerCode: worker, city: "almaty", label: "bazaar" }, SECRET);
    expect(payload).not.toContain(String(TELEGRAM_ID));
    expect(payload).not.toContain(TELEGRAM_ID.toString(16));
    expect(payload).not.toContain(TELEGRAM_ID.toString(36));
  });

  it("rejects any single changed character, whether from the payload alphabet or not", () => {
    const replacement = fc.oneof(fc.constantFrom(..."ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-"), fc.string({ unit: "binary", minLength: 1, maxLength: 1 }));
    fc.assert(
      fc.property(inviteArb, fc.nat(), replacement, (invite, at, char) => {
        const payload = signInvite(invite, SECRET);
        const i = at % payload.length;
        fc.pre(payload[i] !== char);
        const altered = payload.slice(0, i) + char + payload.slice(i + 1);
        expect(verifyInvite(altered, SECRET)).toBeUndefined();
      }),
      { numRuns: 2000 },
    );
  });

  it("rejects a payload with a character removed or added", () => {
    fc.assert(
      fc.property(inviteArb, fc.nat(), fc.constantFrom(..."aZ9_-"), (invite, at, char) => {
        const payload = signInvite(invite, SECRET);
        const i = at % payload.length;
        expect(verifyInvite(payload.slice(0, i) + payload.slice(i + 1), SECRET)).toBeUndefined();
        expect(verifyInvite(payload.slice(0, i) + char + payload.slice(i), SECRET)).toBeUndefined();
      }),
    );
  });

  it("rejects a payload signed with another secret", () => {
    fc.assert(fc.property(inviteArb, (invite) => {
      expect(verifyInvite(signInvite(invite, OTHER_SECRET), SECRET)).toBeUndefined();
    }));
  });

  it("returns undefined without throwing for junk, empty and over-long input", () => {
    const valid = signInvite({ workerCode: worker, city: "almaty", district: "alm_bostandyk", label: "z".repeat(16) }, SECRET);
    const junk: unknown[] = ["", "1", "hello", "A".repeat(64), "A".repeat(65), valid + "A", valid.padEnd(65, "A"), "x".repeat(1_000_000), "1".padEnd(40, "\u{1F600}"), null, undefined, 42, {}, [valid]];
    for (const input of junk) expect(verifyInvite(input, SECRET)).toBeUndefined();
    fc.assert(fc.property(fc.anything(), (input) => {
      expect(verifyInvite(input, SECRET)).toBeUndefined();
    }));
    fc.assert(fc.property(fc.string({ unit: "binary", maxLength: 80 }), (input) => {
      expect(verifyInvite(input, SECRET)).toBeUndefined();
    }));
  });

  it("rejects payloads that carry a valid tag but a wrong version, location or label", () => {
    const sane = signRawBody(`1${worker}Amarket`);
    expect(verifyInvite(sane, SECRET)).toEqual({ workerCode: worker, city: "almaty", label: "market" });
    expect(verifyInvite(signRawBody(`2${worker}Amarket`), SECRET)).toBeUndefined();
    expect(verifyInvite(signRawBody(`1${worker}_market`), SECRET)).toBeUndefined(); // location 63 does not exist
    expect(verifyInvite(signRawBody(`1${worker}AMarket`), SECRET)).toBeUndefined(); // labels are lower case
    expect(verifyInvite(signRawBody(`1${worker}A${"a".repeat(17)}`), SECRET)).toBeUndefined();
  });

  it("refuses to sign a malformed invite, saying what is wrong", () => {
    expect(() => signInvite({ workerCode: worker, city: "almaty", district: "ast_esil" as never, label: "x" }, SECRET)).toThrow(/not a district of almaty/);
    expect(() => signInvite({ workerCode: worker, city: "almaty", label: "Market" }, SECRET)).toThrow(/label "Market"/);
    expect(() => signInvite({ workerCode: worker, city: "almaty", label: "a".repeat(17) }, SECRET)).toThrow(/1–16 characters/);
    expect(() => signInvite({ workerCode: worker, city: "almaty", label: "" }, SECRET)).toThrow(/label/);
    expect(() => signInvite({ workerCode: "short", city: "almaty", label: "x" }, SECRET)).toThrow(/worker code/);
    expect(() => signInvite({ workerCode: worker, city: "paris" as City, label: "x" }, SECRET)).toThrow(/city "paris"/);
    expect(() => signInvite({ workerCode: worker, city: "almaty", label: "x" }, "too-short")).toThrow(/at least 32 characters/);
  });
});

describe("worker codes", () => {
  it("are 6 payload characters that depend on the id and the secret", () => {
    expect(worker).toMatch(/^[A-Za-z0-9_-]{6}$/);
    expect(workerCode(TELEGRAM_ID, SECRET)).toBe(worker);
    expect(workerCode(TELEGRAM_ID + 1, SECRET)).not.toBe(worker);
    expect(workerCode(TELEGRAM_ID, OTHER_SECRET)).not.toBe(worker);
  });
});

describe("labels, source codes and campaign codes", () => {
  it("normalizes what a worker types into a label, or refuses it", () => {
    expect(normalizeLabel("  Market 1 ")).toBe("market-1");
    expect(normalizeLabel("Dorm_7")).toBe("dorm-7");
    expect(normalizeLabel("рынок")).toBeUndefined();
    expect(normalizeLabel("a".repeat(17))).toBeUndefined();
    expect(normalizeLabel("   ")).toBeUndefined();
  });

  it("gives a source code with every part, at most 64 characters, that differs when any part differs", () => {
    const invite: Invite = { workerCode: worker, city: "astana", district: "ast_saryarka", label: "market-1" };
    expect(sourceCode(invite)).toBe(`${worker}.astana.ast_saryarka.market-1`);
    expect(sourceCode({ ...invite, district: undefined })).toBe(`${worker}.astana.-.market-1`);
    fc.assert(
      fc.property(inviteArb, inviteArb, (a, b) => {
        expect(sourceCode(a).length).toBeLessThanOrEqual(64);
        const same = a.workerCode === b.workerCode && a.city === b.city && a.district === b.district && a.label === b.label;
        expect(sourceCode(a) === sourceCode(b)).toBe(same);
      }),
    );
  });

  it("gives a campaign code a person can type back in any case, with spaces or look-alike Cyrillic letters", () => {
    const invite: Invite = { workerCode: worker, city: "astana", label: "market-1" };
    const code = campaignCode(invite);
    expect(code).toMatch(/^AST-MARKET-1-\d{3}$/);
    expect(normalizeCampaignCode(code.toLowerCase())).toBe(code);
    expect(normalizeCampaignCode(` ${code.replaceAll("-", " ")} `)).toBe(code);
    expect(normalizeCampaignCode(code.replace("A", "А").replace("M", "М"))).toBe(code); // Cyrillic А and М
    expect(normalizeCampaignCode("hello")).toBeUndefined();
    fc.assert(
      fc.property(inviteArb, (i) => {
        const c = campaignCode(i);
        expect(c.length).toBeLessThanOrEqual(24);
        expect(normalizeCampaignCode(c)).toBe(c);
      }),
    );
  });

  it("gives the same label from two workers different campaign codes (unless the 3 digits collide)", () => {
    const codes = new Set(Array.from({ length: 20 }, (_, i) => campaignCode({ workerCode: workerCode(i, SECRET), city: "almaty", label: "market" })));
    expect(codes.size).toBeGreaterThan(15);
  });
});
