/** The native questionnaire as an InterviewRunner (see runner.ts). */
import type { InterviewRunner } from "./runner.ts";
import { beginAfterConsent, consentTexts, presentCurrent, progressOf, resumeNativeQuestion, startState } from "./native-interview.ts";

export const nativeRunner: InterviewRunner = {
  newSession(ctx) {
    if (ctx.study.kind !== "native") throw new Error(`${ctx.study.key} is not a native study`);
    return { survey: startState(ctx.study) };
  },
  consentTexts,
  begin: beginAfterConsent,
  presentCurrent,
  progress: progressOf,
  resumeUnshown: resumeNativeQuestion,
};
