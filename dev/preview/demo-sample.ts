/**
 * Synthetic interviews drawn from the study report's published figures
 * (../shared/seed-report.txt: IOM, "Study on labour migrants in three cities of Kazakhstan", 2022).
 *
 * Each question is drawn on its own from its published percentages, with a seeded generator, in
 * questionnaire order; a question is answered only when the questionnaire would ask it given the
 * answers drawn so far. Nothing here looks at what the export does with the rows: the sample is
 * as lumpy as independent draws make it, which is the point (see issue 12).
 *
 * Where the report gives no figure for some options (the age bands above 34, the districts, the
 * remaining citizenships) the remainder is spread as the comment beside it says. Shares need not
 * add up to 100: they are weights. Figures for a subgroup (e.g. "of those who remit") apply to the
 * people the questionnaire asks.
 *
 * Two users: the export tests (tests/support/field-sample.ts) and the preview's "load demo data"
 * (demo-data.ts). Every record is marked: its invite source is DEMO_SOURCE and its pseudonym
 * starts with "demo-", so an export says how many of its rows are synthetic.
 */
import { DEMO_SOURCE, type CompletedRecord } from "../../src/records/record.ts";
import { isAsked } from "../../src/flows/engine.ts";
import type { Answer, Questionnaire } from "../../src/flows/schema.ts";

type Weights = Readonly<Record<string, number>>;

