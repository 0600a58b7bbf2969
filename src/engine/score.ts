import { keyed } from "../cache/memo.js";
import { conditionHolds } from "../rubric/conditions.js";
import { OUTCOMES, type Outcome } from "../rubric/outcomes.js";
import { effectsOf, singleAnswerScores } from "../rubric/question.js";
import type { Answers, AnswerValue, Rule } from "../rubric/schema.js";
import type { CompiledQuestion, CompiledRubrics, HardRule, ScoringGroup } from "./compile.js";
import type { Scores } from "./facts.js";
import { answerWith, applies, type Change, factorsOf, pointsOf, Sums, sumOf } from "./points.js";
import { NEUTRAL_SCORE, scalesOf } from "./scales.js";

export { NEUTRAL_SCORE, pointScale, scalesOf } from "./scales.js";
export type { Scores };

/** One answer's share of the scores: the per-answer ledger that explanations are read from. */
export interface LedgerEntry {
  questionId: string;
  rubricId: string;
  order: number;
  /** The answer, or for a several-of question one chosen option (`[]`: none chosen). */
  answer: AnswerValue;
  /** Score points this answer adds to each outcome (negative takes away). */
  points: Scores;
}

export interface Scored {
  scores: Scores;
  ledger: LedgerEntry[];
  /** Each group's points by its index, for the groups with an answer that counts. */
  groupPoints: ReadonlyArray<Scores | undefined>;
  /** Each answer's points (before its family's cap) by compiled order, for those that count. */
  answerPoints: ReadonlyArray<Scores | undefined>;
  /** The preconditions' multipliers on each outcome's points in favour. */
  multipliers: Scores;
  /** Per rubric, the points each outcome got before rubric weights were applied. */
  rubricPoints: Map<string, Scores>;
}

const zeroScores = (): Scores => new Sums(0, 0, 0);

/** The questions that carry preconditions, found once per compiled set. */
export const preconditionQuestions = keyed(
  "questions with preconditions",
  (compiled: CompiledRubrics) => compiled.questions.filter((entry) => entry.precondition),
);

/** The questions that can stop applying, found once per compiled set. */
const gatedQuestions = keyed("questions with appliesWhen", (compiled: CompiledRubrics) =>
  compiled.questions.filter((entry) => entry.applies),
);

/**
 * The answers that count: those to questions that apply. The same object when all apply, else
 * a copy of the rubric set's answers that reads the others as unanswered (for lookups by id, as
 * conditions make). A copy, not an overlay: an object V8 is made to use as a prototype is
 * reworked for it, which cost more than the copy.
 */
export function applicableAnswers(compiled: CompiledRubrics, answers: Answers): Answers {
  let kept: Record<string, AnswerValue | undefined> | undefined;
  for (const entry of gatedQuestions(compiled)) {
    const id = entry.question.id;
    if (answers[id] === undefined || applies(entry, answers)) continue;
    kept ??= flatAnswers(compiled, answers);
    kept[id] = undefined;
  }
  return (kept as Answers | undefined) ?? answers;
}

/**
 * The answers to the rubric set's questions as a new object, every question in compiled order
 * (undefined: unanswered). It inherits nothing, so a question id such as `constructor` reads as
 * unanswered. (With a question per property, added by name one by one, V8 keeps it as a
 * dictionary whatever its prototype: one that inherits from an empty frozen object measured no
 * faster.)
 */
export function flatAnswers(
  compiled: CompiledRubrics,
  answers: Answers,
): Record<string, AnswerValue | undefined> {
  const copy: Record<string, AnswerValue | undefined> = Object.create(null);
  for (const { question } of compiled.questions) copy[question.id] = answers[question.id];
  return copy;
}

/**
 * Per outcome, the product of the preconditions' multipliers on its points in favour; `changes`
 * read some answers as different (changes that decide no one's applicability).
 */
export function multipliersOf(
  compiled: CompiledRubrics,
  answers: Answers,
  changes?: readonly Change[],
): Scores {
  const product = new Sums(1, 1, 1);
  for (const entry of preconditionQuestions(compiled)) {
    const value = answerWith(answers, entry.question.id, changes);
    if (value === undefined || !applies(entry, answers)) continue;
    const factors = factorsOf(entry, value);
    for (const outcome of OUTCOMES) product[outcome] *= factors[outcome];
  }
  return product;
}

/** An answer that counts in its group, with its points before the family's cap. */
export interface CountedAnswer {
  entry: CompiledQuestion;
  value: AnswerValue;
  points: Scores;
}

