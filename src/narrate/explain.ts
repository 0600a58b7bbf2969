import type { CompiledRubrics } from "../engine/compile.js";
import { pointScale } from "../engine/score.js";
import { conditionLeaves } from "../rubric/conditions.js";
import { OUTCOMES } from "../rubric/outcomes.js";
import { bandLabel, describeDomain } from "../rubric/question.js";
import type { Question, Rule } from "../rubric/schema.js";
import { describeCondition, RAW_WORDING } from "./conditions.js";

/* What `rolefit explain` says of a question or a rule, for rubric authors: by ids, as they write. */

interface QuestionExplanation {
  kind: "question";
  id: string;
  rubric: string;
  type: Question["type"];
  prompt: string;
  help: string;
  allowed: string;
  /** Score points one step of effect is worth: the rubric's weight share over its maximum. */
  pointsPerEffect: number;
  answers: Array<{
    answer: string;
    effect: Record<string, number>;
    points: Record<string, number>;
    reason: string;
  }>;
  rules: string[];
  sources: string[];
}

interface RuleExplanation {
  kind: "rule";
  id: string;
  /** The rule's short name; its id when the rubric gives none. */
  title: string;
  rubric: string;
  effect: Rule["effect"];
  outcome: Rule["outcome"];
  condition: string;
  questions: string[];
  reason: string;
  sources: string[];
}

export type Explanation = QuestionExplanation | RuleExplanation;

/** What a question or rule does, from the compiled rubrics. Undefined when the id is unknown. */
export function explainId(
  compiled: CompiledRubrics,
  id: string,
  ruleHome: ReadonlyMap<string, string>,
): Explanation | undefined {
  const entry = compiled.byId.get(id);
  if (entry) {
    const { question, rubricId } = entry;
    const rubric = compiled.rubrics.find((r) => r.id === rubricId);
    const perEffect = rubric ? pointScale(compiled, rubric) : 0;
    const entries =
      question.type === "multi"
        ? [
            ...question.options.map((o) => ({
              answer: o.value,
              effect: o.effect,
              reason: o.reason,
            })),
            ...(question.none
              ? [
                  {
                    answer: "(none selected)",
                    effect: question.none.effect,
                    reason: question.none.reason,
                  },
                ]
              : []),
          ]
        : question.type === "integer" || question.type === "percent"
          ? question.bands.map((band) => ({
              answer: bandLabel(question, band),
              effect: band.effect,
              reason: band.reason,
            }))
          : question.answers.map((a) => ({
              answer: String(a.value),
              effect: a.effect,
              reason: a.reason,
            }));
    return {
      kind: "question",
      id,
      rubric: rubricId,
      type: question.type,
      prompt: question.prompt,
      help: question.help,
      allowed: describeDomain(question),
      pointsPerEffect: Math.round(perEffect * 1000) / 1000,
      answers: entries.map((e) => {
        const effect = Object.fromEntries(OUTCOMES.map((o) => [o, e.effect[o] ?? 0]));
        return {
          answer: e.answer,
          effect,
          points: Object.fromEntries(
            OUTCOMES.map((o) => [o, Math.round((effect[o] ?? 0) * perEffect * 100) / 100]),
          ),
          reason: e.reason,
        };
      }),
      rules: compiled.rules
        .filter((rule) => [...conditionLeaves(rule.when)].some(({ leaf }) => leaf.question === id))
        .map((rule) => rule.id),
      sources: question.sources ?? [],
    };
  }
  const rule = compiled.rules.find((r) => r.id === id);
  if (!rule) return undefined;
  return {
    kind: "rule",
    id,
    title: rule.title ?? rule.id,
    rubric: ruleHome.get(id) ?? "",
    effect: rule.effect,
    outcome: rule.outcome,
    condition: describeCondition(rule.when, RAW_WORDING),
    questions: [...new Set([...conditionLeaves(rule.when)].map(({ leaf }) => leaf.question))],
    reason: rule.reason,
    sources: rule.sources ?? [],
  };
}
