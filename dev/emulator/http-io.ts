/** Small node:http helpers: reading a bounded body and answering like Telegram's server. */
import type { IncomingMessage, ServerResponse } from "node:http";
import { BotApiError, type ApiResponseBody } from "./api-error.ts";

export async function readBody(request: IncomingMessage, maxBytes: number): Promise<Buffer> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > maxBytes) throw new BotApiError(413, "Request Entity Too Large");
    chunks.push(chunk);
  }
  return Buffer.concat(chunks);
}

/** Telegram answers errors with the error code as the HTTP status too. */
export function sendJson(response: ServerResponse, body: ApiResponseBody): void {
  if (response.writableEnded || response.destroyed) return;
  const text = JSON.stringify(body);
  response.writeHead(body.ok ? 200 : body.error_code, {
    "content-type": "application/json",
    "content-length": Buffer.byteLength(text),
  });
  response.end(text);
}

export type Route =
  | { kind: "method"; token: string; method: string }
  | { kind: "file"; token: string; filePath: string }
  | { kind: "unknown" };

export function route(pathname: string): Route {
  const file = /^\/file\/bot([^/]+)\/(.+)$/.exec(pathname);
  if (file) return { kind: "file", token: decodeURIComponent(file[1]!), filePath: decodeURIComponent(file[2]!) };
  const method = /^\/bot([^/]+)\/([A-Za-z0-9_]+)\/?$/.exec(pathname);
  if (method) return { kind: "method", token: decodeURIComponent(method[1]!), method: method[2]! };
  return { kind: "unknown" };
}
