import { BoundedMap, keyed, LIMITS } from "../cache/memo.js";
import { conditionLeaves, type Predicate, predicateOf } from "../rubric/conditions.js";
import { OUTCOMES, type Outcome } from "../rubric/outcomes.js";
import type { Answers, AnswerValue, Question } from "../rubric/schema.js";
import type { CompiledQuestion, CompiledRubrics, HardRule, ScoringGroup } from "./compile.js";
import { answeredWeight } from "./grounds.js";
import { collect } from "./lists.js";
import { applies, type Change, factorsOf, ONE, pointsOf, Sums, ZERO } from "./points.js";
import {
  applicableAnswers,
  BIT,
  bestOutcome,
  capGroup,
  type Decision,
  decideFromRules,
  flatAnswers,
  groupPoints,
  multipliersOf,
  outcomesLeftBy,
  pointsByGroup,
  preconditionQuestions,
  type Scored,
  type Scores,
  scoreFrom,
} from "./score.js";

/**
 * One group's points swapped in the sums of points in favour and against: the one place the
 * sums change, so every shortcut rounds alike.
 */
function swapInto(favour: Scores, against: Scores, before: Scores, after: Scores): void {
  // Written out per outcome: the pair search runs this hundreds of times per organisation.
  favour.combine = swapFavour(favour.combine, before.combine, after.combine);
  favour.separate = swapFavour(favour.separate, before.separate, after.separate);
  favour.matrix = swapFavour(favour.matrix, before.matrix, after.matrix);
  against.combine = swapAgainst(against.combine, before.combine, after.combine);
  against.separate = swapAgainst(against.separate, before.separate, after.separate);
  against.matrix = swapAgainst(against.matrix, before.matrix, after.matrix);
}

const swapFavour = (sum: number, before: number, after: number) =>
  sum - Math.max(before, 0) + Math.max(after, 0);
const swapAgainst = (sum: number, before: number, after: number) =>
  sum - Math.min(before, 0) + Math.min(after, 0);

/**
 * One outcome's score with two groups' points swapped, the first's and then the second's
 * (none: the two changes share the first group), as swapInto sums them.
 */
function pairScore(
  favour: number,
  against: number,
  first: number,
  firstAfter: number,
  second: number | undefined,
  secondAfter: number,
  multiplier: number,
): number {
  let inFavour = swapFavour(favour, first, firstAfter);
  let counter = swapAgainst(against, first, firstAfter);
  if (second !== undefined) {
    inFavour = swapFavour(inFavour, second, secondAfter);
    counter = swapAgainst(counter, second, secondAfter);
  }
  return scoreFrom(inFavour, counter, multiplier);
}

/**
 * One outcome's score with one group's points swapped from `before` to `after`, under these
 * multipliers: swapInto's sums and scoreFrom's score, without objects, for the what-ifs asked of
 * every answer. Each field is read by name: read by a variable outcome, the objects' numbers were
 * looked up generically and boxed afresh.
 */
function swappedScore(
  outcome: Outcome,
  favour: Scores,
  against: Scores,
  before: Scores,
  after: Scores,
  multipliers: Scores,
): number {
  if (outcome === "combine")
    return scoreFrom(
      swapFavour(favour.combine, before.combine, after.combine),
      swapAgainst(against.combine, before.combine, after.combine),
      multipliers.combine,
    );
  if (outcome === "separate")
    return scoreFrom(
      swapFavour(favour.separate, before.separate, after.separate),
      swapAgainst(against.separate, before.separate, after.separate),
      multipliers.separate,
    );
  return scoreFrom(
    swapFavour(favour.matrix, before.matrix, after.matrix),
    swapAgainst(against.matrix, before.matrix, after.matrix),
    multipliers.matrix,
  );
}

/**
 * How far below the current recommendation a rival must stay, by the sum of two changes' score
 * deltas, for the pair to be passed over unchecked: far above any rounding in the sum.
 */
const CLEAR_MARGIN = 1e-6;

/** Two sets of multipliers multiplied, outcome by outcome. */
const timesEach = (a: Scores, b: Scores): Scores =>
  new Sums(a.combine * b.combine, a.separate * b.separate, a.matrix * b.matrix);

/** A gate change that turns no question on or off. */
const NO_FLIPS: readonly CompiledQuestion[] = Object.freeze([]);

/**
 * A change with what pairing it needs worked out (see WhatIf.prepare). A class, every field set
 * in the constructor: the pair search reads these hundreds of times per organisation, and
 * objects built field by field as each change needs took several hidden classes, so each read
 * was a polymorphic one.
 */
