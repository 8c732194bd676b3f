import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Decrypter, generateIdentity, identityToRecipient } from "age-encryption";
import { describe, expect, it } from "vitest";
import { parseAgeRecipients, sealFileForRecipients } from "../../src/export/age-seal.ts";

describe("exports encrypted to an analyst's age key", () => {
  it("decrypt with the matching identity and not with another", async () => {
    const analyst = await generateIdentity();
    const stranger = await generateIdentity();
    const recipients = parseAgeRecipients(await identityToRecipient(analyst));
    const file = join(mkdtempSync(join(tmpdir(), "age-")), "export.zip");
    const original = Buffer.from("PK\u0003\u0004 a zip with answers in it");
    writeFileSync(file, original);

    await sealFileForRecipients(file, recipients);
    const sealed = readFileSync(file);
    expect(sealed.includes(Buffer.from("answers"))).toBe(false);

    const right = new Decrypter();
    right.addIdentity(analyst);
    expect(Buffer.from(await right.decrypt(sealed))).toEqual(original);

    const wrong = new Decrypter();
    wrong.addIdentity(stranger);
    await expect(wrong.decrypt(sealed)).rejects.toThrow();
  });

  it("rejects something that is not an age public key, saying what to give", () => {
    expect(() => parseAgeRecipients("ssh-ed25519 AAAA")).toThrow(/not an age public key/);
  });
});
