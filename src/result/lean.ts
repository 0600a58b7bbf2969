import { SUMMARY_REASONS } from "../engine/evaluate.js";
import type { Evaluation } from "../engine/facts.js";
import { SCHEMA_VERSION } from "./assessment.js";

/**
 * What a summary record and `decidedBy` read: facts the engine finds, so a batch of summaries
 * need not word anything. A full assessment has them too.
 */
type Facts = { conditions: ReadonlyArray<{ ruleId: string }> } & Pick<
  Evaluation,
  | "organization"
  | "source"
  | "recommendation"
  | "runnerUp"
  | "undecided"
  | "scores"
  | "margin"
  | "confidence"
  | "confidenceFactors"
  | "robustness"
  | "unanswered"
  | "rules"
  | "reasons"
  | "counterReasons"
  | "whatWouldChange"
>;

/** How many reasons each way a summary record keeps: a summary evaluation's. */
const REASONS = SUMMARY_REASONS;

/** Why the result is what it is: the scores, the hard rules, a conflict between them, or nothing yet. */
export function decidedBy(a: Facts): "scores" | "rules" | "conflict" | "undecided" {
  if (a.recommendation === null) return "undecided";
  if (a.confidenceFactors.rulesConflict) return "conflict";
  // The rules chose, or kept the top scorer out: the margin may then be negative.
  return a.confidenceFactors.decidedByRule ||
    a.margin < 0 ||
    a.rules.some((rule) => rule.effect === "forbid" && rule.outcome === a.runnerUp)
    ? "rules"
    : "scores";
}

/**
 * `--detail summary`: the result without the rubrics' prose — verdict, scores, confidence,
 * robustness, what is unanswered, the rules by id, the top reasons and what would change it by
 * question id and value. Every text stays one `rolefit explain` away.
 */
export function summaryRecord(a: Facts, document?: number) {
  const reason = ({ questionId, answer, outcome, contribution }: Facts["reasons"][number]) => ({
    questionId,
    answer,
    outcome,
    contribution,
  });
  return {
    schemaVersion: SCHEMA_VERSION,
    detail: "summary" as const,
    organization: a.organization,
    source: a.source,
    recommendation: a.recommendation,
    runnerUp: a.runnerUp,
    ...(a.undecided
      ? { undecided: { reason: a.undecided.reason, answerFirst: a.undecided.answerFirst } }
      : {}),
    decidedBy: decidedBy(a),
    scores: a.scores,
    margin: a.margin,
    confidence: a.confidence,
    robustness: a.robustness,
    unanswered: a.unanswered,
    rules: a.rules.map((rule) => rule.id),
    conditions: a.conditions.map((condition) => condition.ruleId),
    reasons: a.reasons.slice(0, REASONS).map(reason),
    counterReasons: a.counterReasons.slice(0, REASONS).map(reason),
    whatWouldChange: a.whatWouldChange.map(({ questionId, kind, to, recommendation }) => ({
      questionId,
      kind,
      to,
      recommendation,
    })),
    ...(document === undefined ? {} : { document }),
  };
}
