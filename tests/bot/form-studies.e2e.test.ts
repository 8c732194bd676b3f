/**
 * Two studies at once, end to end through the emulator, the bot started as production starts
 * it: an XLSForm from the public corpus runs beside the IOM form in one FORMS_DIR, each reached
 * by its own signed invite link. The person sees the form's questions in order, one per
 * message, with refused answers explained; each completed record goes to its own study's store
 * (sealed) and never to the other's; an analyst exports each study separately, each with its
 * own columns, and no row of one study appears in the other's export.
 */
import { copyFileSync, mkdtempSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { zipEntries } from "../support/zip.ts";
import { createTranslator } from "../../src/locales/i18n.ts";
import { AesGcmCodec, parseDataKeys } from "../../src/platform/privacy/data-codec.ts";
import { Pseudonyms } from "../../src/platform/privacy/pseudonym.ts";
import { recordKeys } from "../../src/records/keys.ts";
import type { CompletedRecord } from "../../src/records/record.ts";
import { RecordStore } from "../../src/records/record-store.ts";
import { signInvite, workerCode } from "../../src/bot/outreach/invite-payload.ts";
import { Respondent, startHarness, TEST_DATA_KEY, TEST_SECRET, type Harness } from "./harness.ts";
import { answerAll, ELIGIBLE, onboard } from "./interview.ts";

const translator = createTranslator();
const CORPUS_FORM = "pyxform-tutorial-repeat";
const CORPUS_KEY = `${CORPUS_FORM}@`; // the workbook has no version
const NATIVE_ID = "labour_migrants_kz";
const NATIVE_KEY = `${NATIVE_ID}@1`;
/** Each study's own signed invite link (the /start payload). */
const inviteTo = (study: string, label: string) => signInvite({ workerCode: workerCode(1, TEST_SECRET), city: "almaty", label, study }, TEST_SECRET);

const ANALYST = { id: 939_000_001, first_name: "Dana", username: "dana_analyst", language_code: "en" };
let harness: Harness;
let nextUserId = 930_000_001;

beforeAll(async () => {
  const forms = mkdtempSync(join(tmpdir(), "forms-"));
  copyFileSync("forms/labour-migrants-kz.xlsx", join(forms, "labour-migrants-kz.xlsx"));
  copyFileSync(`../shared/xlsform-corpus/${CORPUS_FORM}.xlsx`, join(forms, `${CORPUS_FORM}.xlsx`));
  // No DEFAULT_FORM: plain /start opens the IOM study; the corpus form only through its link.
  harness = await startHarness({ env: { FORMS_DIR: forms, ANALYST_IDS: String(ANALYST.id) } });
  await harness.startBot();
}, 60_000);
afterAll(async () => harness?.stop());

function newRespondent(language_code = "en"): Respondent {
  const id = nextUserId++;
  return new Respondent(harness, harness.emulator.user({ id, first_name: `Form${id}`, username: `form_user_${id}`, language_code }));
}

async function recordsIn(study: string): Promise<CompletedRecord[]> {
  const store = new RecordStore({ redis: harness.redis.client(), prefix: "survey:", codec: new AesGcmCodec(parseDataKeys(TEST_DATA_KEY)), study });
  const records: CompletedRecord[] = [];
  for await (const record of store.scan()) records.push(record);
  return records;
}

const pseudonymOf = (respondent: Respondent) => new Pseudonyms(TEST_SECRET).respondent(respondent.user.id);
const t = (lang: string, key: string, params?: Record<string, unknown>) => translator.t(lang, key, params);

/** The questions answered, in order: each question's message, once closed, reads "question\n\nYour answer: …". */
function answeredInOrder(respondent: Respondent, lang: string): string[][] {
  const [before, after] = t(lang, "bot:question.answered", { answer: "\u0000" }).split("\u0000") as [string, string];
  return respondent
    .transcript()
    .filter((e) => e.from === "bot" && e.edited && e.text?.includes(`\n\n${before}`))
    .map((e) => {
      const [question, answer] = e.text!.split(`\n\n${before}`) as [string, string];
      return [question, answer.slice(0, answer.length - after.length)];
    });
}

/** The export's files by their own name (without the zip's folder), as text. */
async function zipTexts(bytes: Buffer): Promise<Map<string, string>> {
  const entries = await zipEntries(bytes);
  return new Map([...entries].map(([path, content]) => [path.split("/").at(-1)!, content.toString("utf8")]));
}

/** An analyst's /export of one study (picked by its button), every period; the zip's files by name. */
async function exportStudy(analyst: Respondent, studyButton: RegExp): Promise<Map<string, string>> {
  const before = analyst.transcript().filter((e) => e.document).length;
  await analyst.command("export");
  await analyst.press((b, text) => b.kind === "staffChoice" && b.step === "study" && studyButton.test(text));
  await analyst.press((b) => b.kind === "staffChoice" && b.step === "format" && b.value === "next");
  const asksCity = analyst.transcript().at(-1)?.buttons?.flat().some((button) => /\|city\|/.test(button.callbackData ?? ""));
  if (asksCity) await analyst.press((b) => b.kind === "staffChoice" && b.step === "city" && b.value === "all");
  await analyst.press((b) => b.kind === "staffChoice" && b.step === "period" && b.value === "all");
  const deadline = Date.now() + 60_000;
  while (analyst.transcript().filter((e) => e.document).length === before) {
    if (Date.now() > deadline) throw new Error(`no export arrived:\n${analyst.emulator.formatTranscript(analyst.user.id)}`);
    await new Promise((r) => setTimeout(r, 200));
  }
  await analyst.settle();
  const document = analyst.transcript().filter((e) => e.document).at(-1)!.document!;
  return zipTexts(harness.emulator.file(document.fileId)!.bytes);
}

const csvRows = (csv: string) => csv.trim().split("\n");

describe("two studies at once: a corpus XLSForm beside the IOM form", () => {
  it("runs the corpus form from its invite: questions in order, a refused answer explained, the record in its own study", async () => {
    const en = newRespondent("en");
    await en.command("start", inviteTo(CORPUS_FORM, "market-1"));
    expect(en.botTexts()[0]).toContain(t("en", "form:welcome", { title: CORPUS_FORM }));
    await en.press((b) => b.kind === "pickLanguage" && b.lang === "en");
    expect(en.botTexts().at(-1)).toContain(`“${CORPUS_FORM}”`);
    await en.press((b) => b.kind === "consent" && b.choice === "agree");

    // The form opens with its repeat: add a household member?
    expect(en.botTexts().at(-1)).toContain(t("en", "form:repeat.first", { label: "Household Member or Visitor" }));
    await en.pressLabel(t("en", "form:buttons.add_yes"));
    expect(en.botTexts().at(-1)).toContain("Household Member or Visitor 1");
    expect(en.botTexts().at(-1)).toContain("What is this household member's name?");
    await en.type("Alice Example");
    await en.pressLabel("Head");
    await en.pressLabel("Female");
    await en.pressLabel("Yes"); // usually lives here
    await en.pressLabel("Yes"); // stayed last night
    await en.pressLabel("Yes"); // older than five
    expect(en.botTexts().at(-1)).toContain("How old is (NAME) in years?");
    await en.type("3"); // the constraint . >= 5 refuses it, with our message (the form has none)
    expect(en.botTexts().at(-1)).toBe(t("en", "form:refusal.constraint"));
    await en.type("thirty");
    expect(en.botTexts().at(-1)).toBe(t("en", "form:refusal.not_an_integer"));
    await en.type("30");
    // Relevant only for women of 15–49: asked.
    expect(en.botTexts().at(-1)).toContain("Can (NAME) read and write?");
    await en.pressLabel("Yes");
    await en.pressLabel("No");
    expect(en.botTexts().at(-1)).toContain(t("en", "form:repeat.another", { label: "Household Member or Visitor", count: 1 }));
    await en.pressLabel(t("en", "form:buttons.add_no"));
    expect(en.botTexts().at(-1)).toBe(t("en", "form:completed"));

    // Each question in its own message, closed with its answer once answered (and no buttons left).
    expect(answeredInOrder(en, "en")).toEqual([
      [t("en", "form:repeat.first", { label: "Household Member or Visitor" }), t("en", "form:buttons.add_yes")],
      ["What is this household member's name?", "Alice Example"],
      ["What is the relationship of (NAME) to the head of the household?", "Head"],
      ["Is (NAME) male or female?", "Female"],
      ["Does (NAME) usually live here?", "Yes"],
      ["Did (NAME) stay here last night?", "Yes"],
      ["Is (NAME) older than five years?", "Yes"],
      ["How old is (NAME) in years?", "30"],
      ["Can (NAME) read and write?", "Yes"],
      ["Is (NAME) currently pregnant?", "No"],
      [t("en", "form:repeat.another", { label: "Household Member or Visitor", count: 1 }), t("en", "form:buttons.add_no")],
    ]);
    const answerLine = t("en", "bot:question.answered", { answer: "" });
    expect(en.transcript().filter((e) => e.from === "bot" && e.text?.includes(answerLine) && (e.buttons ?? []).length > 0)).toEqual([]);

    const [record, ...others] = (await recordsIn(CORPUS_KEY)).filter((r) => r.pseudonym === pseudonymOf(en));
    expect(others).toEqual([]);
    expect(record).toMatchObject({ formId: CORPUS_FORM, formVersion: "", lang: "en" });
    expect(record!.answers).toEqual({
      "member[1]/name": "Alice Example",
      "member[1]/relationship_to_household_head": "head",
      "member[1]/sex": "female",
      "member[1]/resident": "yes",
      "member[1]/stayed_last_night": "yes",
      "member[1]/older_than_five": "yes",
      "member[1]/age_in_years": "30",
      "member[1]/literate": "yes",
      "member[1]/pregnant": "no",
    });
    // Never in the other study's store; and the free text is sealed at rest.
    expect((await recordsIn(NATIVE_KEY)).some((r) => r.pseudonym === pseudonymOf(en))).toBe(false);
    const raw = await harness.redis.client().xrange(recordKeys("survey:", CORPUS_KEY).stream, "-", "+");
    expect(raw.length).toBeGreaterThan(0);
    expect(JSON.stringify(raw)).not.toContain("Alice");

    // The same person then follows the IOM study's own link and completes that one too.
    await en.command("start", inviteTo(NATIVE_ID, "market-2"));
    await en.press((b) => b.kind === "consent" && b.choice === "agree");
    const { given } = await answerAll(en, ELIGIBLE);
    expect(en.botTexts()).toContain(t("en", "bot:flow.completed"));
    const native = (await recordsIn(NATIVE_KEY)).filter((r) => r.pseudonym === pseudonymOf(en));
    expect(native).toHaveLength(1);
    expect(native[0]!.answers).toEqual(given);
    expect(native[0]).toMatchObject({ formId: NATIVE_ID, formVersion: "1" });
    // Still exactly one record in the form study, and no study's answers in the other's store.
    expect((await recordsIn(CORPUS_KEY)).filter((r) => r.pseudonym === pseudonymOf(en))).toHaveLength(1);
    for (const record of await recordsIn(NATIVE_KEY)) expect(Object.keys(record.answers).some((ref) => ref.startsWith("member["))).toBe(false);
    for (const record of await recordsIn(CORPUS_KEY)) expect(Object.keys(record.answers).some((ref) => ref.startsWith("a_"))).toBe(false);
  }, 60_000);

  it("goes Back, and answers an old button with a hint in the person's language and the current question", async () => {
    const ru = newRespondent("ru");
    await onboard(ru, "ru", { payload: inviteTo(CORPUS_FORM, "market-4") });
    await ru.pressLabel(t("ru", "form:buttons.add_yes"));
    await ru.type("Борис");
    expect(ru.botTexts().at(-1)).toContain("What is the relationship of (NAME) to the head of the household?");
    await ru.pressLabel(t("ru", "bot:buttons.back"));
    expect(ru.botTexts().at(-1)).toContain("What is this household member's name?");
    expect(ru.botTexts().at(-1)).toContain(t("ru", "form:instruction.text"));
    await ru.type("Борис");
    const relationship = ru.lastKeyboard();
    const head = relationship.buttons!.flat().find((b) => b.text === "Head")!;
    await ru.pressLabel("Head");
    expect(ru.botTexts().at(-1)).toContain("Is (NAME) male or female?");
    // The same button again, on the message it was on: old now.
    ru.emulator.pressButton(ru.user, relationship.messageId, head.callbackData!);
    await ru.settle();
    expect(ru.emulator.callbackAnswers(ru.user.id).at(-1)?.text).toBe(t("ru", "bot:hint.stale_button"));
    expect(ru.botTexts().at(-1)).toContain("Is (NAME) male or female?");
    // Help, as on every question, and from there back to the form's question.
    await ru.pressLabel(t("ru", "bot:buttons.help"));
    expect(ru.botTexts().at(-1)).not.toContain("Is (NAME) male or female?");
    await ru.press((b) => b.kind === "backToQuestions");
    expect(ru.botTexts().at(-1)).toContain("Is (NAME) male or female?");
    await ru.pressLabel("Female");
    expect(ru.botTexts().at(-1)).toContain("Does (NAME) usually live here?");
  }, 60_000);

  it("runs the IOM form from its link alone and leaves the form study's store untouched", async () => {
    const ru = newRespondent("ru");
    const before = (await recordsIn(CORPUS_KEY)).length;
    await onboard(ru, "ru", { payload: inviteTo(NATIVE_ID, "market-3") });
    const { given } = await answerAll(ru, ELIGIBLE);
    expect(ru.botTexts()).toContain(t("ru", "bot:flow.completed"));
    const [record] = (await recordsIn(NATIVE_KEY)).filter((r) => r.pseudonym === pseudonymOf(ru));
    expect(record!.answers).toEqual(given);
    expect(await recordsIn(CORPUS_KEY)).toHaveLength(before);
    expect((await recordsIn(CORPUS_KEY)).some((r) => r.pseudonym === pseudonymOf(ru))).toBe(false);
  }, 60_000);

  it("exports each study separately, each with its own columns and only its own interviews", async () => {
    // The IOM study's anonymous export needs k = 5 people alike; four more complete it.
    for (let i = 0; i < 4; i++) {
      const person = newRespondent("en");
      await onboard(person, "en", { payload: inviteTo(NATIVE_ID, "market-5") });
      await answerAll(person, ELIGIBLE);
    }
    const analyst = new Respondent(harness, harness.emulator.user(ANALYST));

    const form = await exportStudy(analyst, new RegExp(`^${CORPUS_FORM}`));
    const members = form.get("repeat_member.csv");
    expect(members, [...form.keys()].join(", ")).toBeDefined();
    expect(csvRows(members!)[0]).toEqual(expect.stringContaining("relationship_to_household_head"));
    expect(csvRows(members!)[0]).toEqual(expect.stringContaining("age_in_years"));
    expect(csvRows(members!)).toHaveLength(2); // the one member the one completed interview added
    expect(csvRows(form.get("data.csv")!)).toHaveLength(2); // one interview: the IOM ones are not this study's
    expect(form.get("data.csv")).not.toContain("a_city");
    // Free text stays out of an anonymous export unless the study marks it safe.
    for (const text of form.values()) expect(text).not.toContain("Alice Example");

    const native = await exportStudy(analyst, /labour_migrants_kz|· 1$/);
    const header = csvRows(native.get("data.csv")!)[0]!;
    expect(header).toContain("a_city");
    expect(header).not.toContain("relationship_to_household_head");
    expect(csvRows(native.get("data.csv")!)).toHaveLength(1 + 6); // the two IOM interviews above and these four
    expect(native.has("repeat_member.csv")).toBe(false);
  }, 180_000);

  it("keeps a form interview across a restart of the bot: /start continues where the person was", async () => {
    const kk = newRespondent("kk");
    await onboard(kk, "kk", { payload: inviteTo(CORPUS_FORM, "market-6") });
    await kk.pressLabel(t("kk", "form:buttons.add_yes"));
    await kk.type("Айгүл");
    await kk.pressLabel("Head");
    await harness.bots[0]!.kill("SIGKILL");
    await harness.startBot();
    await kk.command("start");
    const texts = kk.botTexts();
    expect(texts.at(-2)).toBe(t("kk", "bot:flow.welcome_back", { position: 3, total: 6 }));
    expect(texts.at(-1)).toContain("Is (NAME) male or female?");
    await kk.pressLabel("Female");
    expect(kk.botTexts().at(-1)).toContain("Does (NAME) usually live here?");
  }, 60_000);
});
