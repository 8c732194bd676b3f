/**
 * Completed interviews drawn at random from the study report's published percentages
 * (shared/questionnaire-outline.md §8, by sex where the report splits by sex), each walked
 * through the real engine so that only questions the person would be asked get answers.
 *
 * Nothing here is tuned to what the dashboard shows: each answer is an independent draw. Where
 * the report gives some options of a question, the rest of the probability is spread evenly
 * over the other options offered; questions the report gives no figure for are uniform.
 */
import * as engine from "../../src/flows/engine.ts";
import { integrityFlags } from "../../src/flows/integrity.ts";
import { labourMigrantsKz } from "../../src/flows/definitions/labour-migrants-kz.ts";
import type { Answer, Question, Questionnaire } from "../../src/flows/schema.ts";
import type { SurveyState } from "../../src/flows/state.ts";
import type { CompletedRecord } from "../../src/records/record.ts";
import { seeded } from "../support/random.ts";

type Shares = Record<string, number>;
/** Overall shares, or { male, female } when the report splits by sex. */
type Published = Shares | { male: Shares; female: Shares };

/** Percentages from the outline's §8 table (the report's figures). */
export const PUBLISHED: Record<string, Published> = {
  a_consent: { agree: 100 },
  a_city: { astana: 52, shymkent: 34, almaty: 14 },
  a_age_group: { "25_34": 44, "18_24": 18, under_18: 0 },
  a_citizenship: { uzbekistan: 69, kyrgyzstan: 20, russia: 4, tajikistan: 1, ukraine: 1, mongolia: 1, kazakhstan: 0 },
  a_kz_work: { working_now: 97, worked_before: 1, looking: 2, none: 0 },
  a_prev_interview: { no: 100 },
  a_stay: { ge_1m: 100 },
  b_sex: { male: 69, female: 31, pnta: 0 },
  b_marital: { male: { married: 48, single: 42, divorced_separated: 5, widowed: 1, pnta: 4 }, female: { married: 40, single: 47, divorced_separated: 9, widowed: 1, pnta: 3 } },
  b_children: { male: { yes: 44, no: 48, pnta: 8 }, female: { yes: 42, no: 56, pnta: 2 } },
  b_edu_level: { upper_secondary_vocational: 40 },
  b_edu_field: { male: { engineering_construction: 15, education: 7, services: 14 }, female: { engineering_construction: 11, education: 14, services: 14 } },
  b_provider: { yes: 43, no: 51, pnta: 6 },
  c_last_country: { country_of_origin: 90, russia: 5, kyrgyzstan: 2, uzbekistan: 1 },
  c_journey_start: { gt_1y: 52 },
  // The other statuses that had a sector make up the rest of Fig 11's base (1,616 of 2,000 = 81%).
  c_prev_employment: {
    male: { private_employee: 62, unemployed: 14, daily_wage: 14, public_employee: 3.3, self_employed: 3.3, employer: 3.2 },
    female: { private_employee: 46, unemployed: 24, daily_wage: 15, public_employee: 3.3, self_employed: 3.3, employer: 3.2 },
  },
  c_prev_sector: { male: { construction: 63, trade_vehicle_repair: 13, accommodation_food: 10 }, female: { construction: 20, trade_vehicle_repair: 28, accommodation_food: 18 } },
  c_left_for_work: { male: { yes: 94, no: 6, pnta: 0 }, female: { yes: 86, no: 14, pnta: 0 } },
  c_work_for_whom: { male: { myself: 96, both: 3 }, female: { myself: 85, both: 14 } },
  c_intention: { male: { circulate: 51, return: 29, stay: 15 }, female: { circulate: 46, return: 29, stay: 22 } },
  c_entry_document: { intl_passport: 74, temp_passport: 14, national_id: 9 },
  // Fig 18 overall (its sex splits cannot give its total, outline §9 #14).
  d_emp_status: { full_time: 93, part_time_choice: 3, part_time_no_ft: 1, unemployed_looking: 1, unemployed_not_looking: 1, pnta: 1 },
  d_emp_type: { male: { employee: 65, independent_no_employees: 15, dependent_contractor: 16, employer: 3 }, female: { employee: 70, independent_no_employees: 15, dependent_contractor: 7, employer: 5 } },
  d_sector: { male: { construction: 66, trade_vehicle_repair: 14 }, female: { construction: 14, trade_vehicle_repair: 31 } },
  d_sector_exp: { yes: 85, no: 13 },
  d_sector_exp_years: { "3_5": 31, "6_10": 28, "11_plus": 21, "1_2": 15, lt_1: 3 },
  d_contract: { no: 73 },
  d_pension: { no: 87 },
  d_paid_leave: { no: 89 },
  d_dismissal: { no: 85 },
  // Fig 23's base (1,930 of Fig 22's 1,960) leaves no room for "prefer not to answer" here.
  d_job_found: { contacts_after_arrival: 60, contacts_before_departure: 26, agency_kz: 1, public_agency_origin: 0.5, private_agency_origin: 0.5, pnta: 0 },
  d_no_agency_reason: { not_aware: 75, no_need: 16 },
  d_wage_vs_min: { higher: 80, pnta: 15 },
  d_income_sufficiency: { male: { buy_and_save: 60, buy_no_save: 17, pnta: 20 }, female: { buy_and_save: 60, buy_no_save: 24, pnta: 5 } },
  d_remit: { male: { yes: 34, no: 44, pnta: 22 }, female: { yes: 34, no: 62, pnta: 4 } },
  d_remit_share: { male: { gt_50: 54, "25_50": 22, lt_25: 24 }, female: { gt_50: 34, "25_50": 38, lt_25: 28 } },
  d_remit_role: { male: { primary: 63 }, female: { primary: 42 } },
  d_remit_freq: { monthly: 79, several_per_month: 11, every_3m: 7 },
  d_remit_channel: { mto_app: 33, bank_office_kz: 26, cash_friends: 13, mto_office_kz: 10, bank_app: 10 },
  d_remit_channel_reason: { safe: 53, fast: 32 },
  d_remit_purpose: { male: { basic_needs: 82, save: 8, business: 2 }, female: { basic_needs: 67, save: 16, business: 8 } },
  e_housing: { permanent: 79, temporary: 16 },
  e_housing_barrier: { low_income: 50, no_documents: 20 },
  e_access_health: { male: { yes: 44, dk: 22 }, female: { yes: 67, dk: 10 } },
  e_access_education: { male: { yes: 27, dk: 36 }, female: { yes: 53, dk: 20 } },
  e_access_finance: { male: { yes: 36, dk: 22 }, female: { yes: 59, dk: 10 } },
  e_health_barrier: { dont_know_where: 77, no_iin: 7, no_money: 5 },
};

