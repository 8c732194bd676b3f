/**
 * The labour-migrant definition against its contract, shared/questionnaire-outline.md: the ids
 * and codes exports key on, the skip logic and screening, and the English texts it points to.
 * The expected lists below are copied from the outline by hand, not from the definition.
 */
import { readFileSync } from "node:fs";
import { describe, expect, it } from "vitest";
import { labourMigrantsKz as definition } from "../../src/flows/definitions/labour-migrants-kz.ts";
import { answer, derive, findQuestion, optionsFor, rangeFor, start, submitDraft, toggle, type StepResult } from "../../src/flows/engine.ts";
import type { Answer, Answers, NumericQuestion, Question } from "../../src/flows/schema.ts";
import type { SurveyState } from "../../src/flows/state.ts";
import { checkMeaning } from "../../src/flows/validate.ts";
import { PASSES_SCREENING } from "../support/eligible.ts";

const env = { currentYear: 2026 };

const EXPECTED_IDS = [
  // A (a_lang is handled by the bot, not the definition)
  "a_consent", "a_city", "a_district", "a_age_group", "a_citizenship", "a_kz_work", "a_prev_interview", "a_stay",
  // B
  "b_sex", "b_marital", "b_children", "b_children_n", "b_children_kz", "b_children_origin", "b_edu_level", "b_edu_field", "b_provider",
  // C
  "c_last_country", "c_journey_start", "c_prev_employment", "c_prev_sector", "c_left_for_work", "c_work_for_whom", "c_reason_other",
  "c_reason_kz", "c_arrival_year", "c_intention", "c_entry_document",
  // D
  "d_emp_status", "d_emp_type", "d_sector", "d_sector_exp", "d_sector_exp_years", "d_contract", "d_pension", "d_paid_leave", "d_dismissal",
  "d_job_found", "d_no_agency_reason", "d_wage_vs_min", "d_income_sufficiency", "d_remit", "d_remit_share", "d_remit_role", "d_remit_freq",
  "d_remit_channel", "d_remit_channel_reason", "d_remit_purpose",
  // E
  "e_housing", "e_housing_barrier", "e_household_size", "e_access_health", "e_access_education", "e_access_finance", "e_health_barrier",
  "e_deprivation",
];

const EXPECTED_CODES: Record<string, string[]> = {
  a_citizenship: ["kazakhstan", "uzbekistan", "kyrgyzstan", "russia", "tajikistan", "ukraine", "mongolia", "turkmenistan", "china", "turkiye", "india", "belarus", "armenia", "other"],
  a_district: [
    "alm_alatau", "alm_almaly", "alm_auezov", "alm_bostandyk", "alm_medeu", "alm_nauryzbay", "alm_turksib", "alm_zhetysu",
    "ast_almaty", "ast_baikonyr", "ast_esil", "ast_saryarka",
    "shy_abay", "shy_al_farabi", "shy_enbekshi", "shy_karatau", "dk",
  ],
  d_job_found: ["contacts_after_arrival", "contacts_before_departure", "public_agency_origin", "private_agency_origin", "agency_kz", "online", "direct_employer", "other", "pnta"],
  e_deprivation: ["mobile_phone", "unexpected_expenses", "avoid_arrears", "car", "warm_home", "meat_meal", "colour_tv", "holiday", "washing_machine", "none", "pnta"],
  c_prev_sector: [
    "construction", "trade_vehicle_repair", "accommodation_food", "agriculture_forestry_fishing", "manufacturing",
    "transport_storage", "domestic_work", "other_services", "education_health_public", "other", "pnta",
  ],
  d_contract: ["yes", "no", "dk", "no_employer", "pnta"],
  d_remit_share: ["lt_25", "25_50", "gt_50", "pnta"],
};
EXPECTED_CODES.d_sector = EXPECTED_CODES.c_prev_sector!;

const question = (id: string): Question => {
  const found = findQuestion(definition, id);
  if (!found) throw new Error(`no question ${id}`);
  return found;
};
const codesOf = (id: string) => (question(id).options ?? []).map((o) => o.code);

/** Answers that pass screening, to build paths on. */
// In the order they are asked: the district comes right after the city.
const { a_consent, a_city, ...laterScreening } = PASSES_SCREENING;
const ELIGIBLE: Answers = { a_consent, a_city, a_district: "ast_esil", ...laterScreening };

