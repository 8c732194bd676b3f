/**
 * The preview's web server: the chat page (static files from ./public, no build step) and a
 * small JSON API the page polls and posts to.
 *
 *   GET  /api/chat?role=respondent&lang=kk   the chat as that person sees it now
 *   POST /api/send   { role, lang, text }                 type a message or a command
 *   POST /api/press  { role, lang, messageId, data }      press an inline button
 *   GET  /api/file/<file id>                              a photo or document the bot sent
 *   POST /api/demo-data                                   load the synthetic demo interviews
 */
import { readFile } from "node:fs/promises";
import { createServer, type IncomingMessage, type Server, type ServerResponse } from "node:http";
import type { AddressInfo } from "node:net";
import { join } from "node:path";
import { isRole, telegramLanguageCode, type PreviewChats, type Role } from "./preview-chats.ts";

export type BotStatus = { state: "starting" } | { state: "ready" } | { state: "failed"; reason: string };

export interface PreviewServer {
  port: number;
  /** The chats appear once the emulator runs; until then the API answers 503. */
  attach(chats: PreviewChats): void;
  /** What POST /api/demo-data runs (see demo-data.ts); until attached it answers 503. */
  attachDemoLoader(load: () => Promise<{ added: number; total: number }>): void;
  setStatus(status: BotStatus): void;
  close(): Promise<void>;
}

const PUBLIC_DIR = join(import.meta.dirname, "public");
/** Only these files are served, so no path from a request ever reaches the file system. */
const STATIC_FILES: Record<string, { file: string; type: string }> = {
  "/": { file: "index.html", type: "text/html; charset=utf-8" },
  "/index.html": { file: "index.html", type: "text/html; charset=utf-8" },
  "/app.js": { file: "app.js", type: "text/javascript; charset=utf-8" },
  "/style.css": { file: "style.css", type: "text/css; charset=utf-8" },
};
const MAX_BODY_BYTES = 16 * 1024;

class HttpError extends Error {
  readonly status: number;
  constructor(status: number, message: string) {
    super(message);
    this.status = status;
  }
}

