import { conditionLeaves, type Predicate, predicateOf } from "../rubric/conditions.js";
import { questionMaxPoints } from "../rubric/max-points.js";
import { OUTCOMES, type Outcome } from "../rubric/outcomes.js";
import type { Guidance, Mechanism, Metric, Question, Rubric, Rule } from "../rubric/schema.js";

/** A rule that vetoes or requires an outcome. */
export type HardRule = Rule & { effect: "forbid" | "require" };
/** A rule that keeps its outcome open only with a mechanism in place. */
export type ConditionRule = Rule & { effect: "condition"; mechanism: string };

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
  /** The scoring group it counts in: its family, or itself alone. */
  group: ScoringGroup;
  /** When the question applies; undefined: always. */
  applies: Predicate | undefined;
  /** Whether some answer carries a precondition (a multiplier on an outcome's points). */
  precondition: boolean;
}

/** Questions whose points are summed and capped together: a family, or one question alone. */
export interface ScoringGroup {
  /** Position in the compiled set's groups: per-group sums are kept in arrays by it. */
  index: number;
  rubricId: string;
  members: CompiledQuestion[];
  /** The most the group gives any outcome either way, in the rubric's raw points. */
  cap: number;
  family?: { id: string; label: string };
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
  /** The hard rules: vetoes and requirements. */
  rules: HardRule[];
  /** Rules that attach a mechanism to an outcome instead of vetoing it. */
  conditions: ConditionRule[];
  groups: ScoringGroup[];
  /** Per question, the questions whose `appliesWhen` tests it. */
  gates: ReadonlyMap<string, readonly CompiledQuestion[]>;
  guidance: Record<Outcome, Guidance>;
  totalWeight: number;
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
  const rules: HardRule[] = [];
  const conditions: ConditionRule[] = [];
  const groups: ScoringGroup[] = [];
  const guidance: Record<Outcome, Guidance> = {
    combine: { mechanisms: [], metrics: [] },
    separate: { mechanisms: [], metrics: [] },
    matrix: { mechanisms: [], metrics: [] },
  };
  const rubrics = sorted.map((rubric) => {
    const families = new Map<string, ScoringGroup>();
    for (const question of rubric.questions) {
      const own: ScoringGroup = { index: groups.length, rubricId: rubric.id, members: [], cap: 0 };
      let group = own;
      if (question.family !== undefined) {
        const declared = rubric.families.find((family) => family.id === question.family);
        group = families.get(question.family) ?? {
          ...own,
          family: { id: question.family, label: declared?.label ?? question.family },
          ...(declared?.cap !== undefined ? { cap: declared.cap } : {}),
        };
        families.set(question.family, group);
      }
      if (group.members.length === 0) groups.push(group);
      const compiled: CompiledQuestion = {
        question,
        rubricId: rubric.id,
        order: questions.length,
        share: 0,
        group,
        applies: question.appliesWhen ? predicateOf(question.appliesWhen) : undefined,
        precondition: hasPrecondition(question),
      };
      group.members.push(compiled);
      questions.push(compiled);
      if (!byId.has(question.id)) byId.set(question.id, compiled);
    }
    // A family's cap, unless declared, is the most any one member could give: counted once.
    for (const group of families.values()) {
      const declared = rubric.families.find((family) => family.id === group.family?.id);
      if (declared?.cap === undefined)
        group.cap = Math.max(...group.members.map((m) => questionMaxPoints(m.question)));
    }
    for (const rule of rubric.rules) {
      if (rule.effect === "condition") conditions.push(rule as ConditionRule);
      else rules.push(rule as HardRule);
    }
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
      maxPoints: groups
        .filter((group) => group.rubricId === rubric.id)
        .reduce((sum, group) => sum + groupMaxPoints(group), 0),
    };
  });
  const totalWeight = rubrics.reduce((sum, rubric) => sum + rubric.weight, 0);
  // Rubrics whose questions cannot move a score (rules only) carry no share.
  const rubricOf = new Map(rubrics.map((rubric) => [rubric.id, rubric]));
  const scoringWeight = rubrics.reduce((sum, r) => sum + (r.maxPoints > 0 ? r.weight : 0), 0);
  const groundsTotal = new Map<string, number>();
  for (const entry of questions)
    groundsTotal.set(
      entry.rubricId,
      (groundsTotal.get(entry.rubricId) ?? 0) + groundsPoints(entry),
    );
  for (const entry of questions) {
    const rubric = rubricOf.get(entry.rubricId);
    const total = groundsTotal.get(entry.rubricId) ?? 0;
    if (rubric && rubric.maxPoints > 0 && total > 0)
      entry.share = (groundsPoints(entry) / total) * (rubric.weight / scoringWeight);
  }
  const gates = new Map<string, CompiledQuestion[]>();
  for (const entry of questions) {
    if (!entry.question.appliesWhen) continue;
    for (const { leaf } of conditionLeaves(entry.question.appliesWhen))
      gates.set(leaf.question, [...(gates.get(leaf.question) ?? []), entry]);
  }
  return {
    rubrics,
    questions,
    byId,
    rules,
    conditions,
    groups,
    gates,
    guidance,
    totalWeight,
  };
}

/** A single question gives at most its own most; a family at most its cap. */
function groupMaxPoints(group: ScoringGroup): number {
  if (group.family) return group.cap;
  const [only] = group.members;
  return only ? questionMaxPoints(only.question) : 0;
}

/** What a precondition stands for in the grounds check: as much as a typical answer. */
const PRECONDITION_POINTS = 2;

/**
 * The points a question stands for when judging how much is answered: its most, or for a
 * question that only gates (a precondition) PRECONDITION_POINTS, as it can take points away from
 * an outcome.
 */
function groundsPoints(entry: CompiledQuestion): number {
  const own = questionMaxPoints(entry.question);
  const { family, members, cap } = entry.group;
  // A family's members share its cap, in proportion to what each could give alone.
  const familyMost = members.reduce((sum, m) => sum + questionMaxPoints(m.question), 0);
  const counted = family && familyMost > 0 ? (cap * own) / familyMost : own;
  return entry.precondition ? Math.max(counted, PRECONDITION_POINTS) : counted;
}

function hasPrecondition(question: Question): boolean {
  switch (question.type) {
    case "multi":
      return (
        question.options.some((o) => o.precondition) || question.none?.precondition !== undefined
      );
    case "integer":
    case "percent":
      return question.bands.some((band) => band.precondition);
    default:
      return question.answers.some((answer) => answer.precondition);
  }
}
