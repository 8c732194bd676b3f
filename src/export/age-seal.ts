/**
 * Optional encryption of export zips to analysts' age public keys (ANALYST_AGE_RECIPIENTS), so
 * a zip lying in a chat or a downloads folder opens only with a matching age identity. No
 * password ever travels in the same chat.
 */
import { readFile, writeFile } from "node:fs/promises";
import { Encrypter } from "age-encryption";

export const AGE_EXTENSION = ".age";

/** Parses "age1…,age1…" into recipients; throws with a line saying what to write. */
export function parseAgeRecipients(text: string): string[] {
  const recipients = text.split(/[\s,]+/).filter(Boolean);
  for (const recipient of recipients) {
    if (!/^age1[02-9ac-hj-np-z]{58}$/.test(recipient)) {
      throw new Error(`ANALYST_AGE_RECIPIENTS: "${recipient.slice(0, 12)}…" is not an age public key (age1… from age-keygen)`);
    }
  }
  return recipients;
}

/** Encrypts a file in place to every recipient. */
export async function sealFileForRecipients(path: string, recipients: readonly string[]): Promise<void> {
  const encrypter = new Encrypter();
  for (const recipient of recipients) encrypter.addRecipient(recipient);
  await writeFile(path, await encrypter.encrypt(await readFile(path)));
}
