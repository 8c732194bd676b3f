/**
 * The chat asks what the form engine asks and accepts what it accepts: seeded random interviews
 * over the corpus forms a study can run (../shared/xlsform-corpus) and the kitchen form are
 * played twice, once as a person in the chat (pressing the buttons shown, typing into typed
 * questions, in several languages) and once straight into the engine, which agrees with ODK
 * (tests/flows/xlsform-odk.test.ts). At every step both must be at the same step, give the same
 * verdict on the same answer, and reach the same state; a refusal shows the form's own message
 * in the person's language, or ours; Skip is offered exactly when a blank answer is accepted.
 */
import { readFile } from "node:fs/promises";
import type { InlineKeyboard } from "grammy";
import { describe, expect, it } from "vitest";
import { decodeButton, type Button } from "../../../src/bot/callback-data.ts";
import { formLanguageFor } from "../../../src/bot/form/form-language.ts";
import { formTurn, isFormButton, showCurrent, type FormInput, type FormTurn } from "../../../src/bot/form/form-turn.ts";
import { shownDate } from "../../../src/bot/form/question-types.ts";
import { refusalText, type FormAudience } from "../../../src/bot/form/render.ts";
import { answerField, answerRepeat, currentStep, emptyFormState, FormSnapshot, type FormState } from "../../../src/flows/form-engine.ts";
import type { Form, FormQuestion } from "../../../src/flows/form.ts";
import { importXlsForm } from "../../../src/flows/xlsform-import.ts";
import { readXlsFormRows } from "../../../src/flows/xlsform-sheets.ts";
import { createTranslator, type Language } from "../../../src/locales/i18n.ts";
import { kitchenForm } from "./kitchen-form.ts";
import { pick, random } from "../../support/random.ts";

const translator = createTranslator();
const env = { today: "2026-12-01", instanceId: "00000000-0000-4000-a000-000000000002" };
const CORPUS = new URL("../../../../shared/xlsform-corpus/", import.meta.url);
/** Forms a study can run as they are, and one with GPS questions kept as never-asked fields. */
const CORPUS_FORMS = ["pyxform-tutorial-repeat", "ona-household-repeat", "ona-multilingual-en-sw-fr", "pyxform-choice-filter", "pyxform-date-default", "pyxform-or-other", "xlsform-org-cascading-select", "reach-ukr-cccm-durable-solutions-2023"];
const LANGS: Language[] = ["en", "ru", "uz", "kk", "ky"];
const SEEDS = 12;


/** An answer to try, as ODK would receive it: blanks, boundary numbers, bad dates, every choice. */
function candidate(question: FormQuestion, choices: string[], rand: () => number): string | string[] {
  if (rand() < 0.1 && question.type !== "note") return "";
  const near = (question.constraint?.match(/\d+(\.\d+)?/g) ?? []).map(Number).flatMap((n) => [n - 1, n, n + 1]);
  switch (question.type) {
    case "note":
      return "";
    case "acknowledge":
      return "OK";
    case "select_one":
      return choices.length === 0 ? "" : pick(rand, choices);
    case "select_multiple": {
      const size = Math.min(choices.length, 1 + Math.floor(rand() * 3));
      const chosen = new Set<string>();
      while (chosen.size < size) chosen.add(pick(rand, choices));
      // In the order of the list, as ODK's clients store what was ticked.
      return choices.filter((choice) => chosen.has(choice));
    }
    case "integer":
      return String(near.length > 0 && rand() < 0.5 ? pick(rand, near) : pick(rand, [0, 1, 2, 3, 17, 45, 200, -4]));
    case "decimal":
      return String(near.length > 0 && rand() < 0.5 ? pick(rand, near) : pick(rand, [0.5, 2, 3.75, 99.9, -1]));
    case "text":
      return pick(rand, ["Aigerim", "ok", "1234567890", "Text with spaces"]);
    case "date":
      return pick(rand, ["2026-12-01", "2020-02-29", "1990-06-15", "2031-01-01", "2021-02-29"]);
  }
}

const buttonsOf = (keyboard: InlineKeyboard | undefined): Button[] =>
  (keyboard?.inline_keyboard ?? []).flat().map((b) => decodeButton("callback_data" in b ? b.callback_data : undefined)!);

