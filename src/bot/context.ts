/**
 * The context every handler sees: grammY's Context plus our dependencies, the person's
 * language, a fixed-language `t`, and the session with explicit persistence.
 */
import type { Context } from "grammy";
import type { Redis } from "ioredis";
import type { ConversationFlavor } from "@grammyjs/conversations";
import type { TFunction } from "i18next";
import type { Environment } from "../flows/schema.ts";
import type { Language, Translator } from "../locales/i18n.ts";
import type { Config } from "../platform/config.ts";
import type { LanguageOffer } from "./language-offer.ts";
import type { Logger } from "../platform/logger.ts";
import type { Pseudonyms } from "../platform/privacy/pseudonym.ts";
import type { ChatGate } from "./session/chat-gate.ts";
import type { ChatMessages } from "./session/chat-messages.ts";
import type { Session } from "./session/session.ts";
import type { Codec, SessionStore } from "./session/session-store.ts";
import type { TextParams } from "./render/question.ts";
import type { Services } from "./services.ts";
import type { Study, StudyCatalog } from "../studies/study.ts";

export interface Deps extends Services {
  config: Config;
  /** The shared Redis connection (sessions, locks, dialogs, counters). */
  redis: Redis;
  /** The studies this deployment runs, loaded from FORMS_DIR at start-up and handed in. */
  studies: StudyCatalog;
  translator: Translator;
  sessions: SessionStore;
  /** Encryption at rest (AES-256-GCM, key outside Redis) for anything that names a person. */
  codec: Codec;
  gate: ChatGate;
  /** Ids of each private chat's messages under 48 hours old, for "clear this chat". */
  chatMessages: ChatMessages;
  pseudonyms: Pseudonyms;
  logger: Logger;
  /** The time, injectable so tests can move it. */
  clock: () => Date;
  /** The languages respondents are offered (reviewed ones in production), decided at start-up. */
  languages: LanguageOffer;
}

export interface SurveyFlavor {
  deps: Deps;
  /** The person's language: their choice once made, else a suggestion from Telegram. */
  lang: Language;
  t: TFunction;
  /**
   * The study this update is about: the session's, else the one a /start payload names, else
   * the catalog's default.
   */
  study: Study;
  /** Pseudonym of this private chat, the key of everything we keep about it. */
  chatKey: string;
  /** The session, once the person has agreed to take part. */
  session: Session | undefined;
  /** Saves the session now and marks this update processed: call before replying. */
  commit(session: Session): Promise<void>;
  /** Deletes the session now and marks this update processed. */
  discard(): Promise<boolean>;
  /** Environment for the engine (the current year). */
  env: Environment;
  /** Values survey texts interpolate, in the person's language (ctx.lang). */
  textParams: TextParams;
  /** The same values in another language (the consent screen of the language just chosen). */
  textParamsFor(lang: Language): TextParams;
}

export type BotContext = ConversationFlavor<Context & SurveyFlavor>;
