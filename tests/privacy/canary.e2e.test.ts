/**
 * Canary test (issue 9): people with ids, names, usernames and a phone number found nowhere
 * else take the survey in every way it can go (complete, decline, screened out, /delete, a
 * shared contact, a sticker, through an invite), staff make an invite and an export. Then the
 * Redis AOF, every Redis key and value, the bot's logs, the export zip and EXPORT_DIR must hold
 * none of those values, in any of the forms canary-forms.ts lists.
 *
 * A self-check first plants a value in each source and requires the scan to find it, so a
 * scanner that reads nothing cannot pass.
 */
import { rmSync, writeFileSync } from "node:fs";
import { join } from "node:path";
import { createHash } from "node:crypto";
import { ZipArchive } from "archiver";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { createTranslator } from "../../src/locales/i18n.ts";
import { Respondent, startHarness, type Harness } from "../bot/harness.ts";
import { answerAll, ELIGIBLE, onboard } from "../bot/interview.ts";
import { describeHits, findCanaries, needlesFor, type Canary, type Haystack } from "./canary-forms.ts";
import { exportDirFiles, fileAndContents, processLogs, redisDump, redisFiles } from "./canary-sources.ts";

const translator = createTranslator();

const ANALYST = { id: 987_654_321, first_name: "Analitikkanareyka", last_name: "Zzqanalitikova", username: "zz_canary_analyst", language_code: "en" };
const WORKER = { id: 987_654_322, first_name: "Autrichkanareyka", last_name: "Zzqautrichova", username: "zz_canary_worker", language_code: "en" };
const PHONE = "+77017654321";
const CONTACT_NAME = "Kontaktkanareyka";

/** Respondents: names in the scripts they would be written in, including ʻ, ң and ә. */
const PEOPLE = [
  { first_name: "Kanareykaaziz", last_name: "Zzqbekova", lang: "ru" },
  { first_name: "Канарейкадилшод", last_name: "Жжқсултанов", lang: "ru" },
  { first_name: "Kanareykaoʻgʻiloy", last_name: "Zzqgʻulomova", lang: "uz" },
  { first_name: "Канарейкаайгүл", last_name: "Жжңөмүрова", lang: "ky" },
  { first_name: "Канарейкаәсел", last_name: "Жжқұлжанова", lang: "kk" },
  { first_name: "Kanareykasticker", last_name: "Zzqstickerova", lang: "en" },
  { first_name: "Kanareykainvite", last_name: "Zzqinvitova", lang: "ru" },
  { first_name: "Kanareykadelete", last_name: "Zzqdeletova", lang: "ru" },
  { first_name: "Kanareykadecline", last_name: "Zzqdeclinova", lang: "ru" },
  { first_name: "Kanareykascreen", last_name: "Zzqscreenova", lang: "ru" },
].map((p, i) => ({ ...p, id: 987_654_323 + i, username: `zz_canary_user_${i + 1}`, language_code: p.lang }));
const [, , , , CONTACT_SHARER, STICKER_SENDER, INVITED, DELETER, DECLINER, SCREENED_OUT] = PEOPLE;

const CANARIES: Canary[] = [
  ...[ANALYST, WORKER, ...PEOPLE].flatMap((u): Canary[] => [
    { label: `${u.username} id`, value: String(u.id), kind: "id" },
    { label: `${u.username} first name`, value: u.first_name, kind: "name" },
    { label: `${u.username} last name`, value: u.last_name, kind: "name" },
    { label: `${u.username} username`, value: u.username, kind: "name" },
  ]),
  { label: "shared contact phone", value: PHONE, kind: "phone" },
  { label: "shared contact first name", value: CONTACT_NAME, kind: "name" },
];

let harness: Harness;
let exportZip: Buffer;

async function collectHaystacks(): Promise<Haystack[]> {
  const haystacks: Haystack[] = [];
  haystacks.push(...redisFiles(harness.redis.dir!));
  haystacks.push(...(await redisDump(harness.redis.url)));
  haystacks.push(...processLogs(harness.bots));
  haystacks.push(...(await fileAndContents("export zip as sent to the analyst", exportZip)));
  haystacks.push(...(await exportDirFiles(harness.env.EXPORT_DIR!)));
  return haystacks;
}

function respondent(person: (typeof PEOPLE)[number]): Respondent {
  const { lang: _lang, ...user } = person;
  return new Respondent(harness, harness.emulator.user(user));
}

async function complete(person: (typeof PEOPLE)[number], options: { payload?: string; midway?: (r: Respondent) => Promise<void> } = {}): Promise<Respondent> {
  const r = respondent(person);
  await onboard(r, person.lang, options.payload === undefined ? {} : { payload: options.payload });
  const script = { ...ELIGIBLE, b_sex: "male" };
  if (options.midway) {
    await answerAll(r, script, { maxSteps: 5 });
    await options.midway(r);
  }
  await answerAll(r, script);
  expect(r.botTexts(), r.emulator.formatTranscript(person.id)).toContain(translator.t(person.lang, "bot:flow.completed"));
  return r;
}

