/**
 * Moving a chat from one study to another. The chat's current session belongs to the study it
 * is in; the sessions of its other studies are parked (session-store.ts). Going back to a study
 * brings its parked session back; joining a new one parks the current session first. Nothing is
 * lost: a session is always written to its new place before it leaves its old one, and all of
 * it runs under the chat's lock (middleware.ts).
 */
import type { Study, StudyKey } from "../../studies/study.ts";
import { studyOfSession } from "../../studies/session-study.ts";
import type { BotContext } from "../context.ts";
import type { Session } from "./session.ts";

/**
 * The study a session belongs to, as this deployment runs it (sessions from before studies were
 * data: the native one; an older version of a form: its newest version).
 */
export function sessionStudyKey(ctx: BotContext, session: Session): StudyKey | undefined {
  return studyOfSession(ctx.deps.studies, session.study)?.key ?? session.study;
}

/**
 * If the person was in `target` before, brings that session back as the current one (the
 * current session is parked) and returns it; otherwise changes nothing and returns undefined.
 */
export async function returnToStudy(ctx: BotContext, target: Study): Promise<Session | undefined> {
  const { sessions, logger } = ctx.deps;
  const current = ctx.session;
  if (current && sessionStudyKey(ctx, current) === target.key) return current;
  const parked = await sessions.loadParked(ctx.chatKey, target.key);
  if (parked.kind === "unreadable") logger.warn({ event: "session_unreadable", reason: parked.reason }, "a parked session could not be read");
  if (parked.kind !== "found") return undefined;
  await parkCurrent(ctx);
  ctx.study = target;
  await ctx.commit({ ...parked.session, study: target.key });
  await sessions.deleteParked(ctx.chatKey, [target.key]);
  return ctx.session;
}

/** Parks the current session, if any, so a new study's session can take its place. */
export async function parkCurrent(ctx: BotContext): Promise<void> {
  const current = ctx.session;
  if (!current) return;
  const from = sessionStudyKey(ctx, current);
  if (from !== undefined) await ctx.deps.sessions.park(ctx.chatKey, from, { ...current, study: from });
}
