import { maybeHolds } from "../rubric/conditions.js";
import { OUTCOMES, type Outcome } from "../rubric/outcomes.js";
import type { Answers, AnswerValue } from "../rubric/schema.js";
import type { CompiledQuestion, CompiledRubrics, HardRule, ScoringGroup } from "./compile.js";
import { recommendationFor } from "./evaluate.js";
import { answerChoices, GROUNDS } from "./grounds.js";
import { factorsOf, pointsOf } from "./points.js";
import { capGroup, decide, outcomesLeftBy, type Scores, scoreAnswers } from "./score.js";

/**
 * The engine's proof that the verdict stands however the open questions are answered (or left
 * unanswered): what an adaptive interview needs before it stops asking.
 */
export type Settlement =
  | {
      settled: true;
      recommendation: Outcome;
      /** `rules`: the hard rules leave it alone whatever else is answered; `scores`: it leads. */
      by: "rules" | "scores";
      /** For `scores`: the least lead it keeps over each rival the rules could leave open. */
      leads: Array<{ rival: Outcome; atLeast: number }>;
      /** The rules that fire now and in every completion (for `rules`, those that decide). */
      rules: string[];
    }
  | { settled: false; why: UnsettledReason; rule?: string; rival?: Outcome };

export type UnsettledReason =
  | "no-recommendation"
  | "too-little-answered"
  | "rule-could-fire"
  | "too-many-rules"
  | "rival-could-lead";

/** A lead this small is no lead: the tie-break is not a proof. */
const MARGIN = 1e-6;
/** Past this many answer combinations a group is bounded member by member instead. */
const MAX_COMBINATIONS = 4096;
/** Past this many rules that may or may not fire, the proof gives up rather than enumerate. */
const MAX_UNDECIDED_RULES = 12;
/** Several-of questions with more options are bounded option by option. */
const MAX_SUBSET_OPTIONS = 10;

/** Everything a question could count as once the open questions are answered. */
type Possible = ReadonlyArray<AnswerValue | undefined>;

interface Prospect {
  values: Possible;
  /** Whether it applies: in every completion, in none, or undecided (its test is open). */
  applies: boolean | undefined;
}

/**
 * Whether no answers to the `open` questions, alone or together, could change the verdict on
 * `answers`. Questions neither answered nor open stay unanswered ("not sure"). The proof:
 * - the hard rules: each is settled (fires, or cannot) or undecided; every combination of the
 *   undecided ones must leave the current recommendation open, with no conflict;
 * - the grounds: the weight answered in every completion must be enough for a recommendation;
 * - the scores: against each rival some combination leaves open, the recommendation's least
 *   score minus the rival's most, group by group (a family capped as it scores), with each
 *   outcome's preconditions at their least favourable, must stay above zero.
 * It is sound, not complete: combinations that cannot happen together are counted too, so it
 * may ask for an answer a finer search would not need.
 */
export function settleVerdict(
  compiled: CompiledRubrics,
  answers: Answers,
  open: ReadonlySet<string>,
): Settlement {
  const recommendation = recommendationFor(compiled, answers);
  if (recommendation === null) return { settled: false, why: "no-recommendation" };
  const possible = possibilities(compiled, answers, open);

  // The rules, three-valued over what could still change.
  const known: Record<string, AnswerValue | undefined> = Object.create(null);
  const uncertain = new Set<string>();
  for (const [id, { values }] of possible) {
    if (values.length > 1) uncertain.add(id);
    else known[id] = values[0];
  }
  const must: HardRule[] = [];
  const may: HardRule[] = [];
  for (const rule of compiled.rules) {
    const holds = maybeHolds(rule.when, known as Answers, (id) => uncertain.has(id));
    if (holds === true) must.push(rule);
    else if (holds === undefined) may.push(rule);
  }
  if (may.length > MAX_UNDECIDED_RULES) return { settled: false, why: "too-many-rules" };
  const rivals = new Set<Outcome>();
  for (let subset = 0; subset < 1 << may.length; subset++) {
    const fired = [...must, ...may.filter((_, i) => subset & (1 << i))];
    const left = outcomesLeftBy(fired);
    if (left.conflict || !left.allowed.includes(recommendation)) {
      const culprit = may.find((_, i) => subset & (1 << i));
      return {
        settled: false,
        why: "rule-could-fire",
        ...(culprit ? { rule: culprit.id } : {}),
      };
    }
    for (const outcome of left.allowed) if (outcome !== recommendation) rivals.add(outcome);
  }
  const decidingRules = must.map((rule) => rule.id);
  if (rivals.size === 0)
    return {
      settled: true,
      recommendation,
      by: "rules",
      leads: [],
      rules: decidingRules,
    };

  if (leastAnsweredWeight(compiled, answers, possible) < GROUNDS.minAnsweredWeight)
    return { settled: false, why: "too-little-answered" };

  const { least, most } = multiplierRanges(compiled, possible);
  const leads: Array<{ rival: Outcome; atLeast: number }> = [];
  for (const rival of OUTCOMES) {
    if (!rivals.has(rival)) continue;
    let lead = 0;
    for (const group of compiled.groups)
      lead += leastGroupLead(compiled, group, possible, recommendation, rival, {
        ownMultiplier: least[recommendation],
        rivalMultiplier: most[rival],
      });
    if (lead <= MARGIN) return { settled: false, why: "rival-could-lead", rival };
    leads.push({ rival, atLeast: lead });
  }
  return {
    settled: true,
    recommendation,
    by: "scores",
    leads,
    rules: decidingRules,
  };
}

