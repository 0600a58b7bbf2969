import type { CompiledRubrics } from "../engine/compile.js";
import type { FiredRuleFact, RangeFact, UndecidedReason } from "../engine/facts.js";
import { GROUNDS } from "../engine/grounds.js";
import type { Outcome } from "../rubric/outcomes.js";
import { numericDomain } from "../rubric/question.js";
import type { AnswerValue, NumericQuestion, Question } from "../rubric/schema.js";
import { describeAnswer, joinWords, requiredOutcomes, ruleTitle, wordingOf } from "./wording.js";

function describeRange(question: NumericQuestion, range: RangeFact): string {
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
export function describeChange(
  question: Question,
  from: AnswerValue | null,
  to: AnswerValue,
  range?: RangeFact,
): string {
  const name = question.label ?? question.id;
  const target = describeTarget(question, from, to, range);
  if (/^(also with|without) /.test(target)) return `${name} ${target}`;
  return `${name} ${target.startsWith("under") ? "" : "at "}${target} (${describeNow(question, from)})`;
}

/** "now Documented", or "unanswered now". */
export const describeNow = (question: Question, from: AnswerValue | null): string =>
  from === null ? "unanswered now" : `now ${describeAnswer(question, from)}`;

/**
 * Where a change goes, without the question's name: "6 or more", "Contested", "also with
 * Blended scorecard", "without Steering committee".
 */
export function describeTarget(
  question: Question,
  from: AnswerValue | null,
  to: AnswerValue,
  range?: RangeFact,
): string {
  if (range && (question.type === "integer" || question.type === "percent"))
    return describeRange(question, range);
  if (question.type === "multi" && Array.isArray(from) && Array.isArray(to)) {
    const added = to.filter((o) => !from.includes(o));
    const removed = from.filter((o) => !to.includes(o));
    if (added.length > 0) return `also with ${describeAnswer(question, added)}`;
    if (removed.length > 0) return `without ${describeAnswer(question, removed)}`;
  }
  return describeAnswer(question, to);
}

export const becomes = (recommendation: Outcome, current: Outcome): string =>
  `the recommendation would be ${recommendation} instead of ${current}`;

/**
 * The hard rules that left no outcome open, said first wherever the result is shown: "The hard
 * rules conflict: A forbids combine, B forbids separate and C forbids matrix; the scores decide
 * between them."
 */
export function conflictStatement(
  compiled: CompiledRubrics,
  fired: readonly FiredRuleFact[],
): string {
  const rules = fired.map(
    (rule) => `${ruleTitle(compiled, rule.id)} ${rule.effect}s ${rule.outcome}`,
  );
  const required = requiredOutcomes(fired);
  const among =
    required.length === 1
      ? `the requirement stands, so the result is ${required[0]}`
      : required.length > 1
        ? `the scores decide between ${joinWords(required)}`
        : "the scores decide between all three";
  return `The hard rules conflict: ${joinWords(rules)}; ${among}.`;
}

/** Why there is no recommendation yet, and what to answer first, by the rubric's labels. */
export function undecidedStatement(
  compiled: CompiledRubrics,
  reason: UndecidedReason,
  answerFirst: readonly string[],
): string {
  const why =
    reason === "tied"
      ? "The top scores are tied and no hard rule decides between them."
      : `Too little is answered to recommend a structure: the answers cover less than ${Math.round(GROUNDS.minAnsweredWeight * 100)}% of the rubric weight.`;
  const labels = answerFirst.slice(0, 5).map((id) => wordingOf(compiled).question(id));
  const next =
    labels.length > 0
      ? ` Answer first: ${joinWords(labels)}${answerFirst.length > labels.length ? ` (and ${answerFirst.length - labels.length} more)` : ""}.`
      : "";
  return `No recommendation yet. ${why}${next}`;
}
