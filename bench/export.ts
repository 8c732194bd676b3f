/**
 * Export at scale: 100,000 synthetic completed interviews of the study's questionnaire.
 *
 * The interviews come from an async generator that builds each record when it is asked for, as
 * the record store streams them, so the memory figure is the pipeline's own: nothing here holds
 * the 100,000 records. Three figures:
 *  - the CSV export against a bare csv-stringify of the same rows in the same run (limit 2×);
 *  - the whole zip with every format;
 *  - peak RSS of the process (limit 300 MB).
 */
import { createWriteStream } from "node:fs";
import { mkdtemp, rm } from "node:fs/promises";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { once } from "node:events";
import { finished } from "node:stream/promises";
import { stringify } from "csv-stringify";
import { buildExportZip, EXPORT_FORMATS, type ExportFormat, type ExportReport } from "../src/export/build-zip.ts";
import { allowedAnswersTo } from "../src/export/anonymize.ts";
import { exportVariables } from "../src/export/columns.ts";
import { QuasiIdentifierCounter, type DisclosurePlan } from "../src/export/disclosure.ts";
import { STUDY_POLICY } from "../src/studies/export-policy.ts";
import type { CompletedRecord } from "../src/records/record.ts";
import { conditionQuestionsDeep } from "../src/flows/conditions.ts";
import { labourMigrantsKz as definition } from "../src/flows/definitions/labour-migrants-kz.ts";
import * as engine from "../src/flows/engine.ts";
import { integrityFlags } from "../src/flows/integrity.ts";
import type { Answer, Condition, Environment, NumberExpr, Question } from "../src/flows/schema.ts";
import { createTranslator } from "../src/locales/i18n.ts";
import { compare, line, timeAsync, timeSync } from "./measure.ts";
import { seeded } from "../tests/support/random.ts";

const INTERVIEWS = 100_000;
const SEED = 20260315;
/** Records replayed through the engine to prove the synthetic interviews are ones it completes. */
const ENGINE_CHECKED = 300;
const RSS_LIMIT_MB = 300;


type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

/** Codes people choose less often than a real answer. */
const NO_ANSWER = new Set(["pnta", "dk"]);
const NO_ANSWER_SHARE = 0.05;
/** Interview languages, weighted roughly as the study's respondents chose them. */
const LANGUAGES = ["uz", "uz", "uz", "uz-Cyrl", "ky", "ky", "ru", "ru", "ru", "kk", "en"];
const CAMPAIGNS = ["market-almaty-1", "market-astana-1", "mosque-shymkent", "ngo-referral", "word-of-mouth"];
/** Interviews were completed over one year of fieldwork. */
const DAYS = Array.from({ length: 365 }, (_, i) => new Date(Date.UTC(2025, 5, 1) + i * 86_400_000).toISOString().slice(0, 10));

const screeningQuestions = new Set(definition.screening.flatMap((rule) => conditionQuestionsDeep(rule.when, definition.sets)));

/** Answers while an interview is being sampled: a Map, so a rejected answer is simply deleted. */
type Sampled = Map<string, Answer>;
type Test = (answers: Sampled, env: Environment) => boolean;
type Amount = (answers: Sampled, env: Environment) => number | undefined;

/** A number expression as a closure, like evaluateNumber() in conditions.ts. */
function compileNumber(expr: number | NumberExpr): Amount {
  if (typeof expr === "number") return () => expr;
  if ("const" in expr) return () => expr.const;
  if ("env" in expr) return (_, env) => env.currentYear;
  if ("answer" in expr) {
    const q = expr.answer;
    return (a) => {
      const v = a.get(q);
      return typeof v === "number" ? v : undefined;
    };
  }
  const subtract = "sub" in expr;
  const [first, ...rest] = (subtract ? expr.sub : expr.add).map(compileNumber);
  return (a, env) => {
    let total = first!(a, env);
    for (const part of rest) {
      const value = part(a, env);
      if (total === undefined || value === undefined) return undefined;
      total = subtract ? total - value : total + value;
    }
    return total;
  };
}