export async function startPreviewServer(options: { port: number; host: string }): Promise<PreviewServer> {
  let chats: PreviewChats | undefined;
  let loadDemo: (() => Promise<{ added: number; total: number }>) | undefined;
  let status: BotStatus = { state: "starting" };
  const needChats = (): PreviewChats => {
    if (!chats) throw new HttpError(503, "the bot is still starting; try again in a moment");
    return chats;
  };

  const routes = async (request: IncomingMessage, response: ServerResponse): Promise<void> => {
    const url = new URL(request.url ?? "/", "http://preview.invalid");
    const path = url.pathname;
    const staticFile = STATIC_FILES[path];
    if (request.method === "GET" && staticFile) {
      const body = await readFile(join(PUBLIC_DIR, staticFile.file));
      response.writeHead(200, { "content-type": staticFile.type, "cache-control": "no-cache" });
      response.end(body);
      return;
    }
    if (request.method === "GET" && path === "/api/chat") {
      const role = roleOf(url.searchParams.get("role"));
      const lang = telegramLanguageCode(url.searchParams.get("lang"));
      sendJson(response, 200, { status, ...(chats ? chats.view(role, lang) : { role, messages: [], replyKeyboard: [], notices: [], menu: [] }) });
      return;
    }
    if (request.method === "POST" && path === "/api/send") {
      const body = await readJson(request);
      const role = roleOf(body["role"]);
      const lang = telegramLanguageCode(body["lang"]);
      const text = body["text"];
      if (typeof text !== "string" || text.trim() === "") throw new HttpError(400, "type something first");
      if (text.length > 4096) throw new HttpError(400, "Telegram messages are at most 4096 characters");
      await needChats().send(role, lang, text);
      sendJson(response, 200, { status, ...needChats().view(role, lang) });
      return;
    }
    if (request.method === "POST" && path === "/api/press") {
      const body = await readJson(request);
      const role = roleOf(body["role"]);
      const lang = telegramLanguageCode(body["lang"]);
      const messageId = body["messageId"];
      const data = body["data"];
      if (typeof messageId !== "number" || typeof data !== "string") throw new HttpError(400, "a press needs messageId (number) and data (string)");
      try {
        await needChats().press(role, lang, messageId, data);
      } catch (error) {
        if (error instanceof HttpError) throw error;
        // The emulator refuses buttons that are no longer on the message: the page was behind.
        throw new HttpError(409, error instanceof Error ? error.message : String(error));
      }
      sendJson(response, 200, { status, ...needChats().view(role, lang) });
      return;
    }
    if (request.method === "POST" && path === "/api/demo-data") {
      if (!loadDemo) throw new HttpError(503, "the bot is still starting; try again in a moment");
      try {
        sendJson(response, 200, await loadDemo());
      } catch (error) {
        throw new HttpError(409, error instanceof Error ? error.message : String(error));
      }
      return;
    }
    const file = /^\/api\/file\/([^/]+)$/.exec(path);
    if (request.method === "GET" && file) {
      const found = needChats().file(decodeURIComponent(file[1]!));
      if (!found) throw new HttpError(404, "no such file");
      const name = found.fileName ?? "file";
      response.writeHead(200, {
        "content-type": contentTypeOf(name),
        "content-length": found.bytes.length,
        "content-disposition": `${isImage(name) ? "inline" : "attachment"}; filename*=UTF-8''${encodeURIComponent(name)}`,
      });
      response.end(found.bytes);
      return;
    }
    throw new HttpError(404, "not found");
  };

  const server: Server = createServer((request, response) => {
    routes(request, response).catch((error: unknown) => {
      const status = error instanceof HttpError ? error.status : 500;
      const message = error instanceof Error ? error.message : String(error);
      if (!response.headersSent) sendJson(response, status, { error: message });
      else response.destroy();
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once("error", (error: NodeJS.ErrnoException) =>
      reject(error.code === "EADDRINUSE" ? new Error(`Port ${options.port} is in use: set PORT to a free port (e.g. PORT=8081 npm start)`) : error),
    );
    server.listen(options.port, options.host, () => resolve());
  });
  return {
    port: (server.address() as AddressInfo).port,
    attach: (attached) => (chats = attached),
    attachDemoLoader: (load) => (loadDemo = load),
    setStatus: (next) => (status = next),
    close: () =>
      new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}

function roleOf(value: unknown): Role {
  if (value === undefined || value === null) return "respondent";
  if (!isRole(value)) throw new HttpError(400, `role must be respondent, outreach or analyst`);
  return value;
}

async function readJson(request: IncomingMessage): Promise<Record<string, unknown>> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of request as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) throw new HttpError(413, "request too large");
    chunks.push(chunk);
  }
  try {
    const parsed: unknown = JSON.parse(Buffer.concat(chunks).toString("utf8"));
    if (typeof parsed === "object" && parsed !== null && !Array.isArray(parsed)) return parsed as Record<string, unknown>;
  } catch {
    // answered below
  }
  throw new HttpError(400, "send a JSON object");
}

function sendJson(response: ServerResponse, status: number, body: unknown): void {
  const text = JSON.stringify(body);
  response.writeHead(status, { "content-type": "application/json; charset=utf-8", "content-length": Buffer.byteLength(text), "cache-control": "no-store" });
  response.end(text);
}

const CONTENT_TYPES: Record<string, string> = {
  png: "image/png", jpg: "image/jpeg", jpeg: "image/jpeg", gif: "image/gif", webp: "image/webp",
  csv: "text/csv; charset=utf-8", txt: "text/plain; charset=utf-8", json: "application/json", zip: "application/zip",
  xlsx: "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet", pdf: "application/pdf",
};

function extensionOf(name: string): string {
  return name.includes(".") ? name.slice(name.lastIndexOf(".") + 1).toLowerCase() : "";
}

function isImage(name: string): boolean {
  return ["png", "jpg", "jpeg", "gif", "webp"].includes(extensionOf(name));
}

function contentTypeOf(name: string): string {
  return CONTENT_TYPES[extensionOf(name)] ?? "application/octet-stream";
}