/**
 * A group's points before preconditions: the sum of its members' that apply and are answered,
 * capped for a family. In score points. `counted` receives each answer that counts.
 */
export function groupPoints(
  compiled: CompiledRubrics,
  group: ScoringGroup,
  answers: Answers,
  counted?: CountedAnswer[],
  changes?: readonly Change[],
): Scores {
  const net = zeroScores();
  for (const entry of group.members) {
    const value = answerWith(answers, entry.question.id, changes);
    if (value === undefined || !applies(entry, answers)) continue;
    const points = pointsOf(compiled, entry, value);
    counted?.push({ entry, value, points });
    net.combine += points.combine;
    net.separate += points.separate;
    net.matrix += points.matrix;
  }
  return capGroup(compiled, group, net);
}

/**
 * Each group's points by its index, and each answer's by compiled order, for those that count;
 * `each` is told of every group with an answer that counts, in group order.
 */
export function pointsByGroup(
  compiled: CompiledRubrics,
  answers: Answers,
  each?: (group: ScoringGroup, points: Scores, counted: readonly CountedAnswer[]) => void,
): Pick<Scored, "groupPoints" | "answerPoints"> {
  const byGroup: Array<Scores | undefined> = new Array(compiled.groups.length);
  const byAnswer: Array<Scores | undefined> = new Array(compiled.questions.length);
  const counted: CountedAnswer[] = [];
  for (const group of compiled.groups) {
    counted.length = 0;
    const points = groupPoints(compiled, group, answers, counted);
    if (counted.length === 0) continue;
    byGroup[group.index] = points;
    for (const answer of counted) byAnswer[answer.entry.order] = answer.points;
    each?.(group, points, counted);
  }
  return { groupPoints: byGroup, answerPoints: byAnswer };
}

/** A group's summed points, capped for a family (in place): a family counts once. */
export function capGroup(compiled: CompiledRubrics, group: ScoringGroup, net: Scores): Scores {
  if (!group.family) return net;
  const cap = group.cap * (scalesOf(compiled).get(group.rubricId) ?? 0);
  net.combine = Math.max(-cap, Math.min(cap, net.combine));
  net.separate = Math.max(-cap, Math.min(cap, net.separate));
  net.matrix = Math.max(-cap, Math.min(cap, net.matrix));
  return net;
}

/**
 * The scores from the points in favour and against each outcome: preconditions multiply the
 * points in favour only. Every score is made by this one formula, so what-ifs that update the
 * sums break ties exactly as a full scoring does.
 */
export const scoreFrom = (favour: number, against: number, multiplier: number): number =>
  NEUTRAL_SCORE + multiplier * favour + against;

/**
 * The scores: each rubric's points are divided by the most it could give, so a rubric with more
 * questions does not weigh more, then scaled by the rubric's share of all weights. Scores run
 * from 0 to 100 with 50 as neutral. On top of the plain sum: questions that do not apply score
 * nothing, a family's members count once (their sum, capped), and preconditions multiply each
 * outcome's points in its favour, so readiness can hold a structure back but never argue for it.
 */
export function scoreAnswers(compiled: CompiledRubrics, answers: Answers): Scored {
  const scales = scalesOf(compiled);
  const multipliers = multipliersOf(compiled, answers);
  const favour = zeroScores();
  const against = zeroScores();
  const ledger: LedgerEntry[] = [];
  const rubricPoints = new Map<string, Scores>(
    compiled.rubrics.map((rubric) => [rubric.id, zeroScores()]),
  );
  const { groupPoints: byGroup, answerPoints } = pointsByGroup(
    compiled,
    answers,
    (group, points, counted) => {
      const scale = scales.get(group.rubricId) ?? 0;
      const raw = rubricPoints.get(group.rubricId) ?? zeroScores();
      // Written out per outcome: this runs for every group of every organisation.
      if (points.combine > 0) favour.combine += points.combine;
      else against.combine += points.combine;
      if (points.separate > 0) favour.separate += points.separate;
      else against.separate += points.separate;
      if (points.matrix > 0) favour.matrix += points.matrix;
      else against.matrix += points.matrix;
      if (scale > 0) {
        raw.combine += unweighted(points.combine, multipliers.combine, scale);
        raw.separate += unweighted(points.separate, multipliers.separate, scale);
        raw.matrix += unweighted(points.matrix, multipliers.matrix, scale);
      }
      ledgerOfGroup(compiled, counted, points, ledger);
    },
  );
  showHeldBack(compiled, answers, multipliers, favour, ledger);
  const scores = new Sums(
    scoreFrom(favour.combine, against.combine, multipliers.combine),
    scoreFrom(favour.separate, against.separate, multipliers.separate),
    scoreFrom(favour.matrix, against.matrix, multipliers.matrix),
  );
  // Rubric numbers are bounded when loaded, so this never fires; if it does, no result is better
  // than a NaN one.
  for (const outcome of OUTCOMES)
    if (!Number.isFinite(scores[outcome]))
      throw new Error(`the ${outcome} score is not a finite number`);
  return { scores, ledger, rubricPoints, groupPoints: byGroup, answerPoints, multipliers };
}

