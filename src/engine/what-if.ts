import { BoundedMap, keyed, LIMITS } from "../cache/memo.js";
import { conditionLeaves, type Predicate, predicateOf } from "../rubric/conditions.js";
import { OUTCOMES, type Outcome } from "../rubric/outcomes.js";
import { bandFor, effectsOf } from "../rubric/question.js";
import type { Answers, AnswerValue, Rule } from "../rubric/schema.js";
import type { CompiledQuestion, CompiledRubrics } from "./compile.js";
import {
  bestOutcome,
  type Decision,
  decideFromRules,
  NEUTRAL_SCORE,
  outcomesLeftBy,
  type Scores,
  scalesOf,
} from "./score.js";

const ZERO: Scores = Object.freeze({ combine: 0, separate: 0, matrix: 0 });

type Change = readonly [string, AnswerValue | undefined];

/** What the what-if machinery precomputes once per compiled rubric set. */
interface Prepared {
  /** Per question, the indexes of the rules that test it. */
  rulesOf: Map<string, number[]>;
  /** The rules' conditions, compiled, in rule order. */
  predicates: Predicate[];
  /** Fired-rule lists by bitmask, shared so decisions can cache what each set leaves open. */
  firedByMask: BoundedMap<number, Rule[]>;
}

const prepare: (compiled: CompiledRubrics) => Prepared = keyed(
  "what-if tables",
  (compiled: CompiledRubrics) => makeTables(compiled),
);

/** Per question of a compiled set, the points of each answer key, filled as answers are met. */
const pointTables = keyed("points per answer", (_: CompiledQuestion) => new Map<unknown, Scores>());

function makeTables(compiled: CompiledRubrics): Prepared {
  const rulesOf = new Map<string, number[]>();
  compiled.rules.forEach((rule, index) => {
    for (const { leaf } of conditionLeaves(rule.when)) {
      const list = rulesOf.get(leaf.question) ?? [];
      if (!list.includes(index)) list.push(index);
      rulesOf.set(leaf.question, list);
    }
  });
  return {
    rulesOf,
    predicates: compiled.rules.map((rule) => predicateOf(rule.when)),
    firedByMask: new BoundedMap(LIMITS.FIRED_SETS),
  };
}

/** A key that is equal for answers that score alike: the band for numbers, the value otherwise. */
function keyOf(entry: CompiledQuestion, value: AnswerValue): unknown {
  const { question } = entry;
  if (question.type === "integer" || question.type === "percent")
    return bandFor(question, value as number);
  return value;
}

/** The key of an empty selection, which scores the question's `none` entry. */
const NO_OPTION = Symbol("none");

/**
 * The score points one answer gives each outcome, worked out once per question and answer (or
 * band, or option). A several-of answer scores the sum of its options' points, so a question of
 * thousands of options, thousands of them chosen, adds up cached points instead of keeping a
 * table entry for every selection it meets.
 */
export function pointsOf(
  compiled: CompiledRubrics,
  entry: CompiledQuestion,
  value: AnswerValue | undefined,
): Scores {
  if (value === undefined) return ZERO;
  const table = pointTables(entry);
  const scale = scalesOf(compiled).get(entry.rubricId) ?? 0;
  const lookup = (key: unknown, answer: AnswerValue): Scores => {
    const cached = table.get(key);
    if (cached) return cached;
    const points: Scores = { combine: 0, separate: 0, matrix: 0 };
    for (const { effect } of effectsOf(entry.question, answer)) {
      for (const outcome of OUTCOMES) points[outcome] += (effect[outcome] ?? 0) * scale;
    }
    table.set(key, points);
    return points;
  };
  if (!Array.isArray(value)) return lookup(keyOf(entry, value), value);
  if (value.length === 0) return lookup(NO_OPTION, value);
  if (value.length === 1) return lookup(value[0], value);
  const sum: Scores = { combine: 0, separate: 0, matrix: 0 };
  for (const option of value) {
    const points = lookup(option, [option]);
    sum.combine += points.combine;
    sum.separate += points.separate;
    sum.matrix += points.matrix;
  }
  return sum;
}

/**
 * Re-scoring with one or two answers changed, in constant time: the scores are a sum over
 * questions, so a change swaps one question's points for another's, and only the rules that test
 * a changed question are checked again, on an overlay of the answers rather than a copy.
 */
export class WhatIf {
  readonly base: Scores;
  private readonly own = new Map<string, Scores>();
  private readonly ready: Prepared;
  /** The fired rules as a bitmask (bit i: rule i), when there are few enough rules for one. */
  private readonly baseMask: number;
  private readonly baseFired: Rule[];

  constructor(
    readonly compiled: CompiledRubrics,
    readonly answers: Answers,
  ) {
    this.ready = prepare(compiled);
    const base: Scores = { combine: NEUTRAL_SCORE, separate: NEUTRAL_SCORE, matrix: NEUTRAL_SCORE };
    for (const entry of compiled.questions) {
      const points = pointsOf(compiled, entry, answers[entry.question.id]);
      this.own.set(entry.question.id, points);
      base.combine += points.combine;
      base.separate += points.separate;
      base.matrix += points.matrix;
    }
    this.base = base;
    const { predicates } = this.ready;
    let mask = 0;
    for (let index = 0; index < Math.min(31, predicates.length); index++) {
      if (predicates[index]?.(answers)) mask |= 1 << index;
    }
    this.baseMask = mask;
    // A shared list where possible, so what each rule set leaves open is worked out once.
    this.baseFired =
      predicates.length > 31
        ? compiled.rules.filter((_, index) => predicates[index]?.(answers))
        : this.firedFor(mask);
  }

