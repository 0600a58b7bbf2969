import type { Answers, AnswerValue, Condition, LeafCondition } from "./schema.js";
import type { Path } from "./yaml.js";

/** Every leaf test of a condition tree, with its path inside the condition. */
export function* conditionLeaves(
  condition: Condition,
  path: Path = [],
): Generator<{ leaf: LeafCondition; path: Path }> {
  if ("all" in condition) {
    for (const [i, child] of condition.all.entries())
      yield* conditionLeaves(child, [...path, "all", i]);
  } else if ("any" in condition) {
    for (const [i, child] of condition.any.entries())
      yield* conditionLeaves(child, [...path, "any", i]);
  } else if ("not" in condition) {
    yield* conditionLeaves(condition.not, [...path, "not"]);
  } else {
    yield { leaf: condition, path };
  }
}

/**
 * A condition compiled to a function. `changedId`/`changedValue` read as if that one answer were
 * different (undefined: unanswered), so what-ifs test a change without copying the answers.
 */
export type Predicate = (
  answers: Answers,
  changedId?: string,
  changedValue?: AnswerValue,
) => boolean;

const compiledConditions = new WeakMap<Condition, Predicate>();

const testedQuestions = new WeakMap<Condition, readonly string[]>();

/** The questions a condition tests, each once, in order; worked out once per condition. */
export function questionsTestedBy(condition: Condition): readonly string[] {
  let ids = testedQuestions.get(condition);
  if (!ids) {
    ids = Object.freeze([
      ...new Set([...conditionLeaves(condition)].map(({ leaf }) => leaf.question)),
    ]);
    testedQuestions.set(condition, ids);
  }
  return ids;
}

/** Whether a rule's condition holds. A test on an unanswered question never holds. */
export function conditionHolds(condition: Condition, answers: Answers): boolean {
  return predicateOf(condition)(answers);
}

/** The condition as a function, compiled once per condition object: rules are checked very often. */
export function predicateOf(condition: Condition): Predicate {
  let predicate = compiledConditions.get(condition);
  if (!predicate) {
    predicate = compile(condition);
    compiledConditions.set(condition, predicate);
  }
  return predicate;
}

function compile(condition: Condition): Predicate {
  if ("all" in condition) {
    const parts = condition.all.map(compile);
    return (answers, id, value) => {
      for (const part of parts) if (!part(answers, id, value)) return false;
      return true;
    };
  }
  if ("any" in condition) {
    const parts = condition.any.map(compile);
    return (answers, id, value) => {
      for (const part of parts) if (part(answers, id, value)) return true;
      return false;
    };
  }
  if ("not" in condition) {
    const inner = compile(condition.not);
    return (answers, id, value) => !inner(answers, id, value);
  }
  const leaf = condition;
  const question = leaf.question;
  return (answers, id, changed) => leafHolds(leaf, question === id ? changed : answers[question]);
}

function leafHolds(leaf: LeafCondition, value: AnswerValue | undefined): boolean {
  if (value === undefined) return false;
  if (Array.isArray(value)) {
    if (leaf.includes && !leaf.includes.every((option) => value.includes(option))) return false;
    if (leaf.excludes?.some((option) => value.includes(option))) return false;
    if (leaf.countAtLeast !== undefined && value.length < leaf.countAtLeast) return false;
    if (leaf.countAtMost !== undefined && value.length > leaf.countAtMost) return false;
    return true;
  }
  if (leaf.in && !leaf.in.includes(value)) return false;
  if (leaf.notIn?.includes(value)) return false;
  if (typeof value === "number") {
    if (leaf.atLeast !== undefined && value < leaf.atLeast) return false;
    if (leaf.atMost !== undefined && value > leaf.atMost) return false;
  }
  return true;
}

/** How a description names questions and answers; ids and raw values by default. */
export interface Wording {
  question(id: string): string;
  answer(id: string, value: AnswerValue): string;
}

const RAW: Wording = {
  question: (id) => id,
  answer: (_, value) => (Array.isArray(value) ? value.join(", ") : String(value)),
};

/**
 * Why a condition holds for these answers, in words ("Decision rights: Informal; Friction
 * between the leaders: Some"): the tests that hold, and for `any` the first alternative that
 * does. Numbers are described by the threshold they passed, so the text is the same for every
 * answer in range. Undefined when the condition does not hold.
 */
export function describeHolding(
  condition: Condition,
  answers: Answers,
  wording: Wording = RAW,
): string | undefined {
  if (!predicateOf(condition)(answers)) return undefined;
  if ("all" in condition) {
    return condition.all.map((part) => describeHolding(part, answers, wording)).join("; ");
  }
  if ("any" in condition) {
    for (const part of condition.any) {
      const held = describeHolding(part, answers, wording);
      if (held !== undefined) return held;
    }
    return undefined;
  }
  if ("not" in condition) return `not (${describeTests(condition.not, wording)})`;
  return describeLeaf(condition, answers[condition.question] as AnswerValue, wording);
}

function describeLeaf(leaf: LeafCondition, value: AnswerValue, wording: Wording): string {
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

/** A condition's tests in words, whatever the answers: for `not`, which cannot point at one. */
function describeTests(condition: Condition, wording: Wording): string {
  if ("all" in condition) return condition.all.map((c) => describeTests(c, wording)).join("; ");
  if ("any" in condition) return condition.any.map((c) => describeTests(c, wording)).join(" or ");
  if ("not" in condition) return `not (${describeTests(condition.not, wording)})`;
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
  if (condition.countAtLeast !== undefined) tests.push(`${condition.countAtLeast} or more`);
  if (condition.countAtMost !== undefined) tests.push(`at most ${condition.countAtMost}`);
  return `${wording.question(id)}: ${tests.join(", ")}`;
}
