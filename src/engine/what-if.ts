import { conditionLeaves } from "../rubric/conditions.js";
import { OUTCOMES } from "../rubric/outcomes.js";
import { effectsOf } from "../rubric/question.js";
import type { Answers, AnswerValue, Rule } from "../rubric/schema.js";
import type { CompiledQuestion, CompiledRubrics } from "./compile.js";
import { conditionHolds } from "./condition.js";
import { type Decision, decideFromRules, NEUTRAL_SCORE, type Scores } from "./score.js";

const ZERO: Scores = Object.freeze({ combine: 0, separate: 0, matrix: 0 });

/** Points per question and answer, computed once per compiled rubric set and reused. */
const memo = new WeakMap<CompiledRubrics, WeakMap<CompiledQuestion, Map<string, Scores>>>();

function keyOf(value: AnswerValue): string {
  return Array.isArray(value) ? `[${value.join("\u0000")}` : `${typeof value}:${String(value)}`;
}

/** The score points one answer gives each outcome (the sum over a multi answer's options). */
export function pointsOf(
  compiled: CompiledRubrics,
  entry: CompiledQuestion,
  value: AnswerValue | undefined,
): Scores {
  if (value === undefined) return ZERO;
  let tables = memo.get(compiled);
  if (!tables) {
    tables = new WeakMap();
    memo.set(compiled, tables);
  }
  let table = tables.get(entry);
  if (!table) {
    table = new Map();
    tables.set(entry, table);
  }
  const key = keyOf(value);
  const cached = table.get(key);
  if (cached) return cached;
  const rubric = compiled.rubrics.find((r) => r.id === entry.rubricId);
  const scale =
    rubric && rubric.maxPoints > 0
      ? (NEUTRAL_SCORE * rubric.weight) / (compiled.totalWeight * rubric.maxPoints)
      : 0;
  const points: Scores = { combine: 0, separate: 0, matrix: 0 };
  for (const { effect } of effectsOf(entry.question, value)) {
    for (const outcome of OUTCOMES) points[outcome] += (effect[outcome] ?? 0) * scale;
  }
  table.set(key, points);
  return points;
}

const testedByRules = new WeakMap<CompiledRubrics, ReadonlySet<string>>();

/** The questions any hard rule tests. */
function ruleQuestions(compiled: CompiledRubrics): ReadonlySet<string> {
  let ids = testedByRules.get(compiled);
  if (!ids) {
    ids = new Set(
      compiled.rules.flatMap((rule) =>
        [...conditionLeaves(rule.when)].map(({ leaf }) => leaf.question),
      ),
    );
    testedByRules.set(compiled, ids);
  }
  return ids;
}

/**
 * Re-scoring with one or two answers changed, in constant time: the scores are a sum over
 * questions, so a change swaps one question's points for another's. Hard rules are re-checked
 * on an overlay of the answers, never a copy.
 */
export class WhatIf {
  readonly base: Scores;
  private readonly own = new Map<string, Scores>();
  private readonly baseFired: Rule[];

  constructor(
    readonly compiled: CompiledRubrics,
    readonly answers: Answers,
  ) {
    const base: Scores = { combine: NEUTRAL_SCORE, separate: NEUTRAL_SCORE, matrix: NEUTRAL_SCORE };
    for (const entry of compiled.questions) {
      const points = pointsOf(compiled, entry, answers[entry.question.id]);
      this.own.set(entry.question.id, points);
      for (const outcome of OUTCOMES) base[outcome] += points[outcome];
    }
    this.base = base;
    this.baseFired = compiled.rules.filter((rule) => conditionHolds(rule.when, answers));
  }

  scores(changes: ReadonlyArray<readonly [string, AnswerValue | undefined]>): Scores {
    const scores = { ...this.base };
    for (const [id, value] of changes) {
      const entry = this.compiled.byId.get(id);
      if (!entry) continue;
      const before = this.own.get(id) ?? ZERO;
      const after = pointsOf(this.compiled, entry, value);
      for (const outcome of OUTCOMES) scores[outcome] += after[outcome] - before[outcome];
    }
    return scores;
  }

  /** Scores and the decision with these answers changed (undefined: unanswered). */
  evaluate(changes: ReadonlyArray<readonly [string, AnswerValue | undefined]>): {
    scores: Scores;
    decision: Decision;
  } {
    const scores = this.scores(changes);
    // Which rules fire can only change when a changed question is one a rule tests.
    const touchesRules = changes.some(([id]) => ruleQuestions(this.compiled).has(id));
    const fired = touchesRules
      ? this.compiled.rules.filter((rule) => conditionHolds(rule.when, this.overlay(changes)))
      : this.baseFired;
    return { scores, decision: decideFromRules(fired, scores) };
  }

  /** The answers with changes applied, for condition checks only (an overlay, not a copy). */
  overlay(changes: ReadonlyArray<readonly [string, AnswerValue | undefined]>): Answers {
    const overlay: Record<string, AnswerValue | undefined> = Object.create(this.answers);
    for (const [id, value] of changes) overlay[id] = value;
    return overlay as Answers;
  }
}
