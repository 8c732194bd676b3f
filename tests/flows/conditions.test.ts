import { describe, expect, it } from "vitest";
import { evaluate, holds, toXPath, type EvaluationContext } from "../../src/flows/conditions.ts";
import type { Condition } from "../../src/flows/schema.ts";

const env = { currentYear: 2026 };
const sets: Record<string, Condition> = { WORKING: { op: "in", q: "emp", values: ["full_time", "part_time"] } };
const ctx = (answers: Record<string, string | string[] | number>, pending: string[] = []): EvaluationContext => ({
  answers,
  env,
  sets,
  pending: new Set(pending),
});

interface Case {
  name: string;
  cond: Condition;
  answers: Record<string, string | string[] | number>;
  expected: boolean;
}

const cases: Case[] = [
  { name: "equals holds for the same code", cond: { op: "equals", q: "city", value: "almaty" }, answers: { city: "almaty" }, expected: true },
  { name: "equals fails for another code", cond: { op: "equals", q: "city", value: "almaty" }, answers: { city: "astana" }, expected: false },
  { name: "equals fails when the question was skipped", cond: { op: "equals", q: "city", value: "almaty" }, answers: {}, expected: false },
  { name: "equals compares numbers", cond: { op: "equals", q: "n", value: 3 }, answers: { n: 3 }, expected: true },
  { name: "in holds for any listed code", cond: { op: "in", q: "city", values: ["almaty", "astana"] }, answers: { city: "astana" }, expected: true },
  { name: "in fails for an unlisted code", cond: { op: "in", q: "city", values: ["almaty", "astana"] }, answers: { city: "shymkent" }, expected: false },
  { name: "in never matches a multi-select answer", cond: { op: "in", q: "m", values: ["a"] }, answers: { m: ["a"] }, expected: false },
  { name: "includes holds when the multi-select has the code", cond: { op: "includes", q: "m", value: "a" }, answers: { m: ["a", "b"] }, expected: true },
  { name: "includes fails when it has not", cond: { op: "includes", q: "m", value: "c" }, answers: { m: ["a", "b"] }, expected: false },
  { name: "answered holds for any answer, even pnta", cond: { op: "answered", q: "x" }, answers: { x: "pnta" }, expected: true },
  { name: "answered fails for a skipped question", cond: { op: "answered", q: "x" }, answers: {}, expected: false },
  { name: "gt compares with a constant", cond: { op: "gt", q: "n", value: 2 }, answers: { n: 3 }, expected: true },
  { name: "gt is strict", cond: { op: "gt", q: "n", value: 3 }, answers: { n: 3 }, expected: false },
  { name: "gte includes the bound", cond: { op: "gte", q: "n", value: 3 }, answers: { n: 3 }, expected: true },
  { name: "lt compares with another answer", cond: { op: "lt", q: "kz", value: { answer: "n" } }, answers: { kz: 1, n: 3 }, expected: true },
  { name: "lte compares with an expression", cond: { op: "lte", q: "o", value: { sub: [{ answer: "n" }, { answer: "kz" }] } }, answers: { n: 3, kz: 1, o: 2 }, expected: true },
  { name: "gte compares with the current year", cond: { op: "gte", q: "year", value: { env: "currentYear" } }, answers: { year: 2026 }, expected: true },
  { name: "a comparison with a code answer (pnta) is false", cond: { op: "gt", q: "n", value: 0 }, answers: { n: "pnta" }, expected: false },
  { name: "not inverts", cond: { op: "not", cond: { op: "equals", q: "x", value: "a" } }, answers: { x: "b" }, expected: true },
  { name: "and needs every part", cond: { op: "and", all: [{ op: "answered", q: "x" }, { op: "equals", q: "y", value: "b" }] }, answers: { x: "a", y: "c" }, expected: false },
  { name: "or needs one part", cond: { op: "or", any: [{ op: "equals", q: "x", value: "z" }, { op: "equals", q: "y", value: "b" }] }, answers: { x: "a", y: "b" }, expected: true },
  { name: "is follows a named set", cond: { op: "is", name: "WORKING" }, answers: { emp: "part_time" }, expected: true },
  { name: "is fails outside the named set", cond: { op: "is", name: "WORKING" }, answers: { emp: "unemployed" }, expected: false },
];