async function makeInvite(): Promise<string> {
  const worker = new Respondent(harness, harness.emulator.user(WORKER));
  await worker.command("invite");
  await worker.press((b) => b.kind === "staffChoice" && b.step === "city" && b.value === "astana");
  await worker.press((b) => b.kind === "staffChoice" && b.step === "district" && b.value === "ast_esil");
  await worker.type("Market-1");
  const link = worker.botTexts().map((t) => /https:\/\/t\.me\/\S+/.exec(t)?.[0]).find((l) => l !== undefined);
  if (!link) throw new Error(`no invite link:\n${harness.emulator.formatTranscript(WORKER.id)}`);
  return new URL(link).searchParams.get("start")!;
}

async function requestExport(): Promise<Buffer> {
  const analyst = new Respondent(harness, harness.emulator.user(ANALYST));
  await analyst.command("export");
  await analyst.press((b) => b.kind === "staffChoice" && b.step === "format" && b.value === "next");
  await analyst.press((b) => b.kind === "staffChoice" && b.step === "city" && b.value === "all");
  await analyst.press((b) => b.kind === "staffChoice" && b.step === "period" && b.value === "all");
  await harness.emulator.waitFor((e) => e.kind === "call" && e.call.method === "sendDocument", { timeoutMs: 60_000 });
  await analyst.settle();
  const document = analyst.transcript().find((e) => e.document);
  if (!document) throw new Error(`the analyst got no zip:\n${harness.emulator.formatTranscript(ANALYST.id)}`);
  return harness.emulator.file(document.document!.fileId)!.bytes;
}

beforeAll(async () => {
  harness = await startHarness({
    // appendfsync always: every write is in the AOF when the scan reads it. No RDB preamble and
    // no LZF compression, so the AOF base file and DUMP output hold values as plain bytes.
    redisArgs: ["--appendonly", "yes", "--appendfsync", "always", "--aof-use-rdb-preamble", "no", "--rdbcompression", "no"],
    env: { ANALYST_IDS: String(ANALYST.id), OUTREACH_IDS: String(WORKER.id) },
  });
  await harness.startBot();
  const payload = await makeInvite();

  // People act at the same time, as they would; each waits for its own replies.
  await Promise.all([
    ...PEOPLE.slice(0, 4).map((p) => complete(p)),
    complete(CONTACT_SHARER!, {
      midway: async (r) => {
        harness.emulator.sendContact(r.user, { phone_number: PHONE, first_name: CONTACT_NAME, user_id: CONTACT_SHARER!.id });
        await r.settle();
        expect(r.botTexts().at(-1)).toBe(translator.t(CONTACT_SHARER!.lang, "bot:hint.contact_not_kept"));
      },
    }),
    complete(STICKER_SENDER!, {
      midway: async (r) => {
        harness.emulator.sendSticker(r.user, { emoji: "🐤" });
        await r.settle();
        expect(r.botTexts().at(-1)).toBe(translator.t(STICKER_SENDER!.lang, "bot:hint.media"));
      },
    }),
    complete(INVITED!, { payload }),
    (async () => {
      const r = await complete(DELETER!);
      await r.command("delete");
      await r.press((b) => b.kind === "deleteData" && b.choice === "delete");
      expect(r.botTexts()).toContain(translator.t(DELETER!.lang, "bot:delete.done"));
    })(),
    (async () => {
      const r = respondent(DECLINER!);
      await onboard(r, DECLINER!.lang, { consent: "decline" });
      expect(r.botTexts().at(-1)).toBe(translator.t(DECLINER!.lang, "bot:consent.declined"));
    })(),
    (async () => {
      const r = respondent(SCREENED_OUT!);
      await onboard(r, SCREENED_OUT!.lang);
      await answerAll(r, { ...ELIGIBLE, a_age_group: "under_18" });
      expect(r.lastKeyboard().text).toContain(translator.t(SCREENED_OUT!.lang, "bot:flow.ineligible_after"));
    })(),
  ]);

  exportZip = await requestExport();
}, 110_000);

afterAll(async () => {
  const exportDir = harness?.env.EXPORT_DIR;
  await harness?.stop();
  if (exportDir) rmSync(exportDir, { recursive: true, force: true });
});

// ---- self-check: a value planted in each source is found there, in the form it was planted ----

const PLANTED_ID = "987654399";
const PLANTED_USERNAME = "zz_canary_planted";
const PLANTED_NAME = "Посаженнаяканарейка";
const PLANTED: Canary[] = [
  { label: "planted id", value: PLANTED_ID, kind: "id" },
  { label: "planted username", value: PLANTED_USERNAME, kind: "name" },
  { label: "planted name", value: PLANTED_NAME, kind: "name" },
];
const hex = (algorithm: "sha256" | "md5", text: string) => createHash(algorithm).update(text, "utf8").digest("hex");

