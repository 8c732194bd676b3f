/**
 * The dashboard's routes on the bot's HTTP server:
 *   GET  /dashboard/open?t=…     redeems a one-time link, sets the session cookie, goes to /dashboard
 *   GET  /dashboard              the page (session required)
 *   GET  /dashboard/data?city=&from=&to=   the figures and the fieldwork monitor as JSON (session)
 *   POST /dashboard/targets      {city, target}: a coordinator's target for a city (session)
 *   GET  /dashboard/assets/…     the page's script, style and the charting library, from disk
 * Everything is served from this machine: no CDN, no third-party request from the page.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import type { IncomingMessage, ServerResponse } from "node:http";
import { join } from "node:path";
import type { Dashboard } from "./service.ts";

const COOKIE = "dash_session";
const PUBLIC = join(import.meta.dirname, "public");

const ASSETS: Record<string, { file: string; type: string }> = {
  "app.js": { file: join(PUBLIC, "app.js"), type: "text/javascript; charset=utf-8" },
  "style.css": { file: join(PUBLIC, "style.css"), type: "text/css; charset=utf-8" },
  "echarts.min.js": { file: createRequire(import.meta.url).resolve("echarts/dist/echarts.min.js"), type: "text/javascript; charset=utf-8" },
};
const cache = new Map<string, Buffer>();
const read = (file: string) => cache.get(file) ?? cache.set(file, readFileSync(file)).get(file)!;

const SECURITY_HEADERS = {
  "content-security-policy": "default-src 'none'; script-src 'self'; style-src 'self' 'unsafe-inline'; img-src 'self' data: blob:; connect-src 'self'; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "referrer-policy": "no-referrer",
  "x-content-type-options": "nosniff",
  "cache-control": "no-store",
};

const REFUSALS = {
  malformed: "This is not a dashboard link.",
  forged: "This link is not valid.",
  expired: "This link has expired.",
  used: "This link was already used. A link opens the dashboard once, in one browser.",
  none: "Your session has ended or this browser has none.",
} as const;

/** Answers with the security headers on; returns true (the request was the dashboard's). */
function send(res: ServerResponse, status: number, headers: Record<string, string> = {}, content?: string | Buffer): true {
  res.writeHead(status, { ...SECURITY_HEADERS, ...headers });
  res.end(content);
  return true;
}

function refusal(res: ServerResponse, status: number, reason: keyof typeof REFUSALS): true {
  return send(
    res,
    status,
    { "content-type": "text/html; charset=utf-8" },
    `<!doctype html><html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width,initial-scale=1"><title>Dashboard</title></head>` +
      `<body style="font-family:system-ui,sans-serif;max-width:32rem;margin:3rem auto;padding:0 1rem"><h1>Dashboard</h1>` +
      `<p id="refusal" data-reason="${reason}">${REFUSALS[reason]}</p><p>Send /dashboard to the bot in Telegram for a new link.</p></body></html>`,
  );
}

function sessionOf(req: IncomingMessage): string | undefined {
  for (const part of (req.headers.cookie ?? "").split(";")) {
    const [name, ...value] = part.trim().split("=");
    if (name === COOKIE) return value.join("=");
  }
  return undefined;
}

async function body(req: IncomingMessage, limit = 4096): Promise<string> {
  let text = "";
  for await (const chunk of req) {
    text += chunk;
    if (text.length > limit) throw new Error("request body too large");
  }
  return text;
}

/** Handles /dashboard…; returns false for any other path. */
export async function handleDashboard(dashboard: Dashboard, req: IncomingMessage, res: ServerResponse, secureCookie: boolean): Promise<boolean> {
  const url = new URL(req.url ?? "/", "http://localhost");
  const path = url.pathname;
  if (path !== "/dashboard" && !path.startsWith("/dashboard/")) return false;

  if (req.method === "GET" && path.startsWith("/dashboard/assets/")) {
    const asset = ASSETS[path.slice("/dashboard/assets/".length)];
    if (!asset) return send(res, 404);
    return send(res, 200, { "content-type": asset.type, "cache-control": "private, max-age=300" }, read(asset.file));
  }

  if (req.method === "GET" && path === "/dashboard/open") {
    const result = await dashboard.links.redeem(url.searchParams.get("t") ?? "");
    if (!result.ok) return refusal(res, result.reason === "malformed" ? 400 : 403, result.reason);
    const cookie = `${COOKIE}=${result.session}; Path=/dashboard; HttpOnly; SameSite=Strict; Max-Age=${dashboard.links.sessionTtlSeconds}${secureCookie ? "; Secure" : ""}`;
    // 303 to a URL without the token, so it stays out of the history and the address bar.
    return send(res, 303, { "set-cookie": cookie, location: "/dashboard" });
  }

  if (!(await dashboard.links.valid(sessionOf(req)))) return refusal(res, 401, "none");

  if (req.method === "GET" && path === "/dashboard") {
    return send(res, 200, { "content-type": "text/html; charset=utf-8" }, read(join(PUBLIC, "index.html")));
  }
  if (req.method === "GET" && path === "/dashboard/data") {
    const filter = { city: url.searchParams.get("city") ?? "", from: url.searchParams.get("from") ?? "", to: url.searchParams.get("to") ?? "" };
    return send(res, 200, { "content-type": "application/json; charset=utf-8" }, JSON.stringify(await dashboard.data(filter)));
  }
  if (req.method === "POST" && path === "/dashboard/targets") {
    // JSON only: a cross-site form cannot send it, and the cookie is SameSite=Strict anyway.
    if (!(req.headers["content-type"] ?? "").startsWith("application/json")) return send(res, 415);
    try {
      const { city, target } = JSON.parse(await body(req)) as { city?: unknown; target?: unknown };
      await dashboard.store.setTarget(String(city), Number(target));
    } catch {
      return send(res, 400);
    }
    return send(res, 204);
  }
  return send(res, 404);
}
