/**
 * What rolefit returns: the assessment every format is made from, and what `--format json` prints
 * (schema version 1). The engine finds the facts (`Evaluation`); the narration layer adds the
 * rubric's words to make this. Fields are only ever added, never renamed.
 */
import type {
  ChangeFact,
  Confidence,
  ConfidenceFactors,
  DisagreementFact,
  PairFact,
  Provenance,
  RangeFact,
  RespondentFact,
  Stability,
  UndecidedReason,
  WatchFact,
} from "../engine/facts.js";
import type { Outcome } from "../rubric/outcomes.js";
import type { AnswerValue, Metric } from "../rubric/schema.js";

export type { Confidence, Provenance };

export const SCHEMA_VERSION = 1;

export interface Reason {
  questionId: string;
  answer: AnswerValue;
  /** The answer as the rubric names it: the answer's or option's label, or a number's band. */
  answerLabel: string;
  outcome: Outcome;
  /** Score points this answer puts between `outcome` and the outcome it is compared with. */
  contribution: number;
  /** The rubric's reason for this answer. */
  text: string;
}

/** A mechanism the recommendation needs, and why; from a condition rule. */
export interface RecommendationCondition {
  mechanism: string;
  reason: string;
  ruleId: string;
}

export interface FiredRule {
  id: string;
  /** A short name for people; the rule's id when the rubric gives none. */
  title: string;
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

/** Where a numeric change lands: every value in [min, next) gives the same result. */
export type ValueRange = RangeFact;

/** One answer changed, and what the recommendation becomes: found by re-scoring. */
export type AnswerChange = ChangeFact & { statement: string };

export interface ChangePair extends Omit<PairFact, "changes"> {
  changes: Array<Omit<PairFact["changes"][number], "range">>;
  statement: string;
}

/** A hard rule one answer away from firing: a trigger to watch before the next review. */
export type RuleWatch = Omit<WatchFact, "range"> & { statement: string };

/** Why there is no recommendation yet, and which unanswered questions could settle it. */
interface Undecided {
  reason: UndecidedReason;
  /** Unanswered questions that could decide it, most decisive first. */
  answerFirst: string[];
  statement: string;
}

export interface Assessment {
  schemaVersion: typeof SCHEMA_VERSION;
  organization: string;
  source: string | null;
  /** null: no recommendation yet (see `undecided`). */
  recommendation: Outcome | null;
  runnerUp: Outcome | null;
  undecided?: Undecided;
  scores: Record<Outcome, number>;
  margin: number;
  confidence: Confidence;
  /** What confidence was made from, so a reader can check it. */
  confidenceFactors: ConfidenceFactors;
  unanswered: string[];
  rules: FiredRule[];
  /**
   * What the recommendation depends on: mechanisms that make it safe ("combine, with an
   * independent CISO reporting outside the technology line"). Empty when it stands alone.
   */
  conditions: RecommendationCondition[];
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
  /** The share of plausible weightings (each rubric weight within ±50%) under which each outcome wins. */
  robustness: Record<Outcome, number>;
  mechanisms: MechanismAdvice[];
  metrics: Metric[];
  answers: Record<string, AnswerValue>;
  rubrics: Array<{ id: string; version: string; title: string; weight: number }>;
  /** Score points each rubric gave each outcome: the scores are 50 plus these, summed. */
  contributions: Array<{ rubricId: string; title: string; points: Record<Outcome, number> }>;
  /** What made this result, so two reports on different rubrics are never confused. */
  provenance?: Provenance;
  /** With several respondents: each one's own recommendation (null: none yet). */
  respondents?: RespondentFact[];
  /** With several respondents: the questions the room answered differently, most divisive first. */
  disagreement?: DisagreementFact[];
}

/** An assessment that reached a verdict. */
export type Decided = Assessment & { recommendation: Outcome; runnerUp: Outcome };

export const isDecided = (a: Assessment): a is Decided => a.recommendation !== null;
