import { BoundedMap, keyed, LIMITS } from "../cache/memo.js";
import { conditionLeaves, type Predicate, predicateOf } from "../rubric/conditions.js";
import type { Outcome } from "../rubric/outcomes.js";
import type { Answers, AnswerValue } from "../rubric/schema.js";
import type { CompiledQuestion, CompiledRubrics, HardRule } from "./compile.js";
import { applies, pointsOf, ZERO } from "./points.js";
import {
  applicableAnswers,
  bestOutcome,
  type Decision,
  decideFromRules,
  effectivePoints,
  multipliersOf,
  outcomesLeftBy,
  type Scores,
  scoresOf,
} from "./score.js";

export { pointsOf };

type Change = readonly [string, AnswerValue | undefined];

/** What the what-if machinery precomputes once per compiled rubric set. */
interface Prepared {
  /** Per question, the indexes of the rules that test it. */
  rulesOf: Map<string, number[]>;
  /** The rules' conditions, compiled, in rule order. */
  predicates: Predicate[];
  /** Fired-rule lists by bitmask, shared so decisions can cache what each set leaves open. */
  firedByMask: BoundedMap<number, HardRule[]>;
}

const prepare: (compiled: CompiledRubrics) => Prepared = keyed(
  "what-if tables",
  (compiled: CompiledRubrics) => makeTables(compiled),
);

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

/**
 * Re-scoring with one or two answers changed, in constant time where it can be: the scores are a
 * sum over questions, so a change swaps one question's points for another's, and only the rules
 * that test a changed question are checked again, on an overlay of the answers rather than a
 * copy. A change to a question that moves others' points (a family member, one that decides
 * whether others apply, a precondition) re-scores everything.
 */
export class WhatIf {
  readonly base: Scores;
  private readonly own = new Map<string, Scores>();
  private readonly ready: Prepared;
  /** The answers that count: those to questions that apply. Rules are checked on these. */
  private readonly counting: Answers;
  private readonly multipliers: Scores;
  /** The fired rules as a bitmask (bit i: rule i), when there are few enough rules for one. */
  private readonly baseMask: number;
  private readonly baseFired: HardRule[];

  constructor(
    readonly compiled: CompiledRubrics,
    readonly answers: Answers,
  ) {
    this.ready = prepare(compiled);
    this.counting = applicableAnswers(compiled, answers);
    this.multipliers = multipliersOf(compiled, answers);
    this.base = scoresOf(compiled, answers);
    for (const entry of compiled.questions) {
      const id = entry.question.id;
      if (!compiled.entangled.has(id)) this.own.set(id, this.contribution(entry, answers[id]));
    }
    const { predicates } = this.ready;
    let mask = 0;
    for (let index = 0; index < Math.min(31, predicates.length); index++) {
      if (predicates[index]?.(this.counting)) mask |= 1 << index;
    }
    this.baseMask = mask;
    // A shared list where possible, so what each rule set leaves open is worked out once.
    this.baseFired =
      predicates.length > 31
        ? compiled.rules.filter((_, index) => predicates[index]?.(this.counting))
        : this.firedFor(mask);
  }

  /** What a question that moves no other question's points adds to the scores with this answer. */
  private contribution(entry: CompiledQuestion, value: AnswerValue | undefined): Scores {
    return this.pointsToScores(entry, pointsOf(this.compiled, entry, value));
  }

  private pointsToScores(entry: CompiledQuestion, points: Scores): Scores {
    if (!applies(entry, this.answers)) return ZERO;
    return effectivePoints(points, Number.POSITIVE_INFINITY, this.multipliers);
  }

  private entangles(changes: readonly Change[]): boolean {
    return changes.some(([id]) => this.compiled.entangled.has(id));
  }

  scores(changes: readonly Change[]): Scores {
    if (this.entangles(changes)) return scoresOf(this.compiled, this.overlay(changes));
    const scores = { ...this.base };
    for (const [id, value] of changes) {
      const entry = this.compiled.byId.get(id);
      if (!entry) continue;
      const before = this.own.get(id) ?? ZERO;
      const after = this.contribution(entry, value);
      scores.combine += after.combine - before.combine;
      scores.separate += after.separate - before.separate;
      scores.matrix += after.matrix - before.matrix;
    }
    return scores;
  }

  private firedWith(changes: readonly Change[]): HardRule[] {
    const { rules } = this.compiled;
    const { predicates } = this.ready;
    if (rules.length > 31 || this.entangles(changes)) {
      const counting = applicableAnswers(this.compiled, this.overlay(changes));
      return rules.filter((_, index) => predicates[index]?.(counting));
    }
    let mask = this.baseMask;
    if (changes.length === 1) {
      const [id, value] = changes[0] as Change;
      mask = this.maskWith(id, value);
    } else {
      let overlay: Answers | undefined;
      for (const [id] of changes) {
        for (const index of this.ready.rulesOf.get(id) ?? []) {
          overlay ??= applicableAnswers(this.compiled, this.overlay(changes));
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
    const entry = this.compiled.byId.get(id);
    // An answer to a question that does not apply counts for no rule.
    if (entry && !applies(entry, this.answers)) return mask;
    const { predicates } = this.ready;
    for (const index of this.ready.rulesOf.get(id) ?? []) {
      if (predicates[index]?.(this.counting, id, value)) mask |= 1 << index;
      else mask &= ~(1 << index);
    }
    return mask;
  }

  private firedFor(mask: number): HardRule[] {
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
    const after = entry ? pointsOf(this.compiled, entry, value) : ZERO;
    return this.recommendationWithPoints(id, value, after);
  }

  /**
   * The same, when the changed answer's points (before preconditions) are already known: numbers,
   * by segment.
   */
  recommendationWithPoints(id: string, value: AnswerValue | undefined, points: Scores): Outcome {
    const entry = this.compiled.byId.get(id);
    if (!entry || this.compiled.entangled.has(id))
      return this.recommendationWithChanges([[id, value]]);
    const fired =
      this.compiled.rules.length > 31
        ? this.firedWith([[id, value]])
        : this.ready.rulesOf.has(id)
          ? this.firedFor(this.maskWith(id, value))
          : this.baseFired;
    const before = this.own.get(id) ?? ZERO;
    const after = this.pointsToScores(entry, points);
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
    const scores = this.scores(changes);
    const touchesRules =
      this.entangles(changes) || changes.some(([id]) => this.ready.rulesOf.has(id));
    const { mask } = outcomesLeftBy(touchesRules ? this.firedWith(changes) : this.baseFired);
    return bestOutcome(scores.combine, scores.separate, scores.matrix, mask) ?? "combine";
  }

  /** Whether changing this one answer starts or stops any hard rule. */
  changesRules(id: string, value: AnswerValue | undefined): boolean {
    if (this.compiled.rules.length > 31 || this.compiled.gates.has(id))
      return this.firedWith([[id, value]]).join() !== this.baseFired.join();
    if (!this.ready.rulesOf.has(id)) return false;
    return this.maskWith(id, value) !== this.baseMask;
  }

  /** Whether a question counts with today's answers: its `appliesWhen` holds, or it has none. */
  applies(id: string): boolean {
    const entry = this.compiled.byId.get(id);
    return entry !== undefined && applies(entry, this.answers);
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
