/**
 * The preview's demo data: an analyst presses "Load demo data" (POST /api/demo-data on the real
 * preview server), the store gets 2,000 synthetic interviews marked as such, and an export of them
 * is released and says they are synthetic. A store with real interviews is never mixed with them.
 */
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, beforeEach, describe, expect, it } from "vitest";
import type { Redis } from "ioredis";
import { loadDemoData, DEMO_INTERVIEWS } from "../../dev/preview/demo-data.ts";
import { startPreviewServer, type PreviewServer } from "../../dev/preview/preview-server.ts";
import { buildExportZip } from "../../src/export/build-zip.ts";
import { RecordStore } from "../../src/records/record-store.ts";
import { DEMO_SOURCE } from "../../src/records/record.ts";
import { labourMigrantsKz } from "../../src/flows/definitions/labour-migrants-kz.ts";
import { createTranslator } from "../../src/locales/i18n.ts";
import { unzipAll } from "../export/fixtures/files.ts";
import { startTestRedis, type TestRedis } from "../support/redis.ts";

let redis: TestRedis;
let client: Redis;
let server: PreviewServer;
let store: RecordStore;
let dir: string;

beforeAll(async () => {
  redis = await startTestRedis();
  client = redis.client();
  server = await startPreviewServer({ port: 0, host: "127.0.0.1" });
  dir = await mkdtemp(join(tmpdir(), "demo-export-"));
});
afterAll(async () => {
  await server.close();
  client.disconnect();
  await redis.stop();
  await rm(dir, { recursive: true, force: true });
});
beforeEach(async () => {
  await client.flushdb();
  store = new RecordStore({ redis: client });
});

const post = async (path: string) => {
  const response = await fetch(`http://127.0.0.1:${server.port}${path}`, { method: "POST", headers: { "content-type": "application/json" }, body: "{}" });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe("the preview's demo data", () => {
  it("loads 2,000 marked synthetic interviews once, and the export of them is released and says so", async () => {
    server.attachDemoLoader(() => loadDemoData(store, labourMigrantsKz));
    expect(await post("/api/demo-data")).toEqual({ status: 200, body: { added: DEMO_INTERVIEWS, total: DEMO_INTERVIEWS } });
    expect(await post("/api/demo-data")).toEqual({ status: 200, body: { added: 0, total: DEMO_INTERVIEWS } });
    expect(await store.count()).toBe(DEMO_INTERVIEWS);
    for await (const record of store.scan()) expect(record.source).toBe(DEMO_SOURCE);

    const translator = createTranslator();
    const outFile = join(dir, "demo.zip");
    const report = await buildExportZip({
      records: () => store.scan(),
      definition: labourMigrantsKz,
      request: { formats: ["csv", "codebook"] },
      translate: (lang, key, params) => translator.t(lang, key, params),
      languages: ["en"],
      outFile,
    });
    expect(report.rows).toBe(DEMO_INTERVIEWS);
    expect(report.demoRows).toBe(DEMO_INTERVIEWS);
    const readme = [...(await unzipAll(outFile))].find(([name]) => name.endsWith("/README.txt"))![1].toString("utf8");
    expect(readme).toContain(`WARNING: ${DEMO_INTERVIEWS} rows are SYNTHETIC DEMO DATA`);
  }, 120_000);

  it("refuses to add demo rows to a store that holds a real interview", async () => {
    await store.append({ pseudonym: "real-person", answers: { a_consent: "agree" }, lang: "ru", version: 1, day: "2026-06-01" });
    server.attachDemoLoader(() => loadDemoData(store, labourMigrantsKz));
    const answer = await post("/api/demo-data");
    expect(answer.status).toBe(409);
    expect(String(answer.body.error)).toContain("already holds real interviews");
    expect(await store.count()).toBe(1);
  });
});
