import { keyed } from "../cache/memo.js";
import { OUTCOMES, type Outcome } from "../rubric/outcomes.js";
import type { CompiledRubrics } from "./compile.js";
import type { Scores } from "./facts.js";
import { collect } from "./lists.js";
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
  const dimensions = compiled.rubrics.length;
  const lean = leansOf(compiled, scored);
  // Each outcome's score, as a constant plus a coefficient per rubric's u in [-1, 1].
  const constant = [0, 0, 0];
  const slope = [
    new Float64Array(dimensions),
    new Float64Array(dimensions),
    new Float64Array(dimensions),
  ];
  compiled.rubrics.forEach((rubric, r) => {
    for (let o = 0; o < 3; o++) {
      const perWeight = lean[r * 3 + o] as number;
      (constant[o] as number) += rubric.weight * perWeight;
      (slope[o] as Float64Array)[r] = rubric.weight * ROBUSTNESS.spread * perWeight;
    }
  });
  const order = OUTCOMES;
  const index = order.indexOf(winner);
  const contenders = collect(order, (outcome, o) =>
    allowed.includes(outcome) && (o === index || canOvertake(constant, slope, o, index))
      ? o
      : undefined,
  );
  if (contenders.length === 1) {
    share[winner] = 1;
    return share;
  }
  if (contenders.length === 2 && dimensions <= EXACT_UP_TO) {
    // Two contenders: the winner's lead is linear in u, so its share is a box's volume on one
    // side of a plane, computed exactly.
    const [a, b] = contenders as [number, number];
    const lead = (constant[a] as number) - (constant[b] as number);
    const coefficients = new Float64Array(dimensions);
    for (let r = 0; r < dimensions; r++)
      coefficients[r] =
        ((slope[a] as Float64Array)[r] as number) - ((slope[b] as Float64Array)[r] as number);
    const shareOfA = Math.min(1, Math.max(0, 1 - belowPlane(coefficients, -lead)));
    share[order[a] as Outcome] = Math.round(shareOfA * 100) / 100;
    share[order[b] as Outcome] = Math.round((1 - shareOfA) * 100) / 100;
    return share;
  }
  return sampleShares(compiled, lean, allowed);
}

/**
 * Scores are linear in the weights: each rubric's lean per outcome (combine, separate, matrix),
 * per unit of weight.
 */
export function leansOf(compiled: CompiledRubrics, scored: Scored): Float64Array {
  const lean = new Float64Array(compiled.rubrics.length * 3);
  compiled.rubrics.forEach((rubric, r) => {
    const points = scored.rubricPoints.get(rubric.id);
    const scale = rubric.maxPoints > 0 ? 1 / rubric.maxPoints : 0;
    lean[r * 3] = (points?.combine ?? 0) * scale;
    lean[r * 3 + 1] = (points?.separate ?? 0) * scale;
    lean[r * 3 + 2] = (points?.matrix ?? 0) * scale;
  });
  return lean;
}

/**
 * The shares by sampling: the weightings at every point of the R-sequence, each decided by the
 * engine's tie-break. `lean` is each rubric's lean per outcome (combine, separate, matrix) per unit
 * of weight.
 */
export function sampleShares(
  compiled: CompiledRubrics,
  lean: Float64Array,
  allowed: readonly Outcome[],
): Scores {
  const open = maskOf(allowed);
  const wins = countWins(multipliers(compiled), lean, compiled.rubrics.length, open);
  const combineWins = wins % SEPARATE_WIN;
  const separateWins = Math.floor(wins / SEPARATE_WIN);
  const matrixWins = open & BIT.matrix ? ROBUSTNESS.samples - combineWins - separateWins : 0;
  const shareOf = (count: number) => Math.round((count / ROBUSTNESS.samples) * 100) / 100;
  return {
    combine: shareOf(combineWins),
    separate: shareOf(separateWins),
    matrix: shareOf(matrixWins),
  };
}

/** What a sample separate wins adds to countWins' count: more than combine can win in all. */
const SEPARATE_WIN = ROBUSTNESS.samples + 1;

/**
 * How many samples combine and separate win, as one count: combine's wins plus SEPARATE_WIN for
 * each of separate's. A function of its own: with the loop and the code after it in one
 * function, V8 compiled the loop mid-call and threw that code away at its end, for every
 * organisation. And nothing after the loop needs type feedback (an array, or arithmetic on the
 * two counts): V8 compiles the loop while its first call runs, before the code after it has any,
 * and that compiled loop was thrown away at the end of each call that used it.
 */
function countWins(table: Float64Array, lean: Float64Array, dimensions: number, open: number) {
  let wins = 0;
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
    if (top === "combine") wins += 1;
    else if (top === "separate") wins += SEPARATE_WIN;
  }
  return wins;
}

/** The most rubrics whose box is cut exactly (2^n terms); more are sampled. */
const EXACT_UP_TO = 12;

/** Whether outcome `o` beats `winner` somewhere in the box of plausible weights. */
function canOvertake(
  constant: number[],
  slope: Float64Array[],
  o: number,
  winner: number,
): boolean {
  let best = (constant[o] as number) - (constant[winner] as number);
  const own = slope[o] as Float64Array;
  const theirs = slope[winner] as Float64Array;
  for (let r = 0; r < own.length; r++) best += Math.abs((own[r] as number) - (theirs[r] as number));
  return best > 0;
}

/**
 * P(Σ c_r u_r ≤ t) for independent u_r uniform on [-1, 1]: the volume of a box below a plane, by
 * the classical inclusion–exclusion over the box's corners. The u_r are symmetric, so each c_r
 * counts by its size alone.
 */
function belowPlane(coefficients: Float64Array, t: number): number {
  const sides = new Float64Array(coefficients.length);
  let n = 0;
  let halves = 0;
  for (const coefficient of coefficients) {
    const size = Math.abs(coefficient);
    if (size <= 1e-12) continue;
    sides[n] = 2 * size;
    halves += size;
    n++;
  }
  // Shift to v_r in [0, 1]: Σ c_r u_r = Σ (2|c_r|) v_r − Σ |c_r|.
  const y = t + halves;
  if (n === 0) return y >= 0 ? 1 : 0;
  let total = 0;
  for (let subset = 0; subset < 1 << n; subset++) {
    let shift = y;
    let sign = 1;
    for (let r = 0; r < n; r++)
      if (subset & (1 << r)) {
        shift -= sides[r] as number;
        sign = -sign;
      }
    if (shift > 0) total += sign * shift ** n;
  }
  let denominator = 1;
  for (let r = 0; r < n; r++) denominator *= (r + 1) * (sides[r] as number);
  return Math.min(1, Math.max(0, total / denominator));
}