/**
 * A condition as a closure, for sampling only: holds() allocates per operand, and at 100,000
 * interviews × 56 questions the generator would then cost more than the export it feeds. The
 * engine replay in benchExport() checks that the interviews sampled this way are ones the engine
 * itself completes.
 */
function compile(cond: Condition | undefined): Test {
  if (cond === undefined) return () => true;
  switch (cond.op) {
    case "equals":
      return (a) => a.get(cond.q) === cond.value;
    case "in": {
      const values = new Set<string | number>(cond.values);
      return (a) => {
        const v = a.get(cond.q);
        return v !== undefined && !Array.isArray(v) && values.has(v);
      };
    }
    case "includes":
      return (a) => {
        const v = a.get(cond.q);
        return Array.isArray(v) && v.includes(cond.value);
      };
    case "answered":
      return (a) => a.get(cond.q) !== undefined;
    case "gt":
    case "gte":
    case "lt":
    case "lte": {
      const test = { gt: (x: number, y: number) => x > y, gte: (x: number, y: number) => x >= y, lt: (x: number, y: number) => x < y, lte: (x: number, y: number) => x <= y }[cond.op];
      const bound = compileNumber(cond.value);
      return (a, env) => {
        const v = a.get(cond.q);
        const b = bound(a, env);
        return typeof v === "number" && b !== undefined && test(v, b);
      };
    }
    case "not": {
      const inner = compile(cond.cond);
      return (a, env) => !inner(a, env);
    }
    case "and": {
      const parts = cond.all.map(compile);
      return (a, env) => parts.every((part) => part(a, env));
    }
    case "or": {
      const parts = cond.any.map(compile);
      return (a, env) => parts.some((part) => part(a, env));
    }
    case "is": {
      const named = definition.sets[cond.name];
      if (!named) throw new Error(`bench: unknown named condition ${cond.name}`);
      return compile(named);
    }
  }
}

/**
 * What can be decided about a question once, rather than per interview: its options split into
 * real answers and no-answer codes, and whether a choice filter makes them depend on earlier answers.
 */
interface QuestionPlan {
  question: Question;
  asked: Test;
  /** Choice-filtered options with their filters; empty when no option has one. */
  filters: { code: string; offered: Test }[];
  /** Screening rules and soft checks: an answer that makes one hold is (mostly) not kept. */
  screening: Test[];
  softChecks: Test[];
  /** The range of a number or year question. */
  min: Amount;
  max: Amount;
  filtered: boolean;
  substantive: string[];
  missing: string[];
  exclusive: string[];
  presets: number[];
  screens: boolean;
  /** A screening rule or a soft check reads this answer. */
  checked: boolean;
}

const plans: QuestionPlan[] = definition.questions.map((question) => {
  const options = question.options ?? [];
  return {
    question,
    asked: compile(question.askIf),
    filters: options.some((o) => o.showIf !== undefined) ? options.map((o) => ({ code: o.code, offered: compile(o.showIf) })) : [],
    screening: screeningQuestions.has(question.id) ? definition.screening.map((rule) => compile(rule.when)) : [],
    softChecks: (question.softChecks ?? []).map((check) => compile(check.when)),
    min: question.type === "number" || question.type === "year" ? compileNumber(question.min) : () => undefined,
    max: question.type === "number" || question.type === "year" ? compileNumber(question.max) : () => undefined,
    filtered: options.some((o) => o.showIf !== undefined),
    substantive: options.filter((o) => !NO_ANSWER.has(o.code) && !o.exclusive).map((o) => o.code),
    missing: options.filter((o) => NO_ANSWER.has(o.code)).map((o) => o.code),
    exclusive: options.filter((o) => o.exclusive).map((o) => o.code),
    presets: question.type === "number" || question.type === "year" ? (question.presets ?? []) : [],
    screens: screeningQuestions.has(question.id),
    checked: screeningQuestions.has(question.id) || question.softChecks !== undefined,
  };
});

