import { conditionLeaves, predicateOf, questionsTestedBy } from "../rubric/conditions.js";
import { OUTCOMES, type Outcome } from "../rubric/outcomes.js";
import { allowedValues, answerLabel, numericDomain, optionOrder } from "../rubric/question.js";
import type { AnswerValue, NumericQuestion, Question, Rule } from "../rubric/schema.js";
import type { CompiledRubrics } from "./compile.js";
import type { Decision, Scores } from "./score.js";
import { pointsOf, type WhatIf } from "./what-if.js";

/** Where a numeric change lands: every value in it gives the same result. `next` is exclusive. */
export interface ValueRange {
  min: number;
  /** The first value beyond the range, or null when it runs to the question's maximum. */
  next: number | null;
}

export interface AnswerChange {
  questionId: string;
  /** The current answer, or null when the question is unanswered. */
  from: AnswerValue | null;
  to: AnswerValue;
  /** What the recommendation becomes with this one change. */
  recommendation: Outcome;
  /** The new recommendation's lead over its runner-up, in score points (negative: a rule decided). */
  margin: number;
  /** For numbers: every value in this range gives the same new recommendation. */
  range?: ValueRange;
  statement: string;
}

export interface ChangePair {
  changes: Array<{ questionId: string; from: AnswerValue | null; to: AnswerValue }>;
  recommendation: Outcome;
  margin: number;
  statement: string;
}

/** A hard rule one answer away from firing: a trigger to watch before the next review. */
export interface RuleWatch {
  ruleId: string;
  effect: "forbid" | "require";
  outcome: Outcome;
  questionId: string;
  from: AnswerValue | null;
  to: AnswerValue;
  /** The recommendation once the rule fires (it may stay the same). */
  recommendation: Outcome;
  statement: string;
}

interface Candidate {
  to: AnswerValue;
  /** How far the change reaches: option steps, or ranges crossed. */
  distance: number;
  /** -1 below the current answer, +1 above; 0 where order means nothing. */
  direction: number;
  range?: ValueRange;
}

type Outcomes = { scores: Scores; decision: Decision };

const marginOf = ({ scores, decision }: Outcomes) =>
  scores[decision.recommendation] - scores[decision.runnerUp];

/** A numeric range whose values all score alike, with the points they give. */
interface Segment extends ValueRange {
  points: Scores;
}

const segmentCache = new WeakMap<CompiledRubrics, Map<string, Segment[]>>();

/**
 * The places where a number can change the result: band starts, and the thresholds rules test it
 * against. Between two of them every value scores and decides alike, so one value stands for all.
 */
function numericSegments(question: NumericQuestion, compiled: CompiledRubrics): Segment[] {
  let cache = segmentCache.get(compiled);
  if (!cache) {
    cache = new Map();
    segmentCache.set(compiled, cache);
  }
  const cached = cache.get(question.id);
  if (cached) return cached;
  const entry = compiled.byId.get(question.id);
  const segments = computeSegments(question, compiled).map((range) => ({
    ...range,
    points: entry ? pointsOf(compiled, entry, range.min) : ZERO_POINTS,
  }));
  cache.set(question.id, segments);
  return segments;
}

const ZERO_POINTS: Scores = Object.freeze({ combine: 0, separate: 0, matrix: 0 });

function computeSegments(question: NumericQuestion, compiled: CompiledRubrics): ValueRange[] {
  const { min, max } = numericDomain(question);
  const starts = new Set<number>(question.bands.map((band) => band.from));
  for (const rule of compiled.rules) {
    for (const { leaf } of conditionLeaves(rule.when)) {
      if (leaf.question !== question.id) continue;
      if (leaf.atLeast !== undefined) starts.add(leaf.atLeast);
      // `atMost t` changes between t and the next value; answers are compared as whole numbers.
      if (leaf.atMost !== undefined) starts.add(Math.floor(leaf.atMost) + 1);
    }
  }
  const sorted = [...starts].filter((value) => value > min && value <= max).sort((a, b) => a - b);
  const firsts = [min, ...sorted];
  return firsts.map((first, index) => ({ min: first, next: firsts[index + 1] ?? null }));
}

/** The value of a range nearest to `from`: its start going up, its last whole value going down. */
function nearestIn(range: ValueRange, from: number | undefined): number {
  if (from === undefined || range.min > from || range.next === null) return range.min;
  return Math.max(range.min, range.next - 1);
}

