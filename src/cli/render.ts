import type { Assessment } from "../engine/assess.js";
import type { QuestionTexts } from "../report/document.js";
import type { QuestionIndex } from "../rubric/load.js";
import { jsonDocument } from "../text/visible.js";

export const ASSESSMENT_FORMATS = ["text", "json", "markdown", "html"] as const;
export type AssessmentFormat = (typeof ASSESSMENT_FORMATS)[number];

/** Renders one assessment; each renderer is imported only when its format is asked for. */
export async function renderAssessment(
  assessment: Assessment,
  format: AssessmentFormat,
  options: { color: boolean; width: number; index: QuestionIndex },
): Promise<string> {
  const questions: QuestionTexts = new Map(
    [...options.index].map(([id, { question }]) => [
      id,
      { label: question.label ?? id, prompt: question.prompt },
    ]),
  );
  switch (format) {
    case "json":
      return jsonDocument(assessment);
    case "markdown":
      return (await import("../report/markdown.js")).renderMarkdown(assessment, questions);
    case "html":
      return (await import("../report/html.js")).renderHtml(assessment, questions);
    case "text":
      return (await import("../report/text.js")).renderText(assessment, {
        color: options.color,
        width: options.width,
        questions,
      });
  }
}