/** A group's points on one outcome in the rubric's raw points, its precondition applied. */
const unweighted = (points: number, multiplier: number, scale: number): number =>
  (points > 0 ? points * multiplier : points) / scale;

const scaledBy = (points: Scores, ratio: Scores): Scores =>
  new Sums(
    points.combine * ratio.combine,
    points.separate * ratio.separate,
    points.matrix * ratio.matrix,
  );

/** Each counted answer's points, a capped family's shared out in proportion to its members'. */
function ledgerOfGroup(
  compiled: CompiledRubrics,
  counted: readonly CountedAnswer[],
  capped: Scores,
  ledger: LedgerEntry[],
): void {
  // The group's sum before the cap, in groupPoints' order; written out per outcome, as this
  // runs for every answer of every organisation.
  let combine = 0;
  let separate = 0;
  let matrix = 0;
  for (const { points } of counted) {
    combine += points.combine;
    separate += points.separate;
    matrix += points.matrix;
  }
  const ratio = new Sums(
    combine === 0 ? 1 : capped.combine / combine,
    separate === 0 ? 1 : capped.separate / separate,
    matrix === 0 ? 1 : capped.matrix / matrix,
  );
  for (const { entry, value, points: own } of counted) {
    const { question, rubricId, order } = entry;
    // A single answer is its own one entry: its points, without making effectsOf's texts.
    if (!Array.isArray(value)) {
      if (!singleAnswerScores(question, value)) continue;
      const points = scaledBy(own, ratio);
      ledger.push({ questionId: question.id, rubricId, order, answer: value, points });
      continue;
    }
    for (const scored of effectsOf(question, value)) {
      const single = Array.isArray(scored.answer) ? [] : [String(scored.answer)];
      const points = scaledBy(pointsOf(compiled, entry, single), ratio);
      ledger.push({ questionId: question.id, rubricId, order, answer: scored.answer, points });
    }
  }
}

/**
 * Each precondition that counts, with its multipliers and its first ledger entry. Looped, not
 * flatMapped: V8's flatMap took most of the time of the scoring's held-back points.
 */
function preconditionsHeld(
  compiled: CompiledRubrics,
  answers: Answers,
  ledger: readonly LedgerEntry[],
): Array<{ entry: LedgerEntry; factors: Scores }> {
  const held: Array<{ entry: LedgerEntry; factors: Scores }> = [];
  for (const compiledQuestion of preconditionQuestions(compiled)) {
    const value = answers[compiledQuestion.question.id];
    if (value === undefined || !applies(compiledQuestion, answers)) continue;
    const { order } = compiledQuestion;
    for (let index = 0; index < ledger.length; index++) {
      const entry = ledger[index] as LedgerEntry;
      if (entry.order !== order) continue;
      held.push({ entry, factors: factorsOf(compiledQuestion, value) });
      break;
    }
  }
  return held;
}

/**
 * The points the preconditions held back, shown against the answers that held them: each takes
 * its share of the log of the product (a closed gate takes it all), so the ledger still adds up
 * to the scores.
 */
function showHeldBack(
  compiled: CompiledRubrics,
  answers: Answers,
  multipliers: Scores,
  favour: Scores,
  ledger: LedgerEntry[],
): void {
  // The preconditions that hold points back: found once, and only when something was.
  let held: Array<{ entry: LedgerEntry; factors: Scores }> | undefined;
  for (const outcome of OUTCOMES) {
    const heldBack = sumOf(favour, outcome) * (1 - multipliers[outcome]);
    if (heldBack <= 0) continue;
    held ??= preconditionsHeld(compiled, answers, ledger);
    const holders: Array<{ entry: LedgerEntry; share: number }> = [];
    for (const { entry, factors } of held) {
      const factor = factors[outcome];
      if (factor >= 1) continue;
      const closed = multipliers[outcome] === 0;
      holders.push({ entry, share: closed ? Number(factor === 0) : -Math.log(factor) });
    }
    const total = holders.reduce((sum, h) => sum + h.share, 0);
    for (const { entry, share } of holders)
      if (total > 0) entry.points[outcome] -= (heldBack * share) / total;
  }
}

