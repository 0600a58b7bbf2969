import { z } from "zod";
import { OUTCOMES } from "../rubric/outcomes.js";

/**
 * The results' schema (`assess --format json`, and each line of a batch), version 1: what a
 * script may rely on. It is checked against real results in the tests, and published as
 * schema/result.schema.json (`rolefit schema result`).
 */
const outcome = z.enum(OUTCOMES);
const number = z.number();
const scores = z.strictObject({ combine: number, separate: number, matrix: number });
const answer = z.union([z.string(), z.number(), z.boolean(), z.array(z.string())]);
const confidence = z.enum(["high", "medium", "low"]);
const range = z.strictObject({ min: number, next: number.nullable() });
const kind = z
  .enum(["lever", "circumstance"])
  .describe("lever: leadership can make this change; circumstance: it happens to the organisation");
const change = {
  questionId: z.string(),
  from: answer.nullable(),
  to: answer,
};
const reason = z.strictObject({
  questionId: z.string(),
  answer,
  answerLabel: z.string(),
  outcome,
  contribution: number,
  text: z.string(),
});

const resultSchema = z.strictObject({
  schemaVersion: z.literal(1),
  organization: z.string(),
  source: z.string().nullable(),
  recommendation: outcome
    .nullable()
    .describe("null: no recommendation yet, and `undecided` says why"),
  runnerUp: outcome.nullable(),
  undecided: z
    .strictObject({
      reason: z
        .enum(["too-little-answered", "tied"])
        .describe(
          "too-little-answered: the answers cover under 40% of the rubric weight; tied: the top open scores are equal and no hard rule decides",
        ),
      answerFirst: z
        .array(z.string())
        .describe("unanswered questions that could decide it, most decisive first"),
      statement: z.string(),
    })
    .optional(),
  scores,
  margin: number,
  confidence,
  confidenceFactors: z.strictObject({
    answeredShare: number,
    weightTolerance: number,
    holdsUnderWeightSwing: z.boolean(),
    unansweredCouldFlip: z.boolean(),
    decidedByRule: z.boolean(),
    rulesConflict: z.boolean(),
    robustness: number.describe(
      "the share of plausible weightings under which the recommendation wins",
    ),
    roomCouldFlip: z.boolean().optional(),
  }),
  unanswered: z.array(z.string()),
  rules: z.array(
    z.strictObject({
      id: z.string(),
      title: z.string(),
      effect: z.enum(["forbid", "require"]),
      outcome,
      reason: z.string(),
      because: z.string(),
    }),
  ),
  conditions: z.array(
    z.strictObject({
      mechanism: z.string().describe("what must be in place for the recommendation to be safe"),
      reason: z.string(),
      ruleId: z.string(),
    }),
  ),
  warnings: z.array(z.string()),
  reasons: z.array(reason),
  counterReasons: z.array(reason),
  whatWouldChange: z.array(
    z.strictObject({
      ...change,
      kind,
      recommendation: outcome,
      margin: number,
      range: range.optional(),
      statement: z.string(),
    }),
  ),
  changePairs: z.array(
    z.strictObject({
      changes: z.array(z.strictObject(change)),
      recommendation: outcome,
      margin: number,
      statement: z.string(),
    }),
  ),
  rulesToWatch: z.array(
    z.strictObject({
      ruleId: z.string(),
      effect: z.enum(["forbid", "require"]),
      outcome,
      ...change,
      kind,
      recommendation: outcome,
      statement: z.string(),
    }),
  ),
  stability: z.strictObject({
    weightTolerance: number,
    rubrics: z.array(
      z.strictObject({ id: z.string(), weight: number, min: number, max: number.nullable() }),
    ),
  }),
  robustness: scores.describe(
    "the share of plausible weightings (each rubric weight within ±50% of its own) under which each outcome wins",
  ),
  mechanisms: z.array(
    z.strictObject({
      id: z.string(),
      text: z.string(),
      status: z.enum(["in-place", "to-establish"]),
    }),
  ),
  metrics: z.array(
    z.strictObject({
      side: z.enum(["cto", "cio", "shared"]),
      name: z.string(),
      description: z.string(),
    }),
  ),
  answers: z.record(z.string(), answer),
  rubrics: z.array(
    z.strictObject({ id: z.string(), version: z.string(), title: z.string(), weight: number }),
  ),
  contributions: z.array(
    z.strictObject({ rubricId: z.string(), title: z.string(), points: scores }),
  ),
  provenance: z
    .strictObject({
      rolefitVersion: z.string(),
      rubrics: z.array(z.strictObject({ id: z.string(), version: z.string(), sha256: z.string() })),
      rubricSetSha256: z.string(),
    })
    .optional(),
  respondents: z
    .array(
      z.strictObject({
        name: z.string(),
        role: z.string().nullable(),
        recommendation: outcome.nullable(),
      }),
    )
    .optional(),
  disagreement: z
    .array(
      z.strictObject({
        questionId: z.string(),
        answers: z.record(z.string(), answer.nullable()),
        spread: number,
        couldFlip: z.boolean(),
      }),
    )
    .optional(),
  document: z.number().optional().describe("in a batch: which YAML document of the file"),
});

const briefReason = z.strictObject({
  questionId: z.string(),
  answer,
  outcome,
  contribution: number,
});

/** `--detail summary`: a result without the rubrics' prose, marked by `detail`. */
const summarySchema = z.strictObject({
  schemaVersion: z.literal(1),
  detail: z
    .literal("summary")
    .describe("a summary record (--detail summary); full records have no `detail`"),
  organization: z.string(),
  source: z.string().nullable(),
  recommendation: outcome.nullable(),
  runnerUp: outcome.nullable(),
  undecided: z
    .strictObject({
      reason: z.enum(["too-little-answered", "tied"]),
      answerFirst: z.array(z.string()),
    })
    .optional(),
  decidedBy: z
    .enum(["scores", "rules", "conflict", "undecided"])
    .describe("why the result is what it is; `rules` where the margin may be negative"),
  scores,
  margin: number,
  confidence,
  robustness: scores,
  unanswered: z.array(z.string()),
  rules: z.array(z.string()).describe("the ids of the hard rules that fired"),
  conditions: z.array(z.string()).describe("the ids of the condition rules that hold"),
  reasons: z.array(briefReason).max(3),
  counterReasons: z.array(briefReason).max(3),
  whatWouldChange: z.array(
    z.strictObject({ questionId: z.string(), kind, to: answer, recommendation: outcome }),
  ),
  document: z.number().optional(),
});

/** The JSON Schema of results, from the zod schema the tests check real results with. */
export function resultJsonSchema(): Record<string, unknown> {
  return {
    ...z.toJSONSchema(z.union([resultSchema, summarySchema])),
    $id: "https://rolefit.dev/schema/result.schema.json",
    title: "rolefit result",
  };
}
