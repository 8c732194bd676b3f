/**
 * `npm start` on a fresh checkout: no BOT_TOKEN and no REDIS_URL. The preview finds a Redis
 * (one on 127.0.0.1:6379, or a redis-server it launches) and serves the chat page within 30 s.
 */
import { afterAll, describe, expect, it } from "vitest";
import { freePort, hasRedisServerBinary } from "../support/redis.ts";
import { startPreviewProcess, type PreviewProcess } from "./preview-process.ts";

const STARTUP_LIMIT_MS = 30_000;
let preview: PreviewProcess | undefined;

afterAll(async () => preview?.stop());

describe.skipIf(!hasRedisServerBinary())(
  hasRedisServerBinary() ? "npm start without a token" : "npm start without a token (skipped: redis-server is not installed; apt-get install redis-server)",
  () => {
    it("serves the chat page within 30 seconds", async () => {
      const port = await freePort();
      const started = Date.now();
      preview = startPreviewProcess("npm", ["start"], { PORT: String(port), LOG_LEVEL: "info" });

      const url = `http://127.0.0.1:${port}/`;
      let page: { status: number; body: string } | undefined;
      while (!page && Date.now() - started < STARTUP_LIMIT_MS) {
        page = await fetch(url).then(async (r) => ({ status: r.status, body: await r.text() }), () => undefined);
        if (!page) await new Promise((r) => setTimeout(r, 200));
      }
      expect(page, `no page at ${url} within ${STARTUP_LIMIT_MS / 1000} s:\n${preview.output()}`).toBeDefined();
      expect(page!.status).toBe(200);
      expect(page!.body).toContain('role="log"');
      expect(page!.body).toContain('name="role" value="analyst"');

      // The address is the first thing npm start's own program prints (npm's banner comes before it).
      const ownLines = preview.stdout().split("\n").filter((line) => line.trim() !== "" && !line.startsWith(">"));
      expect(ownLines[0]).toContain(`open http://127.0.0.1:${port} in your browser`);

      // And the bot behind the page comes up against the emulator.
      await preview.waitForOutput(/"event":"started"/, STARTUP_LIMIT_MS - (Date.now() - started));
      // The page turns ready once the bot's start-up (commands, export worker) has finished.
      let state = "starting";
      while (state !== "ready" && Date.now() - started < STARTUP_LIMIT_MS) {
        const chat = (await fetch(`${url}api/chat?role=respondent&lang=kk`).then((r) => r.json())) as { status: { state: string } };
        state = chat.status.state;
        if (state !== "ready") await new Promise((r) => setTimeout(r, 200));
      }
      expect(state).toBe("ready");
    }, STARTUP_LIMIT_MS + 10_000);
  },
);
