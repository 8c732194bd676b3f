/**
 * The IOM labour-migrant survey (Almaty, Astana, Shymkent) as TypeScript builders: the code the
 * instrument was first written in, kept as a tool that writes the workbook
 * (`npm run iom-workbook -- forms/labour-migrants-kz.xlsx`).
 *
 * The instrument itself is the workbook forms/labour-migrants-kz.xlsx: the bot loads it
 * (src/flows/definitions/labour-migrants-kz.ts) and a survey team edits it. A test
 * (tests/flows/native-form.test.ts) keeps the two equal: after editing the workbook, update
 * these builders to match or delete them with their test; after editing the builders, write
 * the workbook with the command above.
 *
 * Source: shared/questionnaire-outline.md. Question ids and option codes are the export
 * contract (outline §11): never rename one; add new ones instead and bump `version`.
 * Texts are translation keys into the `survey` namespace (src/locales/<lang>/survey.json),
 * spelled by src/flows/native-keys.ts.
 */
import { nativeKeys } from "../../src/flows/native-keys.ts";
import { defineQuestionnaire } from "../../src/flows/validate.ts";
import type { Questionnaire, Condition, NeedTag, NumberExpr, Option, QuestionnaireInput, SoftCheck } from "../../src/flows/schema.ts";

type QuestionInput = QuestionnaireInput["questions"][number];
type ModuleId = "a" | "b" | "c" | "d" | "e";

/** Codes that, in a multi-select, must be chosen alone. */
const EXCLUSIVE_CODES = new Set(["pnta", "dk", "none"]);

const key = nativeKeys.key;
const labelKey = nativeKeys.optionLabel;

/** An option: its code, or its code with the needs it signals or the choice filter it obeys. */
type OptionSpec = string | { code: string; needs?: NeedTag[]; showIf?: Condition };

function options(q: string, specs: readonly OptionSpec[], multi = false): Option[] {
  return specs.map((spec) => {
    const { code, needs, showIf } = typeof spec === "string" ? { code: spec, needs: undefined, showIf: undefined } : spec;
    return {
      code,
      labelKey: labelKey(q, code),
      ...(multi && EXCLUSIVE_CODES.has(code) ? { exclusive: true } : {}),
      ...(needs ? { needs } : {}),
      ...(showIf ? { showIf } : {}),
    };
  });
}

interface Common {
  askIf?: Condition;
  /** Adds `survey:q.<id>.hint`, for questions that need an explanation under the text. */
  hint?: boolean;
  softChecks?: SoftCheck[];
}

function base(id: string, module: ModuleId, common: Common) {
  return {
    id,
    module,
    textKey: nativeKeys.questionText(id),
    ...(common.hint ? { hintKey: nativeKeys.questionHint(id) } : {}),
    ...(common.askIf ? { askIf: common.askIf } : {}),
    ...(common.softChecks ? { softChecks: common.softChecks } : {}),
  };
}

function single(id: string, module: ModuleId, codes: readonly OptionSpec[], common: Common = {}): QuestionInput {
  return { ...base(id, module, common), type: "single", options: options(id, codes) };
}

function multi(id: string, module: ModuleId, codes: readonly OptionSpec[], common: Common & { max?: number } = {}): QuestionInput {
  const { max, ...rest } = common;
  return { ...base(id, module, rest), type: "multi", options: options(id, codes, true), ...(max !== undefined ? { max } : {}) };
}

interface Numeric extends Common {
  type?: "number" | "year";
  min: number | NumberExpr;
  max: number | NumberExpr;
  presets?: number[];
}

/** A number or year question; every one also accepts "Prefer not to answer". */
function numeric(id: string, module: ModuleId, spec: Numeric): QuestionInput {
  const { type = "number", min, max, presets, ...common } = spec;
  return { ...base(id, module, common), type, min, max, ...(presets ? { presets } : {}), options: options(id, ["pnta"]) };
}

const range = (from: number, to: number) => Array.from({ length: to - from + 1 }, (_, i) => from + i);