export interface Decision {
  recommendation: Outcome;
  runnerUp: Outcome;
  /** Outcomes the fired rules leave open. */
  allowed: readonly Outcome[];
  fired: HardRule[];
  /** The fired rules contradict each other, and the scores had to decide among them. */
  conflict: boolean;
}

/**
 * Scores this close are a tie. Sums of the same points in a different order (a what-if against a
 * full re-scoring) differ in the last bits, and a tie must not be decided by that noise.
 */
const TIE = 1e-9;

/** Whether a score is higher than another by more than rounding noise. */
const beats = (score: number, other: number): boolean => score > other + TIE;

/** A set of outcomes as bits (combine 1, separate 2, matrix 4), for the hottest loops. */
export const BIT: Record<Outcome, number> = { combine: 1, separate: 2, matrix: 4 };
const ALL = 7;

export const maskOf = (outcomes: readonly Outcome[]): number =>
  outcomes.reduce((mask, outcome) => mask | BIT[outcome], 0);

/**
 * The tie-break, in one place: the best of the outcomes in `among` (a mask), where a tie goes to
 * the simpler structure (the order of OUTCOMES). Numbers in, so what-ifs need not allocate.
 */
export function bestOutcome(
  combine: number,
  separate: number,
  matrix: number,
  among: number,
): Outcome | undefined {
  let top: Outcome | undefined;
  let topScore = Number.NEGATIVE_INFINITY;
  if (among & 1) {
    top = "combine";
    topScore = combine;
  }
  if (among & 2 && (top === undefined || beats(separate, topScore))) {
    top = "separate";
    topScore = separate;
  }
  if (among & 4 && (top === undefined || beats(matrix, topScore))) top = "matrix";
  return top;
}

const bestOf = (scores: Scores, among: number) =>
  bestOutcome(scores.combine, scores.separate, scores.matrix, among);

/**
 * Applies the hard rules to the scores: forbidden outcomes drop out, a required one wins. When the
 * rules leave nothing open (every outcome vetoed, or two requirements), the decision falls back to
 * the scores among the outcomes the rules fight over, and says so, rather than giving no answer.
 */
export function decide(compiled: CompiledRubrics, answers: Answers, scores: Scores): Decision {
  const counting = applicableAnswers(compiled, answers);
  return decideFromRules(
    compiled.rules.filter((rule) => conditionHolds(rule.when, counting)),
    scores,
  );
}

interface RuleOutcome {
  allowed: readonly Outcome[];
  /** `allowed` as a mask, for bestOutcome. */
  mask: number;
  conflict: boolean;
}

/** Which outcomes a set of fired rules leaves open; cached per set, as what-ifs reuse it often. */
export const outcomesLeftBy: (fired: readonly Rule[]) => RuleOutcome = keyed(
  "outcomes fired rules leave open",
  (fired: readonly Rule[]) => leftOpen(fired),
);

function leftOpen(fired: readonly Rule[]): RuleOutcome {
  const forbidden = new Set(
    fired.filter((rule) => rule.effect === "forbid").map((rule) => rule.outcome),
  );
  const required = [
    ...new Set(fired.filter((rule) => rule.effect === "require").map((rule) => rule.outcome)),
  ];
  let allowed = OUTCOMES.filter((outcome) => !forbidden.has(outcome));
  if (required.length > 0) allowed = allowed.filter((outcome) => required.includes(outcome));
  const conflict = allowed.length === 0 || required.length > 1;
  const open = conflict ? (required.length > 0 ? required : [...OUTCOMES]) : allowed;
  return { allowed: open, mask: maskOf(open), conflict };
}

/**
 * Whether the decision was a tie: its runner-up is open to the rules and scores the same, so
 * nothing but the tie-break chose. Then there is no recommendation to give.
 */
export const isTie = (decision: Decision, scores: Scores): boolean =>
  decision.allowed.includes(decision.runnerUp) &&
  !beats(scores[decision.recommendation], scores[decision.runnerUp]);

/** The decision once it is known which rules fire: what-ifs that touch no rule reuse the set. */
export function decideFromRules(fired: HardRule[], scores: Scores): Decision {
  const { allowed, mask: open, conflict } = outcomesLeftBy(fired);
  const recommendation = bestOf(scores, open) ?? "combine";
  const runnerUp =
    bestOf(scores, open & ~BIT[recommendation]) ??
    bestOf(scores, ALL & ~BIT[recommendation]) ??
    "separate";
  return { recommendation, runnerUp, allowed, fired, conflict };
}
