import { keyed } from "../cache/memo.js";
import { conditionHolds } from "../rubric/conditions.js";
import { OUTCOMES, type Outcome } from "../rubric/outcomes.js";
import { effectsOf } from "../rubric/question.js";
import type { Answers, AnswerValue, Rule } from "../rubric/schema.js";
import type { CompiledRubric, CompiledRubrics } from "./compile.js";
import type { Scores } from "./facts.js";

export type { Scores };

/** The neutral score: what every outcome gets when nothing is answered. */
export const NEUTRAL_SCORE = 50;

/**
 * Score points one point of effect is worth in a rubric: its share of all weights, over the most
 * its questions could give, so a rubric with more questions does not weigh more.
 */
export function pointScale(compiled: CompiledRubrics, rubric: CompiledRubric): number {
  return rubric.maxPoints > 0
    ? (NEUTRAL_SCORE * rubric.weight) / (compiled.totalWeight * rubric.maxPoints)
    : 0;
}

/** One answer's share of the scores: the per-answer ledger that explanations are read from. */
export interface LedgerEntry {
  questionId: string;
  rubricId: string;
  order: number;
  /** The answer, or for a several-of question one chosen option (`[]`: none chosen). */
  answer: AnswerValue;
  /** Score points this answer adds to each outcome (negative takes away). */
  points: Scores;
}

export interface Scored {
  scores: Scores;
  ledger: LedgerEntry[];
  /** Per rubric, the points each outcome got before rubric weights were applied. */
  rubricPoints: Map<string, Scores>;
}

const zeroScores = (): Scores => ({ combine: 0, separate: 0, matrix: 0 });

/** Each rubric's point scale, worked out once per compiled set. */
export const scalesOf: (compiled: CompiledRubrics) => ReadonlyMap<string, number> = keyed(
  "point scales",
  (compiled: CompiledRubrics) =>
    new Map(compiled.rubrics.map((rubric) => [rubric.id, pointScale(compiled, rubric)])),
);

/**
 * The weighted sum: each rubric's points are divided by the most it could give, so a rubric with
 * more questions does not weigh more, then scaled by the rubric's share of all weights. Scores run
 * from 0 to 100 with 50 as neutral: 100 means every question gave the outcome its maximum.
 */
export function scoreAnswers(compiled: CompiledRubrics, answers: Answers): Scored {
  const scale = scalesOf(compiled);
  const scores: Scores = { combine: NEUTRAL_SCORE, separate: NEUTRAL_SCORE, matrix: NEUTRAL_SCORE };
  const ledger: LedgerEntry[] = [];
  const rubricPoints = new Map<string, Scores>(
    compiled.rubrics.map((rubric) => [rubric.id, zeroScores()]),
  );
  for (const { question, rubricId, order } of compiled.questions) {
    const value = answers[question.id];
    if (value === undefined) continue;
    const factor = scale.get(rubricId) ?? 0;
    const raw = rubricPoints.get(rubricId) ?? zeroScores();
    for (const entry of effectsOf(question, value)) {
      const points = zeroScores();
      for (const outcome of OUTCOMES) {
        const effect = entry.effect[outcome] ?? 0;
        points[outcome] = effect * factor;
        scores[outcome] += points[outcome];
        raw[outcome] += effect;
      }
      ledger.push({
        questionId: question.id,
        rubricId,
        order,
        answer: entry.answer,
        points,
      });
    }
  }
  // Rubric numbers are bounded when loaded, so this never fires; if it does, no result is better
  // than a NaN one.
  for (const outcome of OUTCOMES)
    if (!Number.isFinite(scores[outcome]))
      throw new Error(`the ${outcome} score is not a finite number`);
  return { scores, ledger, rubricPoints };
}

export interface Decision {
  recommendation: Outcome;
  runnerUp: Outcome;
  /** Outcomes the fired rules leave open. */
  allowed: readonly Outcome[];
  fired: Rule[];
  /** The fired rules contradict each other, and the scores had to decide among them. */
  conflict: boolean;
}

