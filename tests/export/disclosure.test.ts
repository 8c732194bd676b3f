/**
 * Disclosure control on small, hand-made counts, where the right answer can be worked out on paper:
 * nothing is changed when nothing needs to be, a lone person loses their least important answers
 * first, and a refusal says what would work.
 */
import { describe, expect, it } from "vitest";
import { QuasiIdentifierCounter, ReleaseGateError } from "../../src/export/disclosure.ts";
import { STUDY_POLICY } from "../../src/studies/export-policy.ts";
import type { Answer } from "../../src/flows/schema.ts";

const PRESENT = new Set(STUDY_POLICY.quasiIdentifiers);
type Person = { a_city: string; b_sex: string; a_age_group: string; a_citizenship: string; a_district: string };
const person = (a_city: string, b_sex: string, a_age_group: string, a_citizenship: string, a_district: string): Person => ({ a_city, b_sex, a_age_group, a_citizenship, a_district });

function counterOf(groups: [Person, number][]): QuasiIdentifierCounter {
  const counter = new QuasiIdentifierCounter(STUDY_POLICY, PRESENT);
  for (const [p, n] of groups) for (let i = 0; i < n; i++) counter.add(p);
  return counter;
}

describe("disclosure control", () => {
  it("changes nothing when every combination already holds 5 people", () => {
    const plan = counterOf([
      [person("astana", "male", "25_34", "uzbekistan", "ast_esil"), 7],
      [person("astana", "female", "25_34", "kyrgyzstan", "ast_esil"), 5],
    ]).plan();
    expect(plan.report.suppression.rowsTouched).toBe(0);
    expect(plan.report.recodings.every((r) => r.rows === 0)).toBe(true);
    expect(plan.report.smallestCombination).toBe(5);
    const answers: Record<string, Answer> = { ...person("astana", "female", "25_34", "kyrgyzstan", "ast_esil") };
    plan.apply(answers);
    expect(answers).toEqual(person("astana", "female", "25_34", "kyrgyzstan", "ast_esil"));
  });

  it("generalizes a small district first, and blanks the least important answers of a lone person", () => {
    const many: [Person, number][] = [];
    for (const district of ["ast_esil", "ast_almaty", "ast_baikonyr", "ast_saryarka"]) many.push([person("astana", "male", "25_34", "uzbekistan", district), 30]);
    many.push([person("astana", "male", "25_34", "kyrgyzstan", "ast_esil"), 3]); // a small district group: generalized
    many.push([person("astana", "male", "25_34", "kyrgyzstan", "ast_saryarka"), 2]);
    many.push([person("astana", "male", "25_34", "armenia", "ast_esil"), 1]); // alone even after that
    const plan = counterOf(many).plan();
    const { report } = plan;
    expect(report.recodings.find((r) => r.kind === "generalize")!.rows).toBeGreaterThanOrEqual(5);
    expect(report.suppression.cells.a_city).toBe(0);
    expect(report.suppression.cells.b_sex).toBe(0);
    expect(report.suppression.rowsTouched).toBeLessThanOrEqual(report.rows * 0.05);
    expect(report.smallestCombination).toBeGreaterThanOrEqual(5);
    const lone: Record<string, Answer> = { ...person("astana", "male", "25_34", "armenia", "ast_esil") };
    plan.apply(lone);
    // City, sex and age band stay: only what identifies this person least-importantly is changed.
    expect(lone).toMatchObject({ a_city: "astana", b_sex: "male", a_age_group: "25_34" });
    expect(lone.a_citizenship === "armenia" && lone.a_district === "ast_esil").toBe(false);
  });

  it("refuses beyond the ceiling and says that the whole sample would be released", () => {
    const filtered = counterOf([
      [person("almaty", "male", "25_34", "uzbekistan", "alm_medeu"), 6],
      [person("almaty", "female", "65_plus", "mongolia", "alm_medeu"), 2],
    ]);
    const whole = counterOf([
      [person("almaty", "male", "25_34", "uzbekistan", "alm_medeu"), 6],
      [person("almaty", "female", "65_plus", "mongolia", "alm_medeu"), 2],
      [person("astana", "male", "25_34", "uzbekistan", "ast_esil"), 200],
    ]);
    const error = (() => {
      try {
        filtered.plan(whole);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(ReleaseGateError);
    const { report, message } = error as ReleaseGateError;
    expect(report.share).toBeGreaterThan(0.05);
    expect(report.wholeSampleShare).toBeLessThanOrEqual(0.05);
    expect(message).toContain("Without the city or date filter");
    expect(message).not.toMatch(/mongolia|almaty|female/);
  });
});