/** Published shares per single-choice question, in per cent. */
export const SINGLE_SHARES: Readonly<Record<string, Weights>> = {
  a_consent: { agree: 100 },
  // §3.1: "52 per cent were in Astana, 34 per cent in Shymkent and 14 per cent in Almaty city".
  a_city: { astana: 52, shymkent: 34, almaty: 14 },
  // §3.1: 44% aged 25-34; 18-24: 24% of women and 15% of men (≈ 18% overall). The report gives no
  // figure for the older bands: the remaining 38% falls off with age.
  a_age_group: { "18_24": 18, "25_34": 44, "35_44": 22, "45_54": 11, "55_64": 4, "65_plus": 1 },
  // §3.2: Uzbek 69%, Kyrgyz 20%, Russian 4%, Tajik 1%, Ukrainian 1%, Mongolian 1%; the remaining
  // 4% spread evenly over the other nationalities the questionnaire lists.
  a_citizenship: {
    uzbekistan: 69, kyrgyzstan: 20, russia: 4, tajikistan: 1, ukraine: 1, mongolia: 1,
    turkmenistan: 0.5, china: 0.5, turkiye: 0.5, india: 0.5, belarus: 0.5, armenia: 0.5, other: 1,
  },
  // Inclusion criteria (Table 1): everyone interviewed works, worked or looks for work in Kazakhstan.
  a_kz_work: { working_now: 97, worked_before: 1, looking: 2 },
  a_prev_interview: { no: 100 },
  a_stay: { ge_1m: 100 },
  // §3.1: 69% male, 31% female.
  b_sex: { male: 69, female: 31 },
  // §3.3: married 46, single 43, divorced/separated 7, widowed 1, no answer 4.
  b_marital: { married: 46, single: 43, divorced_separated: 7, widowed: 1, pnta: 4 },
  // §3.3: 41% have children; no children 48% of men and 56% of women; no answer 8% of men, 1% of women.
  b_children: { yes: 41, no: 53, pnta: 6 },
  // §3.4: 40% upper secondary or vocational; 30% of men, 45% of women at least post-secondary (≈ 35%).
  b_edu_level: {
    none: 1, primary: 3, lower_secondary: 20, upper_secondary_vocational: 40, post_secondary_non_tertiary: 14,
    short_cycle_tertiary: 6, bachelor: 12, master: 2, doctorate: 0.5, pnta: 1.5,
  },
  // §3.4 / executive summary: engineering/construction 14%, services 14%, education 10%; the rest spread.
  b_edu_field: {
    general: 30, education: 10, engineering_construction: 14, services: 14, arts_humanities: 3, social_journalism: 3,
    business_admin_law: 6, natural_sciences_math: 3, ict: 3, agriculture_veterinary: 4, health_welfare: 5, pnta: 5,
  },
  // §3.5: 51% not the main provider, 43% are.
  b_provider: { yes: 43, no: 51, pnta: 6 },
  // §4.1: 90% lived in their country of origin; 5% Uzbeks from Russia, 2% from Kyrgyzstan, 1% Kyrgyz from Uzbekistan, 2% other.
  c_last_country: { country_of_origin: 90, russia: 5, kyrgyzstan: 2, uzbekistan: 1, other: 2 },
  // §4.1: 52% started more than a year ago.
  c_journey_start: { "1_6m": 28, "6_12m": 16, gt_1y: 52, dk: 2, pnta: 2 },
  // §4.2: private sector 57%, unemployed 17%, daily wage 14%.
  c_prev_employment: {
    private_employee: 57, daily_wage: 14, unemployed: 17, public_employee: 3, self_employed: 4, employer: 1,
    student: 2, homemaker: 1, retired_unable: 0.5, other: 0.5, pnta: 0.5,
  },
  // §4.2: construction 51%, trade 17%, accommodation and food 10%.
  c_prev_sector: {
    construction: 51, trade_vehicle_repair: 17, accommodation_food: 10, agriculture_forestry_fishing: 5, manufacturing: 5,
    transport_storage: 4, domestic_work: 2, other_services: 2, education_health_public: 2, other: 1, pnta: 1,
  },
  // §4.3: 92% left for employment.
  c_left_for_work: { yes: 92, no: 8 },
  // §4.3: 93% for themselves, 6% for both.
  c_work_for_whom: { myself: 93, both: 6, spouse_family: 0.5, other: 0.3, pnta: 0.2 },
  // §4.4: circulate 49%, return 29%, stay 17%.
  c_intention: { circulate: 49, return: 29, stay: 17, other_country: 2, dk: 2, pnta: 1 },
  // §4.5: international passport 74%, temporary passport 14%, national ID 9%.
  c_entry_document: { intl_passport: 74, temp_passport: 14, national_id: 9, other: 2, pnta: 1 },
  // §5.1: full time 93%, part time by choice 3%, part time for lack of full time 1%, unemployed 1% + 1%.
  d_emp_status: { full_time: 93, part_time_choice: 3, part_time_no_ft: 1, unemployed_looking: 1, unemployed_not_looking: 1, pnta: 1 },
  // §5.1: employee 65%, independent 15%, dependent contractor 13%, employer 8%.
  d_emp_type: { employee: 65, independent_no_employees: 15, dependent_contractor: 13, employer: 8, family_worker: 0.5, pnta: 0.5 },
  // §5.1: construction 50%, trade and repair 19%.
  d_sector: {
    construction: 50, trade_vehicle_repair: 19, accommodation_food: 8, agriculture_forestry_fishing: 3, manufacturing: 5,
    transport_storage: 5, domestic_work: 3, other_services: 3, education_health_public: 2, other: 1, pnta: 1,
  },
  // §5.1: 84% have experience in their sector.
  d_sector_exp: { yes: 84, no: 14, pnta: 2 },
  // §5.1: 3-5 years 31%, 6-10 years 28%, 11+ 21%.
  d_sector_exp_years: { lt_1: 5, "1_2": 14, "3_5": 31, "6_10": 28, "11_plus": 21, pnta: 1 },
  // §5.1 (figure 21): 73% no written contract, 87% no pension contributions, 89% no paid leave, 85% "no" on dismissal.
  d_contract: { yes: 22, no: 73, dk: 2, no_employer: 2, pnta: 1 },
  d_pension: { yes: 8, no: 87, dk: 2, no_employer: 2, pnta: 1 },
  d_paid_leave: { yes: 6, no: 89, dk: 2, no_employer: 2, pnta: 1 },
  d_dismissal: { yes: 10, no: 85, dk: 2, no_employer: 2, pnta: 1 },
  // §5.2: contacts after arrival 60%, before departure 26%, agencies under 1% each.
  d_job_found: {
    contacts_after_arrival: 60, contacts_before_departure: 26, public_agency_origin: 0.5, private_agency_origin: 0.5,
    agency_kz: 1, online: 5, direct_employer: 5, other: 1.5, pnta: 0.5,
  },
  // §5.2: 75% not aware of agencies, 16% no need.
  d_no_agency_reason: { not_aware: 75, no_need: 16, too_expensive: 3, distrust: 3, not_accessible: 1, other: 1, pnta: 1 },
  // §5.3: 80% higher than the minimum wage, 15% no answer.
  d_wage_vs_min: { higher: 80, about_equal: 3, lower: 2, dk: 0, pnta: 15 },
  // §5.3: buy and save 60%, buy but no savings 19%, no answer 15%.
  d_income_sufficiency: { buy_and_save: 60, buy_no_save: 19, cannot_cover: 5, dk: 1, pnta: 15 },
  // §5.3: remit 34%, not 50%, no answer 17%.
  d_remit: { yes: 34, no: 50, pnta: 17 },
  // §5.3: more than half 49%, 25-50% 27%, under 25% 25%.
  d_remit_share: { lt_25: 25, "25_50": 27, gt_50: 49 },
  // §5.3: remittances the primary income of the family 57%.
  d_remit_role: { primary: 57, supplementary: 40, dk: 2, pnta: 1 },
  // §5.3: monthly 79%, several a month 11%, every three months 7%.
  d_remit_freq: { several_per_month: 11, monthly: 79, every_2m: 2, every_3m: 7, less_often_irregular: 1 },
  // §5.3: MTO app 33%, bank office 26%, cash via friends 13%, MTO office 10%, bank app 10%.
  d_remit_channel: { mto_app: 33, bank_office_kz: 26, cash_friends: 13, mto_office_kz: 10, bank_app: 10, cash_self: 4, other: 3, pnta: 1 },
  // §5.3: safety 53%, speed 32%.
  d_remit_channel_reason: { safe: 53, fast: 32, cheap: 5, convenient: 5, trusted_recommended: 3, no_documents_needed: 1, other: 1 },
  // §5.3: basic needs 78%, saving 10%, business 4%, property 4%, debts 3%.
  d_remit_purpose: { basic_needs: 78, save: 10, business: 4, property: 4, debts: 3, other: 1 },
  // §6.1: permanent 79%, temporary 16%.
  e_housing: { permanent: 79, temporary: 16, none: 2, other: 2, pnta: 1 },
  // §6.1: low or unsteady income 50%, no documents 20%.
  e_housing_barrier: { low_income: 50, no_documents: 20, rent_too_high: 12, landlord_refusal: 5, short_stay_planned: 5, employer_housing: 4, other: 3, pnta: 1 },
  // §6.2: access to health 44% of men and 67% of women (≈ 51%); 558 of 2,000 (28%) have none; 22% of men do not know.
  e_access_health: { yes: 51, no: 28, dk: 18, pnta: 3 },
  // §6.2: education 27% of men, 53% of women (≈ 35%); 36% of men do not know.
  e_access_education: { yes: 35, no: 33, dk: 30, pnta: 2 },
  // §6.2: financial services 36% of men, 59% of women (≈ 43%); 22% of men do not know.
  e_access_finance: { yes: 43, no: 36, dk: 19, pnta: 2 },
  // §6.2: do not know where to go 77%, no IIN 7%, no money 5%.
  e_health_barrier: { dont_know_where: 77, no_iin: 7, no_money: 5, language: 4, no_time_work: 3, fear_authorities: 2, other: 1, pnta: 1 },
};

