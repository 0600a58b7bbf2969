import { z } from "zod";
import { API_VERSION } from "./api-version.js";
import { OUTCOMES } from "./outcomes.js";

export { OUTCOMES, type Outcome } from "./outcomes.js";

const id = z
  .string()
  .regex(/^[a-z][a-z0-9_-]*$/, "expected a lowercase id (letters, digits, _ and -)");
const text = z.string().trim().min(1, "expected a non-empty text");
/** Limits on a rubric's numbers, so no sum or scale can overflow into Infinity or NaN. */
export const LIMITS = { effect: 10, weight: 100, magnitude: 1e12 } as const;

/** A threshold, band start or bound: any number a rubric needs, far from overflowing. */
const finite = z
  .number()
  .finite()
  .min(-LIMITS.magnitude, `expected a number from -${LIMITS.magnitude} to ${LIMITS.magnitude}`)
  .max(LIMITS.magnitude, `expected a number from -${LIMITS.magnitude} to ${LIMITS.magnitude}`);

const effectPoints = z
  .number()
  .finite()
  .min(-LIMITS.effect, `expected points from -${LIMITS.effect} to ${LIMITS.effect}`)
  .max(LIMITS.effect, `expected points from -${LIMITS.effect} to ${LIMITS.effect}`);

const answerValue = z.union([z.string(), finite, z.boolean()]);

export interface LeafCondition {
  question: string;
  in?: Array<string | number | boolean>;
  notIn?: Array<string | number | boolean>;
  atLeast?: number;
  atMost?: number;
  includes?: string[];
  excludes?: string[];
  countAtLeast?: number;
  countAtMost?: number;
}
export type Condition =
  | LeafCondition
  | { all: Condition[] }
  | { any: Condition[] }
  | { not: Condition };

const leafCondition = z
  .strictObject({
    question: id,
    in: z.array(answerValue).min(1).optional(),
    notIn: z.array(answerValue).min(1).optional(),
    atLeast: finite.optional(),
    atMost: finite.optional(),
    includes: z.array(id).min(1).optional(),
    excludes: z.array(id).min(1).optional(),
    countAtLeast: z.number().int().min(0).optional(),
    countAtMost: z.number().int().min(0).optional(),
  })
  .refine((leaf) => Object.keys(leaf).length > 1, {
    message:
      "expected a test next to `question`: in, notIn, atLeast, atMost, includes, excludes, countAtLeast or countAtMost",
  });

const conditionSchema: z.ZodType<Condition> = z.lazy(() =>
  z.union([
    leafCondition,
    z.strictObject({ all: z.array(conditionSchema).min(1) }),
    z.strictObject({ any: z.array(conditionSchema).min(1) }),
    z.strictObject({ not: conditionSchema }),
  ]),
);

/** Points an answer gives each outcome; an omitted outcome gets 0. */
const effectSchema = z.strictObject({
  combine: effectPoints.optional(),
  separate: effectPoints.optional(),
  matrix: effectPoints.optional(),
});

const multiplier = z
  .number()
  .finite()
  .min(0, "expected a multiplier from 0 (a closed gate) to 1 (no effect)")
  .max(1, "expected a multiplier from 0 (a closed gate) to 1 (no effect)");

/**
 * What an answer says about whether an outcome can work, not why it is needed: the outcome's
 * points in its favour are multiplied by this (0 closes the gate), its points against it stay.
 */
const preconditionSchema = z.strictObject({
  combine: multiplier.optional(),
  separate: multiplier.optional(),
  matrix: multiplier.optional(),
});

/** A reason text, or variants chosen by other answers: the first whose `when` holds is said. */
const reasonVariant = z.strictObject({ when: conditionSchema.optional(), text });
const reasonSchema = z.union([
  text,
  z
    .array(reasonVariant)
    .min(1, "expected at least one variant")
    .refine((variants) => variants[variants.length - 1]?.when === undefined, {
      message: "expected the last variant without `when`: the text said otherwise",
    }),
]);

const scored = {
  effect: effectSchema,
  precondition: preconditionSchema.optional(),
  reason: reasonSchema,
};

const answerSchema = <V extends z.ZodType>(value: V) =>
  z.strictObject({ value, label: text.optional(), ...scored });

/** A numeric band runs from `from` (inclusive) up to the next band's `from` (exclusive). */
const bandSchema = z.strictObject({ from: finite, ...scored });

