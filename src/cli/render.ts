import type { CompiledRubrics } from "../engine/compile.js";
import { buildReport } from "../narrate/document.js";
import type { Assessment } from "../result/assessment.js";
import { jsonDocument } from "../text/visible.js";

export const ASSESSMENT_FORMATS = ["text", "json", "markdown", "html"] as const;
export type AssessmentFormat = (typeof ASSESSMENT_FORMATS)[number];

/** Renders one assessment; each layout is imported only when its format is asked for. */
export async function renderAssessment(
  assessment: Assessment,
  format: AssessmentFormat,
  options: { color: boolean; width: number; compiled: CompiledRubrics },
): Promise<string> {
  if (format === "json") return jsonDocument(assessment);
  const doc = buildReport(options.compiled, assessment);
  switch (format) {
    case "markdown":
      return (await import("../report/markdown.js")).renderMarkdown(doc);
    case "html":
      return (await import("../report/html.js")).renderHtml(doc);
    case "text":
      return (await import("../report/text.js")).renderText(doc, {
        color: options.color,
        width: options.width,
      });
  }
}
