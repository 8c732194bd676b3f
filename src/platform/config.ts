/**
 * Configuration, read once from the environment and checked with zod.
 *
 * Each bad or missing variable gives one line naming it and saying what it should be, so an
 * operator fixes everything in one go. `.env.example` documents every variable.
 */
import { z } from "zod";
import { parseWindow } from "../reminders/evening-window.ts";

const idList = z
  .string()
  .default("")
  .transform((raw) => raw.split(",").map((s) => s.trim()).filter(Boolean))
  .pipe(z.array(z.string().regex(/^\d+$/, "a comma-separated list of numeric Telegram user ids")));

const days = (fallback: number) => z.coerce.number().int().positive().max(3650).default(fallback);

const secret = z.string().min(32, "at least 32 characters of random text (e.g. `openssl rand -hex 32`)");

export const ConfigSchema = z
  .object({
    NODE_ENV: z.enum(["production", "development", "test"]).default("development"),
    BOT_TOKEN: z
      .string()
      .regex(/^\d+:[A-Za-z0-9_-]{30,}$/, "a token from @BotFather, like 123456:ABC-DEF…")
      .optional(),
    TELEGRAM_API_ROOT: z.url("an http(s) URL of a Bot API server").default("https://api.telegram.org"),
    REDIS_URL: z.string().regex(/^rediss?:\/\//, "a redis:// or rediss:// URL").optional(),
    /** "warn" for managed Redis services that hide CONFIG: then persistence is the operator's promise. */
    REDIS_DURABILITY_CHECK: z.enum(["enforce", "warn"]).default("enforce"),
    REDIS_PREFIX: z.string().regex(/^[a-zA-Z0-9:{}_-]+$/).default("survey:"),
    WEBHOOK_URL: z.url("the public https URL Telegram should post updates to").optional(),
    WEBHOOK_SECRET: z.string().regex(/^[A-Za-z0-9_-]{16,256}$/, "16–256 characters of A-Z a-z 0-9 _ -").optional(),
    PORT: z.coerce.number().int().min(0).max(65535).default(8080),
    HOST: z.string().default("127.0.0.1"),
    PSEUDONYM_SECRET: secret.optional(),
    DATA_KEY: z.string().optional(),
    DATA_KEY_FILE: z.string().optional(),
    /** The organisation's name in every language; unset, each language's own name from src/locales is used. */
    SURVEY_ORGANISATION: z.string().min(2).optional(),
    /** The organisation's name in one language, over SURVEY_ORGANISATION (uz-Cyrl is derived from _UZ). */
    SURVEY_ORGANISATION_EN: z.string().min(2).optional(),
    SURVEY_ORGANISATION_RU: z.string().min(2).optional(),
    SURVEY_ORGANISATION_KK: z.string().min(2).optional(),
    SURVEY_ORGANISATION_KY: z.string().min(2).optional(),
    SURVEY_ORGANISATION_UZ: z.string().min(2).optional(),
    /**
     * Languages offered in production although a native speaker has not signed off their
     * questionnaire and consent texts (`npm run translations -- status`): "all", or codes such
     * as "ru,kk". Unset, such languages are held back.
     */
    ALLOW_UNREVIEWED_LANGUAGES: z
      .string()
      .default("")
      .transform((raw) => raw.split(",").map((s) => s.trim()).filter(Boolean))
      .pipe(z.array(z.enum(["all", "uz", "uz-Cyrl", "ky", "ru", "kk", "en"], "\"all\" or a comma-separated list of uz, uz-Cyrl, ky, ru, kk, en"))),
    MIN_WAGE_KZT: z.coerce.number().int().positive().default(85000),
    /** Below this median number of seconds per question, a completed interview is flagged as speeding. */
    SPEEDING_FLOOR_SECONDS: z.coerce.number().int().min(0).max(60).default(3),
    SESSION_TTL_DAYS: days(30),
    RETENTION_DAYS: days(365),
    ANALYST_IDS: idList,
    OUTREACH_IDS: idList,
    EXPORT_DIR: z.string().default("./data/exports"),
    EXPORT_TTL_DAYS: days(7),
    EXPORT_WORKER: z.enum(["inline", "off"]).default("inline"),
    /** age public keys (age1…, comma-separated): export zips are encrypted to them. */
    ANALYST_AGE_RECIPIENTS: z.string().optional(),
    REFERRALS_FILE: z.string().optional(),
    /** The folder of XLSForm workbooks (.xlsx): each one is a study the bot runs. */
    FORMS_DIR: z.string().min(1).default("forms"),
    /** The form_id plain /start opens; unset: the IOM study if present, else the only form. */
    DEFAULT_FORM: z.string().regex(/^[A-Za-z_][\w.-]*$/, "a form_id from a workbook's settings sheet, e.g. labour_migrants_kz").optional(),
    /** Where analysts open the dashboard (e.g. https://survey.example.org); unset: http://HOST:PORT. */
    DASHBOARD_URL: z.url("the public http(s) URL the dashboard is reached at").optional(),
    DASHBOARD_LINK_MINUTES: z.coerce.number().int().min(1).max(60).default(10),
    DASHBOARD_SESSION_HOURS: z.coerce.number().int().min(1).max(24).default(8),
    /** Evening reminders (src/reminders/README.md): the window in Kazakhstan time, UTC+5. */
    REMINDER_WINDOW: z.string().default("18:00-21:00").refine((w) => parseWindow(w) !== undefined, "HH:MM-HH:MM in Kazakhstan time, e.g. 18:00-21:00"),
    /** Minutes of silence mid-interview after which the person is asked about reminders. */
    REMINDER_PAUSE_MINUTES: z.coerce.number().int().min(1).max(10_080).default(120),
    /** Reminder messages per second across all processes (Telegram allows about 30 in bulk). */
    REMINDER_RATE: z.coerce.number().int().min(1).max(30).default(25),
    /** Multiplies every reminder delay and pause: 1 in the field, e.g. 0.001 for a pilot run in seconds. */
    REMINDER_DELAY_SCALE: z.coerce.number().positive().max(1).default(1),
    /** Unfinished interviews silent this many days count as partial (exported only on request). */
    PARTIAL_AFTER_DAYS: days(7),
    LOG_LEVEL: z.enum(["fatal", "error", "warn", "info", "debug", "trace", "silent"]).default("info"),
  })
  ;

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  readonly lines: string[];
  constructor(lines: string[]) {
    super(`Configuration problems:\n${lines.map((l) => `  ${l}`).join("\n")}`);
    this.lines = lines;
    this.name = "ConfigError";
  }
}

