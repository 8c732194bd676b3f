/**
 * Exports through Telegram: an analyst asks with /export and buttons, the job runs in the
 * bot's own worker, the status message follows it and the zip arrives as a document that
 * /exports can fetch again. Anyone else is refused and nothing is queued.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { zipEntries } from "../support/zip.ts";
import { createTranslator } from "../../src/locales/i18n.ts";
import { Respondent, startHarness, type Harness } from "./harness.ts";
import { answerAll, ELIGIBLE, onboard } from "./interview.ts";

const ANALYST = { id: 950_000_001, first_name: "Dana", username: "dana_analyst", language_code: "en" };
const en = (key: string, params?: Record<string, unknown>) => createTranslator().t("en", key, params);
let harness: Harness;

async function completeInterview(id: number, sex: string): Promise<void> {
  const person = new Respondent(harness, harness.emulator.user({ id, first_name: `Resp${id}`, username: `resp_${id}_canary`, language_code: "ru" }));
  await onboard(person, "ru");
  await answerAll(person, { ...ELIGIBLE, b_sex: sex });
}

async function requestFullExport(analyst: Respondent, period = "all"): Promise<void> {
  await analyst.command("export");
  await analyst.press((b) => b.kind === "staffChoice" && b.step === "format" && b.value === "next");
  await analyst.press((b) => b.kind === "staffChoice" && b.step === "city" && b.value === "all");
  await analyst.press((b) => b.kind === "staffChoice" && b.step === "period" && b.value === period);
}

beforeAll(async () => {
  harness = await startHarness({ env: { ANALYST_IDS: String(ANALYST.id) } });
  await harness.startBot();
  // Six completed interviews alike in every quasi-identifier, so they can be released (k = 5).
  for (let i = 0; i < 6; i++) await completeInterview(951_000_000 + i, "male");
}, 180_000);
afterAll(async () => harness?.stop());

describe("exports for analysts", () => {
  it("a respondent's /export is refused and queues nothing", async () => {
    const person = new Respondent(harness, harness.emulator.user({ id: 951_999_999, first_name: "Curious", language_code: "en" }));
    await person.command("export");
    expect(person.botTexts().at(-1)).toBe(en("bot:not_allowed"));
    const redis = harness.redis.client();
    expect(await redis.keys("bull:exports:export-*")).toEqual([]);
    expect(await redis.llen("bull:exports:wait")).toBe(0);
  });

  it("an analyst's /export arrives as a zip with every format, anonymous, and /exports offers it again", async () => {
    const analyst = new Respondent(harness, harness.emulator.user(ANALYST));
    await requestFullExport(analyst);
    await harness.emulator
      .waitFor((e) => e.kind === "call" && e.call.method === "sendDocument", { timeoutMs: 60_000 })
      .catch((error: unknown) => {
        throw new Error(`${String(error)}\n${JSON.stringify(harness.emulator.calls.filter((c) => c.params.chat_id === ANALYST.id).map((c) => [c.method, c.params.text, c.params.message_id]))}\n${harness.emulator.formatTranscript(ANALYST.id)}\n${harness.bots[0]!.logs.join("").slice(-3000)}`);
      });
    await analyst.settle();

    const documents = analyst.transcript().filter((e) => e.document);
    expect(documents).toHaveLength(1);
    const zip = harness.emulator.file(documents[0]!.document!.fileId)!.bytes;
    const entries = await zipEntries(zip);
    const names = [...entries.keys()].map((n) => n.split("/").at(-1));
    expect(names).toEqual(expect.arrayContaining(["data.csv", "data.xlsx", "data.sps", "codebook.md", "codebook.json", "summary.md"]));
    const csv = [...entries.entries()].find(([n]) => n.endsWith("data.csv"))![1].toString("utf8");
    expect(csv.trim().split("\n")).toHaveLength(1 + 6);
    for (const bytes of entries.values()) {
      const text = bytes.toString("latin1");
      for (let i = 0; i < Number(process.env.E2E_EXPORT_PEOPLE ?? 6); i++) {
        expect(text).not.toContain(String(951_000_000 + i));
        expect(text).not.toContain(`resp_${i}_canary`);
      }
    }
    // The status message says it is ready.
    expect(analyst.botTexts().join("\n")).toContain(en("staff:export.ready", { rows: 6, generalized: 0, flagged: 0 }).slice(0, 13));

    await analyst.command("exports");
    await analyst.press((b) => b.kind === "staffChoice" && b.step === "refetch");
    expect(analyst.transcript().filter((e) => e.document)).toHaveLength(2);
  }, 120_000);

  it("one person unlike everyone else stops the export with a report, and no file is sent", async () => {
    await completeInterview(951_000_100, "female");
    const analyst = new Respondent(harness, harness.emulator.user(ANALYST));
    const documentsBefore = analyst.transcript().filter((e) => e.document).length;
    await requestFullExport(analyst, "30"); // another request than before, so another job
    await harness.emulator.waitFor((e) => e.kind === "message" && e.action === "edited" && (e.message.text ?? "").startsWith(en("export:disclosure.refused").split(".")[0]!), { timeoutMs: 60_000 });
    expect(analyst.transcript().filter((e) => e.document).length).toBe(documentsBefore);
  }, 90_000);
});
