import { keyed } from "../cache/memo.js";
import type { Outcome } from "../rubric/outcomes.js";
import type { CompiledRubrics } from "./compile.js";
import type { Scores } from "./facts.js";
import { BIT, bestOutcome, maskOf, type Scored } from "./score.js";

/**
 * How far the plausible weightings reach: each rubric's weight anywhere within ±SPREAD of its
 * own, every combination alike (SMAA's acceptability index, over a box of weights).
 */
export const ROBUSTNESS = {
  spread: 0.5,
  /** Enough points of a low-discrepancy sequence for shares good to about ±1%. */
  samples: 4096,
} as const;

/**
 * The weight multipliers of every sample, for every rubric: the points of an R-sequence (Roberts'
 * generalised golden ratio), evenly spread and the same on every run, with no random state. Made
 * once per rubric set, as every organisation is weighed on the same points.
 */
const multipliers = keyed("robustness samples", (compiled: CompiledRubrics) => {
  const dimensions = compiled.rubrics.length;
  // φ_d is the root of x^(d+1) = x + 1, found by a few fixed-point steps.
  let phi = 2;
  for (let i = 0; i < 32; i++) phi = (1 + phi) ** (1 / (dimensions + 1));
  const table = new Float64Array(ROBUSTNESS.samples * dimensions);
  for (let s = 0; s < ROBUSTNESS.samples; s++)
    for (let r = 0; r < dimensions; r++) {
      const u = ((0.5 + ((1 / phi) ** (r + 1) % 1) * (s + 1)) % 1) * 2 - 1;
      table[s * dimensions + r] = (compiled.rubrics[r]?.weight ?? 0) * (1 + ROBUSTNESS.spread * u);
    }
  return table;
});

/**
 * The share of plausible weightings under which each outcome wins, with the hard rules applied.
 * `tolerance` is how far every weight can move at once with the winner holding (stability.ts):
 * at ±SPREAD or more it wins everywhere, and nothing need be sampled.
 */
export function robustness(
  compiled: CompiledRubrics,
  scored: Scored,
  allowed: readonly Outcome[],
  winner: Outcome,
  tolerance: number,
): Scores {
  const share: Scores = { combine: 0, separate: 0, matrix: 0 };
  if (allowed.length === 1 || tolerance >= ROBUSTNESS.spread) {
    share[allowed.length === 1 ? (allowed[0] as Outcome) : winner] = 1;
    return share;
  }
  // Scores are linear in the weights: each rubric's lean per outcome, per unit of weight.
  const dimensions = compiled.rubrics.length;
  const lean = new Float64Array(dimensions * 3);
  compiled.rubrics.forEach((rubric, r) => {
    const points = scored.rubricPoints.get(rubric.id);
    const scale = rubric.maxPoints > 0 ? 1 / rubric.maxPoints : 0;
    lean[r * 3] = (points?.combine ?? 0) * scale;
    lean[r * 3 + 1] = (points?.separate ?? 0) * scale;
    lean[r * 3 + 2] = (points?.matrix ?? 0) * scale;
  });
  const open = maskOf(allowed);
  const table = multipliers(compiled);
  let combineWins = 0;
  let separateWins = 0;
  let cell = 0;
  for (let s = 0; s < ROBUSTNESS.samples; s++) {
    let combine = 0;
    let separate = 0;
    let matrix = 0;
    for (let r = 0, l = 0; r < dimensions; r++, l += 3, cell++) {
      const weight = table[cell] as number;
      combine += weight * (lean[l] as number);
      separate += weight * (lean[l + 1] as number);
      matrix += weight * (lean[l + 2] as number);
    }
    const top = bestOutcome(combine, separate, matrix, open);
    if (top === "combine") combineWins++;
    else if (top === "separate") separateWins++;
  }
  const matrixWins = open & BIT.matrix ? ROBUSTNESS.samples - combineWins - separateWins : 0;
  const shareOf = (wins: number) => Math.round((wins / ROBUSTNESS.samples) * 100) / 100;
  return {
    combine: shareOf(combineWins),
    separate: shareOf(separateWins),
    matrix: shareOf(matrixWins),
  };
}
