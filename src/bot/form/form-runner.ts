/**
 * The form interview as the shared features (onboarding, "welcome back", resuming, help) see an
 * interview: the InterviewRunner of form studies (bot/interview/runners.ts).
 */
import type { InterviewRunner } from "../interview/runner.ts";
import { beginFormInterview, formProgress, formStudyOf, newFormSession, presentFormStep, resumeUnshownFormStep } from "./form-interview.ts";
import type { BotContext } from "../context.ts";

const studyOf = (ctx: BotContext) => {
  const study = formStudyOf(ctx);
  if (!study) throw new Error(`${ctx.study.key} is not a form study`);
  return study;
};

export const formRunner: InterviewRunner = {
  newSession(ctx) {
    const { survey, form } = newFormSession(studyOf(ctx));
    return { survey, form };
  },
  /** Our own consent text, naming the form by its title; the form's own questions follow. */
  consentTexts(ctx, t, params) {
    return {
      text: t("form:consent", { ...params, title: studyOf(ctx).form.title }),
      agree: t("bot:consent.agree"),
      decline: t("bot:consent.decline"),
      order: ["agree", "decline"],
    };
  },
  begin: beginFormInterview,
  presentCurrent: presentFormStep,
  progress: formProgress,
  resumeUnshown: resumeUnshownFormStep,
};
