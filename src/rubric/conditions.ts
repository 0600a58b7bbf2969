import type { Answers, Condition, LeafCondition } from "./schema.js";
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

/** Whether a rule's condition holds. A test on an unanswered question never holds. */
export function conditionHolds(condition: Condition, answers: Answers): boolean {
  if ("all" in condition) return condition.all.every((c) => conditionHolds(c, answers));
  if ("any" in condition) return condition.any.some((c) => conditionHolds(c, answers));
  if ("not" in condition) return !conditionHolds(condition.not, answers);
  const value = answers[condition.question];
  if (value === undefined) return false;
  if (Array.isArray(value)) {
    if (condition.includes && !condition.includes.every((option) => value.includes(option)))
      return false;
    if (condition.excludes?.some((option) => value.includes(option))) return false;
    if (condition.countAtLeast !== undefined && value.length < condition.countAtLeast) return false;
    if (condition.countAtMost !== undefined && value.length > condition.countAtMost) return false;
    return true;
  }
  if (condition.in && !condition.in.includes(value)) return false;
  if (condition.notIn?.includes(value)) return false;
  if (typeof value === "number") {
    if (condition.atLeast !== undefined && value < condition.atLeast) return false;
    if (condition.atMost !== undefined && value > condition.atMost) return false;
  }
  return true;
}