/** Where the judgement behind a question or rule comes from: studies, regulation, practice. */
const sources = z.array(text).optional();

const questionBase = {
  id,
  /** A short name for results and review lists ("Escalation path"); the id stands in without. */
  label: text.optional(),
  prompt: text,
  help: text,
  /**
   * Whether leadership can change the answer (decision rights, forums, who owns what): a lever.
   * Otherwise it is a circumstance (size, regulation, stage), and what-ifs keep to plausible moves.
   */
  lever: z.boolean().optional(),
  /** When the question applies (e.g. friction between two leaders only where two exist). */
  appliesWhen: conditionSchema.optional(),
  /** Questions measuring one thing (size, spread) share a family and count once. */
  family: id.optional(),
  sources,
};

const choiceQuestion = z.strictObject({
  ...questionBase,
  type: z.literal("choice"),
  answers: z.array(answerSchema(id)).min(2, "expected at least two answers"),
});

const scaleQuestion = z.strictObject({
  ...questionBase,
  type: z.literal("scale"),
  answers: z
    .array(answerSchema(z.number().int().min(1).max(10)))
    .min(2, "expected at least two answers"),
});

const booleanQuestion = z.strictObject({
  ...questionBase,
  type: z.literal("boolean"),
  answers: z
    .array(answerSchema(z.boolean()))
    .length(2, "expected one answer for true, one for false"),
});

const multiQuestion = z.strictObject({
  ...questionBase,
  type: z.literal("multi"),
  options: z.array(answerSchema(id)).min(1, "expected at least one option"),
  /** What an empty selection means, when it means something. */
  none: z.strictObject(scored).optional(),
});

const numericQuestion = <T extends "integer" | "percent">(type: T) =>
  z.strictObject({
    ...questionBase,
    type: z.literal(type),
    min: finite.optional(),
    max: finite.optional(),
    unit: text.optional(),
    bands: z.array(bandSchema).min(1, "expected at least one band"),
  });

const questionSchema = z.discriminatedUnion("type", [
  choiceQuestion,
  multiQuestion,
  scaleQuestion,
  numericQuestion("integer"),
  numericQuestion("percent"),
  booleanQuestion,
]);

const ruleSchema = z
  .strictObject({
    id,
    /** A short name shown to people instead of the id. */
    title: text.optional(),
    /** `condition`: the outcome stays open, but only with `mechanism` in place. */
    effect: z.enum(["forbid", "require", "condition"]),
    outcome: z.enum(OUTCOMES),
    when: conditionSchema,
    /** For a condition: what makes the outcome safe, said with the verdict. */
    mechanism: text.optional(),
    reason: text,
    sources,
  })
  .refine((rule) => (rule.effect === "condition") === (rule.mechanism !== undefined), {
    message: "give `mechanism` exactly when `effect` is condition",
  });

/** A family's points are the capped sum of its members' (a cap of one member's most, unset). */
const familySchema = z.strictObject({
  id,
  label: text.optional(),
  cap: z.number().finite().positive().max(LIMITS.effect).optional(),
});

const mechanismSchema = z.strictObject({
  id,
  text,
  /** When this holds, the organisation already has the mechanism. */
  inPlaceWhen: conditionSchema.optional(),
});

const metricSchema = z.strictObject({
  side: z.enum(["cto", "cio", "shared"]),
  name: text,
  description: text,
});

const guidanceSchema = z.strictObject({
  mechanisms: z.array(mechanismSchema).default([]),
  metrics: z.array(metricSchema).default([]),
});

