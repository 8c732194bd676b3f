/**
 * One named scenario per branch family of the questionnaire outline: who is asked what.
 * Each scripts only the answers that matter and lets a plain respondent answer the rest.
 */
import { describe, expect, it } from "vitest";
import { labourMigrantsKz as definition } from "../../src/flows/definitions/labour-migrants-kz.ts";
import { walk } from "./respondent.ts";
import { PASSES_SCREENING } from "../support/eligible.ts";

const eligible = PASSES_SCREENING;

describe("branch families", () => {
  it("has children: asks how many, where they live, and derives those elsewhere", () => {
    const { asked, state, result } = walk(definition, { ...eligible, b_children: "yes", b_children_n: 4, b_children_kz: 1, b_children_origin: 2 });
    expect(result.kind).toBe("completed");
    expect(asked).toEqual(expect.arrayContaining(["b_children_n", "b_children_kz", "b_children_origin"]));
    expect(state.answers).toMatchObject({ b_children_n: 4, b_children_kz: 1, b_children_origin: 2 });
  });

  it("no children: skips every children question", () => {
    const { asked } = walk(definition, { ...eligible, b_children: "no" });
    expect(asked).not.toContain("b_children_n");
    expect(asked).not.toContain("b_children_kz");
    expect(asked).not.toContain("b_children_origin");
  });

  it("remits: asks the six remittance questions", () => {
    const { asked } = walk(definition, { ...eligible, d_remit: "yes" });
    for (const id of ["d_remit_share", "d_remit_role", "d_remit_freq", "d_remit_channel", "d_remit_channel_reason", "d_remit_purpose"]) expect(asked).toContain(id);
  });

  it("does not remit: skips them", () => {
    const { asked } = walk(definition, { ...eligible, d_remit: "no" });
    expect(asked.filter((id) => id.startsWith("d_remit_"))).toEqual([]);
  });

  it("not working: skips the job questions but asks how the last job was found if they worked before", () => {
    const { asked } = walk(definition, { ...eligible, a_kz_work: "worked_before", d_emp_status: "unemployed_looking" });
    for (const id of ["d_emp_type", "d_sector", "d_contract", "d_pension", "d_paid_leave", "d_dismissal", "d_wage_vs_min"]) expect(asked).not.toContain(id);
    expect(asked).toContain("d_job_found");
  });

  it("not working and never worked here: no job questions at all", () => {
    const { asked } = walk(definition, { ...eligible, a_kz_work: "looking", d_emp_status: "unemployed_looking" });
    expect(asked).not.toContain("d_job_found");
    expect(asked).not.toContain("d_no_agency_reason");
  });

  it("did not leave for work: asks the other reasons, not whose job", () => {
    const { asked } = walk(definition, { ...eligible, c_left_for_work: "no" });
    expect(asked).toContain("c_reason_other");
    expect(asked).not.toContain("c_work_for_whom");
  });

  it("left for work: asks whose job, not the other reasons", () => {
    const { asked } = walk(definition, { ...eligible, c_left_for_work: "yes" });
    expect(asked).toContain("c_work_for_whom");
    expect(asked).not.toContain("c_reason_other");
  });

  it("no permanent housing: asks the barrier", () => {
    expect(walk(definition, { ...eligible, e_housing: "temporary" }).asked).toContain("e_housing_barrier");
    expect(walk(definition, { ...eligible, e_housing: "permanent" }).asked).not.toContain("e_housing_barrier");
  });

  it("no access to health care: asks why", () => {
    expect(walk(definition, { ...eligible, e_access_health: "no" }).asked).toContain("e_health_barrier");
    expect(walk(definition, { ...eligible, e_access_health: "yes" }).asked).not.toContain("e_health_barrier");
  });

  it("a recruitment agency found the job: no question on why not", () => {
    expect(walk(definition, { ...eligible, d_job_found: "agency_kz" }).asked).not.toContain("d_no_agency_reason");
    expect(walk(definition, { ...eligible, d_job_found: "contacts_after_arrival" }).asked).toContain("d_no_agency_reason");
  });
});

describe("screening exits", () => {
  const exits: [string, Record<string, string>, string][] = [
    ["consent declined", { a_consent: "decline" }, "declined"],
    ["outside the three cities", { a_city: "other_kz" }, "outside_cities"],
    ["under 18", { a_age_group: "under_18" }, "under_18"],
    ["a citizen of Kazakhstan", { a_citizenship: "kazakhstan" }, "kazakh_citizen"],
    ["no work in Kazakhstan", { a_kz_work: "none" }, "no_work_in_kz"],
    ["interviewed before", { a_prev_interview: "yes" }, "interviewed_before"],
    ["here less than a month", { a_stay: "lt_1m" }, "stay_under_month"],
  ];
  it.each(exits)("%s ends the interview at once with its reason", (_name, failing, reason) => {
    const { result, asked } = walk(definition, { ...eligible, ...failing });
    expect(result.kind).toBe("ineligible");
    if (result.kind === "ineligible") expect(result.reason).toBe(reason);
    const failedAt = Object.keys(failing)[0]!;
    expect(asked.at(-1)).toBe(failedAt);
    expect(asked.some((id) => !id.startsWith("a_"))).toBe(false);
  });

  it("outside the three cities is not asked for a district", () => {
    expect(walk(definition, { ...eligible, a_city: "other_kz" }).asked).not.toContain("a_district");
  });

  it("districts are filtered by city", () => {
    const { state } = walk(definition, { ...eligible, a_city: "shymkent" });
    expect(String(state.answers.a_district ?? "")).toMatch(/^shy_|^dk$/);
  });
});
