/**
 * A respondent's place in the questionnaire: a small JSON object.
 *
 * It keeps only the answers; the current question, the path taken and the progress all follow
 * from the answers and the definition. So a state written under an older definition carries
 * forward: `reconcile()` drops what no longer fits and the engine asks whatever is now missing.
 */
import { z } from "zod";

export const STATE_FORMAT = 1 as const;

const AnswerValue = z.union([z.string(), z.array(z.string()), z.number()]);

export const SurveyState = z.strictObject({
  /** Format of this object (not of the questionnaire); bump with a migration when it changes. */
  format: z.literal(STATE_FORMAT),
  /** The definition version the answers were last reconciled with. */
  version: z.number().int().positive(),
  status: z.enum(["active", "completed", "ineligible"]),
  /** The screening rule that ended the interview, when status is "ineligible". */
  reason: z.string().optional(),
  answers: z.record(z.string(), AnswerValue),
  /** Options ticked so far on the current multi-select, before Done. */
  draft: z.strictObject({ q: z.string(), codes: z.array(z.string()) }).optional(),
  /** An answer waiting for the person to confirm a soft check. */
  unconfirmed: z.strictObject({ q: z.string(), value: AnswerValue, messageKey: z.string() }).optional(),
});
export type SurveyState = z.infer<typeof SurveyState>;
