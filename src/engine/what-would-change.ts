import { keyed } from "../cache/memo.js";
import { conditionLeaves, predicateOf, questionsTestedBy } from "../rubric/conditions.js";
import { OUTCOMES, type Outcome } from "../rubric/outcomes.js";
import {
  allowedValues,
  bandFor,
  numericDomain,
  optionOrder,
  takesOneAnswer,
} from "../rubric/question.js";
import type { AnswerValue, NumericQuestion, Question } from "../rubric/schema.js";
import type { CompiledQuestion, CompiledRubrics } from "./compile.js";
import type {
  ChangeFact,
  ChangeKind,
  PairFact,
  RangeFact as ValueRange,
  WatchFact,
} from "./facts.js";
import { missingGrounds } from "./grounds.js";
import { collect } from "./lists.js";
import { type Change, factorsOf, pointsOf, Sums, sumOf, ZERO } from "./points.js";
import { scalesOf } from "./scales.js";
import type { Decision, Scores } from "./score.js";
import type { PointRange, PreparedChange, WhatIf } from "./what-if.js";

export type { ChangeFact, PairFact, WatchFact };

/**
 * An answer a search may try instead of today's. A class, so that every list's candidates share
 * one hidden class: the searches read them hundreds of times per organisation.
 */
class Candidate {
  constructor(
    readonly to: AnswerValue,
    /** How far the change reaches: option steps, or ranges crossed. */
    readonly distance: number,
    /** For a number: the range of values that score and decide as `to` does. */
    readonly range: ValueRange | undefined = undefined,
  ) {}
}

type Outcomes = { scores: Scores; decision: Decision };

const marginOf = ({ scores, decision }: Outcomes) =>
  scores[decision.recommendation] - scores[decision.runnerUp];

/** A numeric range whose values all score alike, with the points they give. */
interface Segment extends ValueRange {
  points: Scores;
}

/**
 * The places where a number can change the result: band starts, and the thresholds rules and
 * other questions' `appliesWhen` test it against. Between two of them every value scores and
 * decides alike, so one value stands for all.
 */
function numericSegments(question: NumericQuestion, compiled: CompiledRubrics): Segment[] {
  // Per set, not per question: the thresholds come from every rubric's rules.
  const segments = segmentsBySet(compiled);
  let found = segments.get(question.id);
  if (!found) {
    const entry = compiled.byId.get(question.id);
    found = computeSegments(question, compiled).map((range) => ({
      ...range,
      points: entry ? pointsOf(compiled, entry, range.min) : ZERO,
    }));
    segments.set(question.id, found);
  }
  return found;
}

const segmentsBySet = keyed(
  "numeric segments",
  (_: CompiledRubrics) => new Map<string, Segment[]>(),
);