/** A real answer most of the time; "prefer not to answer" and "don't know" now and then. */
function chooseCode(random: Random, substantive: readonly string[], missing: readonly string[]): string {
  if (substantive.length === 0 || (missing.length > 0 && random() < NO_ANSWER_SHARE)) return pick(random, missing.length > 0 ? missing : substantive);
  return pick(random, substantive);
}

function sampleAnswer(random: Random, plan: QuestionPlan, answers: Sampled, env: Environment): Answer | undefined {
  const { question } = plan;
  switch (question.type) {
    case "single": {
      if (!plan.filtered) return chooseCode(random, plan.substantive, plan.missing);
      const offered = plan.filters.filter((f) => f.offered(answers, env)).map((f) => f.code);
      return offered.length > 0 ? chooseCode(random, offered.filter((c) => !NO_ANSWER.has(c)), offered.filter((c) => NO_ANSWER.has(c))) : undefined;
    }
    case "multi": {
      if (plan.exclusive.length > 0 && random() < 0.08) return [pick(random, plan.exclusive)];
      const wanted = 1 + Math.floor(random() * Math.min(question.max ?? 4, plan.substantive.length));
      const chosen = new Set<string>();
      while (chosen.size < wanted) chosen.add(pick(random, plan.substantive));
      return plan.substantive.filter((code) => chosen.has(code)); // definition order, as the engine stores it
    }
    case "number":
    case "year": {
      if (plan.missing.length > 0 && random() < NO_ANSWER_SHARE) return pick(random, plan.missing);
      const min = plan.min(answers, env) ?? 0;
      const max = Math.max(min, plan.max(answers, env) ?? min); // as rangeFor() in the engine
      // Years cluster in the recent past, counts near the small end, as real answers do.
      if (question.type === "year") return Math.max(min, max - Math.floor(random() ** 2 * Math.min(25, max - min + 1)));
      if (plan.presets.length > 0 && random() < 0.9) {
        const preset = pick(random, plan.presets);
        if (preset >= min && preset <= max) return preset;
      }
      return min + Math.floor(random() ** 3 * (max - min + 1));
    }
  }
}

/**
 * Whether a person would keep this answer: one that ends the interview cannot be in a completed
 * record, and one that trips a soft check is mostly corrected when the bot asks to confirm.
 */
function keeps(random: Random, plan: QuestionPlan, answers: Sampled, env: Environment): boolean {
  if (plan.screening.some((test) => test(answers, env))) return false;
  if (plan.softChecks.some((test) => test(answers, env))) return random() < 0.1;
  return true;
}

/** Shaped like the stored HMAC (64 hex digits); the export must drop it whatever it is. */
function pseudonym(random: Random): string {
  const bytes = Buffer.allocUnsafe(32);
  for (let i = 0; i < 32; i += 4) bytes.writeUInt32BE(Math.floor(random() * 2 ** 32), i);
  return bytes.toString("hex");
}

/** One completed interview: each question asked on this person's path gets a valid answer. */
function sampleInterview(random: Random): CompletedRecord {
  const day = pick(random, DAYS);
  const env = { currentYear: Number(day.slice(0, 4)) };
  const answers: Sampled = new Map();
  for (const plan of plans) {
    if (!plan.asked(answers, env)) continue;
    for (let attempt = 0; ; attempt++) {
      const value = sampleAnswer(random, plan, answers, env);
      if (value === undefined) break;
      answers.set(plan.question.id, value);
      if (!plan.checked || keeps(random, plan, answers, env)) break;
      answers.delete(plan.question.id);
      if (attempt > 50) throw new Error(`bench: no answer to ${plan.question.id} passes screening; check the definition's screening rules`);
    }
  }
  // The person's median seconds per question, which is all the speeding check reads of the pace.
  const stored = Object.fromEntries(answers);
  const pace = [random() < 0.03 ? 1 + random() : 3 + random() * 20];
  const record: CompletedRecord = {
    pseudonym: pseudonym(random),
    answers: stored,
    lang: pick(random, LANGUAGES),
    version: definition.version,
    day,
    flags: integrityFlags(definition, { answers: stored, pace, speedingFloorSeconds: 3, env }),
  };
  if (random() < 0.7) record.source = pick(random, CAMPAIGNS);
  return record;
}

