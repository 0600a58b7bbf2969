import { keyed } from "../cache/memo.js";
import type { CompiledRubric, CompiledRubrics } from "./compile.js";

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

/** Each rubric's point scale, worked out once per compiled set. */
export const scalesOf: (compiled: CompiledRubrics) => ReadonlyMap<string, number> = keyed(
  "point scales",
  (compiled: CompiledRubrics) =>
    new Map(compiled.rubrics.map((rubric) => [rubric.id, pointScale(compiled, rubric)])),
);