function computeSegments(question: NumericQuestion, compiled: CompiledRubrics): ValueRange[] {
  const { min, max } = numericDomain(question);
  const starts = new Set<number>(question.bands.map((band) => band.from));
  const conditions = [
    ...compiled.rules.map((rule) => rule.when),
    ...(compiled.gates.get(question.id) ?? []).flatMap((gated) =>
      gated.question.appliesWhen ? [gated.question.appliesWhen] : [],
    ),
  ];
  for (const condition of conditions) {
    for (const { leaf } of conditionLeaves(condition)) {
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

/**
 * Each segment's recommendation with the answer in it, adjacent segments alike merged: the
 * ranges where the result actually changes.
 */
function mergedRanges(
  w: WhatIf,
  entry: CompiledQuestion,
  question: NumericQuestion,
): Array<ValueRange & { recommendation: Outcome }> {
  const merged: Array<ValueRange & { recommendation: Outcome }> = [];
  for (const segment of numericSegments(question, w.compiled)) {
    const recommendation = w.recommendationOf(entry, segment.min, segment.points);
    const last = merged[merged.length - 1];
    if (last && last.recommendation === recommendation) last.next = segment.next;
    else merged.push({ min: segment.min, next: segment.next, recommendation });
  }
  return merged;
}

/** Where a candidate answer lies from today's: option steps or ranges, and which way. */
type Visit = (to: AnswerValue, distance: number, direction: number, index: number) => void;

/** Each range but the one holding today's answer, as the value of it nearest that answer. */
function eachRange(ranges: readonly ValueRange[], current: number | undefined, visit: Visit) {
  const at =
    current === undefined
      ? -1
      : ranges.findIndex((r) => current >= r.min && (r.next === null || current < r.next));
  for (let index = 0; index < ranges.length; index++) {
    if (index === at) continue;
    visit(
      nearestIn(ranges[index] as ValueRange, current),
      at < 0 ? 1 : Math.abs(index - at),
      at < 0 ? 0 : Math.sign(index - at),
      index,
    );
  }
}

/** eachRange's candidates as a list, for the searches that keep them. */
function rangeCandidates(ranges: readonly ValueRange[], current: number | undefined): Candidate[] {
  const candidates: Candidate[] = [];
  eachRange(ranges, current, (to, distance, _direction, index) => {
    const { min, next } = ranges[index] as ValueRange;
    candidates.push(new Candidate(to, distance, Object.freeze({ min, next })));
  });
  return candidates;
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

/**
 * Every other answer a question of options could take (not numbers: see the segments), one
 * step at a time for lists and selections.
 */
function eachOtherAnswer(w: WhatIf, entry: CompiledQuestion, visit: Visit): void {
  const { question } = entry;
  const current = w.answerAt[entry.order];
  if (question.type === "multi") {
    const options = collect(allowedValues(question), String);
    if (!Array.isArray(current)) {
      visit([], 1, 0, -1);
      for (let index = 0; index < options.length; index++)
        visit([options[index] as string], 1, 0, index);
      return;
    }
    // One option added or removed is one change; the list stays in the rubric's order.
    const chosen = new Set(current);
    const inRubricOrder = optionOrder(question);
    const sorted = [...current].sort(inRubricOrder);
    for (let index = 0; index < options.length; index++) {
      const option = options[index] as string;
      const to = chosen.has(option)
        ? collect(current, (o) => (o !== option ? o : undefined))
        : insertInOrder(sorted, option, inRubricOrder);
      visit(to, 1, 0, index);
    }
    return;
  }
  const values = allowedValues(question);
  const at = current === undefined ? -1 : values.indexOf(current as string | number | boolean);
  for (let index = 0; index < values.length; index++) {
    const to = values[index] as string | number | boolean;
    if (to === current) continue;
    visit(to, at < 0 ? 1 : Math.abs(index - at), at < 0 ? 0 : Math.sign(index - at), index);
  }
}

/**
 * Every answer a question could take instead, for the searches that keep their candidates:
 * numbers by every segment, not only where the recommendation changes, as rules and pairs of
 * changes can turn inside a range of equal results. The lists are shared (sharedCandidates):
 * they depend only on where today's answer stands (its segment, or its place among the
 * answers), so each is made once per run rather than once per organisation (a several-of
 * question's, which depend on the whole selection, excepted).
 */
function segmentCandidates(w: WhatIf, entry: CompiledQuestion): readonly Candidate[] {
  const { question } = entry;
  const { compiled } = w;
  const current = w.answerAt[entry.order];
  if (question.type === "integer" || question.type === "percent") {
    const segments = numericSegments(question, compiled);
    if (typeof current !== "number")
      return sharedCandidates(w, entry, segments, -1, () => rangeCandidates(segments, undefined));
    const at = segments.findIndex((r) => current >= r.min && (r.next === null || current < r.next));
    // A number outside every segment is nearer some ranges than others: not shared.
    return at < 0
      ? rangeCandidates(segments, current)
      : sharedCandidates(w, entry, segments, at, () => rangeCandidates(segments, current));
  }
  if (question.type === "multi") return otherAnswers(w, entry);
  const values = allowedValues(question);
  const at = current === undefined ? -1 : values.indexOf(current as string | number | boolean);
  return sharedCandidates(w, entry, values, at, () => otherAnswers(w, entry));
}

/** eachOtherAnswer's candidates as a list. */
function otherAnswers(w: WhatIf, entry: CompiledQuestion): Candidate[] {
  const candidates: Candidate[] = [];
  eachOtherAnswer(w, entry, (to, distance) => {
    candidates.push(new Candidate(to, distance));
  });
  return candidates;
}

/**
 * The candidates for an answer at `at` (-1: none, or one not among them) of a question's
 * segments or allowed values (`places`), made once by `make`. Read-only: the ranges, which facts
 * carry out of the engine, are frozen; the candidates and the lists stay inside it (unfrozen, so
 * they keep the hidden classes of a several-of question's own lists). Kept by the rubric set and
 * the question's compiled order: asked for every question of every organisation, a cache keyed
 * by the list of places was a WeakMap read each time.
 */
function sharedCandidates(
  w: WhatIf,
  entry: CompiledQuestion,
  places: readonly unknown[],
  at: number,
  make: () => Candidate[],
): readonly Candidate[] {
  const byQuestion = candidateLists(w.compiled);
  let lists = byQuestion[entry.order];
  if (!lists) {
    lists = new Array(places.length + 1);
    byQuestion[entry.order] = lists;
  }
  let list = lists[at + 1];
  if (!list) {
    list = make();
    lists[at + 1] = list;
  }
  return list;
}

const candidateLists = keyed(
  "candidates by today's answer",
  (compiled: CompiledRubrics): Array<Array<readonly Candidate[] | undefined> | undefined> =>
    new Array(compiled.questions.length),
);

/**
 * Whether the result after some changes would still be a recommendation, by the engine's rules
 * for grounds (grounds.ts): changes only ever answer more, so the answered weight can only grow.
 */
function firmness(w: WhatIf) {
  const { compiled, answers } = w;
  return (changes: readonly Change[], after: Outcomes): boolean => {
    let grown = w.answeredWeight();
    for (const [id] of changes)
      if (answers[id] === undefined) grown += compiled.byId.get(id)?.share ?? 0;
    return (
      missingGrounds(compiled, () => w.overlay(changes), grown, after.scores, after.decision) ===
      undefined
    );
  };
}

/**
 * Every single-answer change that flips the recommendation, found by re-scoring with the change
 * applied. Per question, direction and new outcome only the nearest change is kept: if 7 incidents
 * flip the result, 8 need no saying; for numbers, the range says how far the new result holds.
 */
export function findWhatWouldChange(w: WhatIf, current: Outcome): ChangeFact[] {
  const { compiled, answers } = w;
  const firm = firmness(w);
  const found: FoundChange[] = [];
  const answerPoints = choicePoints(compiled);
  // Per question, direction and new outcome, the nearest change (made only once one flips).
  let nearest: Map<string, FoundChange> | undefined;
  /** A change the cheap check says flips it: evaluated in full, and kept if nearest. */
  const flips = (
    entry: CompiledQuestion,
    to: AnswerValue,
    distance: number,
    direction: number,
    range?: ValueRange,
  ) => {
    const { question, order } = entry;
    const change = [question.id, to] as const;
    const after = w.evaluate([change]);
    const { recommendation } = after.decision;
    // A change that leaves no recommendation (a tie, or rules that no longer decide so little
    // answered) is not a change to another.
    if (recommendation === current || !firm([change], after)) return;
    const key = `${direction}:${recommendation}`;
    nearest ??= new Map();
    const kept = nearest.get(key);
    if (kept && kept.distance <= distance) return;
    const from = answers[question.id];
    const fact: FoundChange = {
      questionId: question.id,
      kind: kindOf(question),
      from: from ?? null,
      to,
      recommendation,
      margin: marginOf(after),
      distance,
      order,
    };
    if (range) fact.range = range;
    nearest.set(key, fact);
  };
  for (const entry of compiled.questions) {
    const { question } = entry;
    // A question that does not apply is no change anyone could make.
    if (!w.appliesNow(entry)) continue;
    if (passesOver(w, entry, current)) continue;
    const from = answers[question.id];
    if (question.type === "integer" || question.type === "percent") {
      // A merged range's recommendation holds for each of its values, the one tried included.
      const merged = mergedRanges(w, entry, question);
      eachRange(
        merged,
        typeof from === "number" ? from : undefined,
        (to, distance, direction, index) => {
          const { min, next, recommendation } = merged[index] as (typeof merged)[number];
          if (recommendation !== current && withinReach(question, from, to, distance))
            flips(entry, to, distance, direction, { min, next });
        },
      );
    } else {
      const points = answerPoints[entry.order];
      eachOtherAnswer(w, entry, (to, distance, direction, index) => {
        // The cheap check first; the full evaluation only for the changes that do flip it.
        if (
          withinReach(question, from, to, distance) &&
          w.recommendationOf(entry, to, points?.[index] ?? pointsOf(compiled, entry, to)) !==
            current
        )
          flips(entry, to, distance, direction);
      });
    }
    if (nearest) for (const change of nearest.values()) found.push(change);
    nearest = undefined;
  }
  found.sort(
    (a, b) =>
      Number(a.kind !== "lever") - Number(b.kind !== "lever") ||
      Number(a.from === null) - Number(b.from === null) ||
      effort(a) - effort(b) ||
      a.order - b.order ||
      b.margin - a.margin,
  );
  return collect(found, ({ distance: _distance, order: _order, ...change }) => change);
}

/**
 * Per question of one answer from a list (by compiled order), each allowed answer's points by
 * its index: pointsOf's, looked up once per rubric set.
 */
const choicePoints = keyed("points per allowed answer", (compiled: CompiledRubrics) =>
  compiled.questions.map((entry) => {
    const { question } = entry;
    if (!takesOneAnswer(question)) return undefined;
    return allowedValues(question).map((value) => pointsOf(compiled, entry, value));
  }),
);

/**
 * Whether no answer to a question could take the recommendation from `current`, by bounds on
 * what its answers can do to the scores and the rules (WhatIf.clearlyKeepsWhateverAnswer):
 * then what would change it need not try them.
 */
export function passesOver(w: WhatIf, entry: CompiledQuestion, current: Outcome): boolean {
  const range = pointRanges(w.compiled)[entry.group.index];
  return (
    range !== undefined &&
    w.clearlyKeepsWhateverAnswer(
      entry,
      range,
      current,
      ruleValues,
      factorRanges(w.compiled)[entry.order],
    )
  );
}

/** A change that flips the recommendation, with what orders the list. */
type FoundChange = ChangeFact & { distance: number; order: number };

/**
 * One answer for each stretch of answers the hard rules treat alike: every allowed value, or a
 * number from each segment; undefined for a several-of question (its selections are too many).
 */
function ruleValues(
  question: Question,
  compiled: CompiledRubrics,
): readonly AnswerValue[] | undefined {
  if (question.type === "multi") return undefined;
  if (question.type === "integer" || question.type === "percent")
    return segmentStarts(numericSegments(question, compiled));
  return allowedValues(question);
}

/** Each segment's first value, worked out once per question's segments. */
const segmentStarts = keyed("segment starts", (segments: readonly Segment[]) =>
  segments.map((segment) => segment.min),
);

/**
 * Per group, the least and most its points can be for each outcome whatever the answers (an
 * unanswered question gives nothing): each member's extremes summed, within a family's cap.
 */
const pointRanges = keyed("group point ranges", (compiled: CompiledRubrics) => {
  const scales = scalesOf(compiled);
  const ranges: PointRange[] = new Array(compiled.groups.length);
  for (const group of compiled.groups) {
    const scale = scales.get(group.rubricId) ?? 0;
    const lo = new Sums(0, 0, 0);
    const hi = new Sums(0, 0, 0);
    for (const { question } of group.members) {
      const own = effectRange(question);
      for (const outcome of OUTCOMES) {
        lo[outcome] += own.lo[outcome] * scale;
        hi[outcome] += own.hi[outcome] * scale;
      }
    }
    if (group.family) {
      const cap = group.cap * scale;
      for (const outcome of OUTCOMES) {
        lo[outcome] = Math.max(lo[outcome], -cap);
        hi[outcome] = Math.min(hi[outcome], cap);
      }
    }
    ranges[group.index] = { lo, hi };
  }
  return ranges;
});

/**
 * Per precondition question of one answer from a list (by compiled order), the least and the
 * most multiplier its answers put on each outcome.
 */
const factorRanges = keyed("precondition ranges", (compiled: CompiledRubrics) =>
  compiled.questions.map((entry): PointRange | undefined => {
    const { question } = entry;
    if (!entry.precondition || !takesOneAnswer(question)) return undefined;
    const lo = new Sums(1, 1, 1);
    const hi = new Sums(0, 0, 0);
    for (const value of allowedValues(question)) {
      const factors = factorsOf(entry, value);
      for (const outcome of OUTCOMES) {
        lo[outcome] = Math.min(lo[outcome], factors[outcome]);
        hi[outcome] = Math.max(hi[outcome], factors[outcome]);
      }
    }
    return { lo, hi };
  }),
);

/** A question's least and most raw points per outcome, none (unanswered) included. */
function effectRange(question: Question): PointRange {
  const lo = new Sums(0, 0, 0);
  const hi = new Sums(0, 0, 0);
  const widen = (effect: Partial<Scores>) => {
    for (const outcome of OUTCOMES) {
      lo[outcome] = Math.min(lo[outcome], effect[outcome] ?? 0);
      hi[outcome] = Math.max(hi[outcome], effect[outcome] ?? 0);
    }
  };
  if (question.type === "multi") {
    // Any selection: every option that takes away, or every one that adds, or none.
    const most = { combine: 0, separate: 0, matrix: 0 };
    const least = { combine: 0, separate: 0, matrix: 0 };
    for (const { effect } of question.options)
      for (const outcome of OUTCOMES) {
        const value = effect[outcome] ?? 0;
        if (value > 0) most[outcome] += value;
        else least[outcome] += value;
      }
    widen(most);
    widen(least);
    if (question.none) widen(question.none.effect);
  } else if (question.type === "integer" || question.type === "percent")
    for (const band of question.bands) widen(band.effect);
  else for (const answer of question.answers) widen(answer.effect);
  return { lo, hi };
}

const kindOf = (question: Question): ChangeKind => (question.lever ? "lever" : "circumstance");

/** How far a circumstance may plausibly move from today: about this factor, or the next band. */
const PLAUSIBLE_FACTOR = 3;

/**
 * Whether a change is worth saying: leadership can pull any lever, and an unanswered question may
 * take any answer; a circumstance only moves within reach of today, to the next band or step, or
 * within about a factor of three ("with 20,001 employees (now 160)" is no advice).
 */
function withinReach(
  question: Question,
  from: AnswerValue | undefined,
  to: AnswerValue,
  distance: number,
) {
  if (question.lever || from === undefined) return true;
  // A scale's answers are steps (1 ad hoc … 5 optimising), not amounts: the next step is in reach.
  if (
    (question.type === "integer" || question.type === "percent") &&
    typeof from === "number" &&
    typeof to === "number"
  ) {
    const low = Math.min(Math.abs(from), Math.abs(to));
    const high = Math.max(Math.abs(from), Math.abs(to));
    if ((high + 1) / (low + 1) <= PLAUSIBLE_FACTOR) return true;
    const at = (value: number) => {
      const band = bandFor(question, value);
      return band ? question.bands.indexOf(band) : -1;
    };
    return Math.abs(at(to) - at(from)) <= 1;
  }
  return distance <= 1;
}

/**
 * How big a change is, to list the most plausible first: option steps for lists, and for numbers
 * the size of the jump relative to today's value (3 → 6 incidents is nearer than 38,000 → 100 staff).
 */
function effort(change: ChangeFact & { distance: number }): number {
  if (typeof change.from === "number" && typeof change.to === "number") {
    return 1 + Math.abs(Math.log((Math.abs(change.to) + 1) / (Math.abs(change.from) + 1)));
  }
  return change.distance;
}

/** Each outcome's rivals, in OUTCOMES order. */
export const RIVALS: Record<Outcome, readonly [Outcome, Outcome]> = {
  combine: ["separate", "matrix"],
  separate: ["combine", "matrix"],
  matrix: ["combine", "separate"],
};

/** How many of the most promising single changes are paired up when no single change flips. */
const PAIR_POOL = 14;

/**
 * When no single answer flips the result: the smallest pairs of answered-question changes that
 * do. Candidates are ranked by how far each alone closes the gap, then pairs re-scored exactly.
 */
export function findChangePairs(w: WhatIf, current: Outcome, limit = 3): PairFact[] {
  const { compiled } = w;
  const base = w.base;
  const firm = firmness(w);
  const pool: PoolEntry[] = [];
  const [first, second] = RIVALS[current];
  const firstGap = sumOf(base, first) - sumOf(base, current);
  const secondGap = sumOf(base, second) - sumOf(base, current);
  const scores = new Sums(0, 0, 0);
  for (const entry of compiled.questions) {
    const { question } = entry;
    const from = w.answerAt[entry.order];
    if (from === undefined || !w.appliesNow(entry)) continue;
    const candidates = segmentCandidates(w, entry);
    for (let index = 0; index < candidates.length; index++) {
      const candidate = candidates[index] as Candidate;
      if (!withinReach(question, from, candidate.to, candidate.distance)) continue;
      w.scoresWith(entry, candidate.to, scores);
      const now = sumOf(scores, current);
      // How much closer the best rival gets to the current recommendation.
      const gain = Math.max(
        sumOf(scores, first) - now - firstGap,
        sumOf(scores, second) - now - secondGap,
      );
      const movesRules = w.changesOpenOutcomes(entry, candidate.to);
      pool.push({ entry, candidate, gain, movesRules });
    }
  }
  const best = strongest(pool, PAIR_POOL);
  const count = best.length;
  const prepared: PreparedChange[] = [];
  for (let i = 0; i < count; i++) {
    const { entry, candidate } = best[i] as PoolEntry;
    prepared.push(w.prepare([entry.question.id, candidate.to]));
  }
  // Every pair of changes to two questions, by their indexes in `best` (first < second),
  // nearest first and among equals in the pool's order, so the search can stop once `limit`
  // pairs are found and only farther ones remain.
  const firstOf: number[] = [];
  const secondOf: number[] = [];
  const distanceOf: number[] = [];
  for (let i = 0; i < count; i++) {
    const a = best[i] as PoolEntry;
    for (let j = i + 1; j < count; j++) {
      const b = best[j] as PoolEntry;
      if (a.entry === b.entry) continue;
      firstOf.push(i);
      secondOf.push(j);
      distanceOf.push(a.candidate.distance + b.candidate.distance);
    }
  }
  const nearestFirst: number[] = [];
  for (let index = 0; index < distanceOf.length; index++) nearestFirst.push(index);
  nearestFirst.sort((x, y) => (distanceOf[x] as number) - (distanceOf[y] as number) || x - y);
  const pairs: Array<PairFact & { distance: number }> = [];
  for (let at = 0; at < nearestFirst.length && pairs.length < limit; ) {
    const distance = distanceOf[nearestFirst[at] as number] as number;
    for (; at < nearestFirst.length; at++) {
      const index = nearestFirst[at] as number;
      if (distanceOf[index] !== distance) break;
      const i = firstOf[index] as number;
      const j = secondOf[index] as number;
      const a = prepared[i] as PreparedChange;
      const b = prepared[j] as PreparedChange;
      // The cheap checks first; the full evaluation only for the pairs that do flip it.
      if (w.pairClearlyKeeps(a, b, current)) continue;
      if (w.recommendationWithPair(a, b) === current) continue;
      const changes = [a.change, b.change] as const;
      const after = w.evaluate(changes);
      if (!firm(changes, after)) continue;
      const { scores, decision } = after;
      pairs.push({
        changes: collect([best[i] as PoolEntry, best[j] as PoolEntry], ({ entry, candidate }) => ({
          questionId: entry.question.id,
          from: w.answerAt[entry.order] ?? null,
          to: candidate.to,
          ...(candidate.range ? { range: candidate.range } : {}),
        })),
        recommendation: decision.recommendation,
        margin: scores[decision.recommendation] - scores[decision.runnerUp],
        distance,
      });
    }
  }
  pairs.sort((x, y) => x.distance - y.distance || y.margin - x.margin);
  return collect(pairs.slice(0, limit), ({ distance: _distance, ...pair }) => pair);
}

/** A single change the pair search may pair up. */
interface PoolEntry {
  entry: CompiledQuestion;
  candidate: Candidate;
  gain: number;
  movesRules: boolean;
}

/**
 * The changes worth pairing, in the order a stable sort by gain (highest first) gives: the
 * `count` strongest, then any others that open or close an outcome, which score gains cannot
 * see. Picked without sorting the whole pool, which holds every answer of every question.
 */
export function strongest<T extends { gain: number; movesRules: boolean }>(
  pool: readonly T[],
  count: number,
): T[] {
  const gainOf = (index: number) => (pool[index] as T).gain;
  const top: number[] = [];
  const rest: number[] = [];
  pool.forEach((entry, index) => {
    let at = top.length;
    // After every entry with an equal gain: the pool's order among equals.
    while (at > 0 && gainOf(top[at - 1] as number) < entry.gain) at--;
    if (at >= count) {
      if (entry.movesRules) rest.push(index);
      return;
    }
    top.splice(at, 0, index);
    if (top.length > count) {
      const dropped = top.pop() as number;
      if ((pool[dropped] as T).movesRules) rest.push(dropped);
    }
  });
  rest.sort((a, b) => gainOf(b) - gainOf(a) || a - b);
  return collect([...top, ...rest], (index) => pool[index] as T);
}

/** For each hard rule not firing now, the nearest single answer change that would make it fire. */
export function findRulesToWatch(w: WhatIf): WatchFact[] {
  const { compiled, answers } = w;
  const watches: WatchFact[] = [];
  const { counting } = w;
  for (const rule of compiled.rules) {
    const holds = predicateOf(rule.when);
    if (holds(counting)) continue;
    const questionIds = questionsTestedBy(rule.when);
    let nearest:
      | { id: string; question: Question; candidate: Candidate; distance: number }
      | undefined;
    for (const id of questionIds) {
      const entry = compiled.byId.get(id);
      if (!entry || !w.appliesNow(entry)) continue;
      const { question } = entry;
      const from = w.answerAt[entry.order];
      const candidates = segmentCandidates(w, entry);
      for (let index = 0; index < candidates.length; index++) {
        const candidate = candidates[index] as Candidate;
        if (nearest && nearest.distance <= candidate.distance) continue;
        if (!withinReach(question, from, candidate.to, candidate.distance)) continue;
        if (!holds(counting, id, candidate.to)) continue;
        const distance = candidate.distance + (from === undefined ? 0.5 : 0);
        nearest = { id, question, candidate, distance };
      }
    }
    if (!nearest) continue;
    // The recommendation with the nearest change only, once it is known.
    const { id, question, candidate } = nearest;
    const { recommendation } = w.evaluate([[id, candidate.to]]).decision;
    watches.push({
      ruleId: rule.id,
      effect: rule.effect,
      outcome: rule.outcome,
      questionId: id,
      kind: kindOf(question),
      from: answers[id] ?? null,
      to: candidate.to,
      recommendation,
      ...(candidate.range ? { range: candidate.range } : {}),
    });
  }
  // Triggers leadership controls first, as with what would change it.
  return watches.sort((a, b) => Number(a.kind !== "lever") - Number(b.kind !== "lever"));
}
