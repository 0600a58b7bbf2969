import { conditionHolds } from "../rubric/conditions.js";
import type { Outcome } from "../rubric/outcomes.js";
import type { Answers, AnswerValue } from "../rubric/schema.js";
import type { CompiledRubrics } from "./compile.js";
import type { Confidence, ConfidenceFactors, Evaluation, Provenance, ReasonFact } from "./facts.js";
import { answeredWeight, answerFirst, decidedByRule, missingGrounds } from "./grounds.js";
import { collect } from "./lists.js";
import { applies, sumOf } from "./points.js";
import { robustness } from "./robustness.js";
import {
  decide,
  type LedgerEntry,
  pointScale,
  type Scored,
  type Scores,
  scoreAnswers,
} from "./score.js";
import { weightStability } from "./stability.js";
import { WhatIf } from "./what-if.js";
import {
  findChangePairs,
  findRulesToWatch,
  findWhatWouldChange,
  RIVALS,
} from "./what-would-change.js";

/** Confidence thresholds, in score points of lead over the runner-up. */
export const CONFIDENCE = {
  highMargin: 6,
  lowMargin: 2,
  /** Share of questions answered below which confidence cannot be high, and below that low. */
  highCoverage: 0.8,
  lowCoverage: 0.5,
  /** The winner must hold when every rubric weight moves this much either way. */
  weightSwing: 0.25,
  /** High confidence needs the winner under this share of plausible weightings (robustness.ts). */
  highRobustness: 0.8,
} as const;

export interface AssessInput {
  organization: string;
  source: string | null;
  answers: Answers;
  /** Passed through to the result; the engine itself reads no files and knows no versions. */
  provenance?: Provenance;
}

const round = (value: number, digits = 2): number => {
  const factor = 10 ** digits;
  const rounded = Math.round(value * factor) / factor;
  return Object.is(rounded, -0) ? 0 : rounded;
};

const roundScores = (scores: Scores): Scores => ({
  combine: round(scores.combine),
  separate: round(scores.separate),
  matrix: round(scores.matrix),
});

function toReason(entry: LedgerEntry, outcome: Outcome, contribution: number): ReasonFact {
  return { questionId: entry.questionId, answer: entry.answer, outcome, contribution };
}

/** How many reasons each way a summary evaluation keeps (and a summary record shows). */
export const SUMMARY_REASONS = 3;

/**
 * Adds a reason to a list kept strongest first, after those as strong (a stable sort's order),
 * keeping at most `limit`: the reason is made only if it is kept.
 */
function keepStrongest(
  list: ReasonFact[],
  limit: number,
  entry: LedgerEntry,
  outcome: Outcome,
  contribution: number,
): void {
  let at = list.length;
  while (at > 0 && (list[at - 1] as ReasonFact).contribution < contribution) at--;
  if (at >= limit) return;
  list.splice(at, 0, toReason(entry, outcome, contribution));
  if (list.length > limit) list.pop();
}

/**
 * The answers that put the most between winner and runner-up, and those that point elsewhere,
 * strongest first: every one, or the `limit` strongest each way.
 */
function explain(
  ledger: readonly LedgerEntry[],
  winner: Outcome,
  runnerUp: Outcome,
  limit?: number,
) {
  const reasons: ReasonFact[] = [];
  const counterReasons: ReasonFact[] = [];
  // Without a limit every reason is kept and the lists sorted once, as a ledger can be long.
  const add = (list: ReasonFact[], entry: LedgerEntry, outcome: Outcome, contribution: number) =>
    limit === undefined
      ? list.push(toReason(entry, outcome, contribution))
      : keepStrongest(list, limit, entry, outcome, contribution);
  const [first, second] = RIVALS[winner];
  for (const entry of ledger) {
    const { points } = entry;
    // Outcomes read by name (sumOf): read by a variable key, each number was boxed afresh.
    const own = sumOf(points, winner);
    // A reason must argue for the winner, not merely against the runner-up: an answer whose own
    // reason text favours a third outcome would read as a non sequitur.
    if (own >= points.combine && own >= points.separate && own >= points.matrix) {
      const contribution = round(own - sumOf(points, runnerUp));
      if (contribution > 0) add(reasons, entry, winner, contribution);
    }
    // An answer points elsewhere when some other outcome gains more from it than the winner:
    // the rival it favours most, the first in OUTCOMES order among equals.
    const target = sumOf(points, second) > sumOf(points, first) ? second : first;
    const contribution = round(sumOf(points, target) - own);
    if (contribution > 0) add(counterReasons, entry, target, contribution);
  }
  if (limit === undefined) {
    const byStrength = (a: ReasonFact, b: ReasonFact) => b.contribution - a.contribution;
    reasons.sort(byStrength);
    counterReasons.sort(byStrength);
  }
  return { reasons, counterReasons };
}

