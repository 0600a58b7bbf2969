import type { CompiledRubrics } from "../engine/compile.js";
import type { AssessmentDiff, DiffFacts } from "../engine/diff.js";
import { OUTCOMES } from "../rubric/outcomes.js";
import { bandFor, bandLabel } from "../rubric/question.js";
import { deepVisible } from "../text/visible.js";
import { ruleTitle, wordingOf } from "./wording.js";

/** A diff's bands by the rubric's labels ("101–500"), as `rolefit diff --format json` gives them. */
export function narrateDiff(compiled: CompiledRubrics, facts: DiffFacts): AssessmentDiff {
  const label = (questionId: string, start: number) => {
    const question = compiled.byId.get(questionId)?.question;
    if (!question || (question.type !== "integer" && question.type !== "percent"))
      return String(start);
    const band = bandFor(question, start);
    return band ? bandLabel(question, band) : String(start);
  };
  return {
    ...facts,
    bandsCrossed: facts.bandsCrossed.map(({ questionId, from, to }) => ({
      questionId,
      from: label(questionId, from),
      to: label(questionId, to),
    })),
  };
}

/** What `rolefit diff` says, in reading order: text and Markdown lay it out. */
export interface DiffDocument {
  organization: string;
  warning?: string;
  headline: string;
  sections: Array<{ title: string; items: string[] }>;
}

const signed = (value: number) => `${value >= 0 ? "+" : "−"}${Math.abs(value).toFixed(1)}`;

/**
 * The diff in words, questions and answers by the rubrics' labels. Results and rubric files are
 * both input, so the finished document is escaped, not only the diff it is made from.
 */
export function diffDocument(compiled: CompiledRubrics, diff: AssessmentDiff): DiffDocument {
  return deepVisible(diffWords(compiled, diff));
}

function diffWords(compiled: CompiledRubrics, diff: AssessmentDiff): DiffDocument {
  const wording = wordingOf(compiled);
  const [from, to] = [diff.recommendation.from, diff.recommendation.to].map(
    (outcome) => outcome ?? "no recommendation yet",
  );
  const confidence = `(confidence ${diff.confidence.from} → ${diff.confidence.to})`;
  const sections: DiffDocument["sections"] = [
    {
      title: "Scores",
      items: OUTCOMES.map((outcome) => {
        const [a, b] = [diff.scores.from[outcome], diff.scores.to[outcome]];
        return `${outcome}: ${a.toFixed(1)} → ${b.toFixed(1)} (${signed(b - a)})`;
      }),
    },
    {
      title: `Answers that changed (${diff.answers.length})`,
      items:
        diff.answers.length === 0
          ? ["none"]
          : diff.answers.map(
              (change) =>
                `${wording.question(change.questionId)}: ${wording.answer(change.questionId, change.from)} → ${wording.answer(change.questionId, change.to)}`,
            ),
    },
  ];
  const crossed = [
    ...diff.bandsCrossed.map(
      (band) =>
        `${wording.question(band.questionId)} moved from the ${band.from} band to ${band.to}`,
    ),
    ...diff.rules.started.map((id) => `the hard rule “${ruleTitle(compiled, id)}” now fires`),
    ...diff.rules.stopped.map((id) => `the hard rule “${ruleTitle(compiled, id)}” no longer fires`),
  ];
  if (crossed.length > 0) sections.push({ title: "Thresholds crossed", items: crossed });
  return {
    organization: diff.organization.to,
    ...(diff.rubricsChanged
      ? {
          warning:
            "the two results were made with different rubrics; scores are not comparable one to one.",
        }
      : {}),
    headline:
      from === to
        ? `Recommendation unchanged: ${to} ${confidence}`
        : `Recommendation changed: ${from} → ${to} ${confidence}`,
    sections,
  };
}
