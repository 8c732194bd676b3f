/**
 * PLACEHOLDER until the form interview (src/bot/form/…, issue 15 contract B) takes its place in
 * runners.ts: a form study can be named by an invite and routed to, but not yet interviewed.
 * Anything that would show it fails loudly, so nobody mistakes it for a working interview.
 */
import type { InterviewRunner } from "./runner.ts";

const notYet = (what: string): never => {
  throw new Error(`form studies cannot ${what} yet: the form interview is not wired in (src/bot/interview/runners.ts)`);
};

export const formRunnerPlaceholder: InterviewRunner = {
  newSession: () => notYet("start"),
  consentTexts: () => notYet("ask for consent"),
  begin: async () => notYet("begin"),
  presentCurrent: async () => notYet("show a question"),
  progress: () => notYet("say where the person stands"),
  resumeUnshown: (_ctx, next) => next(),
};