/**
 * Scores this close are a tie. Sums of the same points in a different order (a what-if against a
 * full re-scoring) differ in the last bits, and a tie must not be decided by that noise.
 */
const TIE = 1e-9;

/** Whether a score is higher than another by more than rounding noise. */
const beats = (score: number, other: number): boolean => score > other + TIE;

/** A set of outcomes as bits (combine 1, separate 2, matrix 4), for the hottest loops. */
export const BIT: Record<Outcome, number> = { combine: 1, separate: 2, matrix: 4 };
const ALL = 7;

export const maskOf = (outcomes: readonly Outcome[]): number =>
  outcomes.reduce((mask, outcome) => mask | BIT[outcome], 0);

/**
 * The tie-break, in one place: the best of the outcomes in `among` (a mask), where a tie goes to
 * the simpler structure (the order of OUTCOMES). Numbers in, so what-ifs need not allocate.
 */
export function bestOutcome(
  combine: number,
  separate: number,
  matrix: number,
  among: number,
): Outcome | undefined {
  let top: Outcome | undefined;
  let topScore = Number.NEGATIVE_INFINITY;
  if (among & 1) {
    top = "combine";
    topScore = combine;
  }
  if (among & 2 && (top === undefined || beats(separate, topScore))) {
    top = "separate";
    topScore = separate;
  }
  if (among & 4 && (top === undefined || beats(matrix, topScore))) top = "matrix";
  return top;
}

const bestOf = (scores: Scores, among: number) =>
  bestOutcome(scores.combine, scores.separate, scores.matrix, among);

/**
 * Applies the hard rules to the scores: forbidden outcomes drop out, a required one wins. When the
 * rules leave nothing open (every outcome vetoed, or two requirements), the decision falls back to
 * the scores among the outcomes the rules fight over, and says so, rather than giving no answer.
 */
export function decide(compiled: CompiledRubrics, answers: Answers, scores: Scores): Decision {
  return decideFromRules(
    compiled.rules.filter((rule) => conditionHolds(rule.when, answers)),
    scores,
  );
}

interface RuleOutcome {
  allowed: readonly Outcome[];
  /** `allowed` as a mask, for bestOutcome. */
  mask: number;
  conflict: boolean;
}

/** Which outcomes a set of fired rules leaves open; cached per set, as what-ifs reuse it often. */
export const outcomesLeftBy: (fired: readonly Rule[]) => RuleOutcome = keyed(
  "outcomes fired rules leave open",
  (fired: readonly Rule[]) => leftOpen(fired),
);

function leftOpen(fired: readonly Rule[]): RuleOutcome {
  const forbidden = new Set(
    fired.filter((rule) => rule.effect === "forbid").map((rule) => rule.outcome),
  );
  const required = [
    ...new Set(fired.filter((rule) => rule.effect === "require").map((rule) => rule.outcome)),
  ];
  let allowed = OUTCOMES.filter((outcome) => !forbidden.has(outcome));
  if (required.length > 0) allowed = allowed.filter((outcome) => required.includes(outcome));
  const conflict = allowed.length === 0 || required.length > 1;
  const open = conflict ? (required.length > 0 ? required : [...OUTCOMES]) : allowed;
  return { allowed: open, mask: maskOf(open), conflict };
}

/**
 * Whether the decision was a tie: its runner-up is open to the rules and scores the same, so
 * nothing but the tie-break chose. Then there is no recommendation to give.
 */
export const isTie = (decision: Decision, scores: Scores): boolean =>
  decision.allowed.includes(decision.runnerUp) &&
  !beats(scores[decision.recommendation], scores[decision.runnerUp]);

/** The decision once it is known which rules fire: what-ifs that touch no rule reuse the set. */
export function decideFromRules(fired: Rule[], scores: Scores): Decision {
  const { allowed, mask: open, conflict } = outcomesLeftBy(fired);
  const recommendation = bestOf(scores, open) ?? "combine";
  const runnerUp =
    bestOf(scores, open & ~BIT[recommendation]) ??
    bestOf(scores, ALL & ~BIT[recommendation]) ??
    "separate";
  return { recommendation, runnerUp, allowed, fired, conflict };
}