/**
 * Per question, what it could count as: its answer, nothing (it does not apply, or it is left
 * unanswered), or for an open question any answer. Applicability is itself three-valued, as the
 * question it tests may be open.
 */
function possibilities(
  compiled: CompiledRubrics,
  answers: Answers,
  open: ReadonlySet<string>,
): Map<string, Prospect> {
  const isOpen = (id: string) => open.has(id) && answers[id] === undefined;
  const possible = new Map<string, Prospect>();
  for (const entry of compiled.questions) {
    const { question } = entry;
    const applies = question.appliesWhen ? maybeHolds(question.appliesWhen, answers, isOpen) : true;
    const own = answers[question.id];
    let values: Possible;
    if (applies === false) values = [undefined];
    else if (isOpen(question.id)) values = [...everyAnswer(entry), undefined];
    else if (own === undefined) values = [undefined];
    else values = applies === true ? [own] : [own, undefined];
    possible.set(question.id, { values, applies });
  }
  return possible;
}

/** Every answer a question can give, as scoring tells them apart; for several-of, every subset. */
function everyAnswer(entry: CompiledQuestion): AnswerValue[] {
  const { question } = entry;
  if (question.type !== "multi" || question.options.length > MAX_SUBSET_OPTIONS)
    return [...answerChoices(question)];
  const values = question.options.map((option) => option.value);
  const subsets: AnswerValue[] = [];
  for (let mask = 0; mask < 1 << values.length; mask++)
    subsets.push(values.filter((_, i) => mask & (1 << i)));
  return subsets;
}

/** The weight answered in the worst completion: only what is answered, or cannot apply, counts. */
function leastAnsweredWeight(
  compiled: CompiledRubrics,
  answers: Answers,
  possible: ReadonlyMap<string, Prospect>,
): number {
  let weight = 0;
  for (const entry of compiled.questions) {
    const id = entry.question.id;
    if (answers[id] !== undefined || possible.get(id)?.applies === false) weight += entry.share;
  }
  return weight;
}

/** Per outcome, the least and the most its preconditions could multiply its points in favour. */
function multiplierRanges(compiled: CompiledRubrics, possible: ReadonlyMap<string, Prospect>) {
  const least: Scores = { combine: 1, separate: 1, matrix: 1 };
  const most: Scores = { combine: 1, separate: 1, matrix: 1 };
  for (const entry of compiled.questions) {
    if (!entry.precondition) continue;
    const values = possible.get(entry.question.id)?.values ?? [undefined];
    for (const outcome of OUTCOMES) {
      // A several-of answer's multiplier is a capped sum over its options, so its least is one
      // option's (or none's), and its most at most 1.
      const factors = factorCandidates(entry, values).map((value) => factorsOf(entry, value));
      least[outcome] *= Math.min(...factors.map((f) => f[outcome]));
      most[outcome] *= Math.max(...factors.map((f) => f[outcome]));
    }
  }
  return { least, most };
}

function factorCandidates(entry: CompiledQuestion, values: Possible): Possible {
  const { question } = entry;
  if (question.type !== "multi" || values.length === 1) return values;
  return [undefined, [], ...question.options.map((option) => [option.value])];
}

/**
 * The least a group can add to `own`'s score over `rival`'s, over every combination of its
 * members' possible answers, with the multipliers given. Each outcome's points in favour are
 * multiplied, those against are not, exactly as scores are made.
 */
