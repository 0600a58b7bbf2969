import { OUTCOMES, type Outcome } from "../rubric/outcomes.js";
import type { AnswerValue } from "../rubric/schema.js";
import type { CompiledRubrics } from "./compile.js";
import { answerChoices } from "./grounds.js";
import { pointsOf } from "./points.js";
import { decide, type Scores, scoreAnswers } from "./score.js";

/**
 * Outcomes no answers seem able to make win: for each, answers are chosen question by question to
 * favour it over its rivals (together, then one rival at a time) and the result checked with the
 * rules applied. A rubric set where an outcome can never win is almost always a mistake.
 */
export function unwinnableOutcomes(compiled: CompiledRubrics): Outcome[] {
  const lacking: Outcome[] = [];
  for (const target of OUTCOMES) {
    const rivals = OUTCOMES.filter((o) => o !== target);
    const leanings: Array<(points: Scores) => number> = [
      (p) => 2 * p[target] - rivals.reduce((sum, r) => sum + p[r], 0),
      ...rivals.map((rival) => (p: Scores) => p[target] - p[rival]),
    ];
    const winnable = leanings.some((lean) => {
      const answers: Record<string, AnswerValue> = Object.create(null);
      for (const entry of compiled.questions) {
        const { question } = entry;
        if (question.type === "multi") {
          // Every option that leans the right way, and only those.
          const chosen = question.options
            .filter((option) => lean(pointsOf(compiled, entry, [option.value])) > 0)
            .map((o) => o.value);
          answers[question.id] = chosen;
          continue;
        }
        let best: AnswerValue | undefined;
        let bestLean = Number.NEGATIVE_INFINITY;
        for (const value of answerChoices(question)) {
          const leaning = lean(pointsOf(compiled, entry, value));
          if (leaning > bestLean) {
            best = value;
            bestLean = leaning;
          }
        }
        if (best !== undefined) answers[question.id] = best;
      }
      return (
        decide(compiled, answers, scoreAnswers(compiled, answers).scores).recommendation === target
      );
    });
    if (!winnable) lacking.push(target);
  }
  return lacking;
}