// Condition shorthands, so the skip logic reads like outline §1.
const eq = (q: string, value: string): Condition => ({ op: "equals", q, value });
const among = (q: string, values: string[]): Condition => ({ op: "in", q, values });
const not = (cond: Condition): Condition => ({ op: "not", cond });
const all = (...conds: Condition[]): Condition => ({ op: "and", all: conds });
const any = (...conds: Condition[]): Condition => ({ op: "or", any: conds });
const named = (name: "WORKING" | "REMITTER"): Condition => ({ op: "is", name });
const answer = (q: string): NumberExpr => ({ answer: q });

// ---- Shared option lists ------------------------------------------------------------------

/** Fig 11 legend plus (inf) additions; c_prev_sector and d_sector use the same list. */
const SECTORS = [
  "construction",
  "trade_vehicle_repair",
  "accommodation_food",
  "agriculture_forestry_fishing",
  "manufacturing",
  "transport_storage",
  "domestic_work",
  "other_services",
  "education_health_public",
  "other",
  "pnta",
] as const;

/** The informality battery (Fig 21): the same answers for each of its four questions. */
const INFORMALITY = ["yes", "no", "dk", "no_employer", "pnta"] as const;

const ACCESS = ["yes", "no", "dk", "pnta"] as const;

/** Previous employment statuses that have a sector (outline §1: base 1,616). */
const HAD_WORK = ["private_employee", "public_employee", "daily_wage", "self_employed", "employer"];

/** Ways of finding a job that went through an agency: those people are not asked why they did not use one. */
const AGENCY_ROUTES = ["public_agency_origin", "private_agency_origin", "agency_kz"];

const DISTRICTS: Record<"almaty" | "astana" | "shymkent", string[]> = {
  almaty: ["alm_alatau", "alm_almaly", "alm_auezov", "alm_bostandyk", "alm_medeu", "alm_nauryzbay", "alm_turksib", "alm_zhetysu"],
  astana: ["ast_almaty", "ast_baikonyr", "ast_esil", "ast_saryarka"],
  shymkent: ["shy_abay", "shy_al_farabi", "shy_enbekshi", "shy_karatau"],
};
const CITIES_IN_SCOPE = Object.keys(DISTRICTS);

/** A country option hidden from its own citizens, who answer "my country of citizenship" instead. */
const unlessCitizenOf = (country: string): OptionSpec => ({ code: country, showIf: not(eq("a_citizenship", country)) });

/** Contradictions between the screening answer on work and the employment status in module D. */
const SAID_WORKING_NOW_BUT_UNEMPLOYED = all(eq("a_kz_work", "working_now"), among("d_emp_status", ["unemployed_looking", "unemployed_not_looking"]));
const SAID_LOOKING_BUT_WORKING = all(eq("a_kz_work", "looking"), named("WORKING"));

const CHILDREN = eq("b_children", "yes");
/** The three child counts were given as numbers (not "Prefer not to answer"), so they can be combined. */
const CHILD_COUNTS_GIVEN = all(
  CHILDREN,
  { op: "gte", q: "b_children_n", value: 0 },
  { op: "gte", q: "b_children_kz", value: 0 },
  { op: "gte", q: "b_children_origin", value: 0 },
);

// ---- The questionnaire ----------------------------------------------------------------------