/** Answers one question after another through the engine, as the bot does; multi values are ticked then submitted. */
function run(answers: [string, Answer][], from: SurveyState = start(definition)): StepResult {
  let state = from;
  let step: StepResult | undefined;
  for (const [q, value] of answers) {
    if (Array.isArray(value)) {
      for (const code of value) {
        const toggled = toggle(definition, state, q, code, env);
        if (toggled.kind !== "toggled") throw new Error(`could not tick ${q}=${code}: ${toggled.rejection.code}`);
        state = toggled.state;
      }
      step = submitDraft(definition, state, q, env);
    } else {
      step = answer(definition, state, { q, value }, env);
    }
    if (step.kind === "rejected") throw new Error(`${q}=${JSON.stringify(value)} rejected: ${step.rejection.code}`);
    state = step.state;
  }
  if (!step) throw new Error("no answers given");
  return step;
}

const nextId = (step: StepResult) => (step.kind === "ask" || step.kind === "confirm" ? step.question.id : step.kind);

describe("labour_migrants_kz against the outline", () => {
  it("passes every meaning check (ids, backward-only conditions, known codes, reachability)", () => {
    expect(checkMeaning(definition)).toEqual([]);
  });

  it("asks exactly the outline's questions, in the outline's order", () => {
    expect(definition.questions.map((q) => q.id)).toEqual(EXPECTED_IDS);
  });

  it.each(Object.keys(EXPECTED_CODES))("%s offers exactly the outline's codes", (id) => {
    expect(codesOf(id)).toEqual(EXPECTED_CODES[id]);
  });

  it("offers Prefer not to answer on every B–E question and on no screening question", () => {
    const missing = definition.questions.filter((q) => q.module !== "a" && !codesOf(q.id).includes("pnta")).map((q) => q.id);
    expect(missing).toEqual([]);
    const screeningWithPnta = definition.questions.filter((q) => q.module === "a" && codesOf(q.id).includes("pnta")).map((q) => q.id);
    expect(screeningWithPnta).toEqual([]);
  });

  it("makes none, dk and pnta exclusive in every multi-select, with the outline's maxima", () => {
    const multis = definition.questions.filter((q) => q.type === "multi");
    expect(multis.map((q) => [q.id, q.max])).toEqual([
      ["c_reason_other", 3],
      ["c_reason_kz", 3],
      ["e_deprivation", undefined],
    ]);
    for (const q of multis) {
      const exclusive = q.options.filter((o) => o.exclusive).map((o) => o.code);
      expect(exclusive.sort()).toEqual(q.options.map((o) => o.code).filter((c) => ["none", "dk", "pnta"].includes(c)).sort());
    }
  });
});

describe("screening", () => {
  const cases: [string, [string, Answer][]][] = [
    ["declined", [["a_consent", "decline"]]],
    ["outside_cities", [["a_consent", "agree"], ["a_city", "other_kz"]]],
    ["under_18", [["a_consent", "agree"], ["a_city", "almaty"], ["a_district", "dk"], ["a_age_group", "under_18"]]],
    ["kazakh_citizen", [["a_consent", "agree"], ["a_city", "almaty"], ["a_district", "dk"], ["a_age_group", "18_24"], ["a_citizenship", "kazakhstan"]]],
  ];
  it.each(cases)("ends the interview at once with reason %s", (reason, answers) => {
    const step = run(answers);
    expect(step.kind).toBe("ineligible");
    if (step.kind === "ineligible") {
      expect(step.reason).toBe(reason);
      expect(step.messageKey).toBe(`survey:screening.${reason}`);
    }
  });

  it("ends the interview for no work in KZ, a previous interview, and a stay under a month", () => {
    const upTo = (id: string, value: string) => {
      const before = Object.entries(ELIGIBLE).slice(0, Object.keys(ELIGIBLE).indexOf(id));
      return run([...before, [id, value]]);
    };
    expect(upTo("a_kz_work", "none")).toMatchObject({ kind: "ineligible", reason: "no_work_in_kz" });
    expect(upTo("a_prev_interview", "yes")).toMatchObject({ kind: "ineligible", reason: "interviewed_before" });
    expect(upTo("a_stay", "lt_1m")).toMatchObject({ kind: "ineligible", reason: "stay_under_month" });
  });

  it("offers only the chosen city's districts, plus Don't know", () => {
    const offered = (city: string) => optionsFor(definition, question("a_district"), { a_consent: "agree", a_city: city }, env).map((o) => o.code);
    expect(offered("astana")).toEqual(["ast_almaty", "ast_baikonyr", "ast_esil", "ast_saryarka", "dk"]);
    expect(offered("shymkent")).toEqual(["shy_abay", "shy_al_farabi", "shy_enbekshi", "shy_karatau", "dk"]);
    expect(offered("almaty")).toHaveLength(9);
  });

  it("goes from the last screening answer straight to module B", () => {
    expect(nextId(run(Object.entries(ELIGIBLE)))).toBe("b_sex");
  });
});

