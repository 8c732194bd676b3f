/**
 * What each question type looks like in the chat (src/bot/render/question-types.ts through
 * render/question.ts): its buttons, its instruction line and its answered line. The `t` here
 * returns the key and its values, so these tests pin the layout and the texts chosen, not the
 * wording (tests/bot/*.e2e.test.ts and tests/locales check the words).
 */
import type { TFunction } from "i18next";
import { describe, expect, it } from "vitest";
import * as engine from "../../src/flows/engine.ts";
import type { QuestionnaireInput } from "../../src/flows/schema.ts";
import type { SurveyState } from "../../src/flows/state.ts";
import { defineQuestionnaire } from "../../src/flows/validate.ts";
import { decodeButton } from "../../src/bot/callback-data.ts";
import { answerLabel, renderAnswered, renderQuestion } from "../../src/bot/render/question.ts";
import { viewOf } from "../../src/bot/render/question-types.ts";

const ENV = { currentYear: 2026 };
const t = ((key: string, params?: Record<string, unknown>) => (params && Object.keys(params).length > 0 ? `${key}${JSON.stringify(params)}` : key)) as unknown as TFunction;

const k = (s: string) => `survey:${s}`;
const opt = (code: string, extra: object = {}) => ({ code, labelKey: k(`o.${code}`), ...extra });
const input: QuestionnaireInput = {
  id: "render",
  version: 1,
  titleKey: k("title"),
  modules: [{ id: "a", titleKey: k("m.a") }],
  consent: { question: "consent", agree: "agree" },
  questions: [
    { id: "consent", module: "a", type: "single", textKey: k("q.consent"), options: [opt("agree"), opt("decline")] },
    { id: "why", module: "a", type: "multi", textKey: k("q.why"), max: 2, options: [opt("money"), opt("family"), opt("none", { exclusive: true })] },
    { id: "any", module: "a", type: "multi", textKey: k("q.any"), options: [opt("x"), opt("y")] },
    { id: "kids", module: "a", type: "number", textKey: k("q.kids"), hintKey: k("h.kids"), min: 0, max: 6, presets: [0, 1, 2, 3, 4, 5, 6, 7], options: [opt("pnta")] },
    { id: "year", module: "a", type: "year", textKey: k("q.year"), min: 1960, max: { env: "currentYear" } },
  ],
};
const definition = defineQuestionnaire(input);
const question = (id: string) => engine.findQuestion(definition, id)!;

function shown(id: string, state: SurveyState = engine.start(definition), answered = 1) {
  const progress = { answered, remaining: 3, percent: 25, position: answered + 1, total: 5 };
  const rendered = renderQuestion(t, definition, question(id), state, progress, ENV, {});
  // grammY's keyboard ends on an empty row, which Telegram ignores.
  const rows = rendered.keyboard!.inline_keyboard.filter((row) => row.length > 0).map((row) =>
    row.map((b) => `${b.text} → ${JSON.stringify(decodeButton("callback_data" in b ? b.callback_data : undefined))}`),
  );
  return { lines: rendered.text.split("\n").slice(3), rows };
}

describe("a single-choice question", () => {
  it("has a button per option, no instruction, and Help without Back on the first question", () => {
    expect(shown("consent", engine.start(definition), 0)).toEqual({
      lines: ["survey:q.consent"],
      rows: [
        ['survey:o.agree → {"kind":"answer","q":"consent","code":"agree"}'],
        ['survey:o.decline → {"kind":"answer","q":"consent","code":"decline"}'],
        ['bot:buttons.help → {"kind":"help"}'],
      ],
    });
  });

  it("is answered with its option's label", () => {
    expect(renderAnswered(t, question("consent"), "agree", {}).text).toBe('survey:q.consent\n\nbot:question.answered{"answer":"survey:o.agree"}');
    expect(renderAnswered(t, question("consent"), undefined, {}).text).toBe('survey:q.consent\n\nbot:question.answered{"answer":"bot:question.answer_skipped"}');
  });
});

describe("a multi-select", () => {
  it("has a tick box per option, Done with the count, and says how many may be chosen", () => {
    const state: SurveyState = { ...engine.start(definition), draft: { q: "why", codes: ["family"] } };
    expect(shown("why", state)).toEqual({
      lines: ["survey:q.why", 'bot:question.choose_up_to{"count":2}'],
      rows: [
        ['⬜ survey:o.money → {"kind":"toggle","q":"why","code":"money"}'],
        ['✅ survey:o.family → {"kind":"toggle","q":"why","code":"family"}'],
        ['⬜ survey:o.none → {"kind":"toggle","q":"why","code":"none"}'],
        ['bot:buttons.done{"count":1} → {"kind":"done","q":"why"}'],
        ['bot:buttons.back → {"kind":"back","q":"why"}', 'bot:buttons.help → {"kind":"help"}'],
      ],
    });
    expect(shown("any").lines).toEqual(["survey:q.any", "bot:question.choose_any"]);
  });

  it("is answered with its options' labels, in order", () => {
    expect(answerLabel(t, question("why"), ["money", "family"])).toBe("survey:o.money, survey:o.family");
    expect(answerLabel(t, question("why"), ["gone"])).toBe("gone");
  });
});

describe("a number question", () => {
  it("has its presets in range five to a row, then its codes, and the range in its instruction", () => {
    expect(shown("kids")).toEqual({
      lines: ["survey:q.kids", "survey:h.kids", 'bot:question.type_number{"min":0,"max":6}'],
      rows: [
        [0, 1, 2, 3, 4].map((value) => `${value} → {"kind":"number","q":"kids","value":${value}}`),
        [5, 6].map((value) => `${value} → {"kind":"number","q":"kids","value":${value}}`),
        ['survey:o.pnta → {"kind":"answer","q":"kids","code":"pnta"}'],
        ['bot:buttons.back → {"kind":"back","q":"kids"}', 'bot:buttons.help → {"kind":"help"}'],
      ],
    });
  });

  it("is answered with the number or its code's label, and a typed word gets a hint with 3 as the example", () => {
    expect(answerLabel(t, question("kids"), 4)).toBe("4");
    expect(answerLabel(t, question("kids"), "pnta")).toBe("survey:o.pnta");
    expect(viewOf(question("kids")).typed?.refusal(t, ENV)).toBe('bot:hint.not_a_number{"example":3}');
  });
});

describe("a year question", () => {
  it("asks for four digits with an example two years back, and has no buttons of its own", () => {
    expect(shown("year")).toEqual({
      lines: ["survey:q.year", 'bot:question.type_year{"example":2024}'],
      rows: [['bot:buttons.back → {"kind":"back","q":"year"}', 'bot:buttons.help → {"kind":"help"}']],
    });
    expect(answerLabel(t, question("year"), 2021)).toBe("2021");
    expect(viewOf(question("year")).typed?.refusal(t, ENV)).toBe('bot:hint.not_a_number{"example":2024}');
  });
});

it("single and multi choice questions take no typing", () => {
  expect(viewOf(question("consent")).typed).toBeNull();
  expect(viewOf(question("why")).typed).toBeNull();
});
