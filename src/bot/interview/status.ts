/** Where a session's interview stands, whichever study it belongs to. */
import type { Session } from "../session/session.ts";

/** Whether the person still has an interview to continue (a form study's state is `form`). */
export function isActive(session: Session | undefined): session is Session {
  if (!session) return false;
  return session.form ? session.form.status === "active" : session.survey.status === "active";
}

/** Whether the person finished their interview (screened-out native interviews are not finished). */
export function isCompleted(session: Session): boolean {
  return session.form ? session.form.status === "completed" : session.survey.status === "completed";
}
