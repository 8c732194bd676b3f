/**
 * The IOM instrument as an XLSForm (forms/labour-migrants-kz.xlsx), loaded by the importer.
 *
 * 1. The file is the study: exporting the hand-written definition as an XLSForm and importing
 *    it back gives a definition identical to the one imported from forms/. (After a change to
 *    the definition or the XLSForm writer, regenerate it with
 *    `npm run questionnaire -- --xlsform forms/labour-migrants-kz.xlsx`.)
 * 2. The imported form behaves as the hand-written one: on seeded random interviews both
 *    engines ask the same questions in the same order, offer the same choices, and accept and
 *    refuse the same answers (codes such as "prefer not to answer" typed as -1, -2… in the form).
 */
import { readFile } from "node:fs/promises";
import { describe, expect, it } from "vitest";
import { labourMigrantsKz as definition } from "../../src/flows/definitions/labour-migrants-kz.ts";
import * as engine from "../../src/flows/engine.ts";
import { answerField, currentStep, emptyFormState, type FormState } from "../../src/flows/form-engine.ts";
import type { Form } from "../../src/flows/form.ts";
import { numericCodeValues } from "../../src/flows/numeric-codes.ts";
import type { Answer } from "../../src/flows/schema.ts";
import { importXlsForm } from "../../src/flows/xlsform-import.ts";
import { readXlsFormRows } from "../../src/flows/xlsform-sheets.ts";
import { studyXlsForm } from "../../src/flows/study-xlsform.ts";
import { loadConfig } from "../../src/platform/config.ts";
import { textValuesFor } from "../../src/platform/text-params.ts";
import { createTranslator } from "../../src/locales/i18n.ts";
import { random } from "./differential.ts";

const FILE = "forms/labour-migrants-kz.xlsx";
const PASSES: Record<string, string> = { a_consent: "agree", a_city: "astana", a_age_group: "25_34", a_citizenship: "uzbekistan", a_kz_work: "working_now", a_prev_interview: "no", a_stay: "ge_1m" };

async function fromForms(): Promise<Form> {
  return importXlsForm(await readXlsFormRows(await readFile(FILE)), { fileName: FILE });
}

async function freshExport(): Promise<Form> {
  // With the values a deployment with the shipped defaults shows, as `npm run questionnaire` writes it.
  const { bytes } = await studyXlsForm(definition, textValuesFor(loadConfig({}), createTranslator()));
  return importXlsForm(await readXlsFormRows(bytes), { fileName: FILE });
}

describe("the IOM instrument as an XLSForm", () => {
  it("is the study's definition: export and import back give the same form", async () => {
    const [stored, exported] = await Promise.all([fromForms(), freshExport()]);
    expect(stored).toEqual(exported);
    expect(stored.id).toBe(definition.id);
    expect(stored.version).toBe(String(definition.version));
  });

  it("asks, offers, accepts and refuses as the hand-written definition does", async () => {
    const form = await fromForms();
    const currentYear = 2026;
    const env = { currentYear };
    const formEnv = { today: `${currentYear}-06-15`, instanceId: "uuid:iom" };
    const disagreements: string[] = [];
    let questionsAsked = 0;
    let refusals = 0;
    for (let seed = 1; seed <= 60; seed++) {
      const rand = random(seed);
      let step = engine.describe(definition, engine.start(definition), env);
      let formState: FormState = emptyFormState();
      for (let guard = 0; guard < 500 && (step.kind === "ask" || step.kind === "confirm"); guard++) {
        const question = step.question;
        if (step.kind === "confirm") {
          step = engine.answer(definition, step.state, { q: question.id, value: step.state.unconfirmed!.value, confirmed: true }, env);
          continue;
        }
        const theirs = currentStep(form, formState, formEnv);
        const where = `seed ${seed} at ${question.id}`;
        if (theirs.kind !== "question" || theirs.ref.split("/").at(-1) !== question.id) {
          disagreements.push(`${where}: the imported form asks ${theirs.kind === "question" ? theirs.ref : theirs.kind}`);
          break;
        }
        questionsAsked++;
        const offered = engine.optionsFor(definition, question, step.state.answers, env).map((o) => o.code);
        if (question.type === "single" || question.type === "multi") {
          const formOffered = theirs.choices.map((c) => c.name);
          if (formOffered.join(" ") !== offered.join(" ")) disagreements.push(`${where}: choices [${offered}] vs [${formOffered}]`);
        }
        let value: Answer;
        let typed: string | string[];
        // Screening mostly passed, so that most paths go deep.
        if (question.type === "single") typed = value = PASSES[question.id] && rand() < 0.85 ? PASSES[question.id]! : offered[Math.floor(rand() * offered.length)]!;
        else if (question.type === "multi") typed = value = offered.filter(() => rand() < 0.3);
        else {
          const { min, max } = engine.rangeFor(question, step.state.answers, env);
          const codes = numericCodeValues(question);
          if (codes.size > 0 && rand() < 0.2) {
            const code = [...codes.keys()][Math.floor(rand() * codes.size)]!;
            value = code;
            typed = String(codes.get(code));
          } else {
            const n = Math.floor(min - 2 + rand() * (Math.min(max, min + 60) - min + 5));
            // In the XLSForm a code is typed as its number: -1 there is "prefer not to answer".
            const standsFor = [...codes].find(([, number]) => number === n)?.[0];
            value = standsFor ?? n;
            typed = String(n);
          }
        }
        const ours = engine.answer(definition, step.state, { q: question.id, value }, env);
        const result = answerField(form, formState, theirs.ref, typed, formEnv);
        const oursAccepted = ours.kind !== "rejected";
        if (oursAccepted !== (result.kind === "accepted")) {
          disagreements.push(`${where}: ${JSON.stringify(value)} ${oursAccepted ? "accepted" : "refused"} by the definition, ${result.kind} by the form`);
          break;
        }
        if (ours.kind === "rejected") {
          refusals++;
          continue;
        }
        step = ours;
        if (result.kind === "accepted") formState = result.state;
      }
      if (step.kind === "completed" || step.kind === "ineligible") {
        const after = currentStep(form, formState, formEnv);
        if (after.kind !== "completed") disagreements.push(`seed ${seed}: the definition ended (${step.kind}), the form goes on to ${after.kind === "question" ? after.ref : after.kind}`);
      }
    }
    expect(disagreements).toEqual([]);
    expect(questionsAsked).toBeGreaterThan(1000);
    expect(refusals).toBeGreaterThan(0);
  });
});