/** Adjacent ranges with the same recommendation merged: where the result actually changes. */
function numericCandidates(w: WhatIf, question: NumericQuestion): Candidate[] {
  const { compiled, answers } = w;
  const from = answers[question.id];
  const current = typeof from === "number" ? from : undefined;
  const merged: Array<ValueRange & { recommendation: Outcome }> = [];
  for (const segment of numericSegments(question, compiled)) {
    const recommendation = w.recommendationWithPoints(question.id, segment.min, segment.points);
    const last = merged[merged.length - 1];
    if (last && last.recommendation === recommendation) last.next = segment.next;
    else merged.push({ min: segment.min, next: segment.next, recommendation });
  }
  return rangeCandidates(merged, current);
}

/** Each range but the one holding today's answer, as the value of it nearest that answer. */
function rangeCandidates(ranges: readonly ValueRange[], current: number | undefined): Candidate[] {
  const at =
    current === undefined
      ? -1
      : ranges.findIndex((r) => current >= r.min && (r.next === null || current < r.next));
  return ranges
    .map((range, index) => ({
      to: nearestIn(range, current),
      distance: at < 0 ? 1 : Math.abs(index - at),
      direction: at < 0 ? 0 : Math.sign(index - at),
      range: { min: range.min, next: range.next },
    }))
    .filter((_, index) => index !== at);
}

/** A copy of a sorted list with one more item in its place, found by binary search. */
function insertInOrder<T>(sorted: readonly T[], item: T, order: (a: T, b: T) => number): T[] {
  let low = 0;
  let high = sorted.length;
  while (low < high) {
    const middle = (low + high) >> 1;
    if (order(sorted[middle] as T, item) < 0) low = middle + 1;
    else high = middle;
  }
  return [...sorted.slice(0, low), item, ...sorted.slice(low)];
}

/** Every other answer a question could take, one step at a time for lists and selections. */
function candidatesFor(w: WhatIf, question: Question): Candidate[] {
  const { answers } = w;
  const current = answers[question.id];
  switch (question.type) {
    case "integer":
    case "percent":
      return numericCandidates(w, question);
    case "multi": {
      const options = allowedValues(question).map(String);
      if (!Array.isArray(current)) {
        return [[], ...options.map((option) => [option])].map((to) => ({
          to,
          distance: 1,
          direction: 0,
        }));
      }
      // One option added or removed is one change; the list stays in the rubric's order.
      const chosen = new Set(current);
      const inRubricOrder = optionOrder(question);
      const sorted = [...current].sort(inRubricOrder);
      return options.map((option) => ({
        to: chosen.has(option)
          ? current.filter((o) => o !== option)
          : insertInOrder(sorted, option, inRubricOrder),
        distance: 1,
        direction: 0,
      }));
    }
    default: {
      const values = allowedValues(question);
      const at = current === undefined ? -1 : values.indexOf(current as string | number | boolean);
      return values
        .map((to, index) => ({
          to,
          distance: at < 0 ? 1 : Math.abs(index - at),
          direction: at < 0 ? 0 : Math.sign(index - at),
        }))
        .filter((candidate) => candidate.to !== current);
    }
  }
}

// ——— Statements: plain sentences, exact because each comes from a re-scored change. ———

function describeRange(question: NumericQuestion, range: ValueRange): string {
  const { min, max } = numericDomain(question);
  if (question.type === "percent") {
    // Shares are continuous: a range ends just under the next one's start.
    if (range.next === null) return `${range.min}% or more`;
    return range.min === min ? `under ${range.next}%` : `${range.min}% to under ${range.next}%`;
  }
  const last = range.next === null ? max : range.next - 1;
  if (range.next === null || last >= max) return `${range.min} or more`;
  if (range.min === min) return `${last} or less`;
  return range.min === last ? `${range.min}` : `${range.min} to ${last}`;
}

/**
 * A change in the rubric's words: "Major incidents (12 months) at 6 or more (now 3)", "Decision
 * rights at Contested (now Documented)", "Joint forums also with Blended scorecard".
 */
