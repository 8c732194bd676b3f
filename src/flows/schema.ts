/**
 * The shape of a questionnaire definition.
 *
 * A definition is plain data: a survey team reads and changes it without touching the bot.
 * This file checks its *shape*; `validate.ts` checks its *meaning* (unique ids, conditions that
 * look only backwards, no unreachable question).
 *
 * Every text is a translation key: the engine never sees words, only codes and keys.
 */
import { z } from "zod";

/** Question ids and option codes: lower snake case, stable, the contract for exports. */
export const Identifier = z.string().regex(/^[a-z0-9][a-z0-9_]*$/, "use lower-case letters, digits and _");
export const TranslationKey = z.string().regex(/^[a-z]+:[A-Za-z0-9_.]+$/, "a key looks like namespace:path.to.text");

/** A need for support that an option can signal; the referral feature maps each to services. */
export const NeedTag = z.enum(["health", "housing", "documents", "protection", "legal", "emergency"]);
export type NeedTag = z.infer<typeof NeedTag>;

/**
 * A number computed from answers or from the environment. It lets ranges depend on earlier
 * answers ("how many of your n children…") and on the current year without a clock in the engine.
 */
export type NumberExpr =
  | { answer: string }
  | { const: number }
  | { env: "currentYear" }
  | { sub: [NumberExpr, ...NumberExpr[]] }
  | { add: [NumberExpr, ...NumberExpr[]] };

export const NumberExpr: z.ZodType<NumberExpr> = z.lazy(() =>
  z.union([
    z.strictObject({ answer: Identifier }),
    z.strictObject({ const: z.number().int() }),
    z.strictObject({ env: z.literal("currentYear") }),
    z.strictObject({ sub: z.tuple([NumberExpr], NumberExpr) }),
    z.strictObject({ add: z.tuple([NumberExpr], NumberExpr) }),
  ]),
);

/** A comparison value: an option code, or a number for number and year questions. */
const Scalar = z.union([z.string(), z.number()]);

/**
 * Conditions over earlier answers, as data. Each operator's meaning lives in `conditions.ts`.
 * `is` refers to a named condition of the definition (such as WORKING).
 */
/** A numeric comparison of an answer with a number or a number expression. */
export interface Comparison<Op extends "gt" | "gte" | "lt" | "lte"> {
  op: Op;
  q: string;
  value: number | NumberExpr;
}

export type Condition =
  | { op: "equals"; q: string; value: string | number }
  | { op: "in"; q: string; values: (string | number)[] }
  | { op: "includes"; q: string; value: string }
  | { op: "answered"; q: string }
  | Comparison<"gt">
  | Comparison<"gte">
  | Comparison<"lt">
  | Comparison<"lte">
  | { op: "not"; cond: Condition }
  | { op: "and"; all: Condition[] }
  | { op: "or"; any: Condition[] }
  | { op: "is"; name: string };

export const Condition: z.ZodType<Condition> = z.lazy(() =>
  z.discriminatedUnion("op", [
    z.strictObject({ op: z.literal("equals"), q: Identifier, value: Scalar }),
    z.strictObject({ op: z.literal("in"), q: Identifier, values: z.array(Scalar).min(1) }),
    z.strictObject({ op: z.literal("includes"), q: Identifier, value: z.string() }),
    z.strictObject({ op: z.literal("answered"), q: Identifier }),
    ...(["gt", "gte", "lt", "lte"] as const).map((op) =>
      z.strictObject({ op: z.literal(op), q: Identifier, value: z.union([z.number(), NumberExpr]) }),
    ),
    z.strictObject({ op: z.literal("not"), cond: Condition }),
    z.strictObject({ op: z.literal("and"), all: z.array(Condition).min(1) }),
    z.strictObject({ op: z.literal("or"), any: z.array(Condition).min(1) }),
    z.strictObject({ op: z.literal("is"), name: z.string().regex(/^[A-Z][A-Z0-9_]*$/) }),
  ]),
);

export const Option = z.strictObject({
  code: Identifier,
  labelKey: TranslationKey,
  /** Chosen alone: in a multi-select it clears the others (none, dk, pnta). */
  exclusive: z.boolean().optional(),
  /** Needs for support this answer signals; the bot offers matching services. */
  needs: z.array(NeedTag).optional(),
  /** A choice filter: the option is offered only when this holds (XLSForm's choice_filter). */
  showIf: Condition.optional(),
});
export type Option = z.infer<typeof Option>;

/**
 * A soft check: when it holds for the answer just given, the bot asks the person to confirm
 * instead of storing at once. Confirming stores the answer; it never loops.
 */
export const SoftCheck = z.strictObject({
  when: Condition,
  messageKey: TranslationKey,
});
export type SoftCheck = z.infer<typeof SoftCheck>;

