/**
 * The form interview as the shared features (onboarding, "welcome back", resuming) see an
 * interview: the same operations the native questionnaire offers, for a form study.
 */
import type { BotContext } from "../context.ts";
import type { Session } from "../session/session.ts";
import { beginFormInterview, formProgress, formStudyOf, newFormSession, presentFormStep, resumeUnshownFormStep } from "./form-interview.ts";

const studyOf = (ctx: BotContext) => {
  const study = formStudyOf(ctx);
  if (!study) throw new Error(`${ctx.study.key} is not a form study`);
  return study;
};

export const formRunner = {
  newSession(ctx: BotContext): Pick<Session, "survey" | "form"> {
    const { survey, form } = newFormSession(studyOf(ctx));
    return { survey, form };
  },
  /** Our own consent text (the form's title in it), then the form's own questions. */
  consentTexts(ctx: BotContext, t: (key: string, params?: Record<string, unknown>) => string, params: Record<string, unknown>) {
    return {
      text: t("form:consent", { ...params, title: studyOf(ctx).form.title }),
      agree: t("bot:consent.agree"),
      decline: t("bot:consent.decline"),
      order: ["agree", "decline"] as ("agree" | "decline")[],
    };
  },
  begin: beginFormInterview,
  presentCurrent: presentFormStep,
  progress: formProgress,
  resumeUnshown: resumeUnshownFormStep,
};
