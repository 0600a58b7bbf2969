import { OUTCOMES, type Outcome } from "./outcomes.js";
import type { Question } from "./schema.js";

function largestEffect(
  effects: ReadonlyArray<{ effect: Partial<Record<Outcome, number>> }>,
): number {
  let largest = 0;
  for (const { effect } of effects) {
    for (const outcome of OUTCOMES) largest = Math.max(largest, Math.abs(effect[outcome] ?? 0));
  }
  return largest;
}

/** The most one question can move one outcome, whatever the answer. */
export function questionMaxPoints(question: Question): number {
  switch (question.type) {
    case "multi":
      // Every option can be selected at once, so their effects add up.
      return Math.max(
        question.options.reduce((sum, option) => sum + largestEffect([option]), 0),
        question.none ? largestEffect([question.none]) : 0,
      );
    case "integer":
    case "percent":
      return largestEffect(question.bands);
    default:
      return largestEffect(question.answers);
  }
}
