/** Which interview runs which kind of study: exhaustive over Study["kind"]. */
import type { Study } from "../../studies/study.ts";
import type { BotContext } from "../context.ts";
import { formRunner } from "../form/form-runner.ts";
import { nativeRunner } from "./native-runner.ts";
import type { InterviewRunner } from "./runner.ts";

export const RUNNERS = {
  native: nativeRunner,
  form: formRunner,
} satisfies Record<Study["kind"], InterviewRunner>;

/** The interview of this update's study. */
export function runnerOf(ctx: BotContext): InterviewRunner {
  return RUNNERS[ctx.study.kind];
}
