import type { CompiledRubrics } from "../engine/compile.js";
import { pointScale } from "../engine/score.js";
import { describeCondition, RAW_WORDING } from "../narrate/conditions.js";
import { conditionLeaves } from "../rubric/conditions.js";
import { OUTCOMES } from "../rubric/outcomes.js";
import { bandLabel, describeDomain } from "../rubric/question.js";
import type { Question, Rule } from "../rubric/schema.js";
import { deepVisible } from "../text/visible.js";
import { wrap } from "./text.js";

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

export function renderExplanationText(input: Explanation, width: number): string {
  const explanation = deepVisible(input);
  const lines: string[] = [];
  const para = (text: string, indent = "  ") =>
    lines.push(...wrap(text, width - indent.length, indent, indent));
  if (explanation.kind === "question") {
    lines.push(`${explanation.id}  (question in ${explanation.rubric}, ${explanation.type})`, "");
    para(explanation.prompt);
    para(explanation.help);
    lines.push("", `  Allowed: ${explanation.allowed}`, "");
    const answerWidth = Math.max(6, ...explanation.answers.map((a) => a.answer.length));
    lines.push(`  ${"answer".padEnd(answerWidth)}  combine  separate  matrix   (score points)`);
    for (const answer of explanation.answers) {
      const cells = OUTCOMES.map((o, i) => {
        const value = answer.points[o] ?? 0;
        return `${value > 0 ? "+" : value < 0 ? "−" : " "}${Math.abs(value).toFixed(2)}`.padStart(
          i === 0 ? 7 : i === 1 ? 9 : 7,
        );
      });
      lines.push(`  ${answer.answer.padEnd(answerWidth)}  ${cells.join(" ")}`);
      lines.push(
        ...wrap(
          answer.reason,
          width - answerWidth - 6,
          `  ${" ".repeat(answerWidth)}    `,
          `  ${" ".repeat(answerWidth)}    `,
        ),
      );
    }
    lines.push(
      "",
      `  One point of effect in this rubric moves a score by ${explanation.pointsPerEffect} points.`,
    );
    if (explanation.rules.length > 0)
      lines.push(
        `  Hard rules that test it: ${explanation.rules.join(", ")} (rolefit explain RULE)`,
      );
  } else {
    lines.push(
      `${explanation.id}  (rule in ${explanation.rubric}): ${explanation.effect}s ${explanation.outcome}`,
      ...(explanation.title === explanation.id ? [] : [`  ${explanation.title}`]),
      "",
    );
    para(`When: ${explanation.condition}.`);
    para("A test on an unanswered question never holds.");
    lines.push("");
    para(explanation.reason);
  }
  if (explanation.sources.length > 0) {
    lines.push("", "  Sources:");
    for (const source of explanation.sources)
      lines.push(...wrap(`- ${source}`, width - 6, "    ", "      "));
  }
  return `${lines.join("\n")}\n`;
}
