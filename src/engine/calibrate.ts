import { OUTCOMES, type Outcome } from "../rubric/outcomes.js";
import type { Answers, Rubric } from "../rubric/schema.js";
import { type CompiledRubrics, compileRubrics } from "./compile.js";
import { recommendationFor } from "./evaluate.js";
import { decide, pointScale, scoreAnswers } from "./score.js";

/** A case the firm has judged: answers and the verdicts it accepts. */
export interface CalibrationCase {
  name: string;
  source: string;
  answers: Answers;
  /** The verdicts the firm accepts; `undecided` means no recommendation yet. */
  expect: ReadonlyArray<Outcome | "undecided">;
}

/** A linear program in CPLEX LP format, and how to read its solution. */
export type Solver = (lp: string) => { status: string; values: ReadonlyMap<string, number> };

/** The method's settings, in the README's words. */
export const CALIBRATION = {
  /** The lead, in score points, the fit asks the expected verdict to have over each rival. */
  margin: 1,
  /** How far a weight may move: between a quarter and four times its current share. */
  widen: 4,
  /** What staying near the current weights is worth against a case's shortfall (a tie-break). */
  stay: 0.01,
} as const;

/**
 * Each case's scores as a linear function of the rubrics' weight shares: score(o) = 50 +
 * Σ_r share_r × perShare[r][o]. Exact, as a rubric's points scale with its share of all weights
 * (preconditions and family caps do not depend on weights).
 */
function linearScores(compiled: CompiledRubrics, answers: Answers) {
  const { rubricPoints } = scoreAnswers(compiled, answers);
  const perShare = new Map<string, Record<Outcome, number>>();
  for (const rubric of compiled.rubrics) {
    const share = rubric.weight / compiled.totalWeight;
    const raw = rubricPoints.get(rubric.id);
    const scale = pointScale(compiled, rubric);
    const row = { combine: 0, separate: 0, matrix: 0 };
    if (raw && share > 0)
      for (const outcome of OUTCOMES) row[outcome] = (raw[outcome] * scale) / share;
    perShare.set(rubric.id, row);
  }
  return perShare;
}

export interface Fit {
  status: string;
  /** Fitted weights, by rubric id, on the same total as before. */
  weights: Map<string, number>;
}

/**
 * Fits the rubric weights to the cases (UTADIS-style): for each case whose expected verdict the
 * hard rules leave open, the expected verdict should lead every rival the rules leave open by
 * the margin; the shortfalls are minimised, with a small pull towards the current weights.
 * Hard rules are never changed, so cases they decide are neither helped nor hurt.
 */
export function fitWeights(
  compiled: CompiledRubrics,
  cases: readonly CalibrationCase[],
  solve: Solver,
): Fit {
  const rubrics = compiled.rubrics.filter((rubric) => rubric.maxPoints > 0);
  const variable = (i: number) => `s${i}`;
  const shares = rubrics.map((rubric) => rubric.weight / compiled.totalWeight);
  const rows: string[] = [];
  const slacks: string[] = [];
  cases.forEach((entry, c) => {
    const { scores } = scoreAnswers(compiled, entry.answers);
    const decision = decide(compiled, entry.answers, scores);
    const open = decision.conflict ? [] : decision.allowed;
    const wanted = entry.expect.filter((e): e is Outcome => e !== "undecided" && open.includes(e));
    if (wanted.length === 0 || open.length < 2) return;
    // Of several accepted verdicts, the one that scores best now is the one to fit.
    const target = wanted.reduce((best, e) => (scores[e] > scores[best] ? e : best));
    const perShare = linearScores(compiled, entry.answers);
    const slack = `e${c}`;
    slacks.push(slack);
    for (const rival of open) {
      if (rival === target || wanted.includes(rival)) continue;
      const terms = rubrics
        .map((rubric, i) => {
          const row = perShare.get(rubric.id);
          const coefficient = row ? row[target] - row[rival] : 0;
          return coefficient === 0
            ? ""
            : ` ${coefficient >= 0 ? "+" : "-"} ${Math.abs(coefficient)} ${variable(i)}`;
        })
        .join("");
      rows.push(` c${c}_${rival}:${terms || " 0 s0"} + ${slack} >= ${CALIBRATION.margin}`);
    }
  });
  const stays = rubrics.map((_, i) => `d${i}`);
  const lp = [
    "Minimize",
    ` obj: ${[...slacks.map((s) => `1 ${s}`), ...stays.map((d) => `${CALIBRATION.stay} ${d}`)].join(" + ") || "0 s0"}`,
    "Subject To",
    ` total: ${rubrics.map((_, i) => variable(i)).join(" + ")} = 1`,
    ...rows,
    ...rubrics.flatMap((_, i) => [
      ` up${i}: ${stays[i]} - ${variable(i)} >= ${-(shares[i] as number)}`,
      ` down${i}: ${stays[i]} + ${variable(i)} >= ${shares[i] as number}`,
    ]),
    "Bounds",
    ...rubrics.map(
      (_, i) =>
        ` ${(shares[i] as number) / CALIBRATION.widen} <= ${variable(i)} <= ${Math.min(1, (shares[i] as number) * CALIBRATION.widen)}`,
    ),
    "End",
  ].join("\n");
  const solution = solve(lp);
  const weights = new Map(compiled.rubrics.map((rubric) => [rubric.id, rubric.weight]));
  if (solution.status !== "Optimal") return { status: solution.status, weights };
  rubrics.forEach((rubric, i) => {
    const share = solution.values.get(variable(i)) ?? (shares[i] as number);
    weights.set(rubric.id, share * compiled.totalWeight);
  });
  return { status: solution.status, weights };
}

/** The rubrics with new weights, compiled. */
export function withWeights(rubrics: readonly Rubric[], weights: ReadonlyMap<string, number>) {
  return compileRubrics(
    rubrics.map((rubric) => ({ ...rubric, weight: weights.get(rubric.id) ?? rubric.weight })),
  );
}

/** What the rubrics recommend for a case, as a verdict: an outcome or `undecided`. */
export const verdictOf = (compiled: CompiledRubrics, entry: CalibrationCase) =>
  recommendationFor(compiled, entry.answers) ?? "undecided";

/** The share of cases whose verdict is one the firm accepts. */
export function agreement(compiled: CompiledRubrics, cases: readonly CalibrationCase[]): number {
  if (cases.length === 0) return 0;
  return (
    cases.filter((entry) => entry.expect.includes(verdictOf(compiled, entry))).length / cases.length
  );
}

/**
 * The honest figure: each case predicted by a fit made without it. With n cases, n fits.
 */
export function leaveOneOut(
  rubrics: readonly Rubric[],
  cases: readonly CalibrationCase[],
  solve: Solver,
): number {
  const compiled = compileRubrics(rubrics);
  let right = 0;
  cases.forEach((entry, i) => {
    const others = cases.filter((_, j) => j !== i);
    const fit = fitWeights(compiled, others, solve);
    if (entry.expect.includes(verdictOf(withWeights(rubrics, fit.weights), entry))) right++;
  });
  return cases.length === 0 ? 0 : right / cases.length;
}
