import { keyed } from "../cache/memo.js";
import type { CompiledRubrics } from "../engine/compile.js";
import { conditionHolds } from "../rubric/conditions.js";
import type { Outcome } from "../rubric/outcomes.js";
import { answerLabel, bandFor, bandLabel, effectsOf } from "../rubric/question.js";
import type { Answers, AnswerValue, Question, ReasonText, Rule } from "../rubric/schema.js";
import type { Wording } from "./conditions.js";

/**
 * An answer as people read it, the one place answers are described: by the rubric's labels
 * ("High", "Steering committee, Blended scorecard", "95%"), "unanswered" for null, raw for a
 * question the rubrics lack. `withBand` adds the band a number falls in: "420 (101–500)".
 */
export function describeAnswer(
  question: Question | undefined,
  value: AnswerValue | null,
  withBand = false,
): string {
  if (value === null) return "unanswered";
  if (!question)
    return Array.isArray(value) ? (value.length === 0 ? "none" : value.join(", ")) : String(value);
  // One option of a several-of question stands for itself.
  const label = answerLabel(
    question,
    question.type === "multi" && !Array.isArray(value) ? [String(value)] : value,
  );
  if (!withBand || (question.type !== "integer" && question.type !== "percent")) return label;
  const band = bandFor(question, value as number);
  const range = band ? bandLabel(question, band) : undefined;
  return range === undefined || range === label || range === String(value)
    ? label
    : `${label} (${range})`;
}

/** Questions and answers by the rubrics' labels, for sentences about the answers. */
export const wordingOf: (compiled: CompiledRubrics) => Wording = keyed(
  "wording",
  (compiled: CompiledRubrics): Wording => {
    const questionOf = (id: string) => compiled.byId.get(id)?.question;
    return {
      question: (id) => questionOf(id)?.label ?? id,
      answer: (id, value) => describeAnswer(questionOf(id), value),
    };
  },
);

/** The rules by id (hard rules and conditions), for the words of the rules the engine names. */
export const rulesById: (compiled: CompiledRubrics) => ReadonlyMap<string, Rule> = keyed(
  "rules by id",
  (compiled: CompiledRubrics) => {
    const byId = new Map<string, Rule>();
    for (const rule of [...compiled.rules, ...compiled.conditions])
      if (!byId.has(rule.id)) byId.set(rule.id, rule);
    return byId;
  },
);

/** A rule as people read it: its title, or its id when the rubric gives none. */
export function ruleTitle(compiled: CompiledRubrics, id: string): string {
  return rulesById(compiled).get(id)?.title ?? id;
}

/**
 * The rubric's label and reason for one scored answer: a choice, a band's number, or one option
 * of a several-of question (`[]`: none chosen).
 */
export function answerEffect(question: Question, answer: AnswerValue): AnswerTexts {
  // Numbers share their band's texts; every other answer is one of a few values.
  const key =
    question.type === "integer" || question.type === "percent"
      ? (bandFor(question, answer as number) ?? answer)
      : Array.isArray(answer)
        ? (answer[0] ?? NONE_CHOSEN)
        : answer;
  const texts = answerTexts(question);
  let found = texts.get(key);
  if (!found) {
    const value: AnswerValue =
      question.type === "multi" && !Array.isArray(answer) ? [String(answer)] : answer;
    const entry = effectsOf(question, value)[0];
    found = entry
      ? { label: entry.label, reason: entry.reason }
      : { label: String(answer), reason: "" };
    texts.set(key, found);
  }
  return found;
}

interface AnswerTexts {
  label: string;
  reason: ReasonText;
}

/**
 * The words of a reason for these answers: a plain text, or the first variant whose `when` holds
 * (the last variant has none), so no sentence asserts what the other answers deny.
 */
export function reasonText(reason: ReasonText, answers: Answers): string {
  if (typeof reason === "string") return reason;
  const chosen = reason.find((variant) => !variant.when || conditionHolds(variant.when, answers));
  return chosen?.text ?? "";
}

/** The key of an empty selection. */
const NONE_CHOSEN = Symbol("none chosen");

const answerTexts = keyed("answer texts", (_: Question) => new Map<unknown, AnswerTexts>());

/** The recommendation as an action, for sentences: "recommends combining the roles". */
export const OUTCOME_ACTION: Record<Outcome, string> = {
  combine: "combining the CTO and CIO roles",
  separate: "keeping the CTO and CIO roles separate",
  matrix: "running the CTO and CIO roles as a matrix",
};

export const OUTCOME_MEANING: Record<Outcome, string> = {
  combine: "one executive owns both the CTO and the CIO remit",
  separate: "a CTO and a CIO with distinct mandates",
  matrix: "a CTO and a CIO with shared objectives, joint governance and cross-functional teams",
};

/** The outcomes that fired rules require, each once. */
export function requiredOutcomes(
  rules: ReadonlyArray<{ effect: "forbid" | "require"; outcome: Outcome }>,
): Outcome[] {
  return [
    ...new Set(rules.filter((rule) => rule.effect === "require").map((rule) => rule.outcome)),
  ];
}

/** "a, b and c". */
export function joinWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}
