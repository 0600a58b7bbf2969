import type { CompiledRubrics } from "../engine/compile.js";
import type { AssessmentDiff, DiffFacts } from "../engine/diff.js";
import { bandFor, bandLabel } from "../rubric/question.js";

/** A diff's bands by the rubric's labels ("101–500"), as `rolefit diff` shows them. */
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
