import type { Condition, LeafCondition } from "./schema.js";
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
