/**
 * What support routing may know about the person: their city and citizenship, from the native
 * study's answers (its definition names the two questions) or kept in the session after the
 * interview ended. A form study names neither: its respondents see the services of all cities.
 */
import type { BotContext } from "../context.ts";
import type { Session } from "../session/session.ts";

export interface Person {
  city: string | undefined;
  citizenship: string | undefined;
}

function answerTo(question: string | undefined, state: { answers: Record<string, unknown> }): string | undefined {
  const value = question ? state.answers[question] : undefined;
  return typeof value === "string" ? value : undefined;
}

/** The respondent's city from the native study's answers, if given. */
export function cityOf(ctx: BotContext, state: { answers: Record<string, unknown> }): string | undefined {
  return ctx.study.kind === "native" ? answerTo(ctx.study.definition.cityQuestion, state) : undefined;
}

/** The respondent's citizenship from the native study's answers, if given. */
export function citizenshipOf(ctx: BotContext, state: { answers: Record<string, unknown> }): string | undefined {
  return ctx.study.kind === "native" ? answerTo(ctx.study.definition.citizenshipQuestion, state) : undefined;
}

/** The person's city and citizenship: from the interview under way, or kept after it ended. */
export function personOf(ctx: BotContext, session: Session | undefined): Person {
  if (!session) return { city: undefined, citizenship: undefined };
  return { city: cityOf(ctx, session.survey) ?? session.city, citizenship: citizenshipOf(ctx, session.survey) ?? session.citizenship };
}