export class PreparedChange {
  /** Absent for a change that turns other questions on or off: `after` stands in for it. */
  entry: CompiledQuestion | undefined = undefined;
  /**
   * For a change that turns other questions on or off: the what-ifs from the answers with it
   * made, so each pair with it is one single change there.
   */
  after: WhatIf | undefined = undefined;
  /** The question's own points with the change made, before its family's cap. */
  own: Scores | undefined = undefined;
  /** Its group's points with the change made. */
  points: Scores | undefined = undefined;
  /**
   * With at most 31 rules: the rules that test it (as bits; none when it does not apply), and
   * the fired-rule bits with the change made.
   */
  rules: number | undefined = undefined;
  fired: number | undefined = undefined;
  /** Its multipliers with the change made, for a precondition that counts. */
  factors: Scores | undefined = undefined;
  /**
   * For a change that touches no rule, or whose rules are known as bits: the scores and the
   * multipliers with it made. Then a pair with a change that moves no multiplier either scores
   * about these scores plus that change's moves of the sums in favour (multiplied) and against,
   * which pairClearlyKeeps reads.
   */
  scores: Scores | undefined = undefined;
  multipliers: Scores | undefined = undefined;
  /** For such a change that moves no multiplier: how it moves those sums. */
  favourDelta: Scores | undefined = undefined;
  againstDelta: Scores | undefined = undefined;

  constructor(readonly change: Change) {}
}

/** The least and the most a group's points can be for each outcome, whatever the answers. */
export interface PointRange {
  lo: Scores;
  hi: Scores;
}

/** What the what-if machinery precomputes once per compiled rubric set. */
interface Prepared {
  /** Per question, the indexes of the rules that test it. */
  rulesOf: Map<string, number[]>;
  /** The same by the question's compiled order, for the what-ifs asked per candidate answer. */
  rulesByOrder: ReadonlyArray<readonly number[] | undefined>;
  /** Whether each question (by compiled order) decides whether others apply. */
  gateByOrder: readonly boolean[];
  /**
   * For such a question, the groups a change to it re-sums, in the order they are summed: its
   * own, then those of the questions it gates.
   */
  gateGroups: ReadonlyArray<readonly ScoringGroup[]>;
  /** The rules' conditions, compiled, in rule order. */
  predicates: Predicate[];
  /** Fired-rule lists by bitmask, shared so decisions can cache what each set leaves open. */
  firedByMask: BoundedMap<number, HardRule[]>;
  /** The outcomes each fired-rule bitmask leaves open, as bits: what most what-ifs need. */
  openByMask: BoundedMap<number, number>;
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
    rulesByOrder: compiled.questions.map((entry) => rulesOf.get(entry.question.id)),
    gateByOrder: compiled.questions.map((entry) => compiled.gates.has(entry.question.id)),
    gateGroups: compiled.questions.map((entry) => {
      const groups: ScoringGroup[] = [entry.group];
      for (const gated of compiled.gates.get(entry.question.id) ?? [])
        if (!groups.includes(gated.group)) groups.push(gated.group);
      return groups;
    }),
    predicates: compiled.rules.map((rule) => predicateOf(rule.when)),
    firedByMask: new BoundedMap(LIMITS.FIRED_SETS),
    openByMask: new BoundedMap(LIMITS.FIRED_SETS),
  };
}

/**
 * Re-scoring with one or two answers changed, without re-scoring everything: the scores are sums
 * of groups' points (a question alone, or a family) split into points in favour of each outcome
 * and against it, so a change swaps the points of the groups it touches — its own, and those of
 * questions whose applicability it decides — and, where it touches a precondition, works the
 * multipliers out again. Only the rules that test a changed question are checked again, with
 * the changed answer read in (Predicate's changed id and value) or on one flat copy of the
 * counting answers, changed and put back.
 */
export class WhatIf {
  readonly base: Scores;
  private readonly ready: Prepared;
  /** The answers that count: those to questions that apply. Rules are checked on these. */
  readonly counting: Answers;
  private readonly multipliers: Scores;
  /** Each group's points today by its index, and their sums in favour of and against each outcome. */
  private readonly points: Scores[];
  private readonly favour: Scores = new Sums(0, 0, 0);
  /** Each question's multipliers today by compiled order, for a precondition that counts. */
  private readonly factors: Array<Scores | undefined>;
  /** Each answer's points today by compiled order (before families), for those that count. */
  private readonly own: ReadonlyArray<Scores | undefined>;
  private readonly against: Scores = new Sums(0, 0, 0);
  /** The fired rules as a bitmask (bit i: rule i), when there are few enough rules for one. */
  private readonly baseMask: number;
  /** The hard rules today's answers fire, in rule order: decide()'s list, found once. */
  readonly baseFired: HardRule[];
  /** The outcomes today's fired rules leave open, as bits. */
  private readonly baseOpen: number;
  /** Whether each question (by compiled order) applies with today's answers: asked often. */
  private readonly applicable: boolean[];
  /**
   * Each question's answer by compiled order: the searches read every question's, and the
   * answers given are a dictionary, looked up by hashing the id.
   */
  readonly answerAt: ReadonlyArray<AnswerValue | undefined>;
  private scratch: Record<string, AnswerValue | undefined> | undefined;
  private weight: number | undefined;