function zipOf(files: Record<string, Buffer | string>): Promise<Buffer> {
  const zip = new ZipArchive({ zlib: { level: 6 } });
  const chunks: Buffer[] = [];
  zip.on("data", (c: Buffer) => chunks.push(c));
  const done = new Promise<Buffer>((resolve, reject) => {
    zip.on("end", () => resolve(Buffer.concat(chunks)));
    zip.on("error", reject);
  });
  for (const [name, content] of Object.entries(files)) zip.append(content, { name });
  void zip.finalize();
  return done;
}

describe("canary scan", () => {
  it("self-check: finds a value planted in the AOF, a key name, each value type, the logs and a zip inside a zip in EXPORT_DIR", async () => {
    const redis = harness.redis.client();
    await redis.hset(`selfcheck:${PLANTED_ID}`, "u", hex("sha256", PLANTED_USERNAME));
    await redis.set("selfcheck:string", BigInt(PLANTED_ID).toString(16).toUpperCase());
    await redis.rpush("selfcheck:list", PLANTED_NAME.toLowerCase());
    const logs = harness.bots[0]!.logs;
    logs.push(`{"level":30,"event":"selfcheck","x":"${hex("md5", PLANTED_ID)}"}\n`);
    const planted = join(harness.env.EXPORT_DIR!, "selfcheck-planted.zip");
    const xlsx = await zipOf({ "xl/sharedStrings.xml": `<sst><si><t>${PLANTED_NAME}</t></si></sst>` });
    writeFileSync(planted, await zipOf({ "inner.xlsx": xlsx, "notes.txt": Buffer.from(PLANTED_USERNAME).toString("hex").toUpperCase() }));
    try {
      const hits = findCanaries(await collectHaystacks(), needlesFor(PLANTED));
      const found = (where: RegExp, form: string) => hits.some((h) => where.test(h.where) && h.form === form);
      const expected: [RegExp, string][] = [
        [/^Redis file appendonlydir\/.*\.aof$/, "decimal text"],
        [/^Redis file appendonlydir\/.*\.aof$/, "SHA-256 hex (lower)"],
        [/^Redis key name db0 "selfcheck:987654399"$/, "decimal text"],
        [/^Redis hash value of db0 "selfcheck:987654399"$/, "SHA-256 hex (lower)"],
        [/^Redis string value of db0 "selfcheck:string"$/, "hex number (upper)"],
        [/^Redis list value of db0 "selfcheck:list"$/, "lower-case text"],
        [/^Redis DUMP of db0 "selfcheck:list"$/, "lower-case text"],
        [/^bot process 0 logs$/, "decimal MD5 hex (lower)"],
        [/^EXPORT_DIR\/selfcheck-planted\.zip › inner\.xlsx › xl\/sharedStrings\.xml$/, "text"],
        [/^EXPORT_DIR\/selfcheck-planted\.zip › notes\.txt$/, "hex of UTF-8 (upper)"],
      ];
      const missing = expected.filter(([where, form]) => !found(where, form)).map(([where, form]) => `${form} in ${where}`);
      expect(missing, `the scanner missed planted values; it found only:\n${describeHits(hits)}`).toEqual([]);
      // Compressed, the planted name is not visible in the outer zip's own bytes: only unzipping finds it.
      expect(hits.some((h) => h.where === "EXPORT_DIR/selfcheck-planted.zip")).toBe(false);
    } finally {
      await redis.del(`selfcheck:${PLANTED_ID}`, "selfcheck:string", "selfcheck:list");
      logs.pop();
      rmSync(planted);
    }
  });

  it("finds no canary id, name, username or phone in the AOF, Redis keys and values, logs, the export zip or EXPORT_DIR", async () => {
    const haystacks = await collectHaystacks();
    // The sources are really there: an AOF that grew, keys, logs, the zip's files, the stored zip.
    expect(haystacks.filter((h) => /^Redis file appendonlydir\/.*incr\.aof$/.test(h.where)).reduce((n, h) => n + h.bytes.length, 0)).toBeGreaterThan(10_000);
    expect(haystacks.filter((h) => h.where.startsWith("Redis key name")).length).toBeGreaterThan(10);
    expect(haystacks.find((h) => h.where === "bot process 0 logs")!.bytes.toString()).toContain('"event":"started"');
    expect(haystacks.some((h) => /^export zip as sent to the analyst › .*data\.xlsx › /.test(h.where))).toBe(true);
    expect(haystacks.some((h) => /^EXPORT_DIR\/.*\.zip$/.test(h.where))).toBe(true);
    const csv = haystacks.find((h) => /^export zip as sent to the analyst › [^›]*data\.csv$/.test(h.where))!;
    // Six alike plus the invited person; the one who used /delete is gone.
    expect(csv.bytes.toString("utf8").trim().split("\n")).toHaveLength(1 + 7);

    const hits = findCanaries(haystacks, needlesFor(CANARIES));
    expect(hits.length, `canary values leaked (${hits.length} hits):\n${describeHits(hits)}`).toBe(0);
  });
});
