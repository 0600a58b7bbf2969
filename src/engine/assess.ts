import { conditionHolds, describeHolding, type Wording } from "../rubric/conditions.js";
import { OUTCOMES, type Outcome } from "../rubric/outcomes.js";
import { answerLabel } from "../rubric/question.js";
import type { Answers, AnswerValue, Mechanism, Metric, Rule } from "../rubric/schema.js";
import type { CompiledRubrics } from "./compile.js";
import type { QuestionDisagreement } from "./consensus.js";
import { decide, type LedgerEntry, pointScale, type Scores, scoreAnswers } from "./score.js";
import { type Stability, weightStability } from "./stability.js";
import { WhatIf } from "./what-if.js";
import {
  type AnswerChange,
  type ChangePair,
  findChangePairs,
  findRulesToWatch,
  findWhatWouldChange,
  type RuleWatch,
} from "./what-would-change.js";

export const SCHEMA_VERSION = 1;

/** Confidence thresholds, in score points of lead over the runner-up. */
export const CONFIDENCE = {
  highMargin: 6,
  lowMargin: 2,
  /** Share of questions answered below which confidence cannot be high, and below that low. */
  highCoverage: 0.8,
  lowCoverage: 0.5,
  /** The winner must hold when every rubric weight moves this much either way. */
  weightSwing: 0.25,
} as const;

export type Confidence = "high" | "medium" | "low";

export interface Reason {
  questionId: string;
  answer: AnswerValue;
  /** The answer as the rubric names it: the answer's or option's label, or a number's band. */
  answerLabel: string;
  outcome: Outcome;
  /** Score points this answer puts between `outcome` and the outcome it is compared with. */
  contribution: number;
  text: string;
}

export interface FiredRule {
  id: string;
  effect: "forbid" | "require";
  outcome: Outcome;
  reason: string;
  /** Which of the rule's tests held for these answers, in words. */
  because: string;
}

export interface MechanismAdvice {
  id: string;
  text: string;
  status: "in-place" | "to-establish";
}

export interface Assessment {
  schemaVersion: typeof SCHEMA_VERSION;
  organization: string;
  source: string | null;
  recommendation: Outcome;
  runnerUp: Outcome;
  scores: Scores;
  margin: number;
  confidence: Confidence;
  /** What confidence was made from, so a reader can check it. */
  confidenceFactors: {
    answeredShare: number;
    /** How far (as a share, 0–1) every rubric weight can move before the winner changes. */
    weightTolerance: number;
    holdsUnderWeightSwing: boolean;
    unansweredCouldFlip: boolean;
    decidedByRule: boolean;
    /** The fired rules contradicted each other; the result is the scores' best guess. */
    rulesConflict: boolean;
    /** With several respondents: one person's answer to some question would change the result. */
    roomCouldFlip?: boolean;
  };
  unanswered: string[];
  rules: FiredRule[];
  /** Things the reader must know about this result, such as hard rules that contradict each other. */
  warnings: string[];
  reasons: Reason[];
  counterReasons: Reason[];
  whatWouldChange: AnswerChange[];
  /** When no single answered change flips the result: the smallest pairs that do. */
  changePairs: ChangePair[];
  /** Hard rules one answer away from firing: the triggers to watch before the next review. */
  rulesToWatch: RuleWatch[];
  /** How the recommendation depends on the rubric weights. */
  stability: Stability;
  mechanisms: MechanismAdvice[];
  metrics: Metric[];
  answers: Record<string, AnswerValue>;
  rubrics: Array<{ id: string; version: string; title: string; weight: number }>;
  /** Score points each rubric gave each outcome: the scores are 50 plus these, summed. */
  contributions: Array<{ rubricId: string; title: string; points: Scores }>;
  /** What made this result, so two reports on different rubrics are never confused. */
  provenance?: Provenance;
  /** With several respondents: each one's own recommendation. */
  respondents?: Array<{ name: string; role: string | null; recommendation: Outcome }>;
  /** With several respondents: the questions the room answered differently, most divisive first. */
  disagreement?: QuestionDisagreement[];
}

export interface Provenance {
  rolefitVersion: string;
  rubrics: Array<{ id: string; version: string; sha256: string }>;
  /** One hash over all rubric hashes, in rubric order: equal when the rubric set is equal. */
  rubricSetSha256: string;
}

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

