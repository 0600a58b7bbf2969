import { predicateOf } from "../rubric/conditions.js";
import type { Answers, AnswerValue, Condition, LeafCondition } from "../rubric/schema.js";

/** How a description names questions and answers. */
export interface Wording {
  question(id: string): string;
  answer(id: string, value: AnswerValue | null): string;
}

/** Ids and raw values: for rubric authors, who write conditions by id. */
export const RAW_WORDING: Wording = {
  question: (id) => id,
  answer: (_, value) => (Array.isArray(value) ? value.join(", ") : String(value)),
};

/**
 * A condition in words: the one place conditions are described.
 *
 * Given answers for which it holds, it says why: the tests that held, and for `any` the first
 * alternative that did ("Decision rights: Informal; Friction between the leaders: Some"). Numbers
 * are described by the threshold they passed, so the text is the same for every answer in range.
 * Without answers (or when it does not hold) it says what is tested: "all of (…; …)".
 */
export function describeCondition(
  condition: Condition,
  wording: Wording,
  answers?: Answers,
): string {
  if (answers && predicateOf(condition)(answers)) return describeHeld(condition, answers, wording);
  return describeTests(condition, wording, false);
}

function describeHeld(condition: Condition, answers: Answers, wording: Wording): string {
  const holds = (part: Condition) => predicateOf(part)(answers);
  if ("all" in condition)
    return condition.all.map((part) => describeHeld(part, answers, wording)).join("; ");
  if ("any" in condition) {
    const held = condition.any.find(holds);
    return held ? describeHeld(held, answers, wording) : describeTests(condition, wording, false);
  }
  if ("not" in condition) return heldNot(condition.not, answers, wording);
  return heldLeaf(condition, answers[condition.question] as AnswerValue, wording);
}

/** A `not` that holds, said the positive way where one test makes that plain: "Employees: more than 100". */
function heldNot(inner: Condition, answers: Answers, wording: Wording): string {
  const fallback = () => `not (${describeTests(inner, wording, false)})`;
  if ("all" in inner || "any" in inner || "not" in inner) return fallback();
  const value = answers[inner.question];
  const name = wording.question(inner.question);
  if (value === undefined) return `${name}: not answered`;
  const tests = Object.keys(inner).filter((key) => key !== "question");
  if (tests.length !== 1) return fallback();
  if (inner.atMost !== undefined) return `${name}: more than ${inner.atMost}`;
  if (inner.atLeast !== undefined) return `${name}: under ${inner.atLeast}`;
  if ((inner.in || inner.notIn) && !Array.isArray(value))
    return `${name}: ${wording.answer(inner.question, value)}`;
  return fallback();
}

function heldLeaf(leaf: LeafCondition, value: AnswerValue, wording: Wording): string {
  const parts: string[] = [];
  const options = (ids: readonly string[]) => wording.answer(leaf.question, [...ids]);
  if (Array.isArray(value)) {
    if (leaf.includes) parts.push(`with ${options(leaf.includes)}`);
    if (leaf.excludes) parts.push(`without ${options(leaf.excludes)}`);
    if (leaf.countAtLeast !== undefined) parts.push(`${leaf.countAtLeast} or more`);
    if (leaf.countAtMost !== undefined)
      parts.push(leaf.countAtMost === 0 ? "none" : `at most ${leaf.countAtMost}`);
  } else {
    if (leaf.in || leaf.notIn) parts.push(wording.answer(leaf.question, value));
    if (leaf.atLeast !== undefined) parts.push(`${leaf.atLeast} or more`);
    if (leaf.atMost !== undefined) parts.push(`${leaf.atMost} or less`);
  }
  return `${wording.question(leaf.question)}: ${parts.length > 0 ? parts.join(", ") : "answered"}`;
}

/** What a condition tests, whatever the answers; groups inside others are bracketed. */
function describeTests(condition: Condition, wording: Wording, nested: boolean): string {
  const group = (word: string, parts: Condition[], joiner: string) => {
    const text = parts.map((part) => describeTests(part, wording, true)).join(joiner);
    return nested || word === "any of" ? `${word} (${text})` : text;
  };
  if ("all" in condition) return group("all of", condition.all, "; ");
  if ("any" in condition) return group("any of", condition.any, "; ");
  if ("not" in condition) return `not (${describeTests(condition.not, wording, false)})`;
  const id = condition.question;
  const values = (list: ReadonlyArray<string | number | boolean>) =>
    list.map((value) => wording.answer(id, value)).join(" or ");
  const tests: string[] = [];
  if (condition.in) tests.push(values(condition.in));
  if (condition.notIn) tests.push(`not ${values(condition.notIn)}`);
  if (condition.atLeast !== undefined) tests.push(`${condition.atLeast} or more`);
  if (condition.atMost !== undefined) tests.push(`${condition.atMost} or less`);
  if (condition.includes) tests.push(`with ${wording.answer(id, condition.includes)}`);
  if (condition.excludes) tests.push(`without ${wording.answer(id, condition.excludes)}`);
  if (condition.countAtLeast !== undefined) tests.push(`${condition.countAtLeast} or more chosen`);
  if (condition.countAtMost !== undefined) tests.push(`at most ${condition.countAtMost} chosen`);
  return `${wording.question(id)}: ${tests.join(", ")}`;
}
