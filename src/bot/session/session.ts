/**
 * What the bot keeps about one respondent while they answer: compact, versioned JSON.
 *
 * Only created once the person has agreed to take part. It holds their language, the invite
 * source, the engine's state (answers by question id and option code), and the message that
 * shows the current question so it can be edited when answered. No Telegram id, no name.
 */
import { z } from "zod";
import { FormStateSchema } from "../../flows/form-state.ts";
import { SurveyState } from "../../flows/state.ts";
import { LANGUAGES } from "../../locales/i18n.ts";

export const SESSION_FORMAT = 1 as const;

export const Session = z.strictObject({
  format: z.literal(SESSION_FORMAT),
  lang: z.enum(LANGUAGES),
  /**
   * The study this session belongs to (`formId@version`, see studies/study.ts); absent in
   * sessions written before studies were data, which all belong to the native IOM study.
   */
  study: z.string().max(120).optional(),
  /**
   * A form study's interview (flows/form-engine.ts); absent for the native study, whose state
   * is `survey`. For a form study `survey` stays present but unused (its initial state).
   */
  form: z.strictObject({ state: FormStateSchema, status: z.enum(["active", "completed"]) }).optional(),
  /** The invite's source code, stored on the anonymized record; absent without a valid invite. */
  source: z.string().max(64).optional(),
  survey: SurveyState,
  /** The message showing the current question, to edit its buttons away once answered. */
  questionMessage: z.strictObject({ q: z.string(), id: z.number().int() }).optional(),
  /** Seconds spent on each answered question, capped, for the speeding integrity flag. */
  pace: z.array(z.number().int().min(0).max(3600)).max(400).default([]),
  /** When the current question was shown (epoch seconds), for pace. */
  shownAt: z.number().int().optional(),
  /** Anchors (message id, epoch seconds) of this chat's messages, for "clear my chat" (< 48 h). */
  messages: z.array(z.tuple([z.number().int(), z.number().int()])).max(100).default([]),
  /** The person's city once the interview has ended, so /help still shows their city's services. */
  city: z.string().max(32).optional(),
  /** Their citizenship answer, kept likewise, so /help still offers their own consulate. */
  citizenship: z.string().max(32).optional(),
  /** Needs already offered support for, so an offer is never repeated. */
  offered: z.array(z.string().max(16)).max(16).default([]),
  /** When the interview was completed (day precision), after which only /delete applies. */
  completedOn: z.string().optional(),
});
export type Session = z.infer<typeof Session>;
