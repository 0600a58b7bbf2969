import type { CompiledRubrics } from "../engine/compile.js";
import { pointScale } from "../engine/score.js";
import { conditionLeaves } from "../rubric/conditions.js";
import { OUTCOMES } from "../rubric/outcomes.js";
import { bandLabel, describeDomain } from "../rubric/question.js";
import type { Question, ReasonText, Rule } from "../rubric/schema.js";
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
    /** Multipliers on outcomes' points in their favour, where the answer is a precondition. */
    precondition?: Record<string, number>;
    reason: string;
    /** Reason texts chosen by other answers, said instead of `reason` when their test holds. */
    variants?: Array<{ when: string; text: string }>;
  }>;
  /** When the question applies, in words; absent when always. */
  appliesWhen?: string;
  /** The family it counts once with, and the family's cap in raw points. */
  family?: { id: string; cap: number };
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
  /** For a condition rule: what the outcome needs in place. */
  mechanism?: string;
  questions: string[];
  reason: string;
  sources: string[];
}

export type Explanation = QuestionExplanation | RuleExplanation;

/** A reason as authors wrote it: the text said otherwise, and each variant with its test. */
function reasonAndVariants(reason: ReasonText): {
  reason: string;
  variants?: Array<{ when: string; text: string }>;
} {
  if (typeof reason === "string") return { reason };
  const fallback = reason[reason.length - 1]?.text ?? "";
  const variants = reason.flatMap((variant) =>
    variant.when
      ? [{ when: describeCondition(variant.when, RAW_WORDING), text: variant.text }]
      : [],
  );
  return { reason: fallback, variants };
}

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
              precondition: o.precondition,
              reason: o.reason,
            })),
            ...(question.none
              ? [
                  {
                    answer: "(none selected)",
                    effect: question.none.effect,
                    precondition: question.none.precondition,
                    reason: question.none.reason,
                  },
                ]
              : []),
          ]
        : question.type === "integer" || question.type === "percent"
          ? question.bands.map((band) => ({
              answer: bandLabel(question, band),
              effect: band.effect,
              precondition: band.precondition,
              reason: band.reason,
            }))
          : question.answers.map((a) => ({
              answer: String(a.value),
              effect: a.effect,
              precondition: a.precondition,
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
          ...(e.precondition ? { precondition: { ...e.precondition } } : {}),
          ...reasonAndVariants(e.reason),
        };
      }),
      ...(question.appliesWhen
        ? { appliesWhen: describeCondition(question.appliesWhen, RAW_WORDING) }
        : {}),
      ...(entry.group.family
        ? { family: { id: entry.group.family.id, cap: entry.group.cap } }
        : {}),
      rules: compiled.rules
        .filter((rule) => [...conditionLeaves(rule.when)].some(({ leaf }) => leaf.question === id))
        .map((rule) => rule.id),
      sources: question.sources ?? [],
    };
  }
  const rule = [...compiled.rules, ...compiled.conditions].find((r) => r.id === id);
  if (!rule) return undefined;
  return {
    kind: "rule",
    id,
    title: rule.title ?? rule.id,
    rubric: ruleHome.get(id) ?? "",
    effect: rule.effect,
    outcome: rule.outcome,
    condition: describeCondition(rule.when, RAW_WORDING),
    ...(rule.mechanism ? { mechanism: rule.mechanism } : {}),
    questions: [...new Set([...conditionLeaves(rule.when)].map(({ leaf }) => leaf.question))],
    reason: rule.reason,
    sources: rule.sources ?? [],
  };
}
