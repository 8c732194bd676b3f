/**
 * Version-2 invite payloads name their study; version-1 payloads, already printed on QR codes,
 * keep opening the native study.
 */
import { createHmac } from "node:crypto";
import { beforeAll, describe, expect, it } from "vitest";
import { signInvite, verifyInvite, workerCode, type Invite } from "../../src/bot/outreach/invite-payload.ts";
import { studyOfInvite } from "../../src/bot/features/invite-source.ts";
import { catalogOf } from "../../src/studies/catalog.ts";
import { studyRef } from "../../src/studies/study-ref.ts";
import type { Study, StudyCatalog } from "../../src/studies/study.ts";
import { shippedStudies } from "../support/studies.ts";

const SECRET = "test-secret-for-invites-0123456789abcdef";
const worker = workerCode(5_550_123_456, SECRET);
const FORM_IDS = ["labour_migrants_kz", "household_survey_2026_with_a_long_name"];

let studies: StudyCatalog;
beforeAll(async () => {
  const native = (await shippedStudies()).default;
  const form = { ...native, kind: "form", key: "household_survey_2026_with_a_long_name@7", formId: "household_survey_2026_with_a_long_name", version: "7" } as Study;
  studies = catalogOf([native, form]);
}, 60_000);

describe("invite payloads that name their study (version 2)", () => {
  it("round-trip the study, within Telegram's 64 characters of A-Z a-z 0-9 _ -", () => {
    for (const study of FORM_IDS) {
      const invite: Invite = { workerCode: worker, city: "astana", district: "ast_esil", label: "z".repeat(16), study };
      const payload = signInvite(invite, SECRET);
      expect(payload.startsWith("2")).toBe(true);
      expect(payload.length).toBeLessThanOrEqual(64);
      expect(payload).toMatch(/^[A-Za-z0-9_-]+$/);
      expect(verifyInvite(payload, SECRET, FORM_IDS)).toEqual(invite);
    }
  });

  it("open the study they name, the newest version of its form", () => {
    const invite = verifyInvite(signInvite({ workerCode: worker, city: "almaty", label: "market", study: FORM_IDS[1] }, SECRET), SECRET, FORM_IDS)!;
    expect(studyOfInvite(studies, invite)?.key).toBe("household_survey_2026_with_a_long_name@7");
  });

  it("are refused when forged, altered, re-pointed to another study, or naming a study not run here", () => {
    const payload = signInvite({ workerCode: worker, city: "almaty", label: "market", study: FORM_IDS[0] }, SECRET);
    expect(verifyInvite(payload, "another-secret-for-invites-0123456789abc", FORM_IDS)).toBeUndefined();
    // The study ref swapped for another study's, keeping the tag: the signature no longer holds.
    const ref = payload.slice(8, 16);
    expect(ref).toBe(studyRef(FORM_IDS[0]!));
    const repointed = payload.slice(0, 8) + studyRef(FORM_IDS[1]!) + payload.slice(16);
    expect(verifyInvite(repointed, SECRET, FORM_IDS)).toBeUndefined();
    // Any single character changed.
    for (let i = 0; i < payload.length; i++) {
      const changed = payload.slice(0, i) + (payload[i] === "A" ? "B" : "A") + payload.slice(i + 1);
      expect(verifyInvite(changed, SECRET, FORM_IDS), `character ${i}`).toBeUndefined();
    }
    // Signed by us, but for a study this deployment does not run.
    expect(verifyInvite(payload, SECRET, [FORM_IDS[1]!])).toBeUndefined();
    // A forged version 2 with a valid-looking body but a made-up tag.
    expect(verifyInvite(`2${worker}A${studyRef(FORM_IDS[0]!)}market${"A".repeat(16)}`, SECRET, FORM_IDS)).toBeUndefined();
  });
});

describe("version-1 payloads printed before studies were data", () => {
  it("still verify, name no study, and open the native study", () => {
    // Built byte for byte as version 1 signed them.
    const body = `1${worker}Amarket-1`;
    const payload = body + createHmac("sha256", SECRET).update(`outreach-invite-signature:${body}`).digest("base64url").slice(0, 16);
    const invite = verifyInvite(payload, SECRET, FORM_IDS)!;
    expect(invite).toEqual({ workerCode: worker, city: "almaty", label: "market-1" });
    expect(invite.study).toBeUndefined();
    expect(studyOfInvite(studies, invite)?.key).toBe("labour_migrants_kz@1");
    // An invite without a study is still written as version 1 (what the old links are).
    expect(signInvite({ workerCode: worker, city: "almaty", label: "market-1" }, SECRET).startsWith("1")).toBe(true);
  });
});
