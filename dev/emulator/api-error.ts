/**
 * Errors the emulated Bot API answers with. Descriptions copy Telegram's wording, because bot code
 * (and grammY plugins) match on them: "message is not modified", "retry after", "bot was blocked".
 */

export interface ApiErrorBody {
  ok: false;
  error_code: number;
  description: string;
  parameters?: { retry_after?: number; migrate_to_chat_id?: number };
}

export interface ApiSuccessBody<T = unknown> {
  ok: true;
  result: T;
}

export type ApiResponseBody<T = unknown> = ApiSuccessBody<T> | ApiErrorBody;

export class BotApiError extends Error {
  readonly errorCode: number;
  readonly parameters: ApiErrorBody["parameters"];

  constructor(errorCode: number, description: string, parameters?: ApiErrorBody["parameters"]) {
    super(description);
    this.name = "BotApiError";
    this.errorCode = errorCode;
    this.parameters = parameters;
  }

  toBody(): ApiErrorBody {
    const body: ApiErrorBody = { ok: false, error_code: this.errorCode, description: this.message };
    if (this.parameters) body.parameters = this.parameters;
    return body;
  }
}

/** 400 "Bad Request: <reason>", the answer to almost every invalid call. */
export function badRequest(reason: string): BotApiError {
  return new BotApiError(400, `Bad Request: ${reason}`);
}

export function forbidden(reason: string): BotApiError {
  return new BotApiError(403, `Forbidden: ${reason}`);
}

export const unauthorized = (): BotApiError => new BotApiError(401, "Unauthorized");
export const notFound = (): BotApiError => new BotApiError(404, "Not Found");
