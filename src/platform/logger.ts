/**
 * JSON logs through pino. Log lines carry no Telegram ids, names, usernames, phones or message
 * texts: features log codes and counts only, and the redaction below is a second fence.
 */
import { pino, type Logger } from "pino";

export type { Logger };

const REDACTED_PATHS = [
  "*.from", "*.chat", "*.user", "*.username", "*.first_name", "*.last_name", "*.phone_number",
  "*.text", "*.contact", "*.payload", "*.token", "update", "ctx", "*.headers.authorization",
];

export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: { service: "survey-bot" },
      redact: { paths: REDACTED_PATHS, censor: "[redacted]" },
      // Errors from grammY carry the request payload (chat_id, text): keep only what helps.
      serializers: {
        err: (err: Error & { error_code?: number; method?: string }) => ({
          type: err.name,
          message: scrub(err.message),
          code: err.error_code,
          method: err.method,
          stack: err.stack ? scrub(err.stack) : undefined,
        }),
      },
    },
    destination as pino.DestinationStream | undefined,
  );
}

/** Removes long digit runs (chat and user ids) from free text such as error messages. */
export function scrub(text: string): string {
  return text.replace(/\d{5,}/g, "[n]");
}
