/**
 * Each question type is one entry in a table per layer: the engine's rules
 * (src/flows/question-types.ts), the chat's view (src/bot/render/question-types.ts) and the
 * export's columns (src/export/columns.ts). These tests show the tables are complete in practice
 * and agree with each other; the compiler keeps them complete (see the last test).
 */
import { describe, expect, it } from "vitest";
import * as engine from "../../src/flows/engine.ts";
import { QUESTION_TYPES, rulesOf } from "../../src/flows/question-types.ts";
import { Question, type QuestionType, type QuestionnaireInput } from "../../src/flows/schema.ts";
import { defineQuestionnaire } from "../../src/flows/validate.ts";
import { VIEWED_TYPES, viewOf } from "../../src/bot/render/question-types.ts";
import { describeAnswers, EXPORTED_TYPES, exportVariables } from "../../src/export/columns.ts";
import { STUDY_POLICY } from "../../src/studies/export-policy.ts";
import { ENV } from "./respondent.ts";

/** The types the schema accepts, read from the zod union itself (not from any table). */
const SCHEMA_TYPES = Question.options.map((option) => option.shape.type.value);

const k = (s: string) => `survey:${s}`;
const opt = (code: string, extra: object = {}) => ({ code, labelKey: k(`o.${code}`), ...extra });

/** One question of every type. */
const input: QuestionnaireInput = {
  id: "types",
  version: 1,
  titleKey: k("title"),
  modules: [{ id: "a", titleKey: k("m.a") }],
  consent: { question: "consent", agree: "agree" },
  questions: [
    { id: "consent", module: "a", type: "single", textKey: k("q.consent"), options: [opt("agree"), opt("decline")] },
    { id: "why", module: "a", type: "multi", textKey: k("q.why"), max: 2, options: [opt("money"), opt("family"), opt("none", { exclusive: true })] },
    { id: "kids", module: "a", type: "number", textKey: k("q.kids"), min: 0, max: 20, presets: [0, 1, 2], options: [opt("pnta")] },
    { id: "year", module: "a", type: "year", textKey: k("q.year"), min: 1960, max: { env: "currentYear" } },
  ],
};
const definition = defineQuestionnaire(input);
const ofType = (type: QuestionType) => definition.questions.find((q) => q.type === type)!;

describe("the question type tables", () => {
  it("the sample definition has a question of every type the schema knows", () => {
    expect(new Set(definition.questions.map((q) => q.type))).toEqual(new Set(SCHEMA_TYPES));
  });

  it("every layer has exactly one entry per type of the schema", () => {
    expect([...QUESTION_TYPES].sort()).toEqual([...SCHEMA_TYPES].sort());
    expect([...VIEWED_TYPES].sort()).toEqual([...SCHEMA_TYPES].sort());
    expect([...EXPORTED_TYPES].sort()).toEqual([...SCHEMA_TYPES].sort());
  });

  it.each(SCHEMA_TYPES)("%s: the chat offers typing exactly when the engine can read typed text", (type) => {
    const question = ofType(type);
    expect(viewOf(question).typed !== null).toBe(rulesOf(question).parseTyped !== null);
  });

  it.each(SCHEMA_TYPES)("%s: has export columns, and the codebook describes its answers", (type) => {
    const question = ofType(type);
    const columns = exportVariables(definition, STUDY_POLICY).filter((v) => v.of === question.id);
    expect(columns.length).toBeGreaterThan(0);
    expect(describeAnswers(question)).toHaveProperty("range");
  });

  it.each(SCHEMA_TYPES)("%s: a valid answer is accepted and kept in an export", (type) => {
    const question = ofType(type);
    const offered = engine.optionsFor(definition, question, {}, ENV);
    const valid = rulesOf(question).domain(question as never, []).find((value) => engine.validateAnswer(definition, question, value, {}, ENV).ok);
    expect(valid, `${type} has no valid answer in its reachability domain (${offered.length} options)`).toBeDefined();
    expect(rulesOf(question).stored(question as never).allowed(valid!, {}, ENV)).toEqual(valid);
  });

  it("types that take typing read digits, with the spaces and dots people group them with", () => {
    expect(engine.parseTypedAnswer(ofType("number"), "1 500")).toBe(1500);
    expect(engine.parseTypedAnswer(ofType("year"), "2.021")).toBe(2021);
    expect(engine.parseTypedAnswer(ofType("number"), "three")).toBeUndefined();
    expect(engine.parseTypedAnswer(ofType("single"), "agree")).toBeUndefined();
    expect(engine.parseTypedAnswer(ofType("multi"), "money")).toBeUndefined();
  });

  it("ticking is a multi-select's: other types refuse a tick as not the current question", () => {
    let state = engine.answer(definition, engine.start(definition), { q: "consent", value: "agree" }, ENV).state;
    expect(engine.toggle(definition, state, "why", "money", ENV).kind).toBe("toggled");
    state = engine.answer(definition, state, { q: "why", value: ["money"] }, ENV).state;
    expect(engine.toggle(definition, state, "kids", "pnta", ENV)).toMatchObject({ kind: "rejected", rejection: { code: "not_current" } });
  });

  it("the compiler refuses a table that misses a type (this file does not type-check otherwise)", () => {
    // Each layer's table is typed `{ [T in QuestionType]: … }`, as this one is. A type added to
    // schema.ts therefore fails `npx tsc -p . --noEmit` in every layer that has no entry for it,
    // before any test runs. The directive below proves the check bites: were a table without
    // "year" accepted, the directive itself would be an error ("unused @ts-expect-error").
    // @ts-expect-error: "year" is missing
    const incomplete: { [T in QuestionType]: true } = { single: true, multi: true, number: true };
    expect(Object.keys(incomplete)).not.toContain("year");
  });
});
