/**
 * Whole interviews through the emulator, one per branch family, in English and Russian. Each
 * checks that the stored record holds exactly what was pressed and typed.
 */
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { RecordStore } from "../../src/records/record-store.ts";
import { AesGcmCodec, parseDataKeys } from "../../src/platform/privacy/data-codec.ts";
import { harmlessMessageIds } from "./stored-data.ts";
import { Pseudonyms } from "../../src/platform/privacy/pseudonym.ts";
import type { CompletedRecord } from "../../src/records/record.ts";
import { createTranslator } from "../../src/locales/i18n.ts";
import { Respondent, startHarness, TEST_DATA_KEY, TEST_SECRET, type Harness } from "./harness.ts";
import { answerAll, ELIGIBLE, onboard, type Script } from "./interview.ts";

const translator = createTranslator();
let harness: Harness;
let nextUserId = 910_000_001;

beforeAll(async () => {
  harness = await startHarness();
  await harness.startBot();
}, 60_000);
afterAll(async () => harness?.stop());

function newRespondent(language_code = "en"): Respondent {
  const id = nextUserId++;
  return new Respondent(harness, harness.emulator.user({ id, first_name: `Canary${id}`, username: `canary_user_${id}`, language_code }));
}

async function recordOf(respondent: Respondent): Promise<CompletedRecord | undefined> {
  const store = new RecordStore({ redis: harness.redis.client(), prefix: "survey:", codec: new AesGcmCodec(parseDataKeys(TEST_DATA_KEY)) });
  const pseudonym = new Pseudonyms(TEST_SECRET).respondent(respondent.user.id);
  for await (const record of store.scan()) if (record.pseudonym === pseudonym) return record;
  return undefined;
}

const families: { name: string; lang: string; script: Script; expectAsked: string[]; expectSkipped: string[] }[] = [
  {
    name: "has children (English)",
    lang: "en",
    script: { ...ELIGIBLE, b_children: "yes", b_children_n: 3, b_children_kz: 1, b_children_origin: 2 },
    expectAsked: ["b_children_n", "b_children_kz", "b_children_origin"],
    expectSkipped: [],
  },
  {
    name: "remits money home (Russian)",
    lang: "ru",
    script: { ...ELIGIBLE, b_children: "no", d_remit: "yes", c_reason_kz: ["higher_income", "proximity"] },
    expectAsked: ["d_remit_share", "d_remit_role", "d_remit_freq", "d_remit_channel", "d_remit_channel_reason", "d_remit_purpose"],
    expectSkipped: ["b_children_n"],
  },
  {
    name: "not working now (English)",
    lang: "en",
    script: { ...ELIGIBLE, a_kz_work: "looking", d_emp_status: "unemployed_looking", d_remit: "no" },
    expectAsked: ["d_income_sufficiency"],
    expectSkipped: ["d_emp_type", "d_sector", "d_contract", "d_job_found", "d_remit_share"],
  },
];

describe.each(families)("interview: $name", ({ lang, script, expectAsked, expectSkipped }) => {
  it("reaches the end and stores exactly what was given", async () => {
    const respondent = newRespondent(lang);
    await onboard(respondent, lang);
    const { given, asked } = await answerAll(respondent, script);
    for (const id of expectAsked) expect(asked).toContain(id);
    for (const id of expectSkipped) expect(asked).not.toContain(id);
    const record = await recordOf(respondent);
    expect(record, respondent.emulator.formatTranscript(respondent.user.id)).toBeDefined();
    expect(record!.answers).toEqual(given);
    expect(record!.lang).toBe(lang);
    expect(record!.day).toMatch(/^\d{4}-\d{2}-\d{2}$/);
    expect(JSON.stringify(record)).not.toContain(String(respondent.user.id));
    // The end: a thank-you and the offer of support services.
    expect(respondent.botTexts()).toContain(translator.t(lang, "bot:flow.completed"));
  });
});

describe("exits", () => {
  const exits: [string, Script][] = [
    ["outside the three cities", { a_city: "other_kz" }],
    ["under 18", { a_age_group: "under_18" }],
    ["a citizen of Kazakhstan", { a_citizenship: "kazakhstan" }],
    ["no work in Kazakhstan", { a_kz_work: "none" }],
    ["interviewed before", { a_prev_interview: "yes" }],
    ["in Kazakhstan less than a month", { a_stay: "lt_1m" }],
  ];
  it.each(exits)("ineligible: %s ends politely, stores no answers and offers help", async (_name, failing) => {
    const respondent = newRespondent("en");
    await onboard(respondent, "en");
    const { asked } = await answerAll(respondent, { ...ELIGIBLE, ...failing });
    expect(asked.at(-1)).toBe(Object.keys(failing)[0]);
    expect(await recordOf(respondent)).toBeUndefined();
    const keyboard = respondent.lastKeyboard();
    expect(keyboard.text).toContain(translator.t("en", "bot:flow.ineligible_after"));
    // A second /start does not start again.
    await respondent.command("start");
    expect(respondent.botTexts().at(-1)).toBe(translator.t("en", "bot:flow.ineligible_after"));
  });

  it("consent declined: a thank-you, and nothing about the person in Redis", async () => {
    const redis = harness.redis.client();
    const before = new Set(await redis.keys("*"));
    const respondent = newRespondent("ru");
    await onboard(respondent, "ru", { consent: "decline" });
    const after = (await redis.keys("*")).filter((k) => !before.has(k));
    // Only aggregate counters and processed-update markers may appear, nothing keyed by the
    // person but the chat's message ids (numbers only, gone within 48 hours) for "clear this chat".
    const pseudonyms = new Pseudonyms(TEST_SECRET);
    const ids = await harmlessMessageIds(harness, respondent.user.id);
    for (const key of after.filter((k) => k !== ids)) {
      expect(key).not.toContain(pseudonyms.chat(respondent.user.id));
      expect(key).not.toContain(pseudonyms.respondent(respondent.user.id));
      expect(key).toMatch(/^survey:(funnel|update):/);
    }
    expect(respondent.botTexts().at(-1)).toBe(translator.t("ru", "bot:consent.declined"));
  });

  it("one completed interview per person, even after the finished session expired", async () => {
    const respondent = newRespondent("en");
    await onboard(respondent, "en");
    await answerAll(respondent, ELIGIBLE);
    expect(await recordOf(respondent)).toBeDefined();
    await respondent.command("start");
    expect(respondent.botTexts().at(-1)).toBe(translator.t("en", "bot:flow.already_completed"));
    // The session expires (SESSION_TTL_DAYS); the record is still there.
    await harness.redis.client().del(`survey:session:${new Pseudonyms(TEST_SECRET).chat(respondent.user.id)}`);
    await onboard(respondent, "en");
    expect(respondent.botTexts().at(-1)).toBe(translator.t("en", "bot:flow.already_completed"));
  });
});
