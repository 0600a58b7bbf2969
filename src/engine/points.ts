import { keyed } from "../cache/memo.js";
import { OUTCOMES, type Outcome } from "../rubric/outcomes.js";
import { bandFor, effectsOf } from "../rubric/question.js";
import type { Answers, AnswerValue, Precondition } from "../rubric/schema.js";
import type { CompiledQuestion, CompiledRubrics } from "./compile.js";
import type { Scores } from "./facts.js";
import { scalesOf } from "./scales.js";

/**
 * Numbers per outcome that are added to or multiplied in place: objects of a class of their own.
 * V8 gives every object literal with these keys one hidden class, shared with the objects keyed by
 * outcome that hold labels, lists or flags, so its fields are generic and each update of a sum
 * made a new boxed number. The fields are declared, not defined, so they hold numbers from the
 * first.
 */
export class Sums implements Scores {
  declare combine: number;
  declare separate: number;
  declare matrix: number;

  constructor(combine: number, separate: number, matrix: number) {
    this.combine = combine;
    this.separate = separate;
    this.matrix = matrix;
  }

  static of(scores: Scores): Sums {
    return new Sums(scores.combine, scores.separate, scores.matrix);
  }
}

export const ZERO: Scores = Object.freeze(new Sums(0, 0, 0));
export const ONE: Scores = Object.freeze(new Sums(1, 1, 1));

/**
 * One outcome's number, read by name: read by a variable key (`sums[outcome]`), a Sums field's
 * unboxed number is boxed afresh each time.
 */
export const sumOf = (sums: Scores, outcome: Outcome): number =>
  outcome === "combine" ? sums.combine : outcome === "separate" ? sums.separate : sums.matrix;

/**
 * Per rubric set and question, the points of each answer key, filled as answers are met. Per set,
 * as a question's points depend on its rubric's share of the set's weights.
 */
const pointTables = keyed(
  "points per answer",
  (_: CompiledRubrics) => new Map<CompiledQuestion, Map<unknown, Scores>>(),
);
/** Per question, the precondition multipliers of each answer key. */
const factorTables = keyed(
  "multipliers per answer",
  (_: CompiledQuestion) => new Map<unknown, Scores>(),
);

/** A key that is equal for answers that score alike: the band for numbers, the value otherwise. */
function keyOf(entry: CompiledQuestion, value: AnswerValue): unknown {
  const { question } = entry;
  if (question.type === "integer" || question.type === "percent")
    return bandFor(question, value as number);
  return value;
}

/** The key of an empty selection, which scores the question's `none` entry. */
const NO_OPTION = Symbol("none");

/** An answer changed in a what-if; undefined: unanswered. */
export type Change = readonly [string, AnswerValue | undefined];

/** A question's answer with some changes read over the answers (a few; no overlay made). */
export function answerWith(
  answers: Answers,
  id: string,
  changes: readonly Change[] | undefined,
): AnswerValue | undefined {
  if (changes) for (const [changed, value] of changes) if (changed === id) return value;
  return answers[id];
}

/** Whether a question counts for these answers: its `appliesWhen` holds, or it has none. */
export const applies = (entry: CompiledQuestion, answers: Answers): boolean =>
  entry.applies === undefined || entry.applies(answers);

/**
 * The score points one answer gives each outcome before families and preconditions, worked out
 * once per question and answer (or band, or option). A several-of answer scores the sum of its
 * options' points, so thousands of chosen options add up cached points.
 */
export function pointsOf(
  compiled: CompiledRubrics,
  entry: CompiledQuestion,
  value: AnswerValue | undefined,
): Scores {
  if (value === undefined) return ZERO;
  const tables = pointTables(compiled);
  let table = tables.get(entry);
  if (!table) {
    table = new Map();
    tables.set(entry, table);
  }
  if (!Array.isArray(value)) return lookup(compiled, entry, table, keyOf(entry, value), value);
  if (value.length === 0) return lookup(compiled, entry, table, NO_OPTION, value);
  if (value.length === 1) return lookup(compiled, entry, table, value[0], value);
  const sum = new Sums(0, 0, 0);
  for (const option of value) {
    const points = lookup(compiled, entry, table, option, [option]);
    sum.combine += points.combine;
    sum.separate += points.separate;
    sum.matrix += points.matrix;
  }
  return sum;
}

/** One answer key's points from the question's table, worked out on the first asking. */
function lookup(
  compiled: CompiledRubrics,
  entry: CompiledQuestion,
  table: Map<unknown, Scores>,
  key: unknown,
  answer: AnswerValue,
): Scores {
  const cached = table.get(key);
  if (cached) return cached;
  const scale = scalesOf(compiled).get(entry.rubricId) ?? 0;
  const points = new Sums(0, 0, 0);
  for (const { effect } of effectsOf(entry.question, answer)) {
    for (const outcome of OUTCOMES) points[outcome] += (effect[outcome] ?? 0) * scale;
  }
  table.set(key, points);
  return points;
}

/**
 * The multipliers an answer puts on each outcome's points in its favour (1: no say). For a
 * several-of question the chosen options that speak to an outcome add up, to at most 1: each
 * working forum makes a matrix readier.
 */
export function factorsOf(entry: CompiledQuestion, value: AnswerValue | undefined): Scores {
  if (value === undefined || !entry.precondition) return ONE;
  if (!Array.isArray(value) || value.length <= 1) return factorsOfOne(entry, value);
  // Several options: their multipliers add up per outcome, from each option's, kept once.
  const sums = new Sums(0, 0, 0);
  const speaks = { combine: false, separate: false, matrix: false };
  for (const option of value) {
    const own = optionPreconditions(entry).get(option);
    if (!own) continue;
    for (const outcome of OUTCOMES) {
      const factor = own[outcome];
      if (factor === undefined) continue;
      sums[outcome] += factor;
      speaks[outcome] = true;
    }
  }
  return new Sums(
    speaks.combine ? Math.min(1, sums.combine) : 1,
    speaks.separate ? Math.min(1, sums.separate) : 1,
    speaks.matrix ? Math.min(1, sums.matrix) : 1,
  );
}

/** One answer's (or one option's, or no option's) multipliers, worked out once per key. */
function factorsOfOne(entry: CompiledQuestion, value: AnswerValue): Scores {
  const table = factorTables(entry);
  const key = Array.isArray(value) ? (value[0] ?? NO_OPTION) : keyOf(entry, value);
  const cached = table.get(key);
  if (cached) return cached;
  const own = effectsOf(entry.question, value)[0]?.precondition;
  const factors = new Sums(own?.combine ?? 1, own?.separate ?? 1, own?.matrix ?? 1);
  table.set(key, factors);
  return factors;
}

/** A several-of question's options' preconditions by value, made once per question. */
const optionPreconditions = keyed("options' preconditions", (entry: CompiledQuestion) => {
  const byValue = new Map<string, Precondition | undefined>();
  if (entry.question.type === "multi")
    for (const option of entry.question.options) byValue.set(option.value, option.precondition);
  return byValue;
});