function describeChange(
  question: Question,
  from: AnswerValue | undefined,
  to: AnswerValue,
  range?: ValueRange,
): string {
  const name = question.label ?? question.id;
  const now = from === undefined ? "unanswered now" : `now ${answerLabel(question, from)}`;
  if (range && (question.type === "integer" || question.type === "percent")) {
    const described = describeRange(question, range);
    return `${name} ${described.startsWith("under") ? "" : "at "}${described} (${now})`;
  }
  if (question.type === "multi" && Array.isArray(from) && Array.isArray(to)) {
    const added = to.filter((o) => !from.includes(o));
    const removed = from.filter((o) => !to.includes(o));
    if (added.length > 0) return `${name} also with ${answerLabel(question, added)}`;
    if (removed.length > 0) return `${name} without ${answerLabel(question, removed)}`;
  }
  return `${name} at ${answerLabel(question, to)} (${now})`;
}

function becomes(recommendation: Outcome, current: Outcome): string {
  return `the recommendation would be ${recommendation} instead of ${current}`;
}

/**
 * Every single-answer change that flips the recommendation, found by re-scoring with the change
 * applied. Per question, direction and new outcome only the nearest change is kept: if 7 incidents
 * flip the result, 8 need no saying; for numbers, the range says how far the new result holds.
 */
export function findWhatWouldChange(w: WhatIf, current: Outcome): AnswerChange[] {
  const { compiled, answers } = w;
  const found: Array<AnswerChange & { distance: number; order: number }> = [];
  for (const { question, order } of compiled.questions) {
    const from = answers[question.id];
    const nearest = new Map<string, AnswerChange & { distance: number; order: number }>();
    for (const candidate of candidatesFor(w, question)) {
      // The cheap check first; the full evaluation only for the changes that do flip it.
      if (w.recommendationWith(question.id, candidate.to) === current) continue;
      const after = w.evaluate([[question.id, candidate.to]]);
      const { recommendation } = after.decision;
      if (recommendation === current) continue;
      const key = `${candidate.direction}:${recommendation}`;
      const kept = nearest.get(key);
      if (kept && kept.distance <= candidate.distance) continue;
      const change: AnswerChange & { distance: number; order: number } = {
        questionId: question.id,
        from: from ?? null,
        to: candidate.to,
        recommendation,
        margin: marginOf(after),
        statement: `With ${describeChange(question, from, candidate.to, candidate.range)}, ${becomes(recommendation, current)}.`,
        distance: candidate.distance,
        order,
      };
      if (candidate.range) change.range = candidate.range;
      nearest.set(key, change);
    }
    found.push(...nearest.values());
  }
  return found
    .sort(
      (a, b) =>
        Number(a.from === null) - Number(b.from === null) ||
        effort(a) - effort(b) ||
        a.order - b.order ||
        b.margin - a.margin,
    )
    .map(({ distance: _distance, order: _order, ...change }) => change);
}

/**
 * How big a change is, to list the most plausible first: option steps for lists, and for numbers
 * the size of the jump relative to today's value (3 → 6 incidents is nearer than 38,000 → 100 staff).
 */
function effort(change: AnswerChange & { distance: number }): number {
  if (typeof change.from === "number" && typeof change.to === "number") {
    return 1 + Math.abs(Math.log((Math.abs(change.to) + 1) / (Math.abs(change.from) + 1)));
  }
  return change.distance;
}

/** How many of the most promising single changes are paired up when no single change flips. */
const PAIR_POOL = 14;

/**
 * When no single answer flips the result: the smallest pairs of answered-question changes that
 * do. Candidates are ranked by how far each alone closes the gap, then pairs re-scored exactly.
 */