export const rubricSchema = z.strictObject({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal("Rubric"),
  id,
  version: z.string().min(1).default("1"),
  title: text,
  description: text,
  weight: z
    .number()
    .finite()
    .positive(`expected a weight above 0, at most ${LIMITS.weight}`)
    .max(LIMITS.weight, `expected a weight above 0, at most ${LIMITS.weight}`),
  /** Where the rubric comes in the interview and in listings: lower first, then by id. */
  order: z.number().int().optional(),
  /**
   * The rubric set this one builds on: `builtin`, or a folder of rubric files relative to this
   * file. Its rubrics are loaded too (those with an id this set defines are replaced), and
   * questions are resolved against them.
   */
  extends: text.optional(),
  /**
   * What `rolefit calibrate --effects` may change here: each answer effect by at most `effects`
   * points either way (0, or no `fit`: the effects stay as written).
   */
  fit: z.strictObject({ effects: z.number().min(0).max(LIMITS.effect) }).optional(),
  /** Written by `rolefit calibrate`: how the weights were fitted, and to which cases. */
  calibration: z
    .strictObject({
      method: text,
      cases: z.number().int().min(0),
      casesSha256: z.string().regex(/^[0-9a-f]{64}$/),
      leaveOneOutAgreement: z.number().min(0).max(1),
    })
    .optional(),
  questions: z.array(questionSchema).min(1, "expected at least one question"),
  families: z.array(familySchema).default([]),
  rules: z.array(ruleSchema).default([]),
  guidance: z
    .strictObject({
      combine: guidanceSchema.optional(),
      separate: guidanceSchema.optional(),
      matrix: guidanceSchema.optional(),
    })
    .optional(),
});

export const organizationSchema = z.strictObject({
  apiVersion: z.literal(API_VERSION),
  kind: z.literal("Organization"),
  name: text,
  description: z.string().optional(),
  /** Who gave these answers, when several people answer for one organisation. */
  respondent: z.strictObject({ name: text, role: text.optional() }).optional(),
  /** For the handout's cover: who the report is for, and who prepared it. */
  preparedFor: text.optional(),
  preparedBy: text.optional(),
  /**
   * Written by an adaptive interview that stopped early: the questions it left open, and the
   * engine's proof that they could not change the verdict. Scoring ignores it.
   */
  adaptive: z
    .strictObject({
      settledAfter: z.number().int().min(0),
      questions: z.number().int().min(0),
      leftOpen: z.array(id),
      why: text,
    })
    .optional(),
  /** The verdict a firm expects, for `rolefit calibrate`; scoring ignores it. */
  expect: z
    .strictObject({ recommendation: z.lazy(() => oneOrMany(z.enum([...OUTCOMES, "undecided"]))) })
    .optional(),
  /** Answer values are checked against the loaded rubrics, not here. */
  answers: z.record(z.string(), z.unknown()).nullable().default({}),
});

function oneOrMany<T extends z.ZodType>(item: T) {
  return z.union([item, z.array(item).min(1)]);
}

/** A fixture for `rolefit test`: answers (inline or from an org file) and the expected result. */
export const rubricTestSchema = z
  .strictObject({
    apiVersion: z.literal(API_VERSION),
    kind: z.literal("RubricTest"),
    name: text,
    description: z.string().optional(),
    /** An org file, relative to this test file. */
    org: text.optional(),
    answers: z.record(z.string(), z.unknown()).optional(),
    /** Overrides on top, as with `--set`. */
    set: z.record(z.string(), z.unknown()).optional(),
    expect: z.strictObject({
      /** `undecided`: no recommendation yet. */
      recommendation: oneOrMany(z.enum([...OUTCOMES, "undecided"])),
      confidence: oneOrMany(z.enum(["high", "medium", "low"])).optional(),
      /** Rules that must fire. */
      rules: z.array(id).optional(),
    }),
  })
  .refine((test) => (test.org === undefined) !== (test.answers === undefined), {
    message: "give either `org` (a file) or `answers`, not both",
  });

export type RubricTest = z.infer<typeof rubricTestSchema>;
export type Effect = z.infer<typeof effectSchema>;
export type Precondition = z.infer<typeof preconditionSchema>;
export type ReasonText = z.infer<typeof reasonSchema>;
export type Family = z.infer<typeof familySchema>;
export type Question = z.infer<typeof questionSchema>;
export type NumericQuestion = Extract<Question, { type: "integer" | "percent" }>;
export type Band = z.infer<typeof bandSchema>;
export type Rule = z.infer<typeof ruleSchema>;
export type Mechanism = z.infer<typeof mechanismSchema>;
export type Metric = z.infer<typeof metricSchema>;
export type Guidance = z.infer<typeof guidanceSchema>;
export type Rubric = z.infer<typeof rubricSchema>;

/** An answer as the engine sees it; multi questions take a list of option ids. */
export type AnswerValue = string | number | boolean | string[];
/** Question id → answer. Built without a prototype so hostile keys stay inert. */
export type Answers = Readonly<Record<string, AnswerValue>>;
