/**
 * The interview service the shared features use (onboarding, help, reminders, unsupported
 * input): they route, this decides, through the runner of the session's study (runners.ts).
 */
import { isActive, isCompleted } from "./status.ts";
import type { BotContext } from "../context.ts";
import { keyboard } from "../render/keyboard.ts";
import type { Session } from "../session/session.ts";
import { runnerOf } from "./runners.ts";

export { isActive };

/** Sends the current question (or the end state) as a new message. */
export async function presentCurrent(ctx: BotContext, session: Session, note?: string): Promise<void> {
  return runnerOf(ctx).presentCurrent(ctx, session, note);
}

/** A question saved but never shown comes first, whatever the person sent. */
export async function resumeUnshownQuestion(ctx: BotContext, next: () => Promise<void>): Promise<void> {
  return runnerOf(ctx).resumeUnshown(ctx, next);
}

/** Someone who already has a session: continue, or say where they stand. */
export async function welcomeBack(ctx: BotContext, session: Session): Promise<void> {
  if (isActive(session)) {
    const progress = runnerOf(ctx).progress(ctx, session);
    return presentCurrent(ctx, session, ctx.t("bot:flow.welcome_back", { position: progress.position, total: progress.total }));
  }
  if (isCompleted(session)) {
    await ctx.reply(ctx.t("bot:flow.already_completed"));
    return;
  }
  await ctx.reply(ctx.t("bot:flow.ineligible_after"), {
    reply_markup: keyboard([[{ label: ctx.t("bot:buttons.help"), button: { kind: "help" } }]]),
  });
}
