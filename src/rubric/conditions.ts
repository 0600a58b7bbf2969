import { keyed } from "../cache/memo.js";
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

/** The questions a condition tests, each once, in order; worked out once per condition. */
export const questionsTestedBy: (condition: Condition) => readonly string[] = keyed(
  "questions a condition tests",
  (condition: Condition) =>
    Object.freeze([...new Set([...conditionLeaves(condition)].map(({ leaf }) => leaf.question))]),
);

/** Whether a rule's condition holds. A test on an unanswered question never holds. */
export function conditionHolds(condition: Condition, answers: Answers): boolean {
  return predicateOf(condition)(answers);
}

/** The condition as a function, compiled once per condition object: rules are checked very often. */
export const predicateOf: (condition: Condition) => Predicate = keyed(
  "condition predicates",
  (condition: Condition) => compile(condition),
);

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
  const question = condition.question;
  const holds = leafTest(condition);
  return (answers, id, changed) => holds(question === id ? changed : answers[question]);
}

const leafHolds = (leaf: LeafCondition, value: AnswerValue | undefined): boolean =>
  leafTest(leaf)(value);

/**
 * A leaf's test of one answer, its bounds read once: leaves from a rubric have as many hidden
 * classes as combinations of bounds, so a test reading them from the leaf on every answer read
 * each generically (rules are checked tens of times per organisation).
 */
const leafTest = keyed("leaf tests", (leaf: LeafCondition) => {
  const { includes, excludes, countAtLeast, countAtMost, in: among, notIn, atLeast, atMost } = leaf;
  return (value: AnswerValue | undefined): boolean => {
    if (value === undefined) return false;
    if (Array.isArray(value)) {
      // Loops, not every() and some(): their callbacks were a closure made per test.
      if (includes)
        for (let index = 0; index < includes.length; index++)
          if (!value.includes(includes[index] as string)) return false;
      if (excludes)
        for (let index = 0; index < excludes.length; index++)
          if (value.includes(excludes[index] as string)) return false;
      if (countAtLeast !== undefined && value.length < countAtLeast) return false;
      if (countAtMost !== undefined && value.length > countAtMost) return false;
      return true;
    }
    if (among && !among.includes(value)) return false;
    if (notIn?.includes(value)) return false;
    if (typeof value === "number") {
      if (atLeast !== undefined && value < atLeast) return false;
      if (atMost !== undefined && value > atMost) return false;
    }
    return true;
  };
});

/**
 * Whether a condition could still hold once the unanswered questions are answered: a test on an
 * unanswered question may go either way, and the answered ones are taken as they are.
 */
export function couldHold(condition: Condition, answers: Answers): boolean {
  return maybeHolds(condition, answers) !== false;
}

const unanswered = (answers: Answers) => (id: string) => answers[id] === undefined;

/**
 * Three-valued: true or false when the answers settle it, undefined when they do not. A test on
 * an open question (by default, any unanswered one) may go either way; a question that is not
 * open is taken as it is, unanswered included.
 */
export function maybeHolds(
  condition: Condition,
  answers: Answers,
  open: (id: string) => boolean = unanswered(answers),
): boolean | undefined {
  if ("all" in condition) {
    let all: boolean | undefined = true;
    for (const part of condition.all) {
      const held = maybeHolds(part, answers, open);
      if (held === false) return false;
      if (held === undefined) all = undefined;
    }
    return all;
  }
  if ("any" in condition) {
    let any: boolean | undefined = false;
    for (const part of condition.any) {
      const held = maybeHolds(part, answers, open);
      if (held === true) return true;
      if (held === undefined) any = undefined;
    }
    return any;
  }
  if ("not" in condition) {
    const held = maybeHolds(condition.not, answers, open);
    return held === undefined ? undefined : !held;
  }
  return open(condition.question) ? undefined : leafHolds(condition, answers[condition.question]);
}
