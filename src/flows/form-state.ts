/**
 * The stored shape of a form interview's state (form-engine's FormState), checked with zod when
 * a session is read back: a session written by an older or broken process is refused, not run.
 */
import { z } from "zod";
import type { FormState } from "./form-engine.ts";

export const FormStateSchema = z.strictObject({
  /** Field reference → answer as ODK stores it. */
  answers: z.record(z.string(), z.string()),
  /** Repeat range reference → instances the person added. */
  repeats: z.record(z.string(), z.number().int().min(0)),
  /** Repeat ranges the person closed. */
  closed: z.array(z.string()),
});

// The schema and the engine's type must stay the same shape, in both directions.
type Same<A, B> = [A] extends [B] ? ([B] extends [A] ? true : false) : false;
const sameShape: Same<z.infer<typeof FormStateSchema>, FormState> = true;
void sameShape;
