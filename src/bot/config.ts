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
    SURVEY_ORGANISATION: z.string().min(2).default("IOM Kazakhstan"),
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
  .superRefine((env, ctx) => {
    if (env.NODE_ENV !== "production") return;
    if (!env.PSEUDONYM_SECRET) ctx.addIssue({ code: "custom", path: ["PSEUDONYM_SECRET"], message: "required in production: at least 32 characters of random text" });
    if (env.WEBHOOK_URL && !env.WEBHOOK_SECRET) ctx.addIssue({ code: "custom", path: ["WEBHOOK_SECRET"], message: "required with WEBHOOK_URL in production, so only Telegram can post updates" });
  });

export type Config = z.infer<typeof ConfigSchema>;

export class ConfigError extends Error {
  constructor(readonly lines: string[]) {
    super(`Configuration problems:\n${lines.map((l) => `  ${l}`).join("\n")}`);
    this.name = "ConfigError";
  }
}

/** A development-only secret, so `npm start` works out of the box; production must set its own. */
export const DEVELOPMENT_PSEUDONYM_SECRET = "development-only-pseudonym-secret-change-me-0000";

export function loadConfig(env: NodeJS.ProcessEnv = process.env): Config {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined && v !== ""));
  const parsed = ConfigSchema.safeParse(cleaned);
  if (!parsed.success) {
    throw new ConfigError(parsed.error.issues.map((issue) => `${issue.path.join(".") || "(environment)"}: ${issue.message}`));
  }
  return parsed.data;
}

export function pseudonymSecret(config: Config): string {
  return config.PSEUDONYM_SECRET ?? DEVELOPMENT_PSEUDONYM_SECRET;
}
