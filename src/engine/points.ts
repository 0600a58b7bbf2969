import { keyed } from "../cache/memo.js";
import { OUTCOMES } from "../rubric/outcomes.js";
import { bandFor, effectsOf } from "../rubric/question.js";
import type { Answers, AnswerValue } from "../rubric/schema.js";
import type { CompiledQuestion, CompiledRubrics } from "./compile.js";
import type { Scores } from "./facts.js";
import { scalesOf } from "./scales.js";

export const ZERO: Scores = Object.freeze({ combine: 0, separate: 0, matrix: 0 });
const ONE: Scores = Object.freeze({ combine: 1, separate: 1, matrix: 1 });

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
 * The multipliers an answer puts on each outcome's points in its favour (1: no say). For a
 * several-of question the chosen options that speak to an outcome add up, to at most 1: each
 * working forum makes a matrix readier.
 */
export function factorsOf(entry: CompiledQuestion, value: AnswerValue | undefined): Scores {
  if (value === undefined || !entry.precondition) return ONE;
  // Selections of several options are worked out each time: there are too many to keep.
  const table = factorTables(entry);
  const key = Array.isArray(value)
    ? value.length === 0
      ? NO_OPTION
      : undefined
    : keyOf(entry, value);
  const cached = key === undefined ? undefined : table.get(key);
  if (cached) return cached;
  const entries = effectsOf(entry.question, value);
  const factors: Scores = { combine: 1, separate: 1, matrix: 1 };
  for (const outcome of OUTCOMES) {
    const said = entries
      .map((e) => e.precondition?.[outcome])
      .filter((factor): factor is number => factor !== undefined);
    if (said.length > 0)
      factors[outcome] = Array.isArray(value)
        ? Math.min(
            1,
            said.reduce((a, b) => a + b, 0),
          )
        : (said[0] as number);
  }
  if (key !== undefined) table.set(key, factors);
  return factors;
}
