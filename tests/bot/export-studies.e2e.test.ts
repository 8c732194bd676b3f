/**
 * /export with two studies: the IOM form and a corpus form (read from ../shared at test time) in
 * FORMS_DIR. The analyst picks the form study with a button, is not asked for a city (the form
 * has no city question) and gets a zip named after the form's id (and version, when the form has one), with the form's
 * own columns and none of the IOM study's interviews.
 */
import { copyFile, mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { zipEntries } from "../support/zip.ts";
import { Respondent, startHarness, type Harness } from "./harness.ts";
import { answerAll, ELIGIBLE, onboard } from "./interview.ts";
import { corpusForm } from "../export/fixtures/form-records.ts";
import { fileTagOf } from "../../src/export/form/form-export.ts";

const ANALYST = { id: 950_000_011, first_name: "Dana", username: "dana_analyst", language_code: "ru" };
const FORM = "ona-multilingual-en-sw-fr";
let harness: Harness;
let formsDir: string;

beforeAll(async () => {
  formsDir = await mkdtemp(join(tmpdir(), "forms-two-studies-"));
  await copyFile("forms/labour-migrants-kz.xlsx", join(formsDir, "labour-migrants-kz.xlsx"));
  await copyFile(new URL(`../../../shared/xlsform-corpus/${FORM}.xlsx`, import.meta.url), join(formsDir, `${FORM}.xlsx`));
  harness = await startHarness({ env: { ANALYST_IDS: String(ANALYST.id), FORMS_DIR: formsDir } });
  await harness.startBot();
  // One IOM interview, which must not show up in the form study's export.
  const person = new Respondent(harness, harness.emulator.user({ id: 952_000_001, first_name: "Resp", username: "resp_canary", language_code: "ru" }));
  await onboard(person, "ru");
  await answerAll(person, { ...ELIGIBLE, b_sex: "male" });
}, 180_000);
afterAll(async () => {
  await harness?.stop();
  await rm(formsDir, { recursive: true, force: true });
});

describe("/export with several studies", () => {
  it("lets the analyst pick the study, in their language, and exports that study only", async () => {
    const analyst = new Respondent(harness, harness.emulator.user(ANALYST));
    await analyst.command("export");
    const texts = analyst.botTexts().join("\n");
    expect(texts).toContain("Данные какого исследования выгрузить?");
    // The buttons carry each study's position; the form study's button shows its title and version.
    const form = await corpusForm(FORM);
    const labels = analyst.transcript().flatMap((e) => (e.buttons ?? []).flat().map((button) => button.text));
    expect(labels).toContain(`${form.title} · ${form.version}`);
    await analyst.press((b, text) => b.kind === "staffChoice" && b.step === "study" && text === `${form.title} · ${form.version}`);
    // No partial-interview tick box for a form study.
    await analyst.press((b) => b.kind === "staffChoice" && b.step === "format" && b.value === "next");
    await analyst.press((b) => b.kind === "staffChoice" && b.step === "period" && b.value === "all");
    await harness.emulator.waitFor((e) => e.kind === "call" && e.call.method === "sendDocument", { timeoutMs: 60_000 }).catch((error: unknown) => {
      throw new Error(`${String(error)}\n${harness.emulator.formatTranscript(ANALYST.id)}\n${harness.bots[0]!.logs.join("").slice(-3000)}`);
    });
    await analyst.settle();
    const document = analyst.transcript().find((e) => e.document)!.document!;
    expect(document.fileName).toMatch(new RegExp(`^survey-export-${fileTagOf(form)}-\\d{4}-\\d{2}-\\d{2}-[0-9a-f]{8}\\.zip$`));
    expect(fileTagOf(form)).toContain(form.id);
    const entries = await zipEntries(harness.emulator.file(document.fileId)!.bytes);
    const csv = [...entries].find(([n]) => n.endsWith("/data.csv"))![1].toString("utf8");
    expect(csv.trim().split("\n")).toHaveLength(1); // the header only: the IOM interview is not this study's
    expect(csv).not.toContain("a_city");
    // /exports names each export's study when several run.
    await analyst.command("exports");
    const recent = analyst.lastKeyboard().buttons!.flat().map((button) => button.text);
    expect(recent.some((label) => label.startsWith(`${form.id} · `)), recent.join(" | ")).toBe(true);
  }, 120_000);
});
