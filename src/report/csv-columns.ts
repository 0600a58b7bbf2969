import type { Assessment } from "../result/assessment.js";
import { decidedBy } from "../result/lean.js";
import { OUTCOMES } from "../rubric/outcomes.js";
import type { AnswerValue } from "../rubric/schema.js";
import { visible } from "../text/visible.js";

type Cell = string | number | null | undefined;

/**
 * Text as a spreadsheet cell may hold it: control characters escaped, and text a spreadsheet
 * would run as a formula (starting with =, +, -, @, a tab or a carriage return) given a leading
 * ' as OWASP recommends. For CSV and workbooks alike.
 */
export function spreadsheetText(value: string): string {
  const shown = visible(value);
  return /^[=+\-@\t\r]/.test(shown) ? `'${shown}` : shown;
}

/** A column of the CSV: its header, and its cell for an assessment or a failed record. */
export interface CsvColumn {
  name: string;
  cell(assessment: Assessment, document: number | undefined): Cell;
  /** For a record that could not be assessed; empty when not given. */
  failed?: (failure: { source: string; document?: number; message: string }) => Cell;
}

const answerCell = (value: AnswerValue | undefined): Cell =>
  value === undefined
    ? ""
    : Array.isArray(value)
      ? value.join("; ")
      : typeof value === "boolean"
        ? String(value)
        : value;

/** `questionId=answer`, the form a pivot table groups by. */
const answerPair = (questionId: string, answer: AnswerValue) =>
  `${questionId}=${Array.isArray(answer) ? answer.join("; ") : String(answer)}`;

/** Every named column, in the order the `full` preset lists them. */
const COLUMNS: readonly CsvColumn[] = [
  { name: "source", cell: (a) => a.source, failed: (f) => f.source },
  { name: "name", cell: (a) => a.organization },
  { name: "recommendation", cell: (a) => a.recommendation },
  { name: "runnerUp", cell: (a) => a.runnerUp },
  { name: "confidence", cell: (a) => a.confidence },
  { name: "margin", cell: (a) => a.margin },
  { name: "decidedBy", cell: (a) => decidedBy(a) },
  ...OUTCOMES.map((outcome) => ({ name: outcome, cell: (a: Assessment) => a.scores[outcome] })),
  { name: "answeredShare", cell: (a) => a.confidenceFactors.answeredShare },
  { name: "unansweredCount", cell: (a) => a.unanswered.length },
  {
    name: "ruledOut",
    cell: (a) =>
      a.rules
        .filter((r) => r.effect === "forbid")
        .map((r) => r.outcome)
        .join("; "),
  },
  { name: "ruledOutBy", cell: (a) => a.rules.map((r) => r.id).join("; ") },
  { name: "topReason", cell: (a) => a.reasons[0]?.text ?? "" },
  {
    name: "topReasonAnswer",
    cell: (a) => (a.reasons[0] ? answerPair(a.reasons[0].questionId, a.reasons[0].answer) : ""),
  },
  {
    name: "topCounterAnswer",
    cell: (a) =>
      a.counterReasons[0]
        ? answerPair(a.counterReasons[0].questionId, a.counterReasons[0].answer)
        : "",
  },
  {
    name: "topLever",
    cell: (a) => {
      const lever = a.whatWouldChange.find((change) => change.kind === "lever");
      return lever ? `${answerPair(lever.questionId, lever.to)} → ${lever.recommendation}` : "";
    },
  },
  { name: "document", cell: (_, document) => document, failed: (f) => f.document },
  { name: "error", cell: () => "", failed: (f) => f.message },
  { name: "conditions", cell: (a) => a.conditions.map((c) => c.mechanism).join("; ") },
];

const byName = new Map(COLUMNS.map((column) => [column.name, column]));

/** Today's columns, unchanged in position; `decidedBy` last, saying why a margin is negative. */
const SUMMARY = [
  "source",
  "name",
  "recommendation",
  "runnerUp",
  "confidence",
  "margin",
  ...OUTCOMES,
  "topReason",
  "document",
  "error",
  "conditions",
  "decidedBy",
];

/** The column names `--columns` takes besides the presets and `answer.<question>`. */
export const CSV_COLUMN_NAMES: readonly string[] = COLUMNS.map((column) => column.name);

const answerColumn = (questionId: string): CsvColumn => ({
  name: `answer.${questionId}`,
  cell: (a) => answerCell(a.answers[questionId]),
});

/**
 * The columns `--columns` asks for: `summary` (the default), `full` (every named column, then
 * every answer by question id), or a comma-separated list of names, `answer.<question>` and
 * `answers` (every answer). An unknown name is an error naming what is allowed.
 */
export function csvColumns(
  spec: string,
  questions: readonly string[],
): { columns: CsvColumn[] } | { error: string } {
  if (spec === "summary") return { columns: SUMMARY.map((name) => byName.get(name) as CsvColumn) };
  if (spec === "full") return { columns: [...COLUMNS, ...questions.map(answerColumn)] };
  const columns: CsvColumn[] = [];
  for (const raw of spec.split(",")) {
    const name = raw.trim();
    if (name === "") continue;
    if (name === "answers") columns.push(...questions.map(answerColumn));
    else if (name.startsWith("answer.") && questions.includes(name.slice(7)))
      columns.push(answerColumn(name.slice(7)));
    else {
      const column = byName.get(name);
      if (!column)
        return {
          error: `--columns: unknown column "${name}"; allowed: summary, full, or a list of ${CSV_COLUMN_NAMES.join(", ")}, answers, answer.<question id>`,
        };
      columns.push(column);
    }
  }
  return columns.length > 0 ? { columns } : { error: "--columns: name at least one column" };
}