/**
 * Multi-selects: each option's share of respondents, drawn one by one (Bernoulli); at most `max`
 * kept (the most cited first), and `fallback` when none was drawn.
 */
export const MULTI_SHARES: Readonly<Record<string, { shares: Weights; fallback: string }>> = {
  // §4.3: family 36%, no answer 15%, tourism and education among men 18% and 14%.
  c_reason_other: { shares: { family: 36, tourism: 12, education: 10, health: 5, conflict_insecurity: 3, violence_persecution: 2, other: 10 }, fallback: "pnta" },
  // §4.3: higher incomes 27%, treated better 14%, language 12%, proximity 12%.
  c_reason_kz: {
    shares: { higher_income: 27, treated_better: 14, language_culture: 12, proximity: 12, family_friends_here: 10, easy_entry: 8, job_offer: 8, other: 3 },
    fallback: "dk",
  },
  // §6.3: mobile phone 27%, unexpected expenses 25%, arrears 16%, car 12%, warm home 6%, meat 6%, colour TV 3%, holiday 3%.
  e_deprivation: {
    shares: { mobile_phone: 27, unexpected_expenses: 25, avoid_arrears: 16, car: 12, warm_home: 6, meat_meal: 6, colour_tv: 3, holiday: 3, washing_machine: 5 },
    fallback: "none",
  },
};

/** §3.3: of parents, two children 35%, three 28%, five or more 9.5%; the rest spread. */
const CHILDREN_COUNT: Weights = { 1: 20, 2: 35, 3: 28, 4: 7.5, 5: 5, 6: 2.5, 7: 1, 8: 1 };
/** §3.3 (figure 6): children all in the country of origin 69%, all in Kazakhstan 24%, the rest elsewhere or split. */
const CHILDREN_WHERE: Weights = { origin: 69, kz: 24, split: 7 };
/** §4.3: 65% arrived in the survey year; the rest spread over the years before (no figure given). */
const YEARS_BEFORE_ARRIVAL: Weights = { 0: 65, 1: 14, 2: 7, 3: 5, 4: 3, 5: 2, 6: 1.5, 8: 1.5, 10: 1 };
/** §6.1 (figure 35): 54% of women live with up to three people, 71% of men with four or more. */
const HOUSEHOLD_SIZE: Weights = { 0: 4, 1: 8, 2: 12, 3: 14, 4: 16, 5: 15, 6: 11, 7: 7, 8: 5, 10: 5, 12: 3 };
/** The report gives districts but no shares: each city's districts are drawn evenly. */
const DISTRICTS_EVENLY = true;

