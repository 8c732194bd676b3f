/**
 * The local preview in a real browser: a person with no bot token opens the page and takes the
 * whole survey in Kazakh, by buttons, a multi-select, a typed year and one Back, and the
 * interview lands in Redis as a record in Kazakh.
 */
import { existsSync, mkdirSync, mkdtempSync, rmSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium, type BrowserContext, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { AesGcmCodec, parseDataKeys } from "../../src/platform/privacy/data-codec.ts";
import { Pseudonyms } from "../../src/platform/privacy/pseudonym.ts";
import { PREVIEW_USER_IDS } from "../../dev/preview/preview-chats.ts";
import { RecordStore } from "../../src/records/record-store.ts";
import type { CompletedRecord } from "../../src/records/record.ts";
import { TEST_DATA_KEY, TEST_SECRET } from "../bot/harness.ts";
import { ELIGIBLE } from "../bot/interview.ts";
import { freePort, startTestRedis, type TestRedis } from "../support/redis.ts";
import { ROOT, startPreviewProcess, type PreviewProcess } from "./preview-process.ts";

const CHROMIUM = "/usr/bin/chromium";
const HAS_CHROMIUM = existsSync(CHROMIUM);
const SCREENSHOT = join(ROOT, "test-artifacts", "preview-kazakh.png");
const TYPED_YEAR = 2021;
/** Letters only Kazakh uses among the survey's languages: the page really is in Kazakh. */
const KAZAKH_LETTERS = /[әғқңөұүһі]/i;
const EXCLUSIVE = new Set(["pnta", "dk", "none"]);

/** One button of the newest keyboard, as the page marks it up from the decoded callback data. */
interface ShownButton {
  text: string;
  kind?: string;
  q?: string;
  code?: string;
  value?: string;
  yes?: string;
}

let redis: TestRedis;
let preview: PreviewProcess;
let context: BrowserContext;
let page: Page;
let port: number;
let exportDir: string;
let userDataDir: string;

describe.skipIf(!HAS_CHROMIUM)(
  HAS_CHROMIUM ? "preview page in Chromium" : `preview page in Chromium (skipped: ${CHROMIUM} is missing; install it with apt-get install -y chromium)`,
  () => {
    beforeAll(async () => {
      redis = await startTestRedis();
      port = await freePort();
      exportDir = mkdtempSync(join(tmpdir(), "preview-exports-"));
      userDataDir = mkdtempSync(join(tmpdir(), "preview-chromium-"));
      preview = startPreviewProcess(join(ROOT, "node_modules", ".bin", "tsx"), ["src/bot/main.ts"], {
        PORT: String(port),
        REDIS_URL: redis.url,
        EXPORT_DIR: exportDir,
        PSEUDONYM_SECRET: TEST_SECRET,
        DATA_KEY: TEST_DATA_KEY,
        NODE_ENV: "test",
        LOG_LEVEL: "info",
      });
      await preview.waitForOutput(/"event":"started"/, 30_000);
      context = await chromium.launchPersistentContext(userDataDir, {
        executablePath: CHROMIUM,
        headless: true,
        args: ["--headless", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run", "--disable-background-networking", "--disable-component-update", "--disable-sync"],
        viewport: { width: 390, height: 844 },
        locale: "kk-KZ",
      });
      page = context.pages()[0] ?? (await context.newPage());
    }, 60_000);

    afterAll(async () => {
      await context?.close();
      await preview?.stop();
      await redis?.stop();
      for (const dir of [exportDir, userDataDir]) if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it("prints where to open the page as its very first line", () => {
      const firstLine = preview.stdout().split("\n")[0];
      expect(firstLine).toMatch(new RegExp(`^Preview: open http://127\\.0\\.0\\.1:${port} in your browser`));
    });

    it("takes a whole interview in Kazakh through the page and stores it", async () => {
      await page.goto(`http://127.0.0.1:${port}/`);
      await page.locator('#status[data-state="ready"]').waitFor({ timeout: 20_000 });

      await act(() => page.getByTestId("start").click());
      const kazakh = page.locator('button[data-kind="pickLanguage"][data-lang="kk"]');
      await expect.poll(() => kazakh.textContent()).toBe("⚠️ Қазақша (unreviewed)");
      await act(() => kazakh.click());
      await act(() => page.locator('button[data-kind="consent"][data-choice="agree"]').last().click());
      expect(await lastBotText()).toMatch(KAZAKH_LETTERS);

      const asked: string[] = [];
      const ticked: Record<string, string[]> = {};
      let wentBack: { from: string; to: string } | undefined;
      for (let step = 0; step < 200; step++) {
        const buttons = await newestKeyboard();
        const confirm = buttons.find((b) => b.kind === "confirm" && b.yes === "true");
        if (confirm) {
          await pressWhere({ kind: "confirm", yes: "true" });
          continue;
        }
        const q = buttons.find((b) => ["answer", "toggle", "number", "done", "back"].includes(b.kind ?? ""))?.q;
        if (!q) break; // no question left: the interview is over
        if (asked.at(-1) === q) throw new Error(`question ${q} was asked again after an answer:\n${await chatText()}`);
        asked.push(q);

        // Back once, from the question after the typed year: the year question must come back.
        if (!wentBack && asked.at(-2) === "c_arrival_year") {
          await pressWhere({ kind: "back", q });
          wentBack = { from: q, to: "c_arrival_year" };
          expect(await currentQuestion()).toBe("c_arrival_year");
          continue;
        }

        const toggles = buttons.filter((b) => b.kind === "toggle" && b.q === q);
        const answers = buttons.filter((b) => b.kind === "answer" && b.q === q);
        const numbers = buttons.filter((b) => b.kind === "number" && b.q === q);
        const scripted = ELIGIBLE[q];
        if (toggles.length > 0) {
          const two = toggles.filter((t) => !EXCLUSIVE.has(t.code!)).slice(0, 2).map((t) => t.code!);
          for (const code of two) await pressWhere({ kind: "toggle", q, code });
          // The toggles show the bot's ✅ on the two ticked options and ⬜ on the rest.
          const labels = await newestKeyboard();
          for (const button of labels.filter((b) => b.kind === "toggle")) {
            expect(button.text.startsWith(two.includes(button.code!) ? "✅" : "⬜"), `${button.code}: ${button.text}`).toBe(true);
          }
          ticked[q] = two;
          await pressWhere({ kind: "done", q });
        } else if (q === "c_arrival_year") {
          await act(async () => {
            await page.getByTestId("text").fill(String(TYPED_YEAR));
            await page.getByTestId("send").click();
          });
        } else if (numbers.length > 0) {
          await pressWhere({ kind: "number", q, value: numbers[0]!.value! });
        } else {
          const code = typeof scripted === "string" ? scripted : (answers.find((a) => a.code !== "pnta" && a.code !== "dk") ?? answers[0])?.code;
          if (!code) throw new Error(`no way to answer ${q}:\n${await chatText()}`);
          await pressWhere({ kind: "answer", q, code });
        }
      }

      expect(wentBack, "the interview never reached the question after the year, so Back was not tried").toBeDefined();
      expect(Object.keys(ticked).length).toBeGreaterThan(0);
      expect(await chatText()).toContain(String(TYPED_YEAR));
      mkdirSync(join(ROOT, "test-artifacts"), { recursive: true });
      await page.screenshot({ path: SCREENSHOT });

      const record = await recordOfPreviewRespondent();
      expect(record, await chatText()).toBeDefined();
      expect(record!.lang).toBe("kk");
      expect(record!.answers["c_arrival_year"]).toBe(TYPED_YEAR);
      for (const [q, codes] of Object.entries(ticked)) expect(record!.answers[q]).toEqual(codes);
      // Back then the year again: the answer is given once, and the question after it is answered too.
      expect(record!.answers[wentBack!.from]).toBeDefined();
    }, 240_000);

    it("lets an outreach worker make an invite with its QR code, and opens the invite as the respondent", async () => {
      await page.getByTestId("role-outreach").check();
      await expect.poll(() => page.locator("#menu-list button[data-command=invite]").count()).toBe(1);
      await act(async () => {
        await page.getByTestId("text").fill("/invite");
        await page.getByTestId("send").click();
      });
      await pressWhere({ kind: "staffChoice", step: "city", value: "almaty" });
      await pressWhere({ kind: "staffChoice", step: "district", value: "any" });
      await act(async () => {
        await page.getByTestId("text").fill("market-1");
        await page.getByTestId("send").click();
      });

      const invite = page.getByTestId("invite-link");
      await invite.waitFor({ timeout: 10_000 });
      const payload = /\?start=([A-Za-z0-9_-]+)$/.exec((await invite.textContent()) ?? "")?.[1];
      expect(payload).toBeDefined();
      const qr = page.locator("#messages img.photo").last();
      await qr.waitFor({ timeout: 10_000 });
      const image = await page.request.get(new URL((await qr.getAttribute("src"))!, page.url()).href);
      expect([...(await image.body()).subarray(0, 4)]).toEqual([0x89, 0x50, 0x4e, 0x47]); // a PNG

      await act(() => invite.click());
      expect(await page.getByTestId("role-respondent").isChecked()).toBe(true);
      const sent = page.locator('#messages li[data-from="user"]', { hasText: `/start ${payload}` });
      await expect.poll(() => sent.count()).toBe(1);
      await expect.poll(() => page.locator('#messages li[data-from="user"]:has-text("/start ' + payload + '") ~ li[data-from="bot"]').count()).toBeGreaterThan(0);
      // Staff commands appear in staff menus only.
      await expect.poll(() => page.locator("#menu-list button[data-command=invite]").count()).toBe(0);
    }, 60_000);
  },
);

/** Runs a page action and waits until the page has shown the bot's reply to it. */
async function act(action: () => Promise<void>): Promise<void> {
  await action();
  await page.locator('#messages[aria-busy="false"]').waitFor({ timeout: 15_000 });
}

async function pressWhere(fields: Record<string, string>): Promise<void> {
  const selector = Object.entries(fields).map(([key, value]) => `[data-${key}="${value}"]`).join("");
  await act(() => page.locator(`#messages button${selector}`).last().click());
}

/** Runs in the page; a string because this project's TypeScript has no DOM types. */
const READ_NEWEST_KEYBOARD = `(() => {
  const keyboards = document.querySelectorAll("#messages .keyboard");
  const newest = keyboards[keyboards.length - 1];
  return newest ? [...newest.querySelectorAll("button")].map((b) => ({ text: b.textContent ?? "", ...b.dataset })) : [];
})()`;

async function newestKeyboard(): Promise<ShownButton[]> {
  return page.evaluate<ShownButton[]>(READ_NEWEST_KEYBOARD);
}

async function currentQuestion(): Promise<string | undefined> {
  return (await newestKeyboard()).find((b) => b.q !== undefined)?.q;
}

async function lastBotText(): Promise<string> {
  return (await page.locator('#messages li[data-from="bot"]').last().textContent()) ?? "";
}

async function chatText(): Promise<string> {
  return page.locator("#messages").innerText();
}

async function recordOfPreviewRespondent(): Promise<CompletedRecord | undefined> {
  const store = new RecordStore({ redis: redis.client(), prefix: "survey:", codec: new AesGcmCodec(parseDataKeys(TEST_DATA_KEY)) });
  const pseudonym = new Pseudonyms(TEST_SECRET).respondent(PREVIEW_USER_IDS.respondent);
  for await (const record of store.scan()) if (record.pseudonym === pseudonym) return record;
  return undefined;
}