describe("skip logic", () => {
  const eligible = Object.entries(ELIGIBLE);

  it("asks the child counts only of parents, bounding each by the earlier ones, and derives where the children are", () => {
    const noKids = run([...eligible, ["b_sex", "female"], ["b_marital", "single"], ["b_children", "no"]]);
    expect(nextId(noKids)).toBe("b_edu_level");

    const kids = run([...eligible, ["b_sex", "female"], ["b_marital", "married"], ["b_children", "yes"], ["b_children_n", 4], ["b_children_kz", 1]]);
    expect(nextId(kids)).toBe("b_children_origin");
    expect(rangeFor(question("b_children_origin") as NumericQuestion, kids.state.answers, env)).toEqual({ min: 0, max: 3 });
    expect(() => run([["b_children_origin", 4]], kids.state)).toThrow(/out_of_range/);

    const answers = { ...kids.state.answers, b_children_origin: 2 };
    expect(derive(definition, answers, env)).toEqual({ b_children_elsewhere: 1, b_children_location: "other" });
    expect(derive(definition, { ...answers, b_children_kz: 0, b_children_origin: 4 }, env)).toEqual({ b_children_elsewhere: 0, b_children_location: "all_origin" });
    expect(derive(definition, { ...answers, b_children_kz: 4, b_children_origin: 0 }, env)).toEqual({ b_children_elsewhere: 0, b_children_location: "all_kz" });
    // A refusal on any count leaves nothing to derive, rather than a wrong number.
    expect(derive(definition, { ...answers, b_children_kz: "pnta" }, env)).toEqual({});
  });

  it("hides the respondent's own country among the places lived before", () => {
    const offered = optionsFor(definition, question("c_last_country"), { a_citizenship: "kyrgyzstan" }, env).map((o) => o.code);
    expect(offered).toEqual(["country_of_origin", "russia", "uzbekistan", "tajikistan", "other", "pnta"]);
  });

  it("asks for a confirmation when the arrival year is this year", () => {
    const before = run([...eligible, ["b_sex", "male"], ["b_marital", "single"], ["b_children", "no"], ["b_edu_level", "primary"], ["b_edu_field", "general"], ["b_provider", "yes"],
      ["c_last_country", "country_of_origin"], ["c_journey_start", "gt_1y"], ["c_prev_employment", "unemployed"], ["c_left_for_work", "no"], ["c_reason_other", ["family", "education"]],
      ["c_reason_kz", ["proximity"]]]);
    expect(nextId(before)).toBe("c_arrival_year");
    expect(answer(definition, before.state, { q: "c_arrival_year", value: 2024 }, env).kind).toBe("ask");
    const check = answer(definition, before.state, { q: "c_arrival_year", value: 2026 }, env);
    expect(check).toMatchObject({ kind: "confirm", messageKey: "survey:check.arrival_this_year" });
  });

  /** Everything up to d_emp_status, for someone who said at screening that they were working now. */
  const toModuleD: [string, Answer][] = [...eligible, ["b_sex", "male"], ["b_marital", "single"], ["b_children", "pnta"], ["b_edu_level", "primary"], ["b_edu_field", "general"],
    ["b_provider", "no"], ["c_last_country", "pnta"], ["c_journey_start", "dk"], ["c_prev_employment", "private_employee"], ["c_prev_sector", "construction"],
    ["c_left_for_work", "yes"], ["c_work_for_whom", "myself"], ["c_reason_kz", ["pnta"]], ["c_arrival_year", 2020], ["c_intention", "stay"], ["c_entry_document", "intl_passport"]];

  it("asks the work battery of workers, and the no-agency reason only of those who used no agency", () => {
    const atD = run(toModuleD);
    expect(nextId(atD)).toBe("d_emp_status");
    const working = run([["d_emp_status", "full_time"], ["d_emp_type", "employee"], ["d_sector", "construction"], ["d_sector_exp", "no"]], atD.state);
    expect(nextId(working)).toBe("d_contract");
    const found = run([["d_contract", "no"], ["d_pension", "no"], ["d_paid_leave", "no"], ["d_dismissal", "no"]], working.state);
    expect(nextId(found)).toBe("d_job_found");
    expect(nextId(run([["d_job_found", "agency_kz"]], found.state))).toBe("d_wage_vs_min");
    expect(nextId(run([["d_job_found", "online"]], found.state))).toBe("d_no_agency_reason");
  });

  it("asks someone who says at D they have no job to confirm, and then skips the work questions", () => {
    const atD = run(toModuleD);
    const check = answer(definition, atD.state, { q: "d_emp_status", value: "unemployed_looking" }, env);
    expect(check).toMatchObject({ kind: "confirm", messageKey: "survey:check.work_contradiction" });
    const confirmed = answer(definition, check.state, { q: "d_emp_status", value: "unemployed_looking", confirmed: true }, env);
    expect(nextId(confirmed)).toBe("d_income_sufficiency");
  });

  it("asks the remittance questions only of remitters, then the housing barrier only without permanent housing", () => {
    // Said "working now" at screening, so this answer needs confirming first.
    const atRemit = run([...toModuleD, ["d_emp_status", "unemployed_not_looking"]]);
    const confirmed = answer(definition, atRemit.state, { q: "d_emp_status", value: "unemployed_not_looking", confirmed: true }, env);
    const noRemit = run([["d_income_sufficiency", "dk"], ["d_remit", "no"]], confirmed.state);
    expect(nextId(noRemit)).toBe("e_housing");
    const remit = run([["d_income_sufficiency", "dk"], ["d_remit", "yes"]], confirmed.state);
    expect(nextId(remit)).toBe("d_remit_share");
    expect(nextId(run([["e_housing", "permanent"]], noRemit.state))).toBe("e_household_size");
    expect(nextId(run([["e_housing", "temporary"]], noRemit.state))).toBe("e_housing_barrier");
  });
});

