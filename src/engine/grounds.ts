import { couldHold, predicateOf } from "../rubric/conditions.js";
import { OUTCOMES } from "../rubric/outcomes.js";
import { allowedValues } from "../rubric/question.js";
import type { Answers, AnswerValue, Question } from "../rubric/schema.js";
import type { CompiledQuestion, CompiledRubrics } from "./compile.js";
import type { Scores, UndecidedReason } from "./facts.js";
import { applies, pointsOf } from "./points.js";
import { applicableAnswers, type Decision, isTie, outcomesLeftBy } from "./score.js";

/**
 * When the engine gives no recommendation: below `minAnsweredWeight` of the rubric weight answered
 * (each question weighs the score points it can move), or when the top open scores tie. The hard
 * rules can settle either: a tie when they leave one outcome open, too little answered when, as
 * well, no rule that tests an unanswered question could change what they leave open.
 */
export const GROUNDS = {
  minAnsweredWeight: 0.4,
} as const;

/** When the hard rules leave one outcome open, it wins whatever the scores say. */
export const decidedByRule = (decision: Decision): boolean =>
  !decision.conflict && decision.allowed.length === 1 && decision.fired.length > 0;

/** The share of the rubric weight these answers cover (see GROUNDS). */
export function answeredWeight(compiled: CompiledRubrics, answers: Answers): number {
  let answered = 0;
  // A question that does not apply is as good as answered: nothing more can be learnt from it.
  for (const entry of compiled.questions)
    if (answers[entry.question.id] !== undefined || !applies(entry, answers))
      answered += entry.share;
  return answered;
}

/**
 * Whether the rules' decision could change once the open questions are answered: some rule not
 * firing now could still fire, and firing it would leave a different set open.
 */
function rulesCouldChange(
  compiled: CompiledRubrics,
  answers: Answers,
  decision: Decision,
): boolean {
  const now = outcomesLeftBy(decision.fired);
  const counting = applicableAnswers(compiled, answers);
  return compiled.rules.some((rule) => {
    if (decision.fired.includes(rule)) return false;
    if (!couldHold(rule.when, counting)) return false;
    const after = outcomesLeftBy([...decision.fired, rule]);
    return after.conflict !== now.conflict || after.allowed.join() !== now.allowed.join();
  });
}

/**
 * Why answers covering `weight` of the rubric weight give no recommendation yet; undefined when
 * they give one. The answers are asked for only when too little is answered and the rules
 * decided, to see whether they could change: a what-if then builds no overlay.
 */
export function missingGrounds(
  compiled: CompiledRubrics,
  answersOf: () => Answers,
  weight: number,
  scores: Scores,
  decision: Decision,
): UndecidedReason | undefined {
  const byRule = decidedByRule(decision);
  if (
    weight < GROUNDS.minAnsweredWeight &&
    !(byRule && !rulesCouldChange(compiled, answersOf(), decision))
  )
    return "too-little-answered";
  return !byRule && isTie(decision, scores) ? "tied" : undefined;
}

/** The answers a question can give, one per distinct effect (a band's start stands for the band). */
export function answerChoices(question: Question): readonly AnswerValue[] {
  switch (question.type) {
    case "integer":
    case "percent":
      return question.bands.map((band) => band.from);
    case "multi":
      return [[], ...question.options.map((option) => [option.value])];
    default:
      return allowedValues(question);
  }
}

/** The widest gap one set of points opens between two outcomes. */
function spread(points: Scores): number {
  let widest = 0;
  for (const a of OUTCOMES)
    for (const b of OUTCOMES) widest = Math.max(widest, points[a] - points[b]);
  return widest;
}

/**
 * The most an answer to this question could move one outcome against another, in score points.
 * For several-of questions every option leaning the same way can be chosen at once, so their
 * leanings add up.
 */
function swing(compiled: CompiledRubrics, entry: CompiledQuestion): number {
  const { question } = entry;
  if (question.type === "multi") {
    let widest = spread(pointsOf(compiled, entry, []));
    for (const a of OUTCOMES) {
      for (const b of OUTCOMES) {
        let sum = 0;
        for (const option of question.options) {
          const points = pointsOf(compiled, entry, [option.value]);
          sum += Math.max(0, points[a] - points[b]);
        }
        widest = Math.max(widest, sum);
      }
    }
    return widest;
  }
  let widest = 0;
  for (const value of answerChoices(question))
    widest = Math.max(widest, spread(pointsOf(compiled, entry, value)));
  return widest;
}

/** Whether some answer to this question makes a hard rule fire that does not fire now. */
function couldFireRule(compiled: CompiledRubrics, answers: Answers, question: Question): boolean {
  const values = answerChoices(question);
  const all = question.type === "multi" ? [question.options.map((o) => o.value)] : [];
  return compiled.rules.some((rule) => {
    const holds = predicateOf(rule.when);
    if (holds(answers)) return false;
    return [...values, ...all].some((value) => holds(answers, question.id, value));
  });
}

/**
 * The unanswered questions that could decide an open result, most decisive first: those whose
 * answer could make a hard rule fire, then by the most score points the answer could move between
 * two outcomes. Questions that can move nothing are left out.
 */
export function answerFirst(compiled: CompiledRubrics, answers: Answers): string[] {
  const counting = applicableAnswers(compiled, answers);
  const open = compiled.questions
    .filter((entry) => answers[entry.question.id] === undefined && applies(entry, answers))
    .map((entry) => ({
      id: entry.question.id,
      order: entry.order,
      rule: couldFireRule(compiled, counting, entry.question),
      swing: swing(compiled, entry),
    }))
    .filter((entry) => entry.rule || entry.swing > 0);
  open.sort((a, b) => Number(b.rule) - Number(a.rule) || b.swing - a.swing || a.order - b.order);
  return open.map((entry) => entry.id);
}