/** Multi-selects: each option is chosen independently with its published share. */
export const PUBLISHED_MULTI: Record<string, Published> = {
  c_reason_other: { male: { family: 23, tourism: 18, education: 14 }, female: { family: 49 } },
  c_reason_kz: { higher_income: 27, treated_better: 14, language_culture: 12, proximity: 12, family_friends_here: 8, job_offer: 8 },
  e_deprivation: { mobile_phone: 27, unexpected_expenses: 25, avoid_arrears: 16, car: 12, warm_home: 6, meat_meal: 6, colour_tv: 3, holiday: 3 },
};

const CHILDREN_N: Shares = { "1": 22, "2": 35, "3": 28, "4": 7, "5": 8 };

function sharesFor(published: Published | undefined, sex: Answer | undefined): Shares | undefined {
  if (!published) return undefined;
  if ("male" in published && typeof published.male === "object") return sex === "female" ? (published as { female: Shares }).female : (published as { male: Shares }).male;
  return published as Shares;
}

/** Draws one code: published shares first, the remainder evenly over the other offered codes. */
function draw(random: () => number, offered: string[], shares: Shares = {}): string {
  const named = offered.filter((c) => c in shares);
  const rest = offered.filter((c) => !(c in shares));
  const namedTotal = named.reduce((s, c) => s + shares[c]!, 0);
  const weights = new Map<string, number>(named.map((c) => [c, shares[c]!]));
  const remainder = Math.max(0, 100 - namedTotal);
  for (const c of rest) weights.set(c, rest.length ? remainder / rest.length : 0);
  const total = [...weights.values()].reduce((a, b) => a + b, 0);
  let x = random() * total;
  for (const [code, w] of weights) if ((x -= w) < 0) return code;
  return offered.find((c) => (weights.get(c) ?? 0) > 0) ?? offered[0]!;
}

