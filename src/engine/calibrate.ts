import { OUTCOMES, type Outcome } from "../rubric/outcomes.js";
import { effectsOf, scoredEntries } from "../rubric/question.js";
import { type Answers, LIMITS, type Rubric } from "../rubric/schema.js";
import type { Path } from "../rubric/yaml.js";
import { type CompiledRubrics, compileRubrics } from "./compile.js";
import { recommendationFor } from "./evaluate.js";
import {
  applicableAnswers,
  type CountedAnswer,
  decide,
  groupPoints,
  multipliersOf,
  pointScale,
  scalesOf,
  scoreAnswers,
} from "./score.js";

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

/**
 * What a fit asks of a case: the verdicts the rules leave open, those the firm accepts among
 * them, and the one to fit (of several accepted, the one that scores best now). Undefined when
 * the rules decide the case, or leave no accepted verdict open: weights cannot move it.
 */
function fitGoal(compiled: CompiledRubrics, entry: CalibrationCase) {
  const { scores } = scoreAnswers(compiled, entry.answers);
  const decision = decide(compiled, entry.answers, scores);
  const open = decision.conflict ? [] : decision.allowed;
  const wanted = entry.expect.filter((e): e is Outcome => e !== "undecided" && open.includes(e));
  if (wanted.length === 0 || open.length < 2) return undefined;
  const target = wanted.reduce((best, e) => (scores[e] > scores[best] ? e : best));
  return { scores, open, wanted, target };
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
    const goal = fitGoal(compiled, entry);
    if (!goal) return;
    const { open, wanted, target } = goal;
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
  options: { effects: boolean },
): number {
  let right = 0;
  cases.forEach((entry, i) => {
    const fitted = fitRubrics(
      rubrics,
      cases.filter((_, j) => j !== i),
      solve,
      options,
    );
    if (entry.expect.includes(verdictOf(compileRubrics(fitted.rubrics), entry))) right++;
  });
  return cases.length === 0 ? 0 : right / cases.length;
}

/** The whole fit: the weights, then (with `effects`) the answer effects the rubrics allow. */
export function fitRubrics(
  rubrics: readonly Rubric[],
  cases: readonly CalibrationCase[],
  solve: Solver,
  options: { effects: boolean },
): { status: string; weights: Map<string, number>; effects: EffectChange[]; rubrics: Rubric[] } {
  const fit = fitWeights(compileRubrics(rubrics), cases, solve);
  const weighted = rubrics.map((rubric) => ({
    ...rubric,
    weight: fit.weights.get(rubric.id) ?? rubric.weight,
  }));
  if (fit.status !== "Optimal" || !options.effects)
    return { ...fit, effects: [], rubrics: weighted };
  const effects = fitEffects(weighted, cases, solve);
  return {
    status: effects.status,
    weights: fit.weights,
    effects: effects.changes,
    rubrics: effects.rubrics,
  };
}

/** One effect the fit may move: where it is, and by how much it may move. */
export interface EffectVariable {
  rubricId: string;
  questionId: string;
  /** The entry's path inside its question (`answers.2`, `bands.0`, `options.1`, `none`). */
  path: Path;
  outcome: Outcome;
  current: number;
  lower: number;
  upper: number;
}

/** A moved effect: the fit's result for one entry and outcome. */
export interface EffectChange {
  rubricId: string;
  questionId: string;
  path: Path;
  outcome: Outcome;
  from: number;
  to: number;
}

/** The effects the rubrics let the fit move, each within its rubric's `fit.effects`. */
function effectVariables(rubrics: readonly Rubric[]) {
  const variables: EffectVariable[] = [];
  const byEffect = new Map<object, number[]>();
  for (const rubric of rubrics) {
    const within = rubric.fit?.effects ?? 0;
    if (within <= 0) continue;
    for (const question of rubric.questions)
      for (const { path, entry } of scoredEntries(question)) {
        const ids: number[] = [];
        for (const outcome of OUTCOMES) {
          const current = entry.effect[outcome] ?? 0;
          ids.push(variables.length);
          variables.push({
            rubricId: rubric.id,
            questionId: question.id,
            path,
            outcome,
            current,
            lower: Math.max(-LIMITS.effect - current, -within),
            upper: Math.min(LIMITS.effect - current, within),
          });
        }
        byEffect.set(entry.effect, ids);
      }
  }
  return { variables, byEffect };
}

/**
 * Fits answer effects, with the weights as they are (fit those first): each case's scores,
 * linearised around the current effects — a family at its cap does not move, a group's points
 * in favour move with its outcome's precondition multiplier — should put the expected verdict
 * ahead of every rival the rules leave open by the margin. The shortfall is minimised with a
 * pull towards the effects as written; only rubrics that state `fit.effects` move.
 */
