import { conditionLeaves } from "../rubric/conditions.js";
import type { Outcome } from "../rubric/outcomes.js";
import { allowedValues, numericDomain } from "../rubric/question.js";
import type { Answers, AnswerValue, Question } from "../rubric/schema.js";
import type { CompiledQuestion, CompiledRubrics } from "./compile.js";
import { decide, scoreAnswers } from "./score.js";

export interface AnswerChange {
  questionId: string;
  /** The current answer, or null when the question is unanswered. */
  from: AnswerValue | null;
  to: AnswerValue;
  /** What the recommendation becomes with this one change. */
  recommendation: Outcome;
  /** The new recommendation's lead over its runner-up, in score points. */
  margin: number;
}

interface Candidate {
  to: AnswerValue;
  /** How far the change reaches: option steps, or band boundaries crossed. */
  distance: number;
  /** -1 below the current answer, +1 above; 0 where order means nothing. */
  direction: number;
}

/** Thresholds the rules test a question against: the other places a number can flip a result. */
function ruleThresholds(compiled: CompiledRubrics, questionId: string): number[] {
  const thresholds: number[] = [];
  for (const rule of compiled.rules) {
    for (const { leaf } of conditionLeaves(rule.when)) {
      if (leaf.question !== questionId) continue;
      if (leaf.atLeast !== undefined) thresholds.push(leaf.atLeast);
      if (leaf.atMost !== undefined) thresholds.push(leaf.atMost);
    }
  }
  return thresholds;
}

/** Numbers where the score or a rule can change: band starts and rule thresholds, and their neighbours. */
function numericCandidates(
  question: Question & { type: "integer" | "percent" },
  current: number | undefined,
  compiled: CompiledRubrics,
): Candidate[] {
  const { min, max } = numericDomain(question);
  const edges = new Set([
    ...question.bands.map((band) => band.from),
    ...ruleThresholds(compiled, question.id),
  ]);
  const values = new Set<number>();
  for (const edge of edges) {
    for (const value of [edge - 1, edge, edge + 1]) {
      if (value >= min && value <= max && (question.type !== "integer" || Number.isInteger(value)))
        values.add(value);
    }
  }
  if (current === undefined) values.add(min);
  const boundaries = [...new Set(question.bands.map((band) => band.from))].sort((a, b) => a - b);
  return [...values]
    .filter((value) => value !== current)
    .sort((a, b) => a - b)
    .map((to) => {
      const crossed =
        current === undefined
          ? 0
          : boundaries.filter((b) => (b > current && b <= to) || (b <= current && b > to)).length;
      return {
        to,
        distance: Math.max(1, crossed),
        direction: current === undefined ? 0 : Math.sign(to - current),
      };
    });
}

function candidatesFor(
  entry: CompiledQuestion,
  current: AnswerValue | undefined,
  compiled: CompiledRubrics,
): Candidate[] {
  const { question } = entry;
  switch (question.type) {
    case "integer":
    case "percent":
      return numericCandidates(
        question,
        typeof current === "number" ? current : undefined,
        compiled,
      );
    case "multi": {
      const options = allowedValues(question).map(String);
      if (!Array.isArray(current)) {
        return [[], ...options.map((option) => [option])].map((to) => ({
          to,
          distance: 1,
          direction: 0,
        }));
      }
      // One option added or removed is one change; the list stays in the rubric's order.
      return options.map((option) => ({
        to: current.includes(option)
          ? current.filter((o) => o !== option)
          : options.filter((o) => o === option || current.includes(o)),
        distance: 1,
        direction: 0,
      }));
    }
    default: {
      const values = allowedValues(question);
      const at = current === undefined ? -1 : values.indexOf(current as string | number | boolean);
      return values
        .map((to, index) => ({
          to,
          distance: at < 0 ? 1 : Math.abs(index - at),
          direction: at < 0 ? 0 : Math.sign(index - at),
        }))
        .filter((candidate) => candidate.to !== current);
    }
  }
}

/**
 * Every single-answer change that flips the recommendation, found by re-scoring with the change
 * applied. Per question, direction and new outcome only the nearest change is kept: if 7 incidents
 * flip the result, 8 do not need saying.
 */
export function findWhatWouldChange(
  compiled: CompiledRubrics,
  answers: Answers,
  current: Outcome,
): AnswerChange[] {
  const found: Array<AnswerChange & { distance: number; order: number }> = [];
  for (const entry of compiled.questions) {
    const id = entry.question.id;
    const from = answers[id];
    const nearest = new Map<string, AnswerChange & { distance: number; order: number }>();
    for (const candidate of candidatesFor(entry, from, compiled)) {
      const changed: Record<string, AnswerValue> = Object.assign(Object.create(null), answers);
      changed[id] = candidate.to;
      const { scores } = scoreAnswers(compiled, changed);
      const decision = decide(compiled, changed, scores);
      if (decision.recommendation === current) continue;
      const key = `${candidate.direction}:${decision.recommendation}`;
      const kept = nearest.get(key);
      if (kept && !isNearer(candidate, kept, from)) continue;
      nearest.set(key, {
        questionId: id,
        from: from ?? null,
        to: candidate.to,
        recommendation: decision.recommendation,
        margin: scores[decision.recommendation] - scores[decision.runnerUp],
        distance: candidate.distance,
        order: entry.order,
      });
    }
    found.push(...nearest.values());
  }
  return found
    .sort(
      (a, b) =>
        Number(a.from === null) - Number(b.from === null) ||
        a.distance - b.distance ||
        a.order - b.order ||
        b.margin - a.margin,
    )
    .map(({ distance: _distance, order: _order, ...change }) => change);
}

/** Fewer steps wins; between numbers, the one nearest the current answer is the break-even point. */
function isNearer(
  candidate: Candidate,
  kept: AnswerChange & { distance: number },
  from: AnswerValue | undefined,
): boolean {
  if (candidate.distance !== kept.distance) return candidate.distance < kept.distance;
  if (typeof from !== "number" || typeof candidate.to !== "number" || typeof kept.to !== "number")
    return false;
  return Math.abs(candidate.to - from) < Math.abs(kept.to - from);
}