/** What a person in the chat does to give `raw`: presses and typing, or undefined when the chat offers no way (then ODK must refuse it). */
function personGives(audience: FormAudience, state: FormState, raw: string | string[], rand: () => number): FormTurn | undefined {
  const shown = showCurrent(audience, env, state);
  const step = shown.step;
  if (step.kind !== "question") throw new Error("not at a question");
  const buttons = buttonsOf(shown.message!.keyboard);
  const turn = (input: FormInput) => formTurn(audience, env, state, input);
  const press = (button: Button | undefined) => (button && isFormButton(button) ? turn({ kind: "press", button }) : undefined);
  const type = step.question.type;
  /** A person looks for a choice page by page (long lists are paged), forward from the page shown. */
  let page = 0;
  const onPages = (keyboard: InlineKeyboard | undefined, wanted: (b: Button) => boolean): { keyboard: InlineKeyboard | undefined; button: Button | undefined } => {
    for (;;) {
      const found = buttonsOf(keyboard).find(wanted);
      if (found) return { keyboard, button: found };
      const forward = buttonsOf(keyboard).find((b) => b.kind === "formPage" && b.page === page + 1);
      const result = press(forward);
      if (result?.kind !== "redrawn") return { keyboard, button: undefined };
      keyboard = result.message.keyboard;
      page++;
    }
  };
  if (type === "select_multiple") {
    // Tick one by one on the message as it changes, then Done.
    let keyboard = shown.message!.keyboard;
    const wanted = new Set(raw as string[]);
    for (const [index, choice] of step.choices.entries()) {
      const done = buttonsOf(keyboard).find((b) => b.kind === "formDone");
      const now = done?.kind === "formDone" ? done.selected : [];
      if (now.includes(index) === wanted.has(choice.name)) continue;
      // The tick of choice `index` carries the selection with just that choice changed.
      const changes = (b: Button) => b.kind === "formToggle" && b.selected.length === now.length + (now.includes(index) ? -1 : 1) && b.selected.includes(index) !== now.includes(index);
      const found = onPages(keyboard, changes);
      const result = press(found.button);
      if (result?.kind !== "redrawn") throw new Error(`a tick was not taken: ${JSON.stringify(result)}`);
      keyboard = result.message.keyboard;
    }
    return press(buttonsOf(keyboard).find((b) => b.kind === "formDone"));
  }
  // Skip, or a note's Continue.
  if (raw === "") return press(buttons.find((b) => b.kind === "formBlank"));
  if (type === "select_one") return press(onPages(shown.message!.keyboard, (b) => b.kind === "formChoice" && step.choices[b.index]?.name === raw).button);
  if (type === "acknowledge") return press(buttons.find((b) => b.kind === "formOk"));
  if (type === "date" && rand() < 0.5) return turn({ kind: "text", text: shownDate(raw as string) });
  return turn({ kind: "text", text: ` ${raw as string} ` });
}

async function corpusForm(id: string): Promise<Form> {
  const rows = await readXlsFormRows(await readFile(new URL(`${id}.xlsx`, CORPUS)));
  return importXlsForm(rows, { fileName: `${id}.xlsx`, allowUnanswerable: true });
}

function play(form: Form, seed: number): { steps: number; refused: number; problems: string[] } {
  const rand = random(seed);
  const lang = LANGS[seed % LANGS.length]!;
  const audience: FormAudience = { study: `${form.id}@${form.version}`, form, t: translator.fixed(lang), language: formLanguageFor(form, lang), today: env.today };
  const problems: string[] = [];
  let state = emptyFormState();
  let refused = 0;
  let steps = 0;
  for (; steps < 400 && problems.length === 0; steps++) {
    const expected = currentStep(form, state, env);
    const shown = showCurrent(audience, env, state);
    if (shown.step.kind !== expected.kind || ("ref" in expected && "ref" in shown.step && shown.step.ref !== expected.ref)) problems.push(`step ${steps}: chat at ${JSON.stringify(shown.step.kind)} but engine at ${expected.kind}`);
    if (expected.kind === "completed") break;
    if (expected.kind === "repeat") {
      const yes = expected.count < 2 && rand() < 0.6;
      const button = buttonsOf(shown.message!.keyboard).find((b) => b.kind === "formRepeat" && b.yes === yes);
      const turn = button && isFormButton(button) ? formTurn(audience, env, state, { kind: "press", button }) : undefined;
      const engine = answerRepeat(form, state, expected.ref, yes, env);
      if (turn?.kind !== "moved" || engine.kind !== "accepted") problems.push(`step ${steps}: add another (${yes}) gave ${turn?.kind} / ${engine.kind}`);
      else if (JSON.stringify(turn.state) !== JSON.stringify(engine.state)) problems.push(`step ${steps}: states differ after add another`);
      else state = engine.state;
      continue;
    }
    const raw = candidate(expected.question, expected.choices.map((c) => c.name), rand);
    const engine = answerField(form, state, expected.ref, raw, env);
    const turn = personGives(audience, state, raw, rand);
    if (turn === undefined) {
      // The chat offers no way to give it: only a blank the form refuses may lack a button.
      if (engine.kind === "accepted") problems.push(`step ${steps}: ${expected.ref} (${expected.question.type}) accepts ${JSON.stringify(raw)} but the chat has no way to give it`);
      refused++;
      continue;
    }
    if (engine.kind === "accepted") {
      if (turn.kind !== "moved") problems.push(`step ${steps}: ${expected.ref} = ${JSON.stringify(raw)}: the engine accepts, the chat ${turn.kind}: ${JSON.stringify(turn)}`);
      else if (JSON.stringify(turn.state) !== JSON.stringify(engine.state)) problems.push(`step ${steps}: ${expected.ref} = ${JSON.stringify(raw)}: states differ`);
      else state = engine.state;
    } else {
      refused++;
      const text = refusalText(audience, new FormSnapshot(form, state, env), expected.ref, engine.rejection);
      if (turn.kind !== "refused" || turn.text !== text) problems.push(`step ${steps}: ${expected.ref} = ${JSON.stringify(raw)}: the engine refuses (${engine.rejection.code}), the chat ${JSON.stringify(turn)}`);
    }
  }
  return { steps, refused, problems };
}

describe("the chat and the form engine agree", () => {
  it("on the kitchen form (every question type, a repeat, defaults, constraints)", () => {
    const form = kitchenForm();
    let refused = 0;
    for (let seed = 1; seed <= SEEDS * 2; seed++) {
      const report = play(form, seed);
      expect(report.problems, `seed ${seed}`).toEqual([]);
      refused += report.refused;
    }
    expect(refused).toBeGreaterThan(0); // the paths did probe refusals
  });

  it.each(CORPUS_FORMS)("on %s", async (id) => {
    const form = await corpusForm(id);
    let steps = 0;
    for (let seed = 1; seed <= SEEDS; seed++) {
      const report = play(form, seed);
      expect(report.problems, `seed ${seed}`).toEqual([]);
      steps += report.steps;
    }
    expect(steps).toBeGreaterThan(SEEDS);
  });
});