/** Deterministic pseudo-random numbers (mulberry32), so a sample can be drawn again from its seed. */
export function seeded(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function draw(random: () => number, weights: Weights): string {
  const entries = Object.entries(weights).filter(([, w]) => w > 0);
  const total = entries.reduce((sum, [, w]) => sum + w, 0);
  let pick = random() * total;
  for (const [code, weight] of entries) if ((pick -= weight) < 0) return code;
  return entries[entries.length - 1]![0];
}

export interface FieldSampleOptions {
  count: number;
  seed: number;
  /** The interview days are drawn from this month (YYYY-MM). */
  month?: string;
}

/** Draws `count` completed interviews for `definition` (the study's questionnaire). */
export function fieldSample(definition: Questionnaire, options: FieldSampleOptions): CompletedRecord[] {
  const random = seeded(options.seed);
  const month = options.month ?? "2026-06";
  const year = Number(month.slice(0, 4));
  const env = { currentYear: year };
  const records: CompletedRecord[] = [];
  for (let n = 0; n < options.count; n++) {
    const answers: Record<string, Answer> = {};
    const scratch: Scratch = {};
    for (const question of definition.questions) {
      if (!isAsked(definition, question, answers, env)) continue;
      const value = drawAnswer(question.id, random, answers, scratch, definition, year);
      if (value !== undefined) answers[question.id] = value;
    }
    records.push({
      pseudonym: `demo-${options.seed}-${n}`,
      answers,
      lang: draw(random, { ru: 40, uz: 35, ky: 20, kk: 3, en: 2 }),
      version: definition.version,
      day: `${month}-${String(1 + Math.floor(random() * 28)).padStart(2, "0")}`,
      source: DEMO_SOURCE,
    });
  }
  return records;
}

/** What one interview's later draws need from earlier ones, besides the answers. */
interface Scratch {
  childrenWhere?: string;
}

function drawAnswer(id: string, random: () => number, answers: Record<string, Answer>, scratch: Scratch, definition: Questionnaire, year: number): Answer | undefined {
  if (id === "a_district") {
    const city = String(answers.a_city);
    const question = definition.questions.find((q) => q.id === id)!;
    const districts = (question.options ?? []).filter((o) => o.showIf?.op === "equals" && o.showIf.value === city).map((o) => o.code);
    if (!DISTRICTS_EVENLY || districts.length === 0) return undefined;
    return random() < 0.03 ? "dk" : districts[Math.floor(random() * districts.length)]!;
  }
  if (id === "c_last_country") {
    const drawn = draw(random, SINGLE_SHARES[id]!);
    // Nobody lived last "abroad" in their own country: the questionnaire hides that option from them.
    return drawn === answers.a_citizenship ? "country_of_origin" : drawn;
  }
  if (id === "b_children_n") return Number(draw(random, CHILDREN_COUNT));
  if (id === "b_children_kz") {
    const total = answers.b_children_n as number;
    const where = draw(random, CHILDREN_WHERE);
    scratch.childrenWhere = where;
    return where === "kz" ? total : where === "origin" ? 0 : Math.floor(random() * total);
  }
  if (id === "b_children_origin") {
    const where = scratch.childrenWhere;
    const left = (answers.b_children_n as number) - (answers.b_children_kz as number);
    return where === "split" ? Math.floor(random() * (left + 1)) : left;
  }
  if (id === "c_arrival_year") return year - Number(draw(random, YEARS_BEFORE_ARRIVAL));
  if (id === "e_household_size") return random() < 0.01 ? "pnta" : Number(draw(random, HOUSEHOLD_SIZE));
  const multi = MULTI_SHARES[id];
  if (multi) {
    const question = definition.questions.find((q) => q.id === id)!;
    const max = question.type === "multi" ? (question.max ?? Infinity) : Infinity;
    const chosen = Object.entries(multi.shares)
      .filter(([, share]) => random() * 100 < share)
      .sort((a, b) => b[1] - a[1])
      .slice(0, max)
      .map(([code]) => code);
    return chosen.length > 0 ? chosen : [multi.fallback];
  }
  const shares = SINGLE_SHARES[id];
  return shares ? draw(random, shares) : undefined;
}