function leastGroupLead(
  compiled: CompiledRubrics,
  group: ScoringGroup,
  possible: ReadonlyMap<string, Prospect>,
  own: Outcome,
  rival: Outcome,
  multipliers: { ownMultiplier: number; rivalMultiplier: number },
): number {
  const { ownMultiplier, rivalMultiplier } = multipliers;
  const lead = (points: Scores) =>
    (points[own] > 0 ? ownMultiplier * points[own] : points[own]) -
    (points[rival] > 0 ? rivalMultiplier * points[rival] : points[rival]);
  const options = group.members.map((entry) =>
    pointCandidates(compiled, entry, possible.get(entry.question.id)?.values ?? [undefined], {
      own,
      rival,
    }),
  );
  const combinations = options.reduce((product, list) => product * list.length, 1);
  if (combinations > MAX_COMBINATIONS) {
    // Too many to try: the lead only grows with `own`'s points and falls with `rival`'s, so
    // each member at its worst for each side bounds every combination.
    const worst: Scores = { combine: 0, separate: 0, matrix: 0 };
    for (const list of options) {
      worst[own] += Math.min(...list.map((points) => points[own]));
      worst[rival] += Math.max(...list.map((points) => points[rival]));
    }
    return lead(capGroup(compiled, group, worst));
  }
  let least = Number.POSITIVE_INFINITY;
  const sum: Scores = { combine: 0, separate: 0, matrix: 0 };
  const visit = (member: number) => {
    if (member === options.length) {
      least = Math.min(least, lead(capGroup(compiled, group, { ...sum })));
      return;
    }
    for (const points of options[member] ?? []) {
      for (const outcome of OUTCOMES) sum[outcome] += points[outcome];
      visit(member + 1);
      for (const outcome of OUTCOMES) sum[outcome] -= points[outcome];
    }
  };
  visit(0);
  return least;
}

/**
 * The points a member could give, each distinct once. A several-of question with too many
 * options to list every subset stands as one point set worse than any subset: its options
 * against `own` all chosen, and for `rival` all those in its favour.
 */
function pointCandidates(
  compiled: CompiledRubrics,
  entry: CompiledQuestion,
  values: Possible,
  sides: { own: Outcome; rival: Outcome },
): Scores[] {
  const { question } = entry;
  if (
    question.type === "multi" &&
    question.options.length > MAX_SUBSET_OPTIONS &&
    values.length > 2
  ) {
    const none = pointsOf(compiled, entry, []);
    const worst: Scores = { combine: 0, separate: 0, matrix: 0 };
    let ownSum = 0;
    let rivalSum = 0;
    for (const option of question.options) {
      const points = pointsOf(compiled, entry, [option.value]);
      ownSum += Math.min(0, points[sides.own]);
      rivalSum += Math.max(0, points[sides.rival]);
    }
    worst[sides.own] = Math.min(0, none[sides.own], ownSum);
    worst[sides.rival] = Math.max(0, none[sides.rival], rivalSum);
    return [worst];
  }
  const seen = new Map<string, Scores>();
  for (const value of values) {
    const points = pointsOf(compiled, entry, value);
    seen.set(`${points.combine}|${points.separate}|${points.matrix}`, points);
  }
  return [...seen.values()];
}

/**
 * The open question whose answer could most change the verdict, found by scoring each of its
 * answers with the rules: first those that could rule the leader out or put a rival ahead, by how
 * far; then by how far any answer cuts the lead; then by the weight the answer settles; then in
 * interview order (the order of `candidates`).
 */
export function mostDecisiveQuestion(
  compiled: CompiledRubrics,
  answers: Answers,
  candidates: readonly string[],
): string | undefined {
  const { scores } = scoreAnswers(compiled, answers);
  const leader = decide(compiled, answers, scores).recommendation;
  const leadOf = (trial: Answers): number => {
    const trialScores = scoreAnswers(compiled, trial).scores;
    const decision = decide(compiled, trial, trialScores);
    if (!decision.allowed.includes(leader) || decision.conflict) return Number.NEGATIVE_INFINITY;
    let lead = Number.POSITIVE_INFINITY;
    for (const outcome of decision.allowed)
      if (outcome !== leader) lead = Math.min(lead, trialScores[leader] - trialScores[outcome]);
    return lead;
  };
  const now = leadOf(answers);
  let best: { id: string; cut: number; share: number } | undefined;
  for (const id of candidates) {
    const entry = compiled.byId.get(id);
    if (!entry) continue;
    const trial: Record<string, AnswerValue> = Object.assign(Object.create(null), answers);
    let cut = Number.NEGATIVE_INFINITY;
    for (const value of everyAnswer(entry)) {
      trial[id] = value;
      const lead = leadOf(trial);
      // Infinite leads (a rule decides) compare, but do not subtract, when they are equal.
      cut = Math.max(cut, lead === now ? 0 : now - lead);
    }
    if (!best || cut > best.cut || (cut === best.cut && entry.share > best.share))
      best = { id, cut, share: entry.share };
  }
  return best?.id;
}
