import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { assess } from "../../src/narrate/assess.js";
import { numericDomain } from "../../src/rubric/question.js";
import type { Answers, AnswerValue, NumericQuestion } from "../../src/rubric/schema.js";
import { builtInCompiled, loadOrg, ROOT } from "../helpers/rubrics.js";

const DIRS = [join(ROOT, "examples"), join(ROOT, "test", "fixtures", "calibration")];
const files = DIRS.flatMap((dir) =>
  readdirSync(dir)
    .filter((n) => n.endsWith(".yaml") && n !== "expected.yaml")
    .map((n) => join(dir, n)),
);

const run = (answers: Answers) =>
  assess(builtInCompiled, { organization: "x", source: null, answers });
const withChanges = (answers: Answers, changes: Record<string, AnswerValue>): Answers =>
  Object.assign(Object.create(null), answers, changes);

/** Every "what would change it" statement, pair and trigger is re-applied and must hold. */
describe.each(files.map((file) => [file.split("/").slice(-2).join("/"), file]))(
  "claims for %s",
  (_name, file) => {
    const org = loadOrg(file);
    const result = run(org.answers);

    it("every single change flips to the outcome it names, across its whole range", () => {
      for (const change of result.whatWouldChange) {
        expect(
          run(withChanges(org.answers, { [change.questionId]: change.to })).recommendation,
          change.statement,
        ).toBe(change.recommendation);
        if (!change.range) continue;
        const question = builtInCompiled.byId.get(change.questionId)?.question as NumericQuestion;
        const last =
          change.range.next === null
            ? Math.min(numericDomain(question).max, change.range.min + 10_000)
            : change.range.next - 1;
        for (const value of [change.range.min, last]) {
          expect(
            run(withChanges(org.answers, { [change.questionId]: value })).recommendation,
            `${change.statement} at ${value}`,
          ).toBe(change.recommendation);
        }
        // Just outside the range, next to it, the result differs: merged ranges change outcome at their edges.
        const from = change.from;
        const outside =
          typeof from === "number" && from < change.range.min
            ? change.range.min - 1
            : change.range.next;
        if (outside !== null) {
          expect(
            run(withChanges(org.answers, { [change.questionId]: outside })).recommendation,
            `${change.statement} just outside`,
          ).not.toBe(change.recommendation);
        }
      }
    });

    it("every pair of changes flips to the outcome it names", () => {
      for (const pair of result.changePairs) {
        const changes = Object.fromEntries(pair.changes.map((c) => [c.questionId, c.to]));
        expect(run(withChanges(org.answers, changes)).recommendation, pair.statement).toBe(
          pair.recommendation,
        );
        for (const single of pair.changes) {
          expect(
            run(withChanges(org.answers, { [single.questionId]: single.to })).recommendation,
          ).toBe(result.recommendation);
        }
      }
    });

    it("every trigger to watch fires its rule with one change, with the result it names", () => {
      for (const watch of result.rulesToWatch) {
        const after = run(withChanges(org.answers, { [watch.questionId]: watch.to }));
        expect(
          after.rules.map((rule) => rule.id),
          watch.statement,
        ).toContain(watch.ruleId);
        expect(after.recommendation, watch.statement).toBe(watch.recommendation);
      }
    });

    it("holds the recommendation across each rubric's stated weight range", () => {
      for (const range of result.stability.rubrics) {
        const probe = (weight: number) => {
          const compiled = {
            ...builtInCompiled,
            rubrics: builtInCompiled.rubrics.map((r) => (r.id === range.id ? { ...r, weight } : r)),
          };
          compiled.totalWeight = compiled.rubrics.reduce((sum, r) => sum + r.weight, 0);
          return assess(compiled, { organization: "x", source: null, answers: org.answers })
            .recommendation;
        };
        const inside = [
          range.min > 0 ? range.min * 1.02 + 0.01 : range.weight / 4,
          range.max === null ? range.weight * 4 : range.max * 0.98,
        ];
        for (const weight of inside)
          expect(probe(weight), `${range.id} at ${weight}`).toBe(result.recommendation);
        if (range.max !== null)
          expect(probe(range.max * 1.05 + 0.01), `${range.id} above ${range.max}`).not.toBe(
            result.recommendation,
          );
      }
    });
  },
);