describe("condition operators", () => {
  it.each(cases)("$name", ({ cond, answers, expected }) => {
    expect(holds(cond, { answers, env, sets })).toBe(expected);
  });

  it("every operator is covered by a case above", () => {
    const covered = new Set(cases.map((c) => c.cond.op));
    expect([...covered].sort()).toEqual(["and", "answered", "equals", "gt", "gte", "in", "includes", "is", "lt", "lte", "not", "or"]);
  });

  it("an unknown named set fails loudly instead of silently skipping questions", () => {
    expect(() => holds({ op: "is", name: "NOPE" }, { answers: {}, env, sets })).toThrow(/NOPE/);
  });
});

describe("three-valued evaluation while questions are still ahead", () => {
  it("a condition on a pending question is unknown", () => {
    expect(evaluate({ op: "equals", q: "later", value: "a" }, ctx({}, ["later"]))).toBeUndefined();
  });
  it("and is false as soon as one known part is false", () => {
    const cond: Condition = { op: "and", all: [{ op: "equals", q: "x", value: "a" }, { op: "equals", q: "later", value: "b" }] };
    expect(evaluate(cond, ctx({ x: "z" }, ["later"]))).toBe(false);
  });
  it("or is true as soon as one known part is true", () => {
    const cond: Condition = { op: "or", any: [{ op: "equals", q: "x", value: "a" }, { op: "equals", q: "later", value: "b" }] };
    expect(evaluate(cond, ctx({ x: "a" }, ["later"]))).toBe(true);
  });
  it("not of unknown stays unknown", () => {
    expect(evaluate({ op: "not", cond: { op: "answered", q: "later" } }, ctx({}, ["later"]))).toBeUndefined();
  });
});

describe("XLSForm expressions", () => {
  const xctx = { sets, multi: new Set(["m"]), numeric: new Set(["n"]) };
  it.each<[string, Condition, string]>([
    ["equals quotes codes", { op: "equals", q: "city", value: "almaty" }, "${city} = 'almaty'"],
    ["equals leaves numbers bare", { op: "equals", q: "n", value: 2 }, "${n} = 2"],
    ["in becomes a disjunction", { op: "in", q: "city", values: ["a", "b"] }, "(${city} = 'a' or ${city} = 'b')"],
    ["includes becomes selected()", { op: "includes", q: "m", value: "a" }, "selected(${m}, 'a')"],
    ["answered tests for non-empty", { op: "answered", q: "x" }, "${x} != ''"],
    ["comparisons keep expressions", { op: "lte", q: "o", value: { sub: [{ answer: "n" }, { answer: "kz" }] } }, "${o} <= (${n} - ${kz})"],
    ["named sets are expanded", { op: "is", name: "WORKING" }, "(${emp} = 'full_time' or ${emp} = 'part_time')"],
    ["not wraps", { op: "not", cond: { op: "equals", q: "x", value: "a" } }, "not(${x} = 'a')"],
  ])("%s", (_name, cond, expected) => {
    expect(toXPath(cond, xctx)).toBe(expected);
  });

  // n's "prefer not to answer" is typed as -1 in an XLSForm integer, as the SPSS export codes it.
  const withCodes = { ...xctx, numericCodes: new Map([["n", new Map([["pnta", -1], ["dk", -2]])]]) };
  it.each<[string, Condition, string]>([
    ["a number's code becomes the number that stands for it", { op: "equals", q: "n", value: "pnta" }, "${n} = -1"],
    ["in mixes numbers and codes", { op: "in", q: "n", values: [0, "dk"] }, "(${n} = 0 or ${n} = -2)"],
    ["a comparison never counts a code as a number", { op: "lt", q: "n", value: 3 }, "(${n} < 3 and ${n} != -1 and ${n} != -2)"],
    ["a question without codes compares as before", { op: "gte", q: "o", value: 1 }, "${o} >= 1"],
  ])("%s", (_name, cond, expected) => {
    expect(toXPath(cond, withCodes)).toBe(expected);
  });
});