describe("needs signalled for referrals", () => {
  const needs = definition.questions.flatMap((q) => (q.options ?? []).filter((o) => o.needs).map((o) => `${q.id}.${o.code}=${o.needs!.join(",")}`));
  it("tags exactly the answers the referral offers rely on", () => {
    expect(needs.sort()).toEqual(
      [
        "e_health_barrier.dont_know_where=health",
        "e_health_barrier.no_iin=documents",
        "e_health_barrier.no_money=health",
        "e_health_barrier.fear_authorities=legal",
        "e_access_health.no=health",
        "e_housing.none=housing",
        "e_housing.temporary=housing",
        "e_housing_barrier.no_documents=documents",
      ].sort(),
    );
  });
});

describe("English texts (src/locales/en/survey.json)", () => {
  const en = JSON.parse(readFileSync(new URL("../../src/locales/en/survey.json", import.meta.url), "utf8")) as Record<string, unknown>;

  const flatten = (node: unknown, prefix: string, out: Map<string, unknown>): Map<string, unknown> => {
    if (node !== null && typeof node === "object") for (const [k, v] of Object.entries(node)) flatten(v, prefix ? `${prefix}.${k}` : k, out);
    else out.set(`survey:${prefix}`, node);
    return out;
  };
  const texts = flatten(en, "", new Map());

  const used = new Set<string>([
    definition.titleKey,
    ...definition.modules.map((m) => m.titleKey),
    ...definition.questions.flatMap((q) => [
      q.textKey,
      ...(q.hintKey ? [q.hintKey] : []),
      ...(q.options ?? []).map((o) => o.labelKey),
      ...(q.softChecks ?? []).map((c) => c.messageKey),
    ]),
    ...definition.screening.map((r) => r.messageKey),
    ...definition.derived.map((d) => d.labelKey),
  ]);
  /** The engine's fallback for an ineligible state whose rule a newer definition no longer has (engine.ts describe()). */
  // survey:organisation is the default {{organisation}} of each language (src/platform/text-params.ts).
  const ALLOWED_EXTRAS = ["survey:ineligible.generic", "survey:organisation"];

  it("has a non-empty string for every key the definition uses", () => {
    const missing = [...used].filter((k) => typeof texts.get(k) !== "string" || (texts.get(k) as string).trim() === "");
    expect(missing).toEqual([]);
  });

  it("has no key the definition does not use", () => {
    expect([...texts.keys()].filter((k) => !used.has(k) && !ALLOWED_EXTRAS.includes(k))).toEqual([]);
  });

  it("keeps question texts within 600 characters and option labels within 40 (button width)", () => {
    const long = [...texts].filter(([k, v]) => String(v).length > (/\.o\.|^survey:o\./.test(k) ? 40 : 600)).map(([k]) => k);
    expect(long).toEqual([]);
  });

  it("tells the consent facts and interpolates who runs the survey and how long data are kept", () => {
    const consent = String(texts.get("survey:q.a_consent.text"));
    for (const fact of ["{{organisation}}", "voluntary", "anonymous", "confidential", "Prefer not to answer", "/delete", "generalised", "third parties", "{{retentionDays}} days"]) {
      expect(consent).toContain(fact);
    }
    expect(String(texts.get("survey:q.d_wage_vs_min.text"))).toContain("{{minWage}}");
  });
});
