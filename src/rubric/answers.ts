import type { Diagnostic } from "./diagnostic.js";
import { checkAnswer } from "./question.js";
import type { Answers, AnswerValue, Question, Rubric } from "./schema.js";
import { didYouMean } from "./suggest.js";

export interface QuestionEntry {
  question: Question;
  rubricId: string;
}
export type QuestionIndex = ReadonlyMap<string, QuestionEntry>;

export function indexQuestions(rubrics: ReadonlyArray<{ rubric: Rubric }>): QuestionIndex {
  const index = new Map<string, QuestionEntry>();
  for (const { rubric } of rubrics) {
    for (const question of rubric.questions) {
      if (!index.has(question.id)) index.set(question.id, { question, rubricId: rubric.id });
    }
  }
  return index;
}

type Locator = (
  questionId: string,
) => Pick<Diagnostic, "file" | "line" | "column" | "endLine" | "endColumn">;

/** How many unknown question ids of one file get a "did you mean". */
const MAX_SUGGESTIONS = 100;

/**
 * Raw answers → a prototype-less answer map, or a diagnostic per bad answer.
 * Shared by org files and `--set`, so both accept exactly the same values.
 */
export function checkAnswers(
  raw: Readonly<Record<string, unknown>>,
  questions: QuestionIndex,
  locateId: Locator,
  locateValue: Locator,
): { answers: Answers; diagnostics: Diagnostic[] } {
  const answers: Record<string, AnswerValue> = Object.create(null);
  const diagnostics: Diagnostic[] = [];
  let known: string[] | undefined;
  let unknown = 0;
  for (const id of Object.keys(raw)) {
    const entry = questions.get(id);
    if (!entry) {
      known ??= [...questions.keys()];
      // Typos come a few at a time; a file of thousands of unknown keys gets no suggestions
      // past the first ones, so it is reported in linear time.
      const hint = unknown++ < MAX_SUGGESTIONS ? didYouMean(id, known) : "";
      diagnostics.push({
        ...locateId(id),
        code: "unknown-question",
        severity: "error",
        message: `unknown question "${id}"${hint}; run \`rolefit rubrics\` to list the questions`,
      });
      continue;
    }
    const checked = checkAnswer(entry.question, raw[id]);
    if (!checked.ok) {
      diagnostics.push({
        ...locateValue(id),
        code: "invalid-answer",
        severity: "error",
        message: checked.message,
      });
    } else if (checked.value !== null) {
      answers[id] = checked.value;
    }
  }
  return { answers, diagnostics };
}