export function fitEffects(
  rubrics: readonly Rubric[],
  cases: readonly CalibrationCase[],
  solve: Solver,
): { status: string; changes: EffectChange[]; rubrics: Rubric[] } {
  const compiled = compileRubrics(rubrics);
  const { variables, byEffect } = effectVariables(
    compiled.rubrics.map(({ id }) => rubrics.find((rubric) => rubric.id === id) as Rubric),
  );
  if (variables.length === 0) return { status: "Optimal", changes: [], rubrics: [...rubrics] };
  const scales = scalesOf(compiled);
  const rows: string[] = [];
  const slacks: string[] = [];
  cases.forEach((entry, c) => {
    const goal = fitGoal(compiled, entry);
    if (!goal) return;
    const { scores, open, wanted, target } = goal;
    const counting = applicableAnswers(compiled, entry.answers);
    const multipliers = multipliersOf(compiled, counting);
    // Per variable, how much one point of it moves each outcome's score for this case.
    const slope = new Map<number, number>();
    for (const group of compiled.groups) {
      const counted: CountedAnswer[] = [];
      const capped = groupPoints(compiled, group, counting, counted);
      if (counted.length === 0) continue;
      const scale = scales.get(group.rubricId) ?? 0;
      const raw = { combine: 0, separate: 0, matrix: 0 };
      for (const { points } of counted)
        for (const outcome of OUTCOMES) raw[outcome] += points[outcome];
      for (const { entry, value } of counted)
        for (const effect of effectsOf(entry.question, value)) {
          const ids = byEffect.get(effect.effect);
          if (!ids) continue;
          OUTCOMES.forEach((outcome, k) => {
            const atCap = group.family !== undefined && capped[outcome] !== raw[outcome];
            const factor = atCap
              ? 0
              : capped[outcome] > 0
                ? multipliers[outcome]
                : capped[outcome] < 0
                  ? 1
                  : (1 + multipliers[outcome]) / 2;
            const id = ids[k] as number;
            slope.set(id, (slope.get(id) ?? 0) + scale * factor);
          });
        }
    }
    const slack = `e${c}`;
    slacks.push(slack);
    for (const rival of open) {
      if (rival === target || wanted.includes(rival)) continue;
      const terms: string[] = [];
      for (const [id, rate] of slope) {
        const variable = variables[id] as EffectVariable;
        const sign = variable.outcome === target ? 1 : variable.outcome === rival ? -1 : 0;
        if (sign === 0 || rate === 0) continue;
        const coefficient = sign * rate;
        terms.push(`${coefficient >= 0 ? "+" : "-"} ${Math.abs(coefficient)} x${id}`);
      }
      const lead = scores[target] - scores[rival];
      rows.push(
        ` c${c}_${rival}: ${terms.join(" ") || "0 x0"} + ${slack} >= ${CALIBRATION.margin - lead}`,
      );
    }
  });
  const lp = [
    "Minimize",
    ` obj: ${[...slacks.map((s) => `1 ${s}`), ...variables.map((_, i) => `${CALIBRATION.stay} d${i}`)].join(" + ")}`,
    "Subject To",
    ...rows,
    ...variables.flatMap((_, i) => [` p${i}: d${i} - x${i} >= 0`, ` n${i}: d${i} + x${i} >= 0`]),
    "Bounds",
    ...variables.map((v, i) => ` ${v.lower} <= x${i} <= ${v.upper}`),
    "End",
  ].join("\n");
  const solution = solve(lp);
  if (solution.status !== "Optimal")
    return { status: solution.status, changes: [], rubrics: [...rubrics] };
  const changes: EffectChange[] = [];
  variables.forEach((variable, i) => {
    // Effects are written to a tenth of a point: finer says more than the cases can.
    const moved = Math.round((solution.values.get(`x${i}`) ?? 0) * 10) / 10;
    if (moved === 0) return;
    const { rubricId, questionId, path, outcome, current } = variable;
    changes.push({
      rubricId,
      questionId,
      path,
      outcome,
      from: current,
      to: Math.round((current + moved) * 10) / 10,
    });
  });
  return { status: solution.status, changes, rubrics: applyEffectChanges(rubrics, changes) };
}

/** The rubrics with the moved effects written in (new objects; the input is not touched). */
export function applyEffectChanges(
  rubrics: readonly Rubric[],
  changes: readonly EffectChange[],
): Rubric[] {
  const copy = structuredClone(rubrics) as Rubric[];
  for (const change of changes) {
    const question = copy
      .find((r) => r.id === change.rubricId)
      ?.questions.find((q) => q.id === change.questionId);
    if (!question) continue;
    let node: unknown = question;
    for (const key of change.path) node = (node as Record<string | number, unknown>)[key];
    const effect = (node as { effect: Record<string, number> }).effect;
    if (change.to === 0) delete effect[change.outcome];
    else effect[change.outcome] = change.to;
  }
  return copy;
}
