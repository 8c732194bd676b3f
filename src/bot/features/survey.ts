/**
 * The native questionnaire's buttons and typed answers: routed here, decided by the interview
 * service (bot/interview/native-interview.ts).
 */
import { Composer } from "grammy";
import type { BotContext } from "../context.ts";
import { decodeButton } from "../callback-data.ts";
import { isActive } from "../interview/status.ts";
import { backFrom, confirmAnswer, submitAnswer, submitTicked, toggleOption, typedAnswer } from "../interview/native-interview.ts";

export const survey = new Composer<BotContext>();

/** Buttons of the questionnaire: answers, ticks, Done, numbers, Back and soft-check confirmations. */
survey.on("callback_query:data", async (ctx, next) => {
  const button = decodeButton(ctx.callbackQuery.data);
  if (!button || !["answer", "number", "toggle", "done", "back", "confirm"].includes(button.kind)) return next();
  const session = ctx.session;
  if (!isActive(session)) {
    await ctx.answerCallbackQuery({ text: ctx.t(session ? "bot:hint.finished" : "bot:hint.not_started") }).catch(() => undefined);
    return;
  }
  switch (button.kind) {
    case "answer":
      return submitAnswer(ctx, session, button.q, button.code);
    case "number":
      return submitAnswer(ctx, session, button.q, button.value);
    case "done":
      return submitTicked(ctx, session, button.q);
    case "confirm":
      return confirmAnswer(ctx, session, button.q, button.yes);
    case "back":
      return backFrom(ctx, session, button.q);
    case "toggle":
      return toggleOption(ctx, session, button.q, button.code);
  }
});

/** Typed answers: numbers and years. Anything else gets a hint and the question again. */
survey.on("message:text", async (ctx, next) => {
  const session = ctx.session;
  if (!isActive(session) || ctx.message.text.startsWith("/")) return next();
  if (!(await typedAnswer(ctx, session, ctx.message.text, ctx.message.message_id))) return next();
});
