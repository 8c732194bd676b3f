import { describe, expect, it } from "vitest";
import { labourMigrantsKz as definition } from "../../src/flows/definitions/labour-migrants-kz.ts";
import { integrityFlags, median } from "../../src/flows/integrity.ts";
import { ELIGIBLE_ANSWERS } from "./integrity-fixtures.ts";
import { ENV } from "./respondent.ts";

const flags = (answers: Record<string, string | number | string[]>, pace: number[] = [10, 12, 9]) =>
  integrityFlags(definition, { answers, pace, speedingFloorSeconds: 3, env: ENV });

describe("integrity flags", () => {
  it("a careful respondent raises no flag", () => {
    expect(Object.entries(flags(ELIGIBLE_ANSWERS)).filter(([, v]) => v)).toEqual([]);
  });

  it("speeding: a median under the floor", () => {
    expect(median([1, 2, 2, 9])).toBe(2);
    expect(flags(ELIGIBLE_ANSWERS, [1, 2, 2, 2, 30]).speeding).toBe(true);
    expect(flags(ELIGIBLE_ANSWERS, [3, 4, 5]).speeding).toBe(false);
  });

  it("straight-lining on the informality battery", () => {
    const same = { ...ELIGIBLE_ANSWERS, d_contract: "yes", d_pension: "yes", d_paid_leave: "yes", d_dismissal: "yes" };
    expect(flags(same).straightlining_informality).toBe(true);
    expect(flags({ ...same, d_dismissal: "no" }).straightlining_informality).toBe(false);
  });

  it("straight-lining on the access battery", () => {
    const same = { ...ELIGIBLE_ANSWERS, e_access_health: "dk", e_access_education: "dk", e_access_finance: "dk" };
    expect(flags(same).straightlining_access).toBe(true);
  });

  it("a contradiction: working in screening, unemployed in module D", () => {
    expect(flags({ ...ELIGIBLE_ANSWERS, a_kz_work: "working_now", d_emp_status: "unemployed_looking" }).contradiction_work_status).toBe(true);
    expect(flags({ ...ELIGIBLE_ANSWERS, a_kz_work: "working_now", d_emp_status: "full_time" }).contradiction_work_status).toBe(false);
  });
});
