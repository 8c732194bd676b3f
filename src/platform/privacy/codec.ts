/**
 * How stored text is sealed: sessions, records and reminder chat ids pass through a Codec on
 * their way into Redis and back. Production seals with AES-GCM (`data-codec.ts`); tests and the
 * preview may keep text as it is.
 */
export interface Codec {
  seal(plain: string): string;
  open(sealed: string): string;
}

/** Keeps text as it is: for tests and the local preview only. */
export const identityCodec: Codec = { seal: (s) => s, open: (s) => s };