  scores(changes: readonly Change[]): Scores {
    const scores = { ...this.base };
    for (const [id, value] of changes) {
      const entry = this.compiled.byId.get(id);
      if (!entry) continue;
      const before = this.own.get(id) ?? ZERO;
      const after = pointsOf(this.compiled, entry, value);
      scores.combine += after.combine - before.combine;
      scores.separate += after.separate - before.separate;
      scores.matrix += after.matrix - before.matrix;
    }
    return scores;
  }

  private firedWith(changes: readonly Change[]): Rule[] {
    const { rules } = this.compiled;
    const { predicates } = this.ready;
    if (rules.length > 31) {
      const overlay = this.overlay(changes);
      return rules.filter((_, index) => predicates[index]?.(overlay));
    }
    let mask = this.baseMask;
    if (changes.length === 1) {
      const [id, value] = changes[0] as Change;
      mask = this.maskWith(id, value);
    } else {
      let overlay: Answers | undefined;
      for (const [id] of changes) {
        for (const index of this.ready.rulesOf.get(id) ?? []) {
          overlay ??= this.overlay(changes);
          if (predicates[index]?.(overlay)) mask |= 1 << index;
          else mask &= ~(1 << index);
        }
      }
    }
    return this.firedFor(mask);
  }

  /** The fired-rule bitmask with one answer changed (for at most 31 rules). */
  private maskWith(id: string, value: AnswerValue | undefined): number {
    let mask = this.baseMask;
    const { predicates } = this.ready;
    for (const index of this.ready.rulesOf.get(id) ?? []) {
      if (predicates[index]?.(this.answers, id, value)) mask |= 1 << index;
      else mask &= ~(1 << index);
    }
    return mask;
  }

  private firedFor(mask: number): Rule[] {
    let fired = this.ready.firedByMask.get(mask);
    if (!fired) {
      fired = this.compiled.rules.filter((_, index) => (mask & (1 << index)) !== 0);
      this.ready.firedByMask.set(mask, fired);
    }
    return fired;
  }

  /**
   * Only the recommendation with one answer changed: the question most what-ifs ask. It is three
   * sums, the rules that test this question, and a comparison, with nothing allocated.
   */
  recommendationWith(id: string, value: AnswerValue | undefined): Outcome {
    const entry = this.compiled.byId.get(id);
    const after = entry ? pointsOf(this.compiled, entry, value) : (this.own.get(id) ?? ZERO);
    return this.recommendationWithPoints(id, value, after);
  }

  /** The same, when the changed answer's points are already known (numbers, by segment). */
  recommendationWithPoints(id: string, value: AnswerValue | undefined, after: Scores): Outcome {
    const fired =
      this.compiled.rules.length > 31
        ? this.firedWith([[id, value]])
        : this.ready.rulesOf.has(id)
          ? this.firedFor(this.maskWith(id, value))
          : this.baseFired;
    const before = this.own.get(id) ?? ZERO;
    const { mask } = outcomesLeftBy(fired);
    // The same arithmetic as scores(), so ties break the same way.
    return (
      bestOutcome(
        this.base.combine + (after.combine - before.combine),
        this.base.separate + (after.separate - before.separate),
        this.base.matrix + (after.matrix - before.matrix),
        mask,
      ) ?? "combine"
    );
  }

  /** The recommendation with several answers changed; allocates only to check rules on them. */
  recommendationWithChanges(changes: readonly Change[]): Outcome {
    let combine = this.base.combine;
    let separate = this.base.separate;
    let matrix = this.base.matrix;
    for (const [id, value] of changes) {
      const entry = this.compiled.byId.get(id);
      if (!entry) continue;
      const before = this.own.get(id) ?? ZERO;
      const after = pointsOf(this.compiled, entry, value);
      combine += after.combine - before.combine;
      separate += after.separate - before.separate;
      matrix += after.matrix - before.matrix;
    }
    const touchesRules = changes.some(([id]) => this.ready.rulesOf.has(id));
    const { mask } = outcomesLeftBy(touchesRules ? this.firedWith(changes) : this.baseFired);
    return bestOutcome(combine, separate, matrix, mask) ?? "combine";
  }

  /** Whether changing this one answer starts or stops any hard rule. */
  changesRules(id: string, value: AnswerValue | undefined): boolean {
    if (!this.ready.rulesOf.has(id)) return false;
    if (this.compiled.rules.length > 31) return true;
    return this.maskWith(id, value) !== this.baseMask;
  }

  /** Scores and the decision with these answers changed (undefined: unanswered). */
  evaluate(changes: readonly Change[]): { scores: Scores; decision: Decision } {
    const scores = this.scores(changes);
    return { scores, decision: decideFromRules(this.firedWith(changes), scores) };
  }

  /** The answers with changes applied, for condition checks only (an overlay, not a copy). */
  overlay(changes: readonly Change[]): Answers {
    const overlay: Record<string, AnswerValue | undefined> = Object.create(this.answers);
    for (const [id, value] of changes) overlay[id] = value;
    return overlay as Answers;
  }
}
