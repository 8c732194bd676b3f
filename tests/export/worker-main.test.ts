/**
 * The `npm run worker` wiring against a fake Bot API: the finished zip arrives as a document in
 * the analyst's chat, the status message is edited, a refused export says why, and the logs
 * never carry the chat id.
 */
import { createServer, type Server } from "node:http";
import { mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { Writable } from "node:stream";
import { afterAll, beforeAll, expect, it } from "vitest";
import { loadConfig } from "../../src/platform/config.ts";
import { createLogger } from "../../src/platform/logger.ts";
import { dataCodec } from "../../src/platform/privacy/data-codec.ts";
import { createExportQueue, enqueueExport } from "../../src/export/jobs.ts";
import { RecordStore } from "../../src/records/record-store.ts";
import { startExportWorker, type RunningExportWorker } from "../../src/export/worker-main.ts";
import { startTestRedis, type TestRedis } from "../support/redis.ts";

const ANALYST_CHAT = 987_654_321;
const TOKEN = "123456:ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghij";

interface Call {
  method: string;
  body: string;
}

let redis: TestRedis;
let server: Server;
let apiRoot: string;
let exportDir: string;
const calls: Call[] = [];
const logLines: string[] = [];
let running: RunningExportWorker | undefined;

beforeAll(async () => {
  redis = await startTestRedis();
  exportDir = mkdtempSync(join(tmpdir(), "survey-worker-main-"));
  server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on("data", (c: Buffer) => chunks.push(c));
    req.on("end", () => {
      calls.push({ method: req.url!.split("/").pop()!, body: Buffer.concat(chunks).toString("latin1") });
      res.setHeader("content-type", "application/json");
      res.end(JSON.stringify({ ok: true, result: { message_id: 99, date: 0, chat: { id: ANALYST_CHAT, type: "private" } } }));
    });
  });
  await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
  const address = server.address();
  apiRoot = `http://127.0.0.1:${typeof address === "object" && address ? address.port : 0}`;
});
afterAll(async () => {
  await running?.close();
  await new Promise((resolve) => server.close(resolve));
  await redis.stop();
  rmSync(exportDir, { recursive: true, force: true });
});

async function until(what: string, check: () => boolean, timeoutMs = 20_000) {
  const deadline = Date.now() + timeoutMs;
  while (!check()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}; calls: ${calls.map((c) => c.method).join(", ")}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

it("sends the zip to the analyst, edits the status message, explains a refusal, and logs no chat id", async () => {
  const config = loadConfig({ REDIS_URL: redis.url, BOT_TOKEN: TOKEN, TELEGRAM_API_ROOT: apiRoot, EXPORT_DIR: exportDir, LOG_LEVEL: "info" });
  const sink = new Writable({ write: (chunk: Buffer, _enc, done) => (logLines.push(chunk.toString()), done()) });
  running = await startExportWorker(config, createLogger("info", sink));
  const queue = createExportQueue({ host: "127.0.0.1", port: redis.port, maxRetriesPerRequest: null });
  const base = { requestedBy: "analyst-pseudonym", chatId: ANALYST_CHAT, statusMessageId: 41, requestedAt: new Date().toISOString() };

  await enqueueExport(queue, { ...base, request: { formats: ["codebook"] } }, { codec: dataCodec(config) });
  await until("the document", () => calls.some((c) => c.method === "sendDocument"));
  const document = calls.find((c) => c.method === "sendDocument")!;
  expect(document.body).toContain(String(ANALYST_CHAT));
  expect(document.body).toMatch(/filename="?survey-export-\d{4}-\d{2}-\d{2}-[0-9a-f]{8}\.zip/);
  expect(document.body).toContain("Export ready: 0 interviews");
  expect(document.body).toContain("Privacy protection: 0 rows (0.0%) have a blanked answer"); // the disclosure line
  await until("the status edit", () => calls.some((c) => c.method === "editMessageText" && c.body.includes("Export ready")));

  // One person alone in their group: the release gate refuses, and the analyst is told why.
  const store = new RecordStore({ redis: redis.client(), prefix: config.REDIS_PREFIX, codec: dataCodec(config) });
  await store.append({
    pseudonym: "lonely",
    answers: { a_city: "almaty", b_sex: "female", a_age_group: "45_54" },
    lang: "ru",
    version: 1,
    day: "2026-03-01",
  });
  await enqueueExport(queue, { ...base, request: { formats: ["csv"] } }, { codec: dataCodec(config) });
  await until("the refusal", () => calls.some((c) => c.method === "editMessageText" && c.body.includes("protect respondents")));
  const refusal = calls.find((c) => c.method === "editMessageText" && c.body.includes("protect respondents"))!;
  expect(refusal.body).toContain("with only 1 interview(s), not every group can hold 5 people"); // the specific reason, not "try a wider filter"
  expect(refusal.body).not.toContain("wider filter");

  await queue.close();
  const logs = logLines.join("");
  expect(logs).toContain("export_done");
  expect(logs).toContain("export_failed");
  expect(logs).not.toContain(String(ANALYST_CHAT));
  expect(logs).not.toContain("analyst-pseudonym");
});
