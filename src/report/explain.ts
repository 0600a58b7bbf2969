import type { Explanation } from "../narrate/explain.js";
import { OUTCOMES } from "../rubric/outcomes.js";
import { deepVisible } from "../text/visible.js";
import { wrap } from "./text.js";

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
      const under = (text: string) =>
        lines.push(
          ...wrap(
            text,
            width - answerWidth - 6,
            `  ${" ".repeat(answerWidth)}    `,
            `  ${" ".repeat(answerWidth)}    `,
          ),
        );
      if (answer.precondition)
        under(
          `Precondition: ${Object.entries(answer.precondition)
            .map(([outcome, factor]) => `${outcome} points in favour ×${factor}`)
            .join(", ")}.`,
        );
      for (const variant of answer.variants ?? []) under(`When ${variant.when}: ${variant.text}`);
      under(answer.variants?.length ? `Otherwise: ${answer.reason}` : answer.reason);
    }
    lines.push(
      "",
      `  One point of effect in this rubric moves a score by ${explanation.pointsPerEffect} points.`,
    );
    if (explanation.appliesWhen)
      para(
        `Applies only when ${explanation.appliesWhen}; otherwise it is skipped and scores nothing.`,
      );
    if (explanation.family)
      para(
        `Counts once with its family “${explanation.family.id}”: the members' points are summed and capped at ${explanation.family.cap} per outcome.`,
      );
    if (explanation.rules.length > 0)
      lines.push(
        `  Hard rules that test it: ${explanation.rules.join(", ")} (rolefit explain RULE)`,
      );
  } else {
    lines.push(
      `${explanation.id}  (rule in ${explanation.rubric}): ${
        explanation.mechanism
          ? `${explanation.outcome} only with ${explanation.mechanism}`
          : `${explanation.effect}s ${explanation.outcome}`
      }`,
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