const QuestionBase = {
  id: Identifier,
  module: Identifier,
  textKey: TranslationKey,
  hintKey: TranslationKey.optional(),
  /** Asked only when this holds (XLSForm's relevant). Absent: always asked. */
  askIf: Condition.optional(),
  softChecks: z.array(SoftCheck).optional(),
};

export const SingleQuestion = z.strictObject({
  ...QuestionBase,
  type: z.literal("single"),
  options: z.array(Option).min(1),
});

export const MultiQuestion = z.strictObject({
  ...QuestionBase,
  type: z.literal("multi"),
  options: z.array(Option).min(2),
  /** The most options that may be chosen together; absent means no limit. */
  max: z.number().int().positive().optional(),
});

const NumericBase = {
  ...QuestionBase,
  min: z.union([z.number().int(), NumberExpr]),
  max: z.union([z.number().int(), NumberExpr]),
  /** Values offered as buttons; any other value in range may be typed. */
  presets: z.array(z.number().int()).optional(),
  /** Codes accepted instead of a number, such as pnta and dk. */
  options: z.array(Option).optional(),
};

export const NumberQuestion = z.strictObject({ ...NumericBase, type: z.literal("number") });
export const YearQuestion = z.strictObject({ ...NumericBase, type: z.literal("year") });

export const Question = z.discriminatedUnion("type", [SingleQuestion, MultiQuestion, NumberQuestion, YearQuestion]);
export type Question = z.infer<typeof Question>;
export type QuestionType = Question["type"];
export type ChoiceQuestion = z.infer<typeof SingleQuestion> | z.infer<typeof MultiQuestion>;
export type NumericQuestion = z.infer<typeof NumberQuestion> | z.infer<typeof YearQuestion>;

/** Ends the interview as soon as it holds, with a reason code (XLSForm has no equivalent; ODK uses end groups). */
export const ScreeningRule = z.strictObject({
  reason: Identifier,
  when: Condition,
  messageKey: TranslationKey,
});
export type ScreeningRule = z.infer<typeof ScreeningRule>;

/** A value computed from answers for analysis (exports), never asked. */
export const DerivedValue = z.discriminatedUnion("kind", [
  z.strictObject({ id: Identifier, kind: z.literal("number"), labelKey: TranslationKey, askIf: Condition.optional(), expr: NumberExpr }),
  z.strictObject({
    id: Identifier,
    kind: z.literal("category"),
    labelKey: TranslationKey,
    askIf: Condition.optional(),
    cases: z.array(z.strictObject({ when: Condition, value: Identifier })).min(1),
    otherwise: Identifier,
  }),
]);
export type DerivedValue = z.infer<typeof DerivedValue>;

/**
 * Integrity checks flagged on completed records (never used to drop anyone): batteries that
 * straight-lining is checked on, and contradictions between answers.
 */
export const IntegrityChecks = z.strictObject({
  batteries: z.array(z.strictObject({ name: Identifier, questions: z.array(Identifier).min(2) })).default([]),
  contradictions: z.array(z.strictObject({ name: Identifier, when: Condition })).default([]),
});
export type IntegrityChecks = z.infer<typeof IntegrityChecks>;

export const Module = z.strictObject({ id: Identifier, titleKey: TranslationKey });

export const Questionnaire = z.strictObject({
  id: Identifier,
  /** Bumped on every change; each respondent's state records the version it was written under. */
  version: z.number().int().positive(),
  titleKey: TranslationKey,
  modules: z.array(Module).min(1),
  /** Named conditions usable with { op: "is", name }: WORKING, REMITTER, … */
  sets: z.record(z.string().regex(/^[A-Z][A-Z0-9_]*$/), Condition).default({}),
  questions: z.array(Question).min(1),
  /**
   * The consent question and its "agree" code. The bot asks it before keeping anything, so
   * nothing tied to a person exists until they agree.
   */
  consent: z.strictObject({ question: Identifier, agree: Identifier }),
  screening: z.array(ScreeningRule).default([]),
  /** The question whose answer is the respondent's city, for city-specific support services. */
  cityQuestion: Identifier.optional(),
  /** The question whose answer is the respondent's citizenship: it picks their own consulate among the referrals. */
  citizenshipQuestion: Identifier.optional(),
  derived: z.array(DerivedValue).default([]),
  integrity: IntegrityChecks.default({ batteries: [], contradictions: [] }),
});
export type Questionnaire = z.infer<typeof Questionnaire>;
export type QuestionnaireInput = z.input<typeof Questionnaire>;

/** An answer as stored: an option code, a list of codes, or a number (year or count). */
export type Answer = string | string[] | number;
export type Answers = Readonly<Record<string, Answer>>;

/** What the engine needs from the outside world, passed in so the engine stays pure. */
export interface Environment {
  currentYear: number;
}