function confidenceOf(factors: ConfidenceFactors, margin: number): Confidence {
  const levels: Confidence[] = ["low", "medium", "high"];
  let level = 2;
  if (!factors.decidedByRule) {
    if (margin < CONFIDENCE.highMargin) level = 1;
    if (margin < CONFIDENCE.lowMargin) level = 0;
    if (!factors.holdsUnderWeightSwing) level -= 1;
    if (factors.robustness < CONFIDENCE.highRobustness) level = Math.min(level, 1);
  }
  if (factors.answeredShare < CONFIDENCE.highCoverage || factors.unansweredCouldFlip)
    level = Math.min(level, 1);
  if (factors.answeredShare < CONFIDENCE.lowCoverage || factors.rulesConflict) level = 0;
  return levels[Math.max(0, level)] ?? "low";
}

/** The recommendation for some answers, or null when they give none yet: a respondent's own. */
export function recommendationFor(compiled: CompiledRubrics, answers: Answers): Outcome | null {
  const { scores } = scoreAnswers(compiled, answers);
  const decision = decide(compiled, answers, scores);
  const weight = answeredWeight(compiled, answers);
  return missingGrounds(compiled, () => answers, weight, scores, decision)
    ? null
    : decision.recommendation;
}

function contributionsOf(compiled: CompiledRubrics, scored: Scored): Evaluation["contributions"] {
  return collect(compiled.rubrics, (rubric) => {
    const raw = scored.rubricPoints.get(rubric.id) ?? { combine: 0, separate: 0, matrix: 0 };
    const scale = pointScale(compiled, rubric);
    return {
      rubricId: rubric.id,
      points: roundScores({
        combine: raw.combine * scale,
        separate: raw.separate * scale,
        matrix: raw.matrix * scale,
      }),
    };
  });
}

/** The answers given to the rubrics' questions, in question order. */
function answersGiven(compiled: CompiledRubrics, answers: Answers): Record<string, AnswerValue> {
  // Without a prototype: added by key one by one, the object becomes a dictionary past about
  // sixteen answers anyway, and made as one it skips the hidden classes and the conversion.
  const given: Record<string, AnswerValue> = Object.create(null);
  for (const { question } of compiled.questions) {
    const value = answers[question.id];
    if (value !== undefined) given[question.id] = value;
  }
  return given;
}

/**
 * How much to work out: `all` the facts, or those a summary record shows, which leaves
 * `changePairs`, `rulesToWatch`, `mechanisms`, `contributions`, `answers` and the rubrics'
 * weight ranges (`stability.rubrics`) empty (the pair search and the triggers are most of the
 * cost of an assessment, and none of these moves the recommendation or its confidence), and
 * keeps the SUMMARY_REASONS strongest reasons each way.
 */
export type EvaluationScope = "all" | "summary";

