import type { CompiledRubrics } from "../engine/compile.js";
import { buildReport, type HandoutInfo } from "../narrate/document.js";
import type { Assessment } from "../result/assessment.js";
import { jsonDocument } from "../text/visible.js";

export const ASSESSMENT_FORMATS = ["text", "json", "markdown", "html"] as const;
export type AssessmentFormat = (typeof ASSESSMENT_FORMATS)[number];

/** Renders one assessment; each layout is imported only when its format is asked for. */
export async function renderAssessment(
  assessment: Assessment,
  format: AssessmentFormat,
  options: { color: boolean; width: number; compiled: CompiledRubrics; handout?: HandoutInfo },
): Promise<string> {
  if (format === "json") return jsonDocument(assessment);
  const doc = buildReport(options.compiled, assessment, options.handout);
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

/**
 * The handout's date, `YYYY-MM-DD`: today, or the day `SOURCE_DATE_EPOCH` names (seconds since
 * 1970, the reproducible-builds convention), so a report can be made again byte for byte.
 */
export function reportDate(): string {
  const fixed = Number(process.env.SOURCE_DATE_EPOCH);
  const when =
    Number.isFinite(fixed) && process.env.SOURCE_DATE_EPOCH ? new Date(fixed * 1000) : new Date();
  return when.toISOString().slice(0, 10);
}