/** A development-only secret, so `npm start` works out of the box; production must set its own. */
/** Where Redis is when REDIS_URL is not set: a local server, as in development. */
export const DEFAULT_REDIS_URL = "redis://127.0.0.1:6379";

export const DEVELOPMENT_PSEUDONYM_SECRET = "development-only-pseudonym-secret-change-me-0000";

/**
 * What production needs beyond well-formed values, checked on the raw environment so these
 * lines come in the same run as any malformed value's (zod skips refinements after an error).
 */
function productionProblems(env: Record<string, string>): string[] {
  if (env.NODE_ENV !== "production") return [];
  const problems: string[] = [];
  if (!env.PSEUDONYM_SECRET) problems.push("PSEUDONYM_SECRET: required in production: at least 32 characters of random text (e.g. `openssl rand -hex 32`)");
  if (!env.DATA_KEY && !env.DATA_KEY_FILE) problems.push("DATA_KEY: required in production (or DATA_KEY_FILE): answers are encrypted at rest, e.g. DATA_KEY=k1:$(openssl rand -base64 32)");
  if (!env.REDIS_URL) problems.push("REDIS_URL: required in production, e.g. redis://redis:6379 (without it the bot would quietly use 127.0.0.1:6379)");
  if (env.WEBHOOK_URL && !/^https:\/\//i.test(env.WEBHOOK_URL)) problems.push(`WEBHOOK_URL: must start with https:// in production (Telegram posts updates only over HTTPS), not "${env.WEBHOOK_URL.slice(0, 60)}"`);
  if (env.WEBHOOK_URL && !env.WEBHOOK_SECRET) problems.push("WEBHOOK_SECRET: required with WEBHOOK_URL in production, so only Telegram can post updates (16–256 characters of A-Z a-z 0-9 _ -)");
  return problems;
}

/** A zod issue in words an operator understands, naming the variable and what it holds now. */
function operatorLine(issue: z.core.$ZodIssue, env: Record<string, string>): string {
  // The variable, not a position inside its value: an operator fixes ALLOW_UNREVIEWED_LANGUAGES, not ALLOW_UNREVIEWED_LANGUAGES.1.
  const name = issue.path.length > 0 ? String(issue.path[0]) : "(environment)";
  const raw = env[name];
  const shown = raw === undefined ? "" : ` (now "${raw.length > 60 ? `${raw.slice(0, 60)}…` : raw}")`;
  switch (issue.code) {
    case "invalid_type":
      return issue.expected === "number" ? `${name}: must be a whole number${shown}` : `${name}: has the wrong form${shown}`;
    case "invalid_value":
      return `${name}: must be one of ${issue.values.map(String).join(", ")}${shown}`;
    case "too_small":
      if (issue.origin === "string") return `${name}: ${issue.message}`;
      return `${name}: must be ${issue.inclusive === false ? "more than" : "at least"} ${String(issue.minimum)}${shown}`;
    case "too_big":
      return `${name}: must be at most ${String(issue.maximum)}${shown}`;
    case "invalid_format":
      // Our own messages say what the value should look like; secrets are never echoed.
      return `${name}: must be ${issue.message.startsWith("Invalid") ? "well-formed" : issue.message}`;
    default:
      return `${name}: ${issue.message}${shown}`;
  }
}

/** Reads `.env` from the working directory when there is one; variables already set win. */
export function loadEnvFile(path = ".env"): boolean {
  try {
    process.loadEnvFile(path);
    return true;
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === "ENOENT") return false;
    throw error;
  }
}

/** Every problem at once, one line each, so an operator fixes them all in one go. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter((entry): entry is [string, string] => entry[1] !== undefined && entry[1] !== ""));
  const parsed = ConfigSchema.safeParse(cleaned);
  const lines = parsed.success ? [] : parsed.error.issues.map((issue) => operatorLine(issue, cleaned));
  const named = new Set(lines.map((line) => line.split(":")[0]));
  for (const problem of productionProblems(cleaned)) if (!named.has(problem.split(":")[0])) lines.push(problem);
  if (lines.length > 0 || !parsed.success) throw new ConfigError(lines);
  return parsed.data;
}

export function pseudonymSecret(config: Config): string {
  return config.PSEUDONYM_SECRET ?? DEVELOPMENT_PSEUDONYM_SECRET;
}
