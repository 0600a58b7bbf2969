import { conditionHolds } from "../rubric/conditions.js";
import { OUTCOMES, type Outcome } from "../rubric/outcomes.js";
import type { Answers } from "../rubric/schema.js";
import type { CompiledRubrics } from "./compile.js";
import { evaluate } from "./evaluate.js";
import type { Confidence, Scores } from "./facts.js";
import { applicableAnswers, scoreAnswers } from "./score.js";

/** Why a verdict moved between two rubric sets: a question's points, or a rule's firing. */
export type FlipCause =
  | {
      kind: "question";
      questionId: string;
      /** Score points this question's change moved towards the new verdict, away from the old. */
      shift: number;
    }
  | { kind: "rule"; ruleId: string; change: "fires now" | "no longer fires" | "added" | "removed" };

export interface OrganizationDiff {
  source: string;
  organization: string;
  from: Outcome | null;
  to: Outcome | null;
  confidence: { from: Confidence; to: Confidence };
  scores: { from: Scores; to: Scores };
  /** The largest move of any one outcome's score, in points. */
  largestMove: number;
  /** For a flip: the questions and rules behind it, most decisive first. */
  causes: FlipCause[];
}

/** How many causes a flip lists at most: the rest move it little. */
const MAX_CAUSES = 5;

/**
 * One organisation under two rubric sets: the verdicts, confidences and scores, and for a flip
 * what caused it. Pure: answers in (already checked against each set), facts out.
 */
export function diffOrganization(
  before: CompiledRubrics,
  after: CompiledRubrics,
  input: { source: string; organization: string; answers: { before: Answers; after: Answers } },
): OrganizationDiff {
  const old = evaluate(before, {
    organization: input.organization,
    source: input.source,
    answers: input.answers.before,
  });
  const now = evaluate(after, {
    organization: input.organization,
    source: input.source,
    answers: input.answers.after,
  });
  let largestMove = 0;
  for (const outcome of OUTCOMES)
    largestMove = Math.max(largestMove, Math.abs(now.scores[outcome] - old.scores[outcome]));
  const flipped = old.recommendation !== now.recommendation;
  return {
    source: input.source,
    organization: input.organization,
    from: old.recommendation,
    to: now.recommendation,
    confidence: { from: old.confidence, to: now.confidence },
    scores: { from: old.scores, to: now.scores },
    largestMove: Math.round(largestMove * 100) / 100,
    causes: flipped
      ? flipCauses(
          before,
          after,
          input.answers,
          old.recommendation ?? old.runnerUp,
          now.recommendation ?? now.runnerUp,
        )
      : [],
  };
}

/**
 * What moved the verdict from `from` to `to`: each question's points for `to` over `from`, after
 * against before (weights, effects, families and preconditions all show there), largest first;
 * and the hard rules whose firing differs.
 */
function flipCauses(
  before: CompiledRubrics,
  after: CompiledRubrics,
  answers: { before: Answers; after: Answers },
  from: Outcome | null,
  to: Outcome | null,
): FlipCause[] {
  const lean = (compiled: CompiledRubrics, given: Answers) => {
    const byQuestion = new Map<string, number>();
    if (!from || !to || from === to) return byQuestion;
    for (const entry of scoreAnswers(compiled, given).ledger)
      byQuestion.set(
        entry.questionId,
        (byQuestion.get(entry.questionId) ?? 0) + entry.points[to] - entry.points[from],
      );
    return byQuestion;
  };
  const old = lean(before, answers.before);
  const now = lean(after, answers.after);
  const questions: FlipCause[] = [...new Set([...old.keys(), ...now.keys()])]
    .map((questionId) => ({
      kind: "question" as const,
      questionId,
      shift: Math.round(((now.get(questionId) ?? 0) - (old.get(questionId) ?? 0)) * 100) / 100,
    }))
    .filter((cause) => cause.shift > 0.005)
    .sort((a, b) => b.shift - a.shift || (a.questionId < b.questionId ? -1 : 1))
    .slice(0, MAX_CAUSES);

  const firing = (compiled: CompiledRubrics, given: Answers) => {
    const counting = applicableAnswers(compiled, given);
    return new Map(compiled.rules.map((rule) => [rule.id, conditionHolds(rule.when, counting)]));
  };
  const oldRules = firing(before, answers.before);
  const newRules = firing(after, answers.after);
  const rules: FlipCause[] = [];
  for (const id of new Set([...oldRules.keys(), ...newRules.keys()])) {
    const was = oldRules.get(id);
    const is = newRules.get(id);
    if (was === is) continue;
    const change =
      was === undefined
        ? "added"
        : is === undefined
          ? "removed"
          : is
            ? "fires now"
            : "no longer fires";
    // A rule that fires in neither set changed nothing that matters here.
    if ((change === "added" && !is) || (change === "removed" && !was)) continue;
    rules.push({ kind: "rule", ruleId: id, change });
  }
  return [...rules, ...questions];
}