/** The record store's shape: each call streams the same interviews from the start, one at a time. */
export function syntheticInterviews(count: number, seed: number): () => AsyncIterable<CompletedRecord> {
  return async function* () {
    const random = seeded(seed);
    for (let i = 0; i < count; i++) yield sampleInterview(random);
  };
}

/** Replays a synthetic interview through the engine, as the bot would; throws unless it completes with the same answers. */
function replayThroughEngine(record: CompletedRecord): void {
  const env = { currentYear: Number(record.day.slice(0, 4)) };
  let step = engine.describe(definition, engine.start(definition), env);
  while (step.kind === "ask" || step.kind === "confirm") {
    const q = step.question.id;
    const value = step.kind === "confirm" ? step.state.unconfirmed!.value : record.answers[q];
    if (value === undefined) throw new Error(`bench: the engine asks ${q}, which a synthetic interview left unanswered`);
    step = engine.answer(definition, step.state, { q, value, confirmed: step.kind === "confirm" }, env);
  }
  if (step.kind !== "completed") throw new Error(`bench: a synthetic interview ended ${step.kind}${step.kind === "rejected" ? ` (${step.rejection.code})` : ""}`);
  if (JSON.stringify(step.state.answers) !== JSON.stringify(record.answers)) throw new Error("bench: the engine stored different answers than the synthetic interview holds");
}

/**
 * The reference: the same columns laid out straight from each record into csv-stringify, with
 * none of the export's work (no filter, no disclosure pass, no anonymizing, no zip). Derived
 * values are left blank, since computing them is export work.
 */
async function bareCsv(records: () => AsyncIterable<CompletedRecord>, file: string): Promise<void> {
  const columns = exportVariables(definition, STUDY_POLICY).map((v): ((r: CompletedRecord) => string | number | undefined) => {
    if (v.kind === "meta") return (r) => (v.name === "row_id" ? r.pseudonym.slice(0, 12) : v.name === "version" ? r.version : (r[v.name as "day" | "lang" | "source"] ?? undefined));
    if (v.kind === "flag") return (r) => (r.flags?.[v.of!] === undefined ? undefined : r.flags[v.of!] ? 1 : 0);
    if (v.kind === "multi_option") {
      const code = v.name.slice(v.of!.length + 1);
      return (r) => {
        const chosen = r.answers[v.of!];
        return Array.isArray(chosen) ? (chosen.includes(code) ? 1 : 0) : undefined;
      };
    }
    if (v.kind === "derived_number" || v.kind === "derived_category") return () => undefined;
    return (r) => r.answers[v.of!] as string | number | undefined;
  });
  const stringifier = stringify({ bom: true });
  const out = createWriteStream(file);
  stringifier.pipe(out);
  for await (const record of records()) {
    if (!stringifier.write(columns.map((read) => read(record)))) await once(stringifier, "drain");
  }
  stringifier.end();
  await finished(out);
}

/** The highest resident set size seen, sampled every 50 ms while the export runs. */
function sampleRss(): { stop(): number } {
  let peak = process.memoryUsage().rss;
  const timer = setInterval(() => (peak = Math.max(peak, process.memoryUsage().rss)), 50);
  return {
    stop() {
      clearInterval(timer);
      return Math.max(peak, process.memoryUsage().rss);
    },
  };
}

const mb = (bytes: number) => bytes / 1024 / 1024;
const seconds = (ms: number) => `${(ms / 1000).toFixed(2)} s`;

/** `interviews` only shortens a trial run; `npm run bench` uses the full 100,000. */
/**
 * Two parts, each run in a fresh process by bench/index.ts: "memory" exports every format once
 * and reports the process's peak RSS (nothing else has run in it, so the peak is the export's);
 * "compare" times the CSV export against a bare csv-stringify of the same rows.
 */