const questions: QuestionInput[] = [
  // Module A: consent and screening (outline §2). Screening questions offer no pnta: a criterion
  // the bot cannot verify counts as not met. Each later one is reached only if every earlier
  // criterion passed, because the screening rules below end the interview at the first failure.
  single("a_consent", "a", ["agree", "decline"]),
  single("a_city", "a", ["almaty", "astana", "shymkent", "other_kz"]),
  single(
    "a_district",
    "a",
    [
      ...Object.entries(DISTRICTS).flatMap(([city, codes]) => codes.map((code) => ({ code, showIf: eq("a_city", city) }))),
      "dk",
    ],
    { askIf: among("a_city", CITIES_IN_SCOPE) },
  ),
  single("a_age_group", "a", ["under_18", "18_24", "25_34", "35_44", "45_54", "55_64", "65_plus"]),
  single("a_citizenship", "a", [
    "kazakhstan",
    "uzbekistan",
    "kyrgyzstan",
    "russia",
    "tajikistan",
    "ukraine",
    "mongolia",
    "turkmenistan",
    "china",
    "turkiye",
    "india",
    "belarus",
    "armenia",
    "other",
  ]),
  single("a_kz_work", "a", ["working_now", "worked_before", "looking", "none"]),
  single("a_prev_interview", "a", ["no", "yes"]),
  single("a_stay", "a", ["lt_1m", "ge_1m"]),

  // Module B: sociodemographic profile (outline §3).
  single("b_sex", "b", ["male", "female", "pnta"]),
  single("b_marital", "b", ["married", "single", "divorced_separated", "widowed", "pnta"], { hint: true }),
  single("b_children", "b", ["yes", "no", "pnta"]),
  numeric("b_children_n", "b", { askIf: CHILDREN, min: 1, max: 20, presets: range(1, 9), hint: true }),
  // Follow-up counts only make sense once the number of children was given (not refused).
  numeric("b_children_kz", "b", { askIf: { op: "and", all: [CHILDREN, { op: "gte", q: "b_children_n", value: 1 }] }, min: 0, max: answer("b_children_n"), presets: range(0, 5) }),
  numeric("b_children_origin", "b", {
    askIf: { op: "and", all: [CHILDREN, { op: "gte", q: "b_children_kz", value: 0 }] },
    min: 0,
    max: { sub: [answer("b_children_n"), answer("b_children_kz")] },
    presets: range(0, 5),
  }),
  single("b_edu_level", "b", [
    "none",
    "primary",
    "lower_secondary",
    "upper_secondary_vocational",
    "post_secondary_non_tertiary",
    "short_cycle_tertiary",
    "bachelor",
    "master",
    "doctorate",
    "pnta",
  ]),
  single("b_edu_field", "b", [
    "general",
    "education",
    "engineering_construction",
    "services",
    "arts_humanities",
    "social_journalism",
    "business_admin_law",
    "natural_sciences_math",
    "ict",
    "agriculture_veterinary",
    "health_welfare",
    "pnta",
  ]),
  single("b_provider", "b", ["yes", "no", "pnta"], { hint: true }),

  // Module C: migration experience and intentions (outline §4).
  single("c_last_country", "c", [
    "country_of_origin",
    unlessCitizenOf("russia"),
    unlessCitizenOf("kyrgyzstan"),
    unlessCitizenOf("uzbekistan"),
    unlessCitizenOf("tajikistan"),
    "other",
    "pnta",
  ]),
  single("c_journey_start", "c", ["1_6m", "6_12m", "gt_1y", "dk", "pnta"], { hint: true }),
  single("c_prev_employment", "c", [
    "private_employee",
    "daily_wage",
    "unemployed",
    "public_employee",
    "self_employed",
    "employer",
    "student",
    "homemaker",
    "retired_unable",
    "other",
    "pnta",
  ]),
  single("c_prev_sector", "c", SECTORS, { askIf: among("c_prev_employment", HAD_WORK) }),
  single("c_left_for_work", "c", ["yes", "no", "pnta"]),
  single("c_work_for_whom", "c", ["myself", "both", "spouse_family", "other", "pnta"], { askIf: eq("c_left_for_work", "yes") }),
  multi("c_reason_other", "c", ["family", "tourism", "education", "health", "conflict_insecurity", "violence_persecution", "other", "pnta"], {
    askIf: eq("c_left_for_work", "no"),
    max: 3,
  }),
  multi(
    "c_reason_kz",
    "c",
    ["higher_income", "treated_better", "language_culture", "proximity", "family_friends_here", "easy_entry", "job_offer", "other", "dk", "pnta"],
    { max: 3 },
  ),
  numeric("c_arrival_year", "c", {
    type: "year",
    min: 1960,
    max: { env: "currentYear" },
    hint: true,
    // Arrived this year: screening said at least a month in Kazakhstan, so let the person confirm.
    softChecks: [{ when: { op: "gte", q: "c_arrival_year", value: { env: "currentYear" } }, messageKey: key("check.arrival_this_year") }],
  }),
  single("c_intention", "c", ["circulate", "return", "stay", "other_country", "dk", "pnta"]),
  single("c_entry_document", "c", ["intl_passport", "temp_passport", "national_id", "other", "pnta"]),

  // Module D: employment and remittances (outline §5).
  single("d_emp_status", "d", ["full_time", "part_time_choice", "part_time_no_ft", "unemployed_looking", "unemployed_not_looking", "pnta"], {
    softChecks: [
      { when: SAID_WORKING_NOW_BUT_UNEMPLOYED, messageKey: key("check.work_contradiction") },
      { when: SAID_LOOKING_BUT_WORKING, messageKey: key("check.work_contradiction") },
    ],
  }),
  single("d_emp_type", "d", ["employee", "independent_no_employees", "dependent_contractor", "employer", "family_worker", "pnta"], {
    askIf: named("WORKING"),
  }),
  single("d_sector", "d", SECTORS, { askIf: named("WORKING") }),
  single("d_sector_exp", "d", ["yes", "no", "pnta"], { askIf: named("WORKING") }),
  single("d_sector_exp_years", "d", ["lt_1", "1_2", "3_5", "6_10", "11_plus", "pnta"], { askIf: eq("d_sector_exp", "yes") }),
  single("d_contract", "d", INFORMALITY, { askIf: named("WORKING") }),
  single("d_pension", "d", INFORMALITY, { askIf: named("WORKING") }),
  single("d_paid_leave", "d", INFORMALITY, { askIf: named("WORKING") }),
  single("d_dismissal", "d", INFORMALITY, { askIf: named("WORKING") }),
  single(
    "d_job_found",
    "d",
    [
      "contacts_after_arrival",
      "contacts_before_departure",
      "public_agency_origin",
      "private_agency_origin",
      "agency_kz",
      "online",
      "direct_employer",
      "other",
      "pnta",
    ],
    // Outline §9 #21: the base of 1,960 includes people who worked in Kazakhstan before.
    { askIf: any(named("WORKING"), eq("a_kz_work", "worked_before")) },
  ),
  single("d_no_agency_reason", "d", ["not_aware", "no_need", "too_expensive", "distrust", "not_accessible", "other", "pnta"], {
    askIf: all({ op: "answered", q: "d_job_found" }, not(among("d_job_found", [...AGENCY_ROUTES, "pnta"]))),
  }),
  single("d_wage_vs_min", "d", ["higher", "about_equal", "lower", "dk", "pnta"], { askIf: named("WORKING") }),
  single("d_income_sufficiency", "d", ["buy_and_save", "buy_no_save", "cannot_cover", "dk", "pnta"]),
  single("d_remit", "d", ["yes", "no", "pnta"]),
  single("d_remit_share", "d", ["lt_25", "25_50", "gt_50", "pnta"], { askIf: named("REMITTER") }),
  single("d_remit_role", "d", ["primary", "supplementary", "dk", "pnta"], { askIf: named("REMITTER") }),
  single("d_remit_freq", "d", ["several_per_month", "monthly", "every_2m", "every_3m", "less_often_irregular", "pnta"], { askIf: named("REMITTER") }),
  single("d_remit_channel", "d", ["mto_app", "bank_office_kz", "cash_friends", "mto_office_kz", "bank_app", "cash_self", "other", "pnta"], {
    askIf: named("REMITTER"),
  }),
  single(
    "d_remit_channel_reason",
    "d",
    ["safe", "fast", "cheap", "convenient", "trusted_recommended", "no_documents_needed", "other", "pnta"],
    { askIf: named("REMITTER") },
  ),
  single("d_remit_purpose", "d", ["basic_needs", "save", "business", "property", "debts", "education", "health", "other", "pnta"], {
    askIf: named("REMITTER"),
  }),

  // Module E: general well-being (outline §6). Need tags drive the referral offers (outline §7).
  single("e_housing", "e", [
    "permanent",
    { code: "temporary", needs: ["housing"] },
    { code: "none", needs: ["housing"] },
    "other",
    "pnta",
  ]),
  single(
    "e_housing_barrier",
    "e",
    [
      "low_income",
      { code: "no_documents", needs: ["documents"] },
      "rent_too_high",
      "landlord_refusal",
      "short_stay_planned",
      "employer_housing",
      "other",
      "pnta",
    ],
    { askIf: among("e_housing", ["temporary", "none", "other"]) },
  ),
  numeric("e_household_size", "e", { min: 0, max: 50, presets: range(0, 6), hint: true }),
  single("e_access_health", "e", ["yes", { code: "no", needs: ["health"] }, "dk", "pnta"]),
  single("e_access_education", "e", ACCESS),
  single("e_access_finance", "e", ACCESS, { hint: true }),
  single(
    "e_health_barrier",
    "e",
    [
      { code: "dont_know_where", needs: ["health"] },
      { code: "no_iin", needs: ["documents"] },
      { code: "no_money", needs: ["health"] },
      "language",
      "no_time_work",
      { code: "fear_authorities", needs: ["legal"] },
      "other",
      "pnta",
    ],
    // Outline §9 #10: the base of 558 fits those with no access, not those who do not know.
    { askIf: eq("e_access_health", "no") },
  ),
  multi(
    "e_deprivation",
    "e",
    ["mobile_phone", "unexpected_expenses", "avoid_arrears", "car", "warm_home", "meat_meal", "colour_tv", "holiday", "washing_machine", "none", "pnta"],
    { hint: true },
  ),
];