function toReason(entry: LedgerEntry, outcome: Outcome, contribution: number): Reason {
  return {
    questionId: entry.questionId,
    answer: entry.answer,
    answerLabel: entry.label,
    outcome,
    contribution: round(contribution),
    text: entry.reason,
  };
}

/** The answers that put the most between winner and runner-up, and those that point elsewhere. */
function explain(ledger: readonly LedgerEntry[], winner: Outcome, runnerUp: Outcome) {
  const byStrength = (a: Reason, b: Reason) => b.contribution - a.contribution;
  // A reason must argue for the winner, not merely against the runner-up: an answer whose own
  // reason text favours a third outcome would read as a non sequitur.
  const favoursWinner = (entry: LedgerEntry) =>
    OUTCOMES.every((outcome) => entry.points[winner] >= entry.points[outcome]);
  const reasons = ledger
    .filter(favoursWinner)
    .map((entry) => toReason(entry, winner, entry.points[winner] - entry.points[runnerUp]))
    .filter((reason) => reason.contribution > 0)
    .sort(byStrength);
  const counterReasons: Reason[] = [];
  for (const entry of ledger) {
    // An answer points elsewhere when some other outcome gains more from it than the winner.
    let rival: Outcome | undefined;
    for (const outcome of OUTCOMES) {
      if (
        outcome !== winner &&
        (rival === undefined || entry.points[outcome] > entry.points[rival])
      )
        rival = outcome;
    }
    const target = rival ?? runnerUp;
    const contribution = round(entry.points[target] - entry.points[winner]);
    if (contribution > 0) counterReasons.push(toReason(entry, target, contribution));
  }
  counterReasons.sort(byStrength);
  return { reasons, counterReasons };
}

function confidenceOf(factors: Assessment["confidenceFactors"], margin: number): Confidence {
  const levels: Confidence[] = ["low", "medium", "high"];
  let level = 2;
  if (!factors.decidedByRule) {
    if (margin < CONFIDENCE.highMargin) level = 1;
    if (margin < CONFIDENCE.lowMargin) level = 0;
    if (!factors.holdsUnderWeightSwing) level -= 1;
  }
  if (factors.answeredShare < CONFIDENCE.highCoverage || factors.unansweredCouldFlip)
    level = Math.min(level, 1);
  if (factors.answeredShare < CONFIDENCE.lowCoverage || factors.rulesConflict) level = 0;
  return levels[Math.max(0, level)] ?? "low";
}

const summaries = new WeakMap<CompiledRubrics, Assessment["rubrics"]>();

/** The rubrics' ids, versions, titles and weights: one shared list per compiled set. */
function rubricSummary(compiled: CompiledRubrics): Assessment["rubrics"] {
  let summary = summaries.get(compiled);
  if (!summary) {
    summary = compiled.rubrics.map(({ id, version, title, weight }) => ({
      id,
      version,
      title,
      weight,
    }));
    summaries.set(compiled, summary);
  }
  return summary;
}

/*
 * Fired rules and mechanism advice are the same for every organisation they apply to, so each is
 * made once and shared (frozen): a batch then allocates less, and writers can reuse their JSON.
 */
const firedRules = new WeakMap<Rule, Map<string, FiredRule>>();

const wordings = new WeakMap<CompiledRubrics, Wording>();

/** Questions and answers named by the rubrics' labels, for sentences about the answers. */
function wordingOf(compiled: CompiledRubrics): Wording {
  let wording = wordings.get(compiled);
  if (!wording) {
    const questionOf = (id: string) => compiled.byId.get(id)?.question;
    wording = {
      question: (id) => questionOf(id)?.label ?? id,
      answer: (id, value) => {
        const question = questionOf(id);
        return question ? answerLabel(question, value) : String(value);
      },
    };
    wordings.set(compiled, wording);
  }
  return wording;
}

function firedRuleOf(compiled: CompiledRubrics, rule: Rule, answers: Answers): FiredRule {
  // Numbers are described by the threshold they passed, so there are few variants per rule.
  const because = describeHolding(rule.when, answers, wordingOf(compiled)) ?? "";
  let views = firedRules.get(rule);
  if (!views) {
    views = new Map();
    firedRules.set(rule, views);
  }
  let view = views.get(because);
  if (!view) {
    const { id, effect, outcome, reason } = rule;
    view = Object.freeze({ id, effect, outcome, reason, because });
    views.set(because, view);
  }
  return view;
}

