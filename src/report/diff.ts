import type { AssessmentDiff } from "../engine/diff.js";
import { formatValue } from "../narrate/wording.js";
import { OUTCOMES } from "../rubric/outcomes.js";
import { markdownText } from "../text/markdown-escape.js";
import { deepVisible } from "../text/visible.js";

const signed = (value: number) => `${value >= 0 ? "+" : "−"}${Math.abs(value).toFixed(1)}`;

function lines(diff: AssessmentDiff, markdown: boolean): string[] {
  const out: string[] = [];
  const heading = (text: string) => out.push(markdown ? `\n## ${text}\n` : `\n${text}`);
  const item = (text: string) => out.push(markdown ? `- ${markdownText(text)}` : `  • ${text}`);
  if (diff.rubricsChanged) {
    out.push(
      `${markdown ? "> **Warning:** " : "WARNING: "}the two results were made with different rubrics; scores are not comparable one to one.`,
    );
  }
  const [from, to] = [diff.recommendation.from, diff.recommendation.to].map(
    (outcome) => outcome ?? "no recommendation yet",
  );
  out.push(
    from === to
      ? `Recommendation unchanged: ${to} (confidence ${diff.confidence.from} → ${diff.confidence.to})`
      : `Recommendation changed: ${from} → ${to} (confidence ${diff.confidence.from} → ${diff.confidence.to})`,
  );
  heading("Scores");
  for (const outcome of OUTCOMES) {
    const [a, b] = [diff.scores.from[outcome], diff.scores.to[outcome]];
    item(`${outcome}: ${a.toFixed(1)} → ${b.toFixed(1)} (${signed(b - a)})`);
  }
  heading(`Answers that changed (${diff.answers.length})`);
  if (diff.answers.length === 0) item("none");
  for (const change of diff.answers)
    item(`${change.questionId}: ${formatValue(change.from)} → ${formatValue(change.to)}`);
  if (
    diff.bandsCrossed.length > 0 ||
    diff.rules.started.length > 0 ||
    diff.rules.stopped.length > 0
  ) {
    heading("Thresholds crossed");
    for (const band of diff.bandsCrossed)
      item(`${band.questionId} moved from the ${band.from} band to ${band.to}`);
    for (const id of diff.rules.started) item(`rule ${id} now fires`);
    for (const id of diff.rules.stopped) item(`rule ${id} no longer fires`);
  }
  return out;
}

export function renderDiffText(diff: AssessmentDiff): string {
  return `${lines(deepVisible(diff), false).join("\n")}\n`;
}

export function renderDiffMarkdown(input: AssessmentDiff): string {
  const diff = deepVisible(input);
  return `# What changed: ${markdownText(diff.organization.to)}\n\n${lines(diff, true).join("\n")}\n`;
}
