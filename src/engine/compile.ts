import { OUTCOMES, type Outcome } from "../rubric/outcomes.js";
import type { Guidance, Mechanism, Metric, Question, Rubric, Rule } from "../rubric/schema.js";

export interface CompiledQuestion {
  question: Question;
  rubricId: string;
  /** Position in the compiled order; used to keep every list deterministic. */
  order: number;
  /**
   * This question's share (0–1) of all the score points the rubric set can give: how much of the
   * rubric weight is known once it is answered.
   */
  share: number;
}

export interface CompiledRubric {
  id: string;
  version: string;
  title: string;
  weight: number;
  /** The most points this rubric's answers could give any single outcome: its normaliser. */
  maxPoints: number;
}

/** Rubrics ready to score many organisations: sorted, indexed and normalised once. */
export interface CompiledRubrics {
  rubrics: CompiledRubric[];
  questions: CompiledQuestion[];
  byId: ReadonlyMap<string, CompiledQuestion>;
  rules: Rule[];
  guidance: Record<Outcome, Guidance>;
  totalWeight: number;
}

function largestEffect(
  effects: ReadonlyArray<{ effect: Partial<Record<Outcome, number>> }>,
): number {
  let largest = 0;
  for (const { effect } of effects) {
    for (const outcome of OUTCOMES) largest = Math.max(largest, Math.abs(effect[outcome] ?? 0));
  }
  return largest;
}

/** The most one question can move one outcome, whatever the answer. */
function questionMaxPoints(question: Question): number {
  switch (question.type) {
    case "multi":
      // Every option can be selected at once, so their effects add up.
      return Math.max(
        question.options.reduce((sum, option) => sum + largestEffect([option]), 0),
        question.none ? largestEffect([question.none]) : 0,
      );
    case "integer":
    case "percent":
      return largestEffect(question.bands);
    default:
      return largestEffect(question.answers);
  }
}

/** Rubrics by their `order` (unset last), then id: the same order whatever order files came in. */
export function byRubricOrder(a: Rubric, b: Rubric): number {
  const rank = (rubric: Rubric) => rubric.order ?? Number.POSITIVE_INFINITY;
  return rank(a) - rank(b) || (a.id < b.id ? -1 : a.id > b.id ? 1 : 0);
}

/**
 * Sorting makes the result independent of the order in which rubric files were given: every
 * later sum runs in this order, so even floating-point rounding is the same.
 */
export function compileRubrics(input: readonly Rubric[]): CompiledRubrics {
  const sorted = [...input].sort(byRubricOrder);
  const questions: CompiledQuestion[] = [];
  const byId = new Map<string, CompiledQuestion>();
  const rules: Rule[] = [];
  const guidance: Record<Outcome, Guidance> = {
    combine: { mechanisms: [], metrics: [] },
    separate: { mechanisms: [], metrics: [] },
    matrix: { mechanisms: [], metrics: [] },
  };
  const rubrics = sorted.map((rubric) => {
    for (const question of rubric.questions) {
      const compiled = { question, rubricId: rubric.id, order: questions.length, share: 0 };
      questions.push(compiled);
      if (!byId.has(question.id)) byId.set(question.id, compiled);
    }
    rules.push(...rubric.rules);
    for (const outcome of OUTCOMES) {
      const extra = rubric.guidance?.[outcome];
      if (!extra) continue;
      guidance[outcome].mechanisms.push(...(extra.mechanisms as Mechanism[]));
      guidance[outcome].metrics.push(...(extra.metrics as Metric[]));
    }
    return {
      id: rubric.id,
      version: rubric.version,
      title: rubric.title,
      weight: rubric.weight,
      maxPoints: rubric.questions.reduce((sum, question) => sum + questionMaxPoints(question), 0),
    };
  });
  const totalWeight = rubrics.reduce((sum, rubric) => sum + rubric.weight, 0);
  // Rubrics whose questions cannot move a score (rules only) carry no share.
  const rubricOf = new Map(rubrics.map((rubric) => [rubric.id, rubric]));
  const scoringWeight = rubrics.reduce((sum, r) => sum + (r.maxPoints > 0 ? r.weight : 0), 0);
  for (const entry of questions) {
    const rubric = rubricOf.get(entry.rubricId);
    if (rubric && rubric.maxPoints > 0)
      entry.share =
        (questionMaxPoints(entry.question) / rubric.maxPoints) * (rubric.weight / scoringWeight);
  }
  return { rubrics, questions, byId, rules, guidance, totalWeight };
}