/** Rubrics and answers in, every fact of the assessment out. Pure: the same input, the same output. */
export function evaluate(
  compiled: CompiledRubrics,
  input: AssessInput,
  scope: EvaluationScope = "all",
): Evaluation {
  const { answers } = input;
  const scored = scoreAnswers(compiled, answers);
  const { scores } = scored;
  const whatIf = new WhatIf(compiled, answers, scored);
  const decision = whatIf.decision(scores);
  const { recommendation, runnerUp, allowed, fired, conflict } = decision;
  // A question that does not apply is settled: nothing more to learn from it.
  const unanswered = collect(compiled.questions, (entry) =>
    answers[entry.question.id] === undefined && applies(entry, answers)
      ? entry.question.id
      : undefined,
  );
  const answeredShare = round(1 - unanswered.length / Math.max(1, compiled.questions.length));
  const margin = scores[recommendation] - scores[runnerUp];
  const { organization, source } = input;
  const rules = collect(fired, ({ id, effect, outcome }) => ({ id, effect, outcome }));
  const all = scope === "all";
  const given = all ? answersGiven(compiled, answers) : {};
  const contributions = all ? contributionsOf(compiled, scored) : [];

  const undecided = missingGrounds(
    compiled,
    () => answers,
    whatIf.answeredWeight(),
    scores,
    decision,
  );
  if (undecided) {
    const first = answerFirst(compiled, answers);
    return {
      organization,
      source,
      recommendation: null,
      runnerUp: null,
      undecided: { reason: undecided, answerFirst: first },
      scores: roundScores(scores),
      margin: round(margin),
      confidence: "low",
      confidenceFactors: {
        answeredShare,
        weightTolerance: 0,
        holdsUnderWeightSwing: false,
        unansweredCouldFlip: first.length > 0,
        decidedByRule: false,
        rulesConflict: conflict,
        robustness: 0,
      },
      unanswered,
      rules,
      conditions: [],
      // Which way each answer leans, against the structure the tie-break would take: nothing is
      // recommended, but a reader can see what the answers so far point to.
      ...explain(scored.ledger, recommendation, runnerUp, all ? undefined : SUMMARY_REASONS),
      whatWouldChange: [],
      changePairs: [],
      rulesToWatch: [],
      stability: { weightTolerance: 0, rubrics: [] },
      robustness: robustness(compiled, scored, allowed, recommendation, 0),
      mechanisms: [],
      answers: given,
      contributions,
      ...(input.provenance ? { provenance: input.provenance } : {}),
    };
  }

  const whatWouldChange = collect(findWhatWouldChange(whatIf, recommendation), (change) => ({
    ...change,
    margin: round(change.margin),
  }));
  const changePairs =
    !all || whatWouldChange.some((change) => change.from !== null)
      ? []
      : collect(findChangePairs(whatIf, recommendation), (pair) => ({
          ...pair,
          margin: round(pair.margin),
        }));
  const stability = weightStability(
    compiled,
    scored,
    recommendation,
    collect(allowed, (o) => (o !== recommendation ? o : undefined)),
    all,
  );
  const tolerance = stability.weightTolerance;
  const shares = robustness(compiled, scored, allowed, recommendation, tolerance);
  const factors: ConfidenceFactors = {
    answeredShare,
    weightTolerance: round(tolerance),
    holdsUnderWeightSwing: tolerance >= CONFIDENCE.weightSwing,
    unansweredCouldFlip: whatWouldChange.some((change) => change.from === null),
    decidedByRule: decidedByRule(decision),
    rulesConflict: conflict,
    robustness: shares[recommendation],
  };
  const { reasons, counterReasons } = explain(
    scored.ledger,
    recommendation,
    runnerUp,
    all ? undefined : SUMMARY_REASONS,
  );
  const evaluation: Evaluation = {
    organization,
    source,
    recommendation,
    runnerUp,
    scores: roundScores(scores),
    margin: round(margin),
    confidence: confidenceOf(factors, margin),
    confidenceFactors: factors,
    unanswered,
    rules,
    conditions: conditionsFor(compiled, whatIf.counting, recommendation),
    reasons,
    counterReasons,
    whatWouldChange,
    changePairs,
    rulesToWatch: all ? findRulesToWatch(whatIf) : [],
    stability: {
      weightTolerance: round(tolerance),
      rubrics: collect(stability.rubrics, (range) => ({
        ...range,
        min: round(range.min),
        max: range.max === null ? null : round(range.max),
      })),
    },
    robustness: shares,
    mechanisms: all ? mechanismsFor(compiled, recommendation, answers) : [],
    answers: given,
    contributions,
  };
  // Set after, not spread in: the literal above keeps one shape for every organisation.
  if (input.provenance) evaluation.provenance = input.provenance;
  return evaluation;
}

/** The recommendation's mechanisms, and whether each is in place already. */
function mechanismsFor(
  compiled: CompiledRubrics,
  recommendation: Outcome,
  answers: Answers,
): Evaluation["mechanisms"] {
  return collect(compiled.guidance[recommendation].mechanisms, (mechanism) => ({
    id: mechanism.id,
    status:
      mechanism.inPlaceWhen && conditionHolds(mechanism.inPlaceWhen, answers)
        ? "in-place"
        : "to-establish",
  }));
}

/** The condition rules that hold for the recommended outcome. */
function conditionsFor(compiled: CompiledRubrics, counting: Answers, recommendation: Outcome) {
  return collect(compiled.conditions, (rule) =>
    rule.outcome === recommendation && conditionHolds(rule.when, counting)
      ? { ruleId: rule.id, outcome: rule.outcome }
      : undefined,
  );
}

/** Confidence one level lower, for a room whose disagreement could change the result. */
export function lowerConfidence(confidence: Confidence): Confidence {
  return confidence === "high" ? "medium" : "low";
}