  /** `scored`: these answers' full scoring, when made already, so its sums are not made again. */
  constructor(
    readonly compiled: CompiledRubrics,
    readonly answers: Answers,
    scored?: Pick<Scored, "groupPoints" | "answerPoints" | "multipliers">,
  ) {
    this.ready = prepare(compiled);
    this.applicable = collect(compiled.questions, (entry) => applies(entry, answers));
    const answerAt: Array<AnswerValue | undefined> = [];
    for (const { question } of compiled.questions) answerAt.push(answers[question.id]);
    this.answerAt = answerAt;
    this.counting = applicableAnswers(compiled, answers);
    this.multipliers = scored?.multipliers ?? multipliersOf(compiled, answers);
    const { groupPoints: byGroup, answerPoints } = scored ?? pointsByGroup(compiled, answers);
    this.own = answerPoints;
    this.points = new Array(compiled.groups.length);
    for (const group of compiled.groups) {
      // A group with no answer that counts gives nothing, so adding it changes no sum.
      const points = byGroup[group.index] ?? ZERO;
      this.points[group.index] = points;
      swapInto(this.favour, this.against, ZERO, points);
    }
    this.base = this.scoresFrom(this.favour, this.against, this.multipliers);
    this.factors = new Array(compiled.questions.length);
    for (const entry of preconditionQuestions(compiled)) {
      const value = answers[entry.question.id];
      if (value !== undefined && this.appliesNow(entry))
        this.factors[entry.order] = factorsOf(entry, value);
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
    this.baseOpen = outcomesLeftBy(this.baseFired).mask;
  }

  /** The share of the rubric weight the answers cover (grounds.ts), worked out once. */
  answeredWeight(): number {
    this.weight ??= answeredWeight(this.compiled, this.answers);
    return this.weight;
  }

  /** Today's decision, on these scores (the full scoring's: the same sums as `base`). */
  decision(scores: Scores): Decision {
    return decideFromRules(this.baseFired, scores);
  }

  private scoresFrom(favour: Scores, against: Scores, multipliers: Scores): Scores {
    return new Sums(
      scoreFrom(favour.combine, against.combine, multipliers.combine),
      scoreFrom(favour.separate, against.separate, multipliers.separate),
      scoreFrom(favour.matrix, against.matrix, multipliers.matrix),
    );
  }

  scores(changes: readonly Change[]): Scores {
    if (changes.length === 1) {
      const [id, value] = changes[0] as Change;
      const entry = this.compiled.byId.get(id);
      return entry ? this.scoresWith(entry, value) : { ...this.base };
    }
    // Changes that decide no one's applicability touch their own groups only; others re-score
    // every group whose applicability they decide.
    const gates = changes.some(([id]) => this.compiled.gates.has(id));
    const answers = gates ? this.overlay(changes) : this.answers;
    const within = gates ? undefined : changes;
    const groups: ScoringGroup[] = [];
    let preconditions = false;
    const touch = (entry: CompiledQuestion) => {
      if (!groups.includes(entry.group)) groups.push(entry.group);
      if (entry.precondition) preconditions = true;
    };
    for (const [id] of changes) {
      const entry = this.compiled.byId.get(id);
      if (entry) touch(entry);
      for (const gated of this.compiled.gates.get(id) ?? []) touch(gated);
    }
    const favour = Sums.of(this.favour);
    const against = Sums.of(this.against);
    for (const group of groups)
      swapInto(
        favour,
        against,
        this.pointsOfGroup(group),
        groupPoints(this.compiled, group, answers, undefined, within),
      );
    const multipliers = preconditions
      ? multipliersOf(this.compiled, answers, within)
      : this.multipliers;
    return this.scoresFrom(favour, against, multipliers);
  }

  /**
   * The scores with one known question's answer changed; written `into` a Sums the caller
   * reuses, when given (the pair search asks this of every answer of every question).
   */
  scoresWith(entry: CompiledQuestion, value: AnswerValue | undefined, into?: Sums): Scores {
    if (this.ready.gateByOrder[entry.order]) {
      const scores = this.scoresWithGate(entry, value);
      if (!into) return scores;
      into.combine = scores.combine;
      into.separate = scores.separate;
      into.matrix = scores.matrix;
      return into;
    }
    const before = this.pointsOfGroup(entry.group);
    const after = this.groupPointsWith(entry, pointsOf(this.compiled, entry, value));
    const multipliers = entry.precondition ? this.multipliersWith(entry, value) : this.multipliers;
    return this.swapped(before, after, multipliers, into);
  }

  /** A group's points today. */
  private pointsOfGroup(group: ScoringGroup): Scores {
    return this.points[group.index] ?? ZERO;
  }

  /** Whether a question counts with today's answers. */
  appliesNow(entry: CompiledQuestion): boolean {
    return this.applicable[entry.order] === true;
  }

  /**
   * A question's group points with its own answer's points replaced by `points` (and a second
   * member's by `otherPoints`): groupPoints with the same sums in the same order, for changes
   * that decide no one's applicability.
   */
  private groupPointsWith(
    entry: CompiledQuestion,
    points: Scores,
    other?: CompiledQuestion,
    otherPoints?: Scores,
  ): Scores {
    const { group } = entry;
    if (group.members.length === 1) return this.appliesNow(entry) ? points : ZERO;
    const net = new Sums(0, 0, 0);
    for (const member of group.members) {
      if (!this.appliesNow(member)) continue;
      const own =
        member === entry ? points : member === other ? otherPoints : this.own[member.order];
      if (!own) continue;
      net.combine += own.combine;
      net.separate += own.separate;
      net.matrix += own.matrix;
    }
    return capGroup(this.compiled, group, net);
  }

  /** The multipliers with one precondition question's answer changed: multipliersOf's products. */
  private multipliersWith(entry: CompiledQuestion, value: AnswerValue | undefined): Scores {
    if (!this.appliesNow(entry)) return this.multipliers;
    // An answer taken away multiplies by one, as it would count for nothing.
    return this.multipliersFrom(this.factors, entry, factorsOf(entry, value));
  }

  /**
   * The product of the preconditions' multipliers, as multipliersOf makes it (same factors, same
   * order): each question's from `factors` by compiled order (none: it does not count), but
   * `a`'s and `b`'s given.
   */
  private multipliersFrom(
    factors: ReadonlyArray<Scores | undefined>,
    a?: CompiledQuestion,
    aFactors?: Scores,
    b?: CompiledQuestion,
    bFactors?: Scores,
  ): Scores {
    const product = new Sums(1, 1, 1);
    for (const entry of preconditionQuestions(this.compiled)) {
      const own = entry === a ? aFactors : entry === b ? bFactors : factors[entry.order];
      if (!own) continue;
      product.combine *= own.combine;
      product.separate *= own.separate;
      product.matrix *= own.matrix;
    }
    return product;
  }

  /**
   * The scores with one group's points swapped for others, under these multipliers (written
   * `into` a caller's Sums, when given).
   */
  private swapped(before: Scores, after: Scores, multipliers: Scores, into?: Sums): Scores {
    const { favour, against } = this;
    const combine = swappedScore("combine", favour, against, before, after, multipliers);
    const separate = swappedScore("separate", favour, against, before, after, multipliers);
    const matrix = swappedScore("matrix", favour, against, before, after, multipliers);
    if (!into) return new Sums(combine, separate, matrix);
    into.combine = combine;
    into.separate = separate;
    into.matrix = matrix;
    return into;
  }

  /**
   * One change to a question others' `appliesWhen` tests: its group and every group it gates
   * re-summed, with the applicability the change gives, in the order and with the sums of the
   * general path below, without an overlay of the answers.
   */
  private scoresWithGate(
    entry: CompiledQuestion,
    value: AnswerValue | undefined,
    flips = this.flipsOf(entry.question.id, value),
  ): Scores {
    const groups = this.ready.gateGroups[entry.order] ?? [entry.group];
    if (flips.length === 0) {
      // Turning nothing on or off, only its own group's points change. The groups it gates are
      // still swapped, for themselves, so the sums round as the general path's below.
      const favour = Sums.of(this.favour);
      const against = Sums.of(this.against);
      for (const group of groups) {
        const before = this.pointsOfGroup(group);
        const after =
          group === entry.group
            ? this.groupPointsWith(entry, pointsOf(this.compiled, entry, value))
            : before;
        swapInto(favour, against, before, after);
      }
      return this.scoresFrom(
        favour,
        against,
        entry.precondition ? this.multipliersWith(entry, value) : this.multipliers,
      );
    }
    const gated = this.compiled.gates.get(entry.question.id) ?? [];
    const counts = (member: CompiledQuestion) =>
      flips.includes(member) ? !this.appliesNow(member) : this.appliesNow(member);
    const answerOf = (member: CompiledQuestion) =>
      member === entry ? value : this.answers[member.question.id];
    const preconditions = entry.precondition || gated.some((member) => member.precondition);
    const favour = Sums.of(this.favour);
    const against = Sums.of(this.against);
    for (const group of groups) {
      const net = new Sums(0, 0, 0);
      for (const member of group.members) {
        const answer = answerOf(member);
        if (answer === undefined || !counts(member)) continue;
        const points = pointsOf(this.compiled, member, answer);
        net.combine += points.combine;
        net.separate += points.separate;
        net.matrix += points.matrix;
      }
      swapInto(favour, against, this.pointsOfGroup(group), capGroup(this.compiled, group, net));
    }
    let multipliers = this.multipliers;
    if (preconditions) {
      const factors = [...this.factors];
      for (const member of flips)
        if (member.precondition) {
          const answer = answerOf(member);
          factors[member.order] =
            answer === undefined || !counts(member) ? undefined : factorsOf(member, answer);
        }
      multipliers = this.multipliersFrom(
        factors,
        entry,
        counts(entry) ? factorsOf(entry, value) : undefined,
      );
    }
    return this.scoresFrom(favour, against, multipliers);
  }

  /** The questions a change to a gate turns on or off. */
  private flipsOf(id: string, value: AnswerValue | undefined): readonly CompiledQuestion[] {
    let flips: CompiledQuestion[] | undefined;
    for (const gated of this.compiled.gates.get(id) ?? []) {
      const applies = gated.applies === undefined || gated.applies(this.answers, id, value);
      if (applies === this.appliesNow(gated)) continue;
      flips ??= [];
      flips.push(gated);
    }
    return flips ?? NO_FLIPS;
  }

  /**
   * The fired-rule bits with one gate changed: the rules testing it, or a question it turns on
   * or off, checked again on the counting answers as the change leaves them.
   */
  private maskWithGate(
    entry: CompiledQuestion,
    value: AnswerValue | undefined,
    flips = this.flipsOf(entry.question.id, value),
  ): number {
    const id = entry.question.id;
    // Turning nothing on or off, it is a change like any other.
    if (flips.length === 0) return this.maskWith(entry, value);
    const scratch = this.scratchAnswers();
    if (this.appliesNow(entry)) scratch[id] = value;
    for (const flipped of flips) {
      const flippedId = flipped.question.id;
      scratch[flippedId] = this.appliesNow(flipped) ? undefined : this.answers[flippedId];
    }
    const { predicates, rulesByOrder } = this.ready;
    let mask = this.baseMask;
    for (const tested of [entry, ...flips])
      for (const index of rulesByOrder[tested.order] ?? []) {
        if (predicates[index]?.(scratch as Answers)) mask |= 1 << index;
        else mask &= ~(1 << index);
      }
    this.putBackAnswer(entry);
    for (const flipped of flips) this.putBackAnswer(flipped);
    return mask;
  }

  /**
   * The counting answers as one flat object, which the what-ifs change and put back in place
   * (putBackAnswer): quicker than an overlay made per what-if. The counting answers themselves
   * where they are a copy already (some answer does not count), else a copy of the answers.
   */
  private scratchAnswers(): Record<string, AnswerValue | undefined> {
    this.scratch ??=
      this.counting === this.answers
        ? flatAnswers(this.compiled, this.answers)
        : (this.counting as Record<string, AnswerValue | undefined>);
    return this.scratch;
  }

  /** A question's answer on the flat copy put back as it counts today. */
  private putBackAnswer(entry: CompiledQuestion): void {
    const { id } = entry.question;
    (this.scratch as Record<string, AnswerValue | undefined>)[id] = this.appliesNow(entry)
      ? this.answers[id]
      : undefined;
  }

  private firedWith(changes: readonly Change[]): HardRule[] {
    const { rules } = this.compiled;
    const { predicates } = this.ready;
    const gates = changes.some(([id]) => this.compiled.gates.has(id));
    if (changes.length === 1 && gates && rules.length <= 31) {
      const [id, value] = changes[0] as Change;
      const entry = this.compiled.byId.get(id);
      if (entry) return this.firedFor(this.maskWithGate(entry, value));
    }
    if (rules.length > 31 || gates) {
      const counting = applicableAnswers(this.compiled, this.overlay(changes));
      return rules.filter((_, index) => predicates[index]?.(counting));
    }
    let mask = this.baseMask;
    if (changes.length === 1) {
      const [id, value] = changes[0] as Change;
      const entry = this.compiled.byId.get(id);
      if (entry) mask = this.maskWith(entry, value);
    } else {
      const counting = this.countingWith(changes);
      for (const [id] of changes) {
        for (const index of this.ready.rulesOf.get(id) ?? []) {
          if (predicates[index]?.(counting)) mask |= 1 << index;
          else mask &= ~(1 << index);
        }
      }
      this.putBack(changes);
    }
    return this.firedFor(mask);
  }

  /**
   * The counting answers with changes that touch no gate made (an answer that does not apply
   * stays out), on the flat copy: putBack(changes) when done with it.
   */
  private countingWith(changes: readonly Change[]): Answers {
    const scratch = this.scratchAnswers();
    for (const [id, value] of changes) {
      const entry = this.compiled.byId.get(id);
      if (entry && this.appliesNow(entry)) scratch[id] = value;
    }
    return scratch as Answers;
  }

  /** The flat copy's answers to these questions as they count today. */
  private putBack(changes: readonly Change[]): void {
    for (const [id] of changes) {
      const entry = this.compiled.byId.get(id);
      if (entry) this.putBackAnswer(entry);
    }
  }

  /** The fired-rule bitmask with one answer changed (for at most 31 rules). */
  private maskWith(entry: CompiledQuestion, value: AnswerValue | undefined): number {
    let mask = this.baseMask;
    // An answer to a question that does not apply counts for no rule.
    const rules = this.ready.rulesByOrder[entry.order];
    if (!rules || !this.appliesNow(entry)) return mask;
    const { predicates } = this.ready;
    const id = entry.question.id;
    for (const index of rules) {
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
  /** The outcomes the rules of a fired-rule bitmask leave open, as bits. */
  private openFor(mask: number): number {
    if (mask === this.baseMask) return this.baseOpen;
    let open = this.ready.openByMask.get(mask);
    if (open === undefined) {
      open = outcomesLeftBy(this.firedFor(mask)).mask;
      this.ready.openByMask.set(mask, open);
    }
    return open;
  }

  /** Only the recommendation with one answer changed. */
  recommendationWith(id: string, value: AnswerValue | undefined): Outcome {
    const entry = this.compiled.byId.get(id);
    if (!entry) return this.recommendationWithChanges([[id, value]]);
    return this.recommendationOf(entry, value, pointsOf(this.compiled, entry, value));
  }

  /**
   * The same for a known question whose changed answer's points (before families and
   * preconditions) are known: the what-if asked of every candidate answer.
   */
  recommendationOf(
    entry: CompiledQuestion,
    value: AnswerValue | undefined,
    points: Scores,
  ): Outcome {
    if (this.ready.gateByOrder[entry.order]) return this.recommendationWithGate(entry, value);
    const mask =
      this.compiled.rules.length > 31
        ? outcomesLeftBy(this.firedWith([[entry.question.id, value]])).mask
        : this.ready.rulesByOrder[entry.order]
          ? this.openFor(this.maskWith(entry, value))
          : this.baseOpen;
    // scores() without its objects: the same sums, for the hottest what-if.
    const before = this.pointsOfGroup(entry.group);
    const after = this.groupPointsWith(entry, points);
    const multipliers = entry.precondition ? this.multipliersWith(entry, value) : this.multipliers;
    const { favour, against } = this;
    return (
      bestOutcome(
        swappedScore("combine", favour, against, before, after, multipliers),
        swappedScore("separate", favour, against, before, after, multipliers),
        swappedScore("matrix", favour, against, before, after, multipliers),
        mask,
      ) ?? "combine"
    );
  }

  /** The recommendation with one gate changed: which questions it turns on or off, found once. */
  private recommendationWithGate(entry: CompiledQuestion, value: AnswerValue | undefined): Outcome {
    const flips = this.flipsOf(entry.question.id, value);
    const scores = this.scoresWithGate(entry, value, flips);
    return this.bestUnder(
      scores,
      this.compiled.rules.length > 31
        ? this.firedWith([[entry.question.id, value]])
        : this.firedFor(this.maskWithGate(entry, value, flips)),
    );
  }

  /**
   * A change made ready to be paired with others: its group's points and its multipliers worked
   * out once, so each pair costs a few sums (findChangePairs tries hundreds).
   */
  prepare(change: Change): PreparedChange {
    const [id, value] = change;
    const prepared = new PreparedChange(change);
    const entry = this.compiled.byId.get(id);
    if (!entry) return prepared;
    // A gate change that turns no question on or off pairs as any change does.
    if (this.ready.gateByOrder[entry.order] && this.flipsOf(id, value).length > 0) {
      prepared.after = new WhatIf(this.compiled, this.overlay([change]));
      return prepared;
    }
    const own = pointsOf(this.compiled, entry, value);
    const points = this.groupPointsWith(entry, own);
    prepared.entry = entry;
    prepared.own = own;
    prepared.points = points;
    const testedBy = this.ready.rulesByOrder[entry.order];
    if (this.compiled.rules.length <= 31) {
      let rules = 0;
      if (this.appliesNow(entry)) for (const index of testedBy ?? []) rules |= 1 << index;
      prepared.rules = rules;
      prepared.fired = this.maskWith(entry, value);
    }
    const movesMultipliers = entry.precondition && this.appliesNow(entry);
    if (movesMultipliers) prepared.factors = factorsOf(entry, value);
    // With more rules than bits, a change the rules test is left to the exact check.
    if (testedBy && prepared.rules === undefined) return prepared;
    const before = this.pointsOfGroup(entry.group);
    prepared.multipliers = prepared.factors
      ? this.multipliersFrom(this.factors, entry, prepared.factors)
      : this.multipliers;
    prepared.scores = this.swapped(before, points, prepared.multipliers);
    if (!movesMultipliers) {
      prepared.favourDelta = new Sums(
        Math.max(points.combine, 0) - Math.max(before.combine, 0),
        Math.max(points.separate, 0) - Math.max(before.separate, 0),
        Math.max(points.matrix, 0) - Math.max(before.matrix, 0),
      );
      prepared.againstDelta = new Sums(
        Math.min(points.combine, 0) - Math.min(before.combine, 0),
        Math.min(points.separate, 0) - Math.min(before.separate, 0),
        Math.min(points.matrix, 0) - Math.min(before.matrix, 0),
      );
    }
    return prepared;
  }

  /**
   * Whether two prepared changes clearly leave `current` on top: a shortcut past the exact check
   * for the many pairs that fall far short. It reads one change's scores plus the other's moves
   * of the sums, so it needs changes in different groups, at most one a precondition; rules that
   * test them are read from each change's fired bits, so no two may share a rule (that would
   * need the rule checked again). Otherwise, or near a tie, it says no and the exact check
   * decides.
   */
  pairClearlyKeeps(a: PreparedChange, b: PreparedChange, current: Outcome): boolean {
    if (a.entry?.group === b.entry?.group) return false;
    let open = this.baseOpen;
    const aRules = a.rules ?? 0;
    const bRules = b.rules ?? 0;
    if ((aRules | bRules) !== 0) {
      if ((aRules & bRules) !== 0) return false;
      open = this.openFor(this.firedMaskOfPair(a, b));
      if ((open & BIT[current]) === 0) return false;
    }
    if (a.scores && b.favourDelta) return this.clearlyKeepsWith(a, b, current, open);
    if (b.scores && a.favourDelta) return this.clearlyKeepsWith(b, a, current, open);
    return false;
  }

  /**
   * pairClearlyKeeps for `first`, with its scores and multipliers, and `second`, which moves the
   * sums: the first's scores plus the second's moves, in favour multiplied; the rivals are those
   * `open` (as bits) with both changes made.
   */
  private clearlyKeepsWith(
    first: PreparedChange,
    second: PreparedChange,
    current: Outcome,
    open: number,
  ): boolean {
    const scores = first.scores as Scores;
    const multipliers = first.multipliers as Scores;
    const favour = second.favourDelta as Scores;
    const against = second.againstDelta as Scores;
    // Each outcome by name: read by a variable key, each number was boxed afresh.
    const combine = scores.combine + multipliers.combine * favour.combine + against.combine;
    const separate = scores.separate + multipliers.separate * favour.separate + against.separate;
    const matrix = scores.matrix + multipliers.matrix * favour.matrix + against.matrix;
    const least = current === "combine" ? combine : current === "separate" ? separate : matrix;
    const rivals = open & ~BIT[current];
    return (
      ((rivals & BIT.combine) === 0 || combine - least <= -CLEAR_MARGIN) &&
      ((rivals & BIT.separate) === 0 || separate - least <= -CLEAR_MARGIN) &&
      ((rivals & BIT.matrix) === 0 || matrix - least <= -CLEAR_MARGIN)
    );
  }

  /** The recommendation with two prepared changes made. */
  recommendationWithPair(a: PreparedChange, b: PreparedChange): Outcome {
    if (a.after && !b.after) return a.after.recommendationWith(...b.change);
    if (b.after && !a.after) return b.after.recommendationWith(...a.change);
    if (!a.entry || !b.entry) {
      const changes = [a.change, b.change] as const;
      return this.bestWith(this.scores(changes), changes);
    }
    const mask =
      a.rules === undefined || b.rules === undefined
        ? outcomesLeftBy(this.firedWith([a.change, b.change])).mask
        : this.openFor(this.firedMaskOfPair(a, b));
    // Their groups swapped (one group, both answers in it, for two members of a family), the
    // multipliers re-multiplied in the full scoring's order; scores() without its objects.
    const same = a.entry.group === b.entry.group;
    const first = this.pointsOfGroup(a.entry.group);
    const firstAfter = same
      ? this.groupPointsWith(a.entry, a.own ?? ZERO, b.entry, b.own ?? ZERO)
      : (a.points as Scores);
    const second = this.pointsOfGroup(b.entry.group);
    const secondAfter = b.points as Scores;
    const multipliers =
      a.factors || b.factors
        ? this.multipliersFrom(
            this.factors,
            a.factors ? a.entry : undefined,
            a.factors,
            b.factors ? b.entry : undefined,
            b.factors,
          )
        : this.multipliers;
    const { favour, against } = this;
    return (
      bestOutcome(
        pairScore(
          favour.combine,
          against.combine,
          first.combine,
          firstAfter.combine,
          same ? undefined : second.combine,
          secondAfter.combine,
          multipliers.combine,
        ),
        pairScore(
          favour.separate,
          against.separate,
          first.separate,
          firstAfter.separate,
          same ? undefined : second.separate,
          secondAfter.separate,
          multipliers.separate,
        ),
        pairScore(
          favour.matrix,
          against.matrix,
          first.matrix,
          firstAfter.matrix,
          same ? undefined : second.matrix,
          secondAfter.matrix,
          multipliers.matrix,
        ),
        mask,
      ) ?? "combine"
    );
  }

  /**
   * The fired-rule bits with two prepared changes made: a rule that tests one of them only fires
   * as it does with that change alone; only rules testing both are checked again.
   */
  private firedMaskOfPair(a: PreparedChange, b: PreparedChange): number {
    const aRules = a.rules ?? 0;
    const bRules = b.rules ?? 0;
    let mask =
      (this.baseMask & ~(aRules | bRules)) |
      ((a.fired ?? 0) & aRules & ~bRules) |
      ((b.fired ?? 0) & bRules & ~aRules);
    const both = aRules & bRules;
    if (both !== 0) {
      const changes = [a.change, b.change];
      const counting = this.countingWith(changes);
      const { predicates } = this.ready;
      for (let index = 0; index < predicates.length; index++)
        if ((both & (1 << index)) !== 0 && predicates[index]?.(counting)) mask |= 1 << index;
      this.putBack(changes);
    }
    return mask;
  }

  /** The best outcome for these scores among those the hard rules leave open after the changes. */
  private bestWith(scores: Scores, changes: readonly Change[]): Outcome {
    const touchesRules = changes.some(
      ([id]) => this.ready.rulesOf.has(id) || this.compiled.gates.has(id),
    );
    return this.bestUnder(scores, touchesRules ? this.firedWith(changes) : this.baseFired);
  }

  /** The best outcome for these scores among those these fired rules leave open. */
  private bestUnder(scores: Scores, fired: readonly HardRule[]): Outcome {
    const { mask } = outcomesLeftBy(fired);
    return bestOutcome(scores.combine, scores.separate, scores.matrix, mask) ?? "combine";
  }

  /** The recommendation with several answers changed. */
  recommendationWithChanges(changes: readonly Change[]): Outcome {
    return this.bestWith(this.scores(changes), changes);
  }

  /**
   * Whether changing this one answer changes which outcomes the hard rules leave open: the only
   * way a rule can move a decision.
   */
  changesOpenOutcomes(entry: CompiledQuestion, value: AnswerValue | undefined): boolean {
    const gate = this.ready.gateByOrder[entry.order];
    if (!this.ready.rulesByOrder[entry.order] && !gate) return false;
    const open =
      this.compiled.rules.length > 31
        ? outcomesLeftBy(this.firedWith([[entry.question.id, value]])).mask
        : this.openFor(gate ? this.maskWithGate(entry, value) : this.maskWith(entry, value));
    return open !== this.baseOpen;
  }

  /**
   * Whether no answer to this question could put a rival on top, for a question that decides
   * no other's applicability: its group's points stay within `range` whatever the answer, and a
   * precondition's multipliers within `factors` (its answers' least and most), so each score can
   * swing only so far. For a question rules test, `values` gives one answer per stretch the
   * rules treat alike: none may rule the recommendation out, and a rival one lets in must stay
   * outscored too. Near a tie it says no.
   */
  clearlyKeepsWhateverAnswer(
    entry: CompiledQuestion,
    range: PointRange,
    current: Outcome,
    values: (question: Question, compiled: CompiledRubrics) => readonly AnswerValue[] | undefined,
    factors?: PointRange,
  ): boolean {
    if (this.ready.gateByOrder[entry.order]) return false;
    let low = this.multipliers;
    let high = this.multipliers;
    if (entry.precondition && this.appliesNow(entry)) {
      // Its multipliers may be any its answers give, times the other preconditions'.
      if (!factors) return false;
      const others = this.multipliersFrom(this.factors, entry, ONE);
      low = timesEach(others, factors.lo);
      high = timesEach(others, factors.hi);
    }
    // The bound on the scores first: it is cheaper than the rules, and rules out most questions.
    if (!this.outscoredWhatever(entry, range, current, this.baseOpen, low, high)) return false;
    if (!this.ready.rulesByOrder[entry.order]) return true;
    // A question rules test: no answer it can take may rule the recommendation out, and each
    // rival an answer lets in must stay outscored too.
    const stretches =
      this.compiled.rules.length > 31 ? undefined : values(entry.question, this.compiled);
    if (!stretches) return false;
    // By index: the values are a readonly array whose iterator made an object per value here.
    for (let index = 0; index < stretches.length; index++) {
      const open = this.openFor(this.maskWith(entry, stretches[index] as AnswerValue));
      if ((open & BIT[current]) === 0) return false;
      const added = open & ~this.baseOpen;
      if (added !== 0 && !this.outscoredWhatever(entry, range, current, added, low, high))
        return false;
    }
    return true;
  }

  /**
   * Whether each outcome of `rivals` (as bits) stays below `current` by a clear margin, whatever
   * the question's group's points within `range` and the multipliers between `low` and `high`.
   */
  private outscoredWhatever(
    entry: CompiledQuestion,
    range: PointRange,
    current: Outcome,
    rivals: number,
    low: Scores,
    high: Scores,
  ): boolean {
    const today = this.pointsOfGroup(entry.group);
    const { favour, against } = this;
    const least = swappedScore(current, favour, against, today, range.lo, low);
    for (let index = 0; index < OUTCOMES.length; index++) {
      const outcome = OUTCOMES[index] as Outcome;
      if (outcome === current || (rivals & BIT[outcome]) === 0) continue;
      const most = swappedScore(outcome, favour, against, today, range.hi, high);
      if (most - least > -CLEAR_MARGIN) return false;
    }
    return true;
  }

  /** Whether a question counts with today's answers: its `appliesWhen` holds, or it has none. */
  applies(id: string): boolean {
    const entry = this.compiled.byId.get(id);
    return entry !== undefined && this.appliesNow(entry);
  }

  /** Scores and the decision with these answers changed (undefined: unanswered). */
  evaluate(changes: readonly Change[]): { scores: Scores; decision: Decision } {
    const scores = this.scores(changes);
    return { scores, decision: decideFromRules(this.firedWith(changes), scores) };
  }

  /** The answers with changes applied, as a new object (flatAnswers'). */
  overlay(changes: readonly Change[]): Answers {
    const copy = flatAnswers(this.compiled, this.answers);
    for (const [id, value] of changes) copy[id] = value;
    return copy as Answers;
  }
}