const advice = new WeakMap<
  Mechanism,
  Partial<Record<MechanismAdvice["status"], MechanismAdvice>>
>();

function adviceOf(mechanism: Mechanism, status: MechanismAdvice["status"]): MechanismAdvice {
  let views = advice.get(mechanism);
  if (!views) {
    views = {};
    advice.set(mechanism, views);
  }
  let view = views[status];
  if (!view) {
    view = Object.freeze({ id: mechanism.id, text: mechanism.text, status });
    views[status] = view;
  }
  return view;
}

/** Rubrics and answers in, the full assessment out. Pure: the same input always gives the same output. */
export function assess(compiled: CompiledRubrics, input: AssessInput): Assessment {
  const { answers } = input;
  const scored = scoreAnswers(compiled, answers);
  const decision = decide(compiled, answers, scored.scores);
  const { recommendation, runnerUp, allowed, fired, conflict } = decision;
  const { scores } = scored;

  const unanswered = compiled.questions
    .filter(({ question }) => answers[question.id] === undefined)
    .map(({ question }) => question.id);
  const whatIf = new WhatIf(compiled, answers);
  const whatWouldChange = findWhatWouldChange(whatIf, recommendation).map((change) => ({
    ...change,
    margin: round(change.margin),
  }));
  const changePairs = whatWouldChange.some((change) => change.from !== null)
    ? []
    : findChangePairs(whatIf, recommendation).map((pair) => ({
        ...pair,
        margin: round(pair.margin),
      }));
  const stability = weightStability(
    compiled,
    scored,
    recommendation,
    allowed.filter((o) => o !== recommendation),
  );
  const tolerance = stability.weightTolerance;
  const margin = scores[recommendation] - scores[runnerUp];
  const factors = {
    answeredShare: round(1 - unanswered.length / Math.max(1, compiled.questions.length)),
    weightTolerance: round(tolerance),
    holdsUnderWeightSwing: tolerance >= CONFIDENCE.weightSwing,
    unansweredCouldFlip: whatWouldChange.some((change) => change.from === null),
    // When the rules leave one outcome open, it wins whatever the scores say: the margin is moot.
    decidedByRule: conflict === undefined && allowed.length === 1 && fired.length > 0,
    rulesConflict: conflict !== undefined,
  };
  const guidance = compiled.guidance[recommendation];
  const answerCopy: Record<string, AnswerValue> = {};
  for (const { question } of compiled.questions) {
    const value = answers[question.id];
    if (value !== undefined) answerCopy[question.id] = value;
  }
  return {
    schemaVersion: SCHEMA_VERSION,
    organization: input.organization,
    source: input.source,
    recommendation,
    runnerUp,
    scores: roundScores(scores),
    margin: round(margin),
    confidence: confidenceOf(factors, margin),
    confidenceFactors: factors,
    unanswered,
    rules: fired.map((rule) => firedRuleOf(compiled, rule, answers)),
    warnings: conflict === undefined ? [] : [conflict],
    ...explain(scored.ledger, recommendation, runnerUp),
    whatWouldChange,
    changePairs,
    rulesToWatch: findRulesToWatch(whatIf, recommendation),
    stability: {
      weightTolerance: round(tolerance),
      rubrics: stability.rubrics.map((range) => ({
        ...range,
        min: round(range.min),
        max: range.max === null ? null : round(range.max),
      })),
    },
    mechanisms: guidance.mechanisms.map((mechanism) =>
      adviceOf(
        mechanism,
        mechanism.inPlaceWhen && conditionHolds(mechanism.inPlaceWhen, answers)
          ? "in-place"
          : "to-establish",
      ),
    ),
    metrics: guidance.metrics,
    answers: answerCopy,
    rubrics: rubricSummary(compiled),
    contributions: compiled.rubrics.map((rubric) => {
      const raw = scored.rubricPoints.get(rubric.id) ?? { combine: 0, separate: 0, matrix: 0 };
      const scale = pointScale(compiled, rubric);
      return {
        rubricId: rubric.id,
        title: rubric.title,
        points: roundScores({
          combine: raw.combine * scale,
          separate: raw.separate * scale,
          matrix: raw.matrix * scale,
        }),
      };
    }),
    ...(input.provenance ? { provenance: input.provenance } : {}),
  };
}

/** Confidence one level lower, for a room whose disagreement could change the result. */
export function lowerConfidence(confidence: Confidence): Confidence {
  return confidence === "high" ? "medium" : "low";
}
