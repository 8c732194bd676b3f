/** The anonymized record of a completed native interview, as appended for exports. */
import type { CompletedRecord } from "../../records/record.ts";
import { integrityFlags } from "../../flows/integrity.ts";
import type { Answers } from "../../flows/schema.ts";
import type { NativeStudy } from "../../studies/study.ts";
import type { BotContext } from "../context.ts";
import type { Session } from "../session/session.ts";

export function completedRecord(ctx: BotContext, study: NativeStudy, session: Session, answers: Answers, day: string): CompletedRecord {
  const { pseudonyms, config } = ctx.deps;
  const { definition } = study;
  return {
    pseudonym: pseudonyms.respondent(ctx.from!.id),
    answers: { ...answers },
    lang: session.lang,
    version: definition.version,
    formId: study.formId,
    formVersion: study.version,
    day,
    ...(session.source ? { source: session.source } : {}),
    flags: integrityFlags(definition, { answers, pace: session.pace, speedingFloorSeconds: config.SPEEDING_FLOOR_SECONDS, env: ctx.env }),
  };
}
