import type { Outcome } from "../rubric/outcomes.js";
import { bandFor } from "../rubric/question.js";
import type { AnswerValue } from "../rubric/schema.js";
import type { CompiledRubrics } from "./compile.js";
import type { Scores } from "./facts.js";

/** What a diff reads of a result: a saved result of any later version has at least these. */
export interface ComparedResult {
  organization: string;
  recommendation: Outcome | null;
  confidence: string;
  scores: Scores;
  answers: Record<string, AnswerValue>;
  rules: ReadonlyArray<{ id: string }>;
  provenance?: { rubricSetSha256: string } | undefined;
}

/** What moved between two results, as facts: bands by where they start. */
export interface DiffFacts extends Omit<AssessmentDiff, "bandsCrossed"> {
  bandsCrossed: Array<{ questionId: string; from: number; to: number }>;
}

export interface AssessmentDiff {
  schemaVersion: 1;
  organization: { from: string; to: string };
  answers: Array<{ questionId: string; from: AnswerValue | null; to: AnswerValue | null }>;
  recommendation: { from: Outcome | null; to: Outcome | null };
  confidence: { from: string; to: string };
  scores: { from: Scores; to: Scores };
  /** Hard rules that started or stopped firing: the triggers crossed. */
  rules: { started: string[]; stopped: string[] };
  /** Numeric answers that moved into another band of their question. */
  bandsCrossed: Array<{ questionId: string; from: string; to: string }>;
  rubricsChanged: boolean;
}

const same = (a: unknown, b: unknown) => JSON.stringify(a) === JSON.stringify(b);

/** What moved between two assessments of the same organisation. Pure. */
export function diffAssessments(
  compiled: CompiledRubrics,
  before: ComparedResult,
  after: ComparedResult,
): DiffFacts {
  const ids = [
    ...new Set([
      ...compiled.questions.map(({ question }) => question.id),
      ...Object.keys(before.answers),
      ...Object.keys(after.answers),
    ]),
  ];
  const answers = ids
    .map((questionId) => ({
      questionId,
      from: before.answers[questionId] ?? null,
      to: after.answers[questionId] ?? null,
    }))
    .filter((change) => !same(change.from, change.to));
  const bandsCrossed = answers.flatMap(({ questionId, from, to }) => {
    const question = compiled.byId.get(questionId)?.question;
    if (
      !question ||
      (question.type !== "integer" && question.type !== "percent") ||
      typeof from !== "number" ||
      typeof to !== "number"
    )
      return [];
    const [a, b] = [bandFor(question, from), bandFor(question, to)];
    return a && b && a !== b ? [{ questionId, from: a.from, to: b.from }] : [];
  });
  const firedBefore = new Set(before.rules.map((rule) => rule.id));
  const firedAfter = new Set(after.rules.map((rule) => rule.id));
  return {
    schemaVersion: 1,
    organization: { from: before.organization, to: after.organization },
    answers,
    recommendation: { from: before.recommendation, to: after.recommendation },
    confidence: { from: before.confidence, to: after.confidence },
    scores: { from: before.scores, to: after.scores },
    rules: {
      started: [...firedAfter].filter((id) => !firedBefore.has(id)),
      stopped: [...firedBefore].filter((id) => !firedAfter.has(id)),
    },
    bandsCrossed,
    rubricsChanged:
      (before.provenance?.rubricSetSha256 ?? "") !== (after.provenance?.rubricSetSha256 ?? ""),
  };
}
