import type { Outcome } from "../rubric/outcomes.js";
import type { CompiledRubrics } from "./compile.js";
import type { RubricWeightRange, Stability } from "./facts.js";
import { collect } from "./lists.js";
import { sumOf } from "./points.js";
import type { Scored } from "./score.js";

export type { RubricWeightRange, Stability };

/**
 * How the recommendation depends on the rubric weights. Its lead over each open rival is
 * Σ weight × gap per rubric, linear in the weights, so both answers are exact: all weights moving
 * at once hurt most when every rubric favouring the winner drops and every other rises; one
 * weight moving alone crosses zero at a single point.
 */
export function weightStability(
  compiled: CompiledRubrics,
  scored: Scored,
  winner: Outcome,
  rivals: readonly Outcome[],
  /** Whether to find each rubric's range too, or only the tolerance. */
  ranges = true,
): Stability {
  // Made in loops, each gap a typed array: arrays from map() change elements kind once V8
  // optimises the map() (and with their values), and each new kind threw compiled readers away.
  const gaps: Float64Array[] = [];
  for (const rival of rivals) {
    const gap = new Float64Array(compiled.rubrics.length);
    compiled.rubrics.forEach((rubric, r) => {
      const points = scored.rubricPoints.get(rubric.id);
      if (points && rubric.maxPoints > 0)
        gap[r] = (sumOf(points, winner) - sumOf(points, rival)) / rubric.maxPoints;
    });
    gaps.push(gap);
  }
  let tolerance = 1;
  for (const gap of gaps) {
    let lead = 0;
    let swing = 0;
    compiled.rubrics.forEach((rubric, r) => {
      lead += rubric.weight * (gap[r] ?? 0);
      swing += Math.abs(rubric.weight * (gap[r] ?? 0));
    });
    tolerance = Math.min(tolerance, swing === 0 ? (lead > 0 ? 1 : 0) : Math.max(0, lead / swing));
  }
  if (!ranges) return { weightTolerance: tolerance, rubrics: [] };
  const rubrics = collect(compiled.rubrics, (rubric, r) => {
    let min = 0;
    let max = Number.POSITIVE_INFINITY;
    for (const gap of gaps) {
      const own = gap[r] ?? 0;
      const others = compiled.rubrics.reduce(
        (sum, other, s) => (s === r ? sum : sum + other.weight * (gap[s] ?? 0)),
        0,
      );
      if (own > 0) min = Math.max(min, -others / own);
      else if (own < 0) max = Math.min(max, others / -own);
    }
    return { id: rubric.id, weight: rubric.weight, min, max: Number.isFinite(max) ? max : null };
  });
  return { weightTolerance: tolerance, rubrics };
}