function choose(definition: Questionnaire, random: () => number, question: Question, state: SurveyState, year: number): Answer {
  const env = { currentYear: year };
  const sex = state.answers.b_sex;
  if (question.type === "single") {
    const offered = engine.optionsFor(definition, question, state.answers, env).map((o) => o.code);
    return draw(random, offered, sharesFor(PUBLISHED[question.id], sex));
  }
  if (question.type === "multi") {
    const options = engine.optionsFor(definition, question, state.answers, env);
    const shares = sharesFor(PUBLISHED_MULTI[question.id], sex) ?? {};
    const plain = options.filter((o) => !o.exclusive);
    let chosen = plain.filter((o) => random() * 100 < (shares[o.code] ?? 5)).map((o) => o.code);
    if (question.max !== undefined && chosen.length > question.max) chosen = chosen.slice(0, question.max);
    if (chosen.length === 0) {
      const fallback = options.filter((o) => o.exclusive).map((o) => o.code);
      chosen = [fallback.length > 0 && random() < 0.5 ? fallback[Math.floor(random() * fallback.length)]! : plain[Math.floor(random() * plain.length)]!.code];
    }
    return chosen;
  }
  const range = engine.rangeFor(question, state.answers, env);
  if (question.id === "b_children_n") return Number(draw(random, Object.keys(CHILDREN_N), CHILDREN_N));
  if (question.id === "c_arrival_year") {
    const thisYear = sex === "female" ? 56 : 69;
    return random() * 100 < thisYear ? year : year - 1 - Math.floor(random() * 8);
  }
  if (question.id === "e_household_size") return Math.floor(random() * 9);
  return range.min + Math.floor(random() * (range.max - range.min + 1));
}

export interface SampleOptions {
  count: number;
  seed: number;
  /** First day of fieldwork (YYYY-MM-DD) and how many days it ran. */
  firstDay?: string;
  days?: number;
  definition?: Questionnaire;
}

export interface SampledInterview {
  record: CompletedRecord;
  durationSeconds: number;
}

const SOURCES = ["direct", "AST-MARKET-112", "SHY-BAZAAR-407", "ALM-CLINIC-033"];
const LANGS = ["ru", "uz", "ky", "kk", "en"];

export function sampleInterviews(options: SampleOptions): SampledInterview[] {
  const definition = options.definition ?? labourMigrantsKz;
  const random = seeded(options.seed);
  const first = Date.parse(`${options.firstDay ?? "2026-06-06"}T12:00:00Z`);
  const interviews: SampledInterview[] = [];
  for (let i = 0; i < options.count; i++) {
    const day = new Date(first + Math.floor(random() * (options.days ?? 31)) * 86_400_000).toISOString().slice(0, 10);
    const year = Number(day.slice(0, 4));
    const env = { currentYear: year };
    let result = engine.describe(definition, engine.start(definition), env);
    const pace: number[] = [];
    const speeder = random() < 0.04;
    for (let guard = 0; guard < 300 && (result.kind === "ask" || result.kind === "confirm"); guard++) {
      if (result.kind === "confirm") {
        result = engine.answer(definition, result.state, { q: result.question.id, value: result.state.unconfirmed!.value, confirmed: true }, env);
        continue;
      }
      const question = result.question;
      const value = choose(definition, random, question, result.state, year);
      pace.push(speeder ? 1 + Math.floor(random() * 2) : 4 + Math.floor(random() * 25));
      result = engine.answer(definition, result.state, { q: question.id, value }, env);
      if (result.kind === "rejected") throw new Error(`sample: ${JSON.stringify(value)} for ${question.id} was rejected (${result.rejection.code})`);
    }
    if (result.kind !== "completed") throw new Error(`sample: interview ${i} ended as ${result.kind}`);
    const answers = result.state.answers;
    const record: CompletedRecord = {
      pseudonym: `sample-${options.seed}-${i}`,
      answers: { ...answers },
      lang: LANGS[Math.floor(random() * LANGS.length)]!,
      version: definition.version,
      day,
      ...(random() < 0.7 ? { source: SOURCES[1 + Math.floor(random() * 3)]! } : {}),
      flags: integrityFlags(definition, { answers, pace, speedingFloorSeconds: 3, env }),
    };
    interviews.push({ record, durationSeconds: pace.reduce((a, b) => a + b, 0) });
  }
  return interviews;
}
