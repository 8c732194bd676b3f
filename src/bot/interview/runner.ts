/**
 * What the bot's shared features (onboarding, help, reminders, "welcome back") need from an
 * interview, whatever study it belongs to. One implementation per kind of study
 * (studies/study.ts): the native questionnaire, and the XLSForm interview of form studies.
 */
import type { TFunction } from "i18next";
import type { BotContext } from "../context.ts";
import type { TextParams } from "../render/question.ts";
import type { Session } from "../session/session.ts";

export interface ConsentTexts {
  text: string;
  agree: string;
  decline: string;
  /** The order the two buttons are shown in. */
  order: ("agree" | "decline")[];
}

export interface InterviewRunner {
  /** The session fields of a new interview of ctx.study, once the person agreed. */
  newSession(ctx: BotContext): Pick<Session, "survey" | "form">;
  /** The consent screen's texts in the language chosen (`t` is fixed to it). */
  consentTexts(ctx: BotContext, t: TFunction, params: TextParams): ConsentTexts;
  /** Right after "I agree": saves the interview's start and shows its first question. */
  begin(ctx: BotContext, session: Session): Promise<void>;
  /** Sends the current question (or the end state) as a new message, after an optional note. */
  presentCurrent(ctx: BotContext, session: Session, note?: string): Promise<void>;
  /** Question n of about m, for "welcome back". */
  progress(ctx: BotContext, session: Session): { position: number; total: number };
  /** Shows, once, a question saved but never shown; otherwise passes on to `next`. */
  resumeUnshown(ctx: BotContext, next: () => Promise<void>): Promise<void>;
}