const screening = (
  [
    ["declined", eq("a_consent", "decline")],
    ["outside_cities", eq("a_city", "other_kz")],
    ["under_18", eq("a_age_group", "under_18")],
    ["kazakh_citizen", eq("a_citizenship", "kazakhstan")],
    ["no_work_in_kz", eq("a_kz_work", "none")],
    ["interviewed_before", eq("a_prev_interview", "yes")],
    ["stay_under_month", eq("a_stay", "lt_1m")],
  ] as const
).map(([reason, when]) => ({ reason, when, messageKey: nativeKeys.screening(reason) }));

export const handWrittenLabourMigrantsKz: Questionnaire = defineQuestionnaire({
  id: "labour_migrants_kz",
  version: 1,
  titleKey: nativeKeys.title(),
  modules: (["a", "b", "c", "d", "e"] as const).map((id) => ({ id, titleKey: nativeKeys.module(id) })),
  sets: {
    WORKING: among("d_emp_status", ["full_time", "part_time_choice", "part_time_no_ft"]),
    REMITTER: eq("d_remit", "yes"),
  },
  questions,
  consent: { question: "a_consent", agree: "agree" },
  cityQuestion: "a_city",
  citizenshipQuestion: "a_citizenship",
  screening,
  derived: [
    {
      id: "b_children_elsewhere",
      kind: "number",
      labelKey: nativeKeys.derived("b_children_elsewhere"),
      askIf: CHILD_COUNTS_GIVEN,
      expr: { sub: [answer("b_children_n"), answer("b_children_kz"), answer("b_children_origin")] },
    },
    {
      id: "b_children_location",
      kind: "category",
      labelKey: nativeKeys.derived("b_children_location"),
      askIf: CHILD_COUNTS_GIVEN,
      cases: [
        { when: { op: "gte", q: "b_children_origin", value: answer("b_children_n") }, value: "all_origin" },
        { when: { op: "gte", q: "b_children_kz", value: answer("b_children_n") }, value: "all_kz" },
      ],
      otherwise: "other",
    },
  ],
  integrity: {
    // Straight-lining: the same answer to every item of the informality and access batteries.
    batteries: [
      { name: "informality", questions: ["d_contract", "d_pension", "d_paid_leave", "d_dismissal"] },
      { name: "access", questions: ["e_access_health", "e_access_education", "e_access_finance"] },
    ],
    // The soft check lets a person confirm such an answer; exports still flag it.
    contradictions: [{ name: "work_status", when: any(SAID_WORKING_NOW_BUT_UNEMPLOYED, SAID_LOOKING_BUT_WORKING) }],
  },
} satisfies QuestionnaireInput);