export function findChangePairs(w: WhatIf, current: Outcome, limit = 3): ChangePair[] {
  const { compiled, answers } = w;
  const base = w.base;
  const pool: Array<{
    question: Question;
    candidate: Candidate;
    gain: number;
    movesRules: boolean;
  }> = [];
  for (const { question } of compiled.questions) {
    if (answers[question.id] === undefined) continue;
    for (const candidate of segmentCandidates(w, question)) {
      const scores = w.scores([[question.id, candidate.to]]);
      // How much closer the best rival gets to the current recommendation.
      let gain = Number.NEGATIVE_INFINITY;
      for (const o of OUTCOMES) {
        if (o !== current)
          gain = Math.max(gain, scores[o] - scores[current] - (base[o] - base[current]));
      }
      const movesRules = w.changesRules(question.id, candidate.to);
      pool.push({ question, candidate, gain, movesRules });
    }
  }
  pool.sort((a, b) => b.gain - a.gain);
  // Score gains cannot see a rule that stops or starts firing, so those changes always take part.
  const best = [
    ...pool.slice(0, PAIR_POOL),
    ...pool.slice(PAIR_POOL).filter((entry) => entry.movesRules),
  ];
  const pairs: Array<ChangePair & { distance: number }> = [];
  for (let i = 0; i < best.length; i++) {
    for (let j = i + 1; j < best.length; j++) {
      const a = best[i];
      const b = best[j];
      if (!a || !b || a.question.id === b.question.id) continue;
      const changes = [
        [a.question.id, a.candidate.to],
        [b.question.id, b.candidate.to],
      ] as const;
      // The cheap check first; the full evaluation only for the pairs that do flip it.
      if (w.recommendationWithChanges(changes) === current) continue;
      const { scores, decision } = w.evaluate(changes);
      const parts = [a, b].map(({ question, candidate }) =>
        describeChange(question, answers[question.id], candidate.to, candidate.range),
      );
      pairs.push({
        changes: [a, b].map(({ question, candidate }) => ({
          questionId: question.id,
          from: answers[question.id] ?? null,
          to: candidate.to,
        })),
        recommendation: decision.recommendation,
        margin: scores[decision.recommendation] - scores[decision.runnerUp],
        statement: `With ${parts.join(" and ")}, ${becomes(decision.recommendation, current)}.`,
        distance: a.candidate.distance + b.candidate.distance,
      });
    }
  }
  return pairs
    .sort((x, y) => x.distance - y.distance || y.margin - x.margin)
    .slice(0, limit)
    .map(({ distance: _distance, ...pair }) => pair);
}

/** For each hard rule not firing now, the nearest single answer change that would make it fire. */
export function findRulesToWatch(w: WhatIf, current: Outcome): RuleWatch[] {
  const { compiled, answers } = w;
  const watches: RuleWatch[] = [];
  for (const rule of compiled.rules) {
    const holds = predicateOf(rule.when);
    if (holds(answers)) continue;
    const questionIds = questionsTestedBy(rule.when);
    let nearest: (RuleWatch & { distance: number }) | undefined;
    for (const id of questionIds) {
      const question = compiled.byId.get(id)?.question;
      if (!question) continue;
      for (const candidate of segmentCandidates(w, question)) {
        if (nearest && nearest.distance <= candidate.distance) continue;
        if (!holds(answers, id, candidate.to)) continue;
        const { recommendation } = w.evaluate([[id, candidate.to]]).decision;
        nearest = {
          ruleId: rule.id,
          effect: rule.effect,
          outcome: rule.outcome,
          questionId: id,
          from: answers[id] ?? null,
          to: candidate.to,
          recommendation,
          statement: watchStatement(
            rule,
            question,
            answers[id],
            candidate,
            recommendation,
            current,
          ),
          distance: candidate.distance + (answers[id] === undefined ? 0.5 : 0),
        };
      }
    }
    if (nearest) {
      const { distance: _distance, ...watch } = nearest;
      watches.push(watch);
    }
  }
  return watches;
}

/**
 * Like candidatesFor, but numbers try every segment, not only where the recommendation changes:
 * rules and pairs of changes can turn inside a range of equal results.
 */
function segmentCandidates(w: WhatIf, question: Question): Candidate[] {
  const { compiled, answers } = w;
  if (question.type !== "integer" && question.type !== "percent") return candidatesFor(w, question);
  const from = answers[question.id];
  const current = typeof from === "number" ? from : undefined;
  return rangeCandidates(numericSegments(question, compiled), current);
}

function watchStatement(
  rule: Rule,
  question: Question,
  from: AnswerValue | undefined,
  candidate: Candidate,
  recommendation: Outcome,
  current: Outcome,
): string {
  const change = describeChange(question, from, candidate.to, candidate.range);
  const effect = `rule ${rule.id} would ${rule.effect} ${rule.outcome}`;
  const result =
    recommendation === current
      ? `the recommendation would stay ${current}`
      : becomes(recommendation, current);
  return `With ${change}, ${effect}, and ${result}.`;
}
