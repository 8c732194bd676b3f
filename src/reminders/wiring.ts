/** Builds the reminder service from the bot's configuration (one call in app.ts). */
import type { Redis } from "ioredis";
import type { Registry } from "prom-client";
import type { Config } from "../platform/config.ts";
import type { Logger } from "../platform/logger.ts";
import type { Codec } from "../platform/privacy/codec.ts";
import type { SessionStore } from "../bot/session/session-store.ts";
import type { NativeStudy } from "../studies/study.ts";
import { PartialSweep } from "./partial-sweep.ts";
import type { Translator } from "../locales/i18n.ts";
import { parseWindow } from "./evening-window.ts";
import { Reminders } from "./reminders.ts";
import { PilotClock } from "./pilot-clock.ts";

export interface ReminderWiring {
  config: Config;
  redis: Redis;
  codec: Codec;
  translator: Translator;
  logger: Logger;
  /** A clock tests move by hand; without one, wall time (or pilot time, see pilot-clock.ts). */
  clock: (() => Date) | undefined;
  registry?: Registry;
  sessions: SessionStore;
  /** The study whose silent interviews are kept as partial records (the native questionnaire's). */
  study: NativeStudy;
}

export function remindersFor({ config, redis, codec, translator, logger, clock, registry, sessions, study }: ReminderWiring): Reminders {
  let reminderClock = clock ?? (() => new Date());
  let clockReady: Promise<void> | undefined;
  if (!clock && config.REMINDER_DELAY_SCALE < 1) {
    const pilot = new PilotClock(config.REMINDER_DELAY_SCALE);
    reminderClock = () => pilot.now();
    clockReady = pilot.agree(redis, `${config.REDIS_PREFIX}reminders:pilot-clock`);
  }
  return new Reminders({
    redis,
    redisUrl: config.REDIS_URL ?? "redis://127.0.0.1:6379",
    prefix: config.REDIS_PREFIX,
    ttlSeconds: config.SESSION_TTL_DAYS * 86_400,
    codec,
    translator,
    logger,
    clock: reminderClock,
    ...(clockReady ? { clockReady } : {}),
    ...(registry ? { registry } : {}),
    partial: new PartialSweep({ redis, prefix: config.REDIS_PREFIX, sessions, study, codec, afterDays: config.PARTIAL_AFTER_DAYS, retentionDays: config.RETENTION_DAYS }),
    settings: {
      window: parseWindow(config.REMINDER_WINDOW)!,
      pauseMs: config.REMINDER_PAUSE_MINUTES * 60_000,
      ratePerSecond: config.REMINDER_RATE,
      delayScale: config.REMINDER_DELAY_SCALE,
    },
  });
}
