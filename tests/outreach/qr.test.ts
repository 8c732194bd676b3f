import jsQRModule from "jsqr";
import { PNG } from "pngjs";
import { describe, expect, it } from "vitest";
import { signInvite, workerCode } from "../../src/bot/outreach/invite-payload.ts";
import { inviteLink, inviteQrPng } from "../../src/bot/outreach/qr.ts";

// jsqr is CommonJS with a `default` property; under nodenext typing the function is that property.
const jsQR = jsQRModule.default;
const SECRET = "test-secret-for-invites-0123456789abcdef";

describe("invite links", () => {
  it("builds a t.me deep link, with or without the @ of the username", () => {
    expect(inviteLink("MigrantSurveyBot", "1abc")).toBe("https://t.me/MigrantSurveyBot?start=1abc");
    expect(inviteLink("@MigrantSurveyBot", "1abc")).toBe("https://t.me/MigrantSurveyBot?start=1abc");
  });

  it("refuses a username or payload Telegram would not accept", () => {
    expect(() => inviteLink("bad name", "1abc")).toThrow(/bot username/);
    expect(() => inviteLink("MigrantSurveyBot", "a".repeat(65))).toThrow(/1–64 characters/);
    expect(() => inviteLink("MigrantSurveyBot", "has space")).toThrow(/1–64 characters/);
    expect(() => inviteLink("MigrantSurveyBot", "")).toThrow(/1–64 characters/);
  });
});

describe("invite QR codes", () => {
  it("is a printable PNG that a QR reader decodes to the exact link", async () => {
    const payload = signInvite({ workerCode: workerCode(1, SECRET), city: "shymkent", district: "shy_al_farabi", label: "z".repeat(16) }, SECRET);
    const link = inviteLink("MigrantSurveyBot", payload);
    const png = PNG.sync.read(await inviteQrPng(link));
    expect(png.width).toBeGreaterThanOrEqual(600);
    expect(png.height).toBe(png.width);
    const decoded = jsQR(new Uint8ClampedArray(png.data.buffer, png.data.byteOffset, png.data.byteLength), png.width, png.height);
    expect(decoded?.data).toBe(link);
  });
});
