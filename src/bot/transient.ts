/** Errors after which the same update will very likely succeed later: Redis down or busy, a busy chat. */
import { ChatLockTimeout } from "./session/chat-gate.ts";

export function isTransient(error: unknown): boolean {
  if (error instanceof ChatLockTimeout) return true;
  const message = error instanceof Error ? error.message : String(error);
  return /Connection is closed|ECONNREFUSED|ECONNRESET|Stream isn't writeable|enableOfflineQueue|MaxRetriesPerRequest|NOSCRIPT|LOADING|READONLY/i.test(message);
}
