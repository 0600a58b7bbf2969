/**
 * What the engine finds: ids, values, scores, ranges and rule ids, and no words. The narration
 * layer turns these into the assessment people and scripts read (src/result/assessment.ts).
 */
import type { Outcome } from "../rubric/outcomes.js";
import type { AnswerValue } from "../rubric/schema.js";

export type Scores = Record<Outcome, number>;

export type Confidence = "high" | "medium" | "low";

export interface ConfidenceFactors {
  answeredShare: number;
  /** How far (as a share, 0–1) every rubric weight can move before the winner changes. */
  weightTolerance: number;
  holdsUnderWeightSwing: boolean;
  unansweredCouldFlip: boolean;
  decidedByRule: boolean;
  /** The fired rules contradicted each other; the result is the scores' best guess. */
  rulesConflict: boolean;
  /** The share of plausible weightings under which the recommendation wins. */
  robustness: number;
  /** With several respondents: one person's answer to some question would change the result. */
  roomCouldFlip?: boolean;
}

/** One answer's push towards `outcome`, against the outcome it is compared with. */
export interface ReasonFact {
  questionId: string;
  /** The answer, or for a several-of question one chosen option (`[]`: none chosen). */
  answer: AnswerValue;
  outcome: Outcome;
  contribution: number;
}

export interface FiredRuleFact {
  id: string;
  effect: "forbid" | "require";
  outcome: Outcome;
}

/** Every value in [min, next) gives the same result; next null: up to the question's maximum. */
export interface RangeFact {
  min: number;
  next: number | null;
}

/** Whether leadership can make a change (a lever) or must wait for it (a circumstance). */
export type ChangeKind = "lever" | "circumstance";

export interface ChangeFact {
  questionId: string;
  kind: ChangeKind;
  from: AnswerValue | null;
  to: AnswerValue;
  recommendation: Outcome;
  margin: number;
  range?: RangeFact;
}

export interface PairFact {
  changes: Array<{
    questionId: string;
    from: AnswerValue | null;
    to: AnswerValue;
    range?: RangeFact;
  }>;
  recommendation: Outcome;
  margin: number;
}

export interface WatchFact {
  ruleId: string;
  effect: "forbid" | "require";
  outcome: Outcome;
  questionId: string;
  kind: ChangeKind;
  from: AnswerValue | null;
  to: AnswerValue;
  recommendation: Outcome;
  range?: RangeFact;
}

export interface MechanismFact {
  id: string;
  status: "in-place" | "to-establish";
}

export interface RubricWeightRange {
  id: string;
  weight: number;
  /** The recommendation holds while this rubric's weight alone stays in [min, max]; null: no limit. */
  min: number;
  max: number | null;
}

export interface Stability {
  /** How far (as a share, 0–1) every rubric weight can move at once, each either way. */
  weightTolerance: number;
  rubrics: RubricWeightRange[];
}

/** Why the engine gives no recommendation: too little of the rubric weight answered, or a tie. */
export type UndecidedReason = "too-little-answered" | "tied";

export interface RespondentFact {
  name: string;
  role: string | null;
  recommendation: Outcome | null;
}

export interface DisagreementFact {
  questionId: string;
  /** Each respondent's answer (null: not answered). */
  answers: Record<string, AnswerValue | null>;
  /** Share of those who answered whose answer differs from the consensus (0 = all agree). */
  spread: number;
  /** Whether some respondent's own answer here, put in place of the consensus, changes the result. */
  couldFlip: boolean;
}

export interface Provenance {
  rolefitVersion: string;
  rubrics: Array<{ id: string; version: string; sha256: string }>;
  /** One hash over all rubric hashes, in rubric order: equal when the rubric set is equal. */
  rubricSetSha256: string;
}

/** Everything the engine finds for one organisation (or one room's consensus). */
/** A condition rule that holds for the recommended outcome: it needs the rule's mechanism. */
export interface ConditionFact {
  ruleId: string;
  outcome: Outcome;
}

export interface Evaluation {
  organization: string;
  source: string | null;
  /** null: no recommendation yet; `undecided` says why. */
  recommendation: Outcome | null;
  runnerUp: Outcome | null;
  undecided?: { reason: UndecidedReason; answerFirst: string[] };
  scores: Scores;
  margin: number;
  confidence: Confidence;
  confidenceFactors: ConfidenceFactors;
  unanswered: string[];
  /** The hard rules that fired, in rubric order. */
  rules: FiredRuleFact[];
  /** What the recommendation depends on: condition rules holding for it, in rubric order. */
  conditions: ConditionFact[];
  reasons: ReasonFact[];
  counterReasons: ReasonFact[];
  whatWouldChange: ChangeFact[];
  changePairs: PairFact[];
  rulesToWatch: WatchFact[];
  stability: Stability;
  /** The share of plausible weightings (each rubric weight within ±50%) under which each outcome wins. */
  robustness: Scores;
  mechanisms: MechanismFact[];
  answers: Record<string, AnswerValue>;
  /** Score points each rubric gave each outcome. */
  contributions: Array<{ rubricId: string; points: Scores }>;
  provenance?: Provenance;
  respondents?: RespondentFact[];
  disagreement?: DisagreementFact[];
}