export type ExportBenchPart = "memory" | "compare";
export interface ExportBenchResult {
  csvRatio?: number;
  peakRssMb?: number;
}

export async function benchExport({ interviews = INTERVIEWS, part }: { interviews?: number; part: ExportBenchPart }): Promise<ExportBenchResult> {
  const records = syntheticInterviews(interviews, SEED);
  const translator = createTranslator();
  const languages = ["en", "ru", "uz", "ky", "kk"];
  const dir = await mkdtemp(join(tmpdir(), "bench-export-"));
  let report: ExportReport | undefined;
  const exportZip = async (formats: ExportFormat[], name: string) => {
    report = await buildExportZip({ records, definition, request: { formats }, translate: translator.t, languages, outFile: join(dir, name) });
  };
  try {
    if (part === "memory") {
      const rss = sampleRss();
      const whole = await timeAsync(() => exportZip([...EXPORT_FORMATS], "all.zip"));
      const sampledPeak = rss.stop();
      // maxRSS is the kernel's high-water mark for the whole process, so no spike between samples is missed.
      const peakRssMb = Math.max(mb(sampledPeak), process.resourceUsage().maxRSS / 1024);
      line("export: whole zip, every format", `${seconds(whole)} (${report?.rows.toLocaleString("en")} rows, ${report?.generalized.toLocaleString("en")} districts generalized, ${report?.suppressed.toLocaleString("en")} rows with a suppressed cell)`);
      line(`export: peak RSS of that export's process (≤ ${RSS_LIMIT_MB} MB)`, `${peakRssMb.toFixed(0)} MB`);
      return { peakRssMb };
    }
    let checked = 0;
    for await (const record of records()) {
      replayThroughEngine(record);
      if (++checked === ENGINE_CHECKED) break;
    }
    const generationOnly = await timeAsync(async () => {
      for await (const _ of records());
    });
    const csv = await compare(
      3,
      () => timeAsync(() => exportZip(["csv"], "csv.zip")),
      () => timeAsync(() => bareCsv(records, join(dir, "bare.csv"))),
    );
    // The disclosure step alone: the counting pass (which reads only the quasi-identifiers) and
    // the plan (recodings and local suppression), beside a pass that only generates the records.
    // The records are held in memory for this figure only (the memory part never does this), so
    // the time is the step's own and not the generator's.
    const held: CompletedRecord[] = [];
    for await (const record of records()) held.push(record);
    const counter = new QuasiIdentifierCounter(STUDY_POLICY, new Set(definition.questions.map((q) => q.id)));
    const quasi = new Set(STUDY_POLICY.quasiIdentifiers);
    const counting = timeSync(1, () => {
      for (const record of held) counter.add(allowedAnswersTo(definition, record, quasi));
    });
    let plan: DisclosurePlan | undefined;
    const planning = timeSync(1, () => void (plan = counter.plan()));
    const applying = timeSync(1, () => {
      for (const record of held) plan!.apply(record.answers); // the records are dropped right after
    });
    held.length = 0;
    line(
      `export: disclosure step at ${interviews.toLocaleString("en")} interviews (count, plan, apply per row)`,
      `${seconds(counting + planning + applying)} (count ${seconds(counting)}, plan ${planning.toFixed(0)} ms, apply ${seconds(applying)}; ` +
        `${plan!.report.suppression.rowsTouched.toLocaleString("en")} rows with a suppressed cell, ${(100 * plan!.report.suppression.share).toFixed(2)}%)`,
    );
    line(`export: synthetic interviews (engine-checked first ${ENGINE_CHECKED})`, `${interviews.toLocaleString("en")} (generating them alone: ${seconds(generationOnly)} per pass)`);
    line("export: CSV zip vs bare csv-stringify of the same rows (≤ 2.00)", `${csv.ratio.toFixed(2)}× (${seconds(csv.a)} vs ${seconds(csv.b)})`);
    return { csvRatio: csv.ratio };
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}
