import { BoundedMap, keyed, LIMITS } from "../cache/memo.js";
import { SUMMARY_REASONS } from "../engine/evaluate.js";
import type { ConfidenceFactors, Stability } from "../engine/facts.js";
import {
  type AnswerChange,
  type Assessment,
  type ChangePair,
  type FiredRule,
  type MechanismAdvice,
  type Reason,
  type RecommendationCondition,
  type RuleWatch,
  SCHEMA_VERSION,
  type ValueRange,
} from "../result/assessment.js";
import { decidedBy, type summaryRecord } from "../result/lean.js";
import { OUTCOMES, type Outcome } from "../rubric/outcomes.js";
import type { AnswerValue } from "../rubric/schema.js";
import { cut, safeJson, visible } from "../text/visible.js";
import { type CsvColumn, spreadsheetText } from "./csv-columns.js";

/** A batch failure: the error record of the results' contract, with every problem found when there are several. */
export interface FailedRecord {
  schemaVersion: 1;
  source: string;
  document?: number;
  error: { message: string; line: number | null; column: number | null };
  errors?: Array<{ message: string; line: number | null; column: number | null }>;
}

export type BatchRecord =
  | { ok: true; assessment: Assessment; document?: number }
  | { ok: false; failure: FailedRecord };

/**
 * JSON with every non-ASCII character as a \u escape: the same JSON once parsed (outside strings
 * JSON has none), and a record made only of one-byte strings is copied to the output as it is,
 * where a single dash would make the whole record re-encoded.
 */
const asciiJson = (value: unknown): string => {
  const json = JSON.stringify(value);
  // Most records are ASCII already: a byte count and a search are cheaper than the replace.
  if (Buffer.byteLength(json, "utf8") === json.length && !json.includes("\x7f")) return json;
  return json.replace(
    /[^ -~]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
};

/** JSON of values records share (the same objects, frozen by the narration), serialised once. */
const sharedJson = keyed("JSON of shared values", (value: object) => asciiJson(value));

/** JSON of the rubrics' texts, which recur in record after record. */
const texts = new BoundedMap<string, string>(LIMITS.TEXTS);

function textJson(text: string): string {
  let json = texts.get(text);
  if (json === undefined) {
    json = asciiJson(text);
    texts.set(text, json);
  }
  return json;
}

/**
 * A number as JSON.stringify writes it. Most numbers of a record are rounded to hundredths, and
 * written from their whole hundredths (small integers, whose texts V8 keeps) they cost less
 * than the general conversion: a double that is exactly k/100 reads as k/100's decimals.
 */
function numberJson(value: number): string {
  const hundredths = Math.round(value * 100);
  if (hundredths / 100 !== value || hundredths > 2147483647 || hundredths < -2147483647)
    return Number.isFinite(value) ? `${value}` : "null";
  if (hundredths % 100 === 0) return `${hundredths / 100}`;
  const size = hundredths < 0 ? -hundredths : hundredths;
  const fraction = size % 100;
  const digits =
    fraction % 10 === 0 ? `${fraction / 10}` : fraction < 10 ? `0${fraction}` : `${fraction}`;
  return `${hundredths < 0 ? "-" : ""}${(size - fraction) / 100}.${digits}`;
}

/** An answer as JSON: option values and question ids recur, so their JSON comes from the cache. */
function valueJson(value: AnswerValue | null): string {
  if (typeof value === "string") return textJson(value);
  if (typeof value === "number") return numberJson(value);
  if (typeof value === "boolean") return value ? "true" : "false";
  if (value === null) return "null";
  return listJson(value, textJson);
}

const nullableJson = (text: string | null): string => (text === null ? "null" : textJson(text));

/** Each outcome's number, in the order every such object is made in. */
const outcomesJson = (numbers: Record<Outcome, number>) =>
  `{"combine":${numberJson(numbers.combine)},"separate":${numberJson(numbers.separate)},"matrix":${numberJson(numbers.matrix)}}`;

const rangeJson = (range: ValueRange) =>
  `{"min":${numberJson(range.min)},"next":${range.next === null ? "null" : numberJson(range.next)}}`;

/** The same JSON as JSON.stringify(reason), with the rubric's text spliced in from the cache. */
const reasonJson = (reason: Reason) =>
  `{"questionId":${textJson(reason.questionId)},"answer":${valueJson(reason.answer)},"answerLabel":${textJson(reason.answerLabel)},"outcome":"${reason.outcome}","contribution":${numberJson(reason.contribution)},"text":${textJson(reason.text)}}`;

const listJson = <T>(list: readonly T[], json: (item: T) => string): string => {
  let out = "[";
  for (let index = 0; index < list.length; index++)
    out += index === 0 ? json(list[index] as T) : `,${json(list[index] as T)}`;
  return `${out}]`;
};

const factorsJson = (f: ConfidenceFactors) =>
  f.roomCouldFlip !== undefined
    ? asciiJson(f)
    : `{"answeredShare":${numberJson(f.answeredShare)},"weightTolerance":${numberJson(f.weightTolerance)},"holdsUnderWeightSwing":${f.holdsUnderWeightSwing},"unansweredCouldFlip":${f.unansweredCouldFlip},"decidedByRule":${f.decidedByRule},"rulesConflict":${f.rulesConflict},"robustness":${numberJson(f.robustness)}}`;

const conditionJson = (c: RecommendationCondition) =>
  `{"ruleId":${textJson(c.ruleId)},"mechanism":${textJson(c.mechanism)},"reason":${textJson(c.reason)}}`;

// The statements are made for each organisation, so they are written without the cache.
const changeJson = (c: AnswerChange) =>
  `{"questionId":${textJson(c.questionId)},"kind":"${c.kind}","from":${valueJson(c.from)},"to":${valueJson(c.to)},"recommendation":"${c.recommendation}","margin":${numberJson(c.margin)},${c.range ? `"range":${rangeJson(c.range)},` : ""}"statement":${asciiJson(c.statement)}}`;

const pairChangeJson = (c: ChangePair["changes"][number]) =>
  `{"questionId":${textJson(c.questionId)},"from":${valueJson(c.from)},"to":${valueJson(c.to)}}`;

const pairJson = (p: ChangePair) =>
  `{"changes":${listJson(p.changes, pairChangeJson)},"recommendation":"${p.recommendation}","margin":${numberJson(p.margin)},"statement":${asciiJson(p.statement)}}`;

const watchJson = (w: RuleWatch) =>
  `{"ruleId":${textJson(w.ruleId)},"effect":"${w.effect}","outcome":"${w.outcome}","questionId":${textJson(w.questionId)},"kind":"${w.kind}","from":${valueJson(w.from)},"to":${valueJson(w.to)},"recommendation":"${w.recommendation}","statement":${asciiJson(w.statement)}}`;

const weightRangeJson = (r: Stability["rubrics"][number]) =>
  `{"id":${textJson(r.id)},"weight":${numberJson(r.weight)},"min":${numberJson(r.min)},"max":${r.max === null ? "null" : numberJson(r.max)}}`;

const stabilityJson = (s: Stability) =>
  `{"weightTolerance":${numberJson(s.weightTolerance)},"rubrics":${listJson(s.rubrics, weightRangeJson)}}`;

function answersJson(answers: Record<string, AnswerValue>): string {
  let out = "";
  for (const id of Object.keys(answers))
    out += `${out === "" ? "{" : ","}${textJson(id)}:${valueJson(answers[id] as AnswerValue)}`;
  return out === "" ? "{}" : `${out}}`;
}

const contributionJson = (c: Assessment["contributions"][number]) =>
  `{"rubricId":${textJson(c.rubricId)},"title":${textJson(c.title)},"points":${outcomesJson(c.points)}}`;

/**
 * Fields written by hand, the same JSON as JSON.stringify's (tested byte for byte): each
 * object's keys in the order the narration makes them. Every other field is stringified as it is.
 */
const FIELD_JSON: Partial<Record<keyof Assessment, (value: never) => string>> = {
  schemaVersion: numberJson,
  organization: asciiJson,
  source: asciiJson,
  recommendation: nullableJson,
  runnerUp: nullableJson,
  scores: outcomesJson,
  margin: numberJson,
  confidence: textJson,
  confidenceFactors: factorsJson,
  unanswered: (ids: string[]) => listJson(ids, textJson),
  rules: (list: FiredRule[]) => listJson(list, sharedJson),
  conditions: (list: RecommendationCondition[]) => listJson(list, conditionJson),
  reasons: (list: Reason[]) => listJson(list, reasonJson),
  counterReasons: (list: Reason[]) => listJson(list, reasonJson),
  whatWouldChange: (list: AnswerChange[]) => listJson(list, changeJson),
  changePairs: (list: ChangePair[]) => listJson(list, pairJson),
  rulesToWatch: (list: RuleWatch[]) => listJson(list, watchJson),
  stability: stabilityJson,
  robustness: outcomesJson,
  mechanisms: (list: MechanismAdvice[]) => listJson(list, sharedJson),
  metrics: sharedJson,
  answers: answersJson,
  rubrics: sharedJson,
  contributions: (list: Assessment["contributions"]) => listJson(list, contributionJson),
  provenance: sharedJson,
};

/**
 * One assessment as a line of JSON, equal to JSON.stringify of it: a batch writes thousands, and
 * most of each is rubric text, so that text is serialised once per run and spliced in.
 */
function assessmentLine(assessment: Assessment, document: number | undefined): string {
  const fields: string[] = [];
  for (const key in assessment) {
    const value = assessment[key as keyof Assessment];
    if (value === undefined) continue;
    const json = FIELD_JSON[key as keyof Assessment];
    fields.push(`${textJson(key)}:${json ? json(value as never) : asciiJson(value)}`);
  }
  if (document !== undefined) fields.push(`"document":${document}`);
  return `{${fields.join(",")}}`;
}

export function jsonlLine(record: BatchRecord): string {
  return `${record.ok ? assessmentLine(record.assessment, record.document) : safeJson(JSON.stringify(record.failure))}\n`;
}

/**
 * One CSV field, RFC 4180: quoted when it holds a comma, quote or line break, quotes doubled.
 * Text from input has its control characters escaped, and text that a spreadsheet would read as
 * a formula (starting with =, +, -, @, a tab or a carriage return) gets a leading ' as OWASP
 * recommends. Numbers are written as numbers.
 */
export function csvField(value: string | number | null | undefined): string {
  if (value === null || value === undefined) return "";
  if (typeof value === "number") return String(value);
  const text = spreadsheetText(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

const csvLine = (fields: readonly Cell[]) => `${fields.map(csvField).join(",")}\r\n`;

type Cell = string | number | null | undefined;

export function csvHeader(columns: readonly CsvColumn[]): string {
  return csvLine(columns.map((column) => column.name));
}

function csvRow(record: BatchRecord, columns: readonly CsvColumn[]): string {
  if (!record.ok) {
    const { failure } = record;
    const where =
      failure.error.line === null ? "" : `${failure.error.line}:${failure.error.column}: `;
    const failed = {
      source: failure.source,
      ...(failure.document === undefined ? {} : { document: failure.document }),
      message: `${where}${failure.error.message}`,
    };
    return csvLine(columns.map((column) => column.failed?.(failed) ?? ""));
  }
  return csvLine(columns.map((column) => column.cell(record.assessment, record.document)));
}

/** How a batch counts and shows an organisation with no recommendation yet. */
export const UNDECIDED = "undecided";

/** What each record of a batch came to, for the summary line. */
export type BatchOutcome = Outcome | typeof UNDECIDED | "failed";

export type BatchFormat = "jsonl" | "csv" | "text" | "json" | "xlsx" | "html" | "markdown";
export const BATCH_FORMATS: readonly BatchFormat[] = [
  "jsonl",
  "csv",
  "text",
  "json",
  "xlsx",
  "html",
  "markdown",
];
/** Formats written once every record is in: a workbook, a portfolio report. */
export const WHOLE_BATCH_FORMATS: ReadonlySet<BatchFormat> = new Set(["xlsx", "html", "markdown"]);

/** One record made ready to write: its text, and what the summary needs to know of it. */
export interface RenderedRecord {
  text: string;
  /**
   * The text is all ASCII (a JSON record, whose writer escapes everything else), so it can be
   * copied to the output byte for byte rather than encoded as UTF-8.
   */
  ascii?: true;
  outcome: BatchOutcome;
  failure?: FailedRecord;
  /** For a workbook, written once every record is in: the record itself. */
  kept?: BatchRecord;
}

/** Width of the organisation column in the text table, from the terminal width. */
export const nameColumnWidth = (width: number) => Math.max(16, Math.min(40, width - 52));

const column = (text: string, width: number) => cut(visible(text), width).padEnd(width);

/** A row of the text summary table; printed as soon as it is ready, never held in memory. */
function textRow(record: BatchRecord, nameWidth: number): string {
  if (!record.ok) {
    const source = `${visible(record.failure.source)}${record.failure.document ? `#${record.failure.document}` : ""}`;
    return `${column("(not assessed)", nameWidth)}  ${"error".padEnd(9)}  ${"".padEnd(10)}  ${"".padStart(6)}  ${source}\n`;
  }
  const a = record.assessment;
  const source = `${visible(a.source ?? "")}${record.document ? `#${record.document}` : ""}`;
  return `${column(a.organization, nameWidth)}  ${(a.recommendation ?? UNDECIDED).padEnd(9)}  ${a.confidence.padEnd(10)}  ${a.margin.toFixed(1).padStart(6)}  ${source}\n`;
}

/** One record in a batch format; for json, the bare object (the writer adds the commas). */
/** How each record of a batch is written. */
export interface RecordLayout {
  format: BatchFormat;
  /** The text table's name column. */
  nameWidth: number;
  /** The CSV's columns. */
  columns: readonly CsvColumn[];
  /** json, jsonl: whole records, or summaries without the rubrics' prose. */
  detail: "summary" | "full";
}

type SummaryFacts = Parameters<typeof summaryRecord>[0];

const idsJson = (ids: readonly string[]) => listJson(ids, textJson);

const leanReasonJson = (reason: SummaryFacts["reasons"][number]) =>
  `{"questionId":${textJson(reason.questionId)},"answer":${valueJson(reason.answer)},"outcome":"${reason.outcome}","contribution":${numberJson(reason.contribution)}}`;

const leanChangeJson = (change: SummaryFacts["whatWouldChange"][number]) =>
  `{"questionId":${textJson(change.questionId)},"kind":"${change.kind}","to":${valueJson(change.to)},"recommendation":"${change.recommendation}"}`;

/**
 * The JSON of summaryRecord(facts, document), written field by field from the facts (the same
 * bytes, tested byte for byte): made as an object and stringified, it took about a tenth of a
 * summary batch.
 */
export function summaryJson(facts: SummaryFacts, document?: number): string {
  const { undecided } = facts;
  return `{"schemaVersion":${SCHEMA_VERSION},"detail":"summary","organization":${asciiJson(facts.organization)},"source":${asciiJson(facts.source)},"recommendation":${nullableJson(facts.recommendation)},"runnerUp":${nullableJson(facts.runnerUp)},${undecided ? `"undecided":{"reason":${textJson(undecided.reason)},"answerFirst":${idsJson(undecided.answerFirst)}},` : ""}"decidedBy":"${decidedBy(facts)}","scores":${outcomesJson(facts.scores)},"margin":${numberJson(facts.margin)},"confidence":${textJson(facts.confidence)},"robustness":${outcomesJson(facts.robustness)},"unanswered":${idsJson(facts.unanswered)},"rules":${listJson(facts.rules, (rule) => textJson(rule.id))},"conditions":${listJson(facts.conditions, (condition) => textJson(condition.ruleId))},"reasons":${listJson(facts.reasons.slice(0, SUMMARY_REASONS), leanReasonJson)},"counterReasons":${listJson(facts.counterReasons.slice(0, SUMMARY_REASONS), leanReasonJson)},"whatWouldChange":${listJson(facts.whatWouldChange, leanChangeJson)}${document === undefined ? "" : `,"document":${document}`}}`;
}

/**
 * A summary record made straight from the engine's facts: `--detail summary` needs no words,
 * so a batch of them skips the narration.
 */
export function renderSummaryRecord(
  facts: SummaryFacts,
  document: number | undefined,
  format: "json" | "jsonl",
): RenderedRecord {
  const json = summaryJson(facts, document);
  return {
    text: format === "jsonl" ? `${json}\n` : json,
    ascii: true,
    outcome: facts.recommendation ?? UNDECIDED,
  };
}

export function renderRecord(record: BatchRecord, layout: RecordLayout): RenderedRecord {
  const { format } = layout;
  const line = () =>
    layout.detail === "summary" && record.ok
      ? `${summaryJson(record.assessment, record.document)}\n`
      : jsonlLine(record);
  if (WHOLE_BATCH_FORMATS.has(format))
    return record.ok
      ? { text: "", outcome: record.assessment.recommendation ?? UNDECIDED, kept: record }
      : { text: "", outcome: "failed", failure: record.failure, kept: record };
  const text =
    format === "jsonl"
      ? line()
      : format === "csv"
        ? csvRow(record, layout.columns)
        : format === "text"
          ? textRow(record, layout.nameWidth)
          : line().trimEnd();
  if (!record.ok) return { text, outcome: "failed", failure: record.failure };
  const outcome = record.assessment.recommendation ?? UNDECIDED;
  return format === "jsonl" || format === "json"
    ? { text, ascii: true, outcome }
    : { text, outcome };
}

export function textHeader(nameWidth: number): string {
  const line = `${"organisation".padEnd(nameWidth)}  ${"result".padEnd(9)}  ${"confidence".padEnd(10)}  ${"margin".padStart(6)}  source`;
  return `${line}\n${"─".repeat(Math.min(line.length + 10, nameWidth + 60))}\n`;
}

export function textSummary(counts: Readonly<Record<BatchOutcome, number>>): string {
  const assessed = OUTCOMES.reduce((sum, outcome) => sum + counts[outcome], counts.undecided);
  const parts = OUTCOMES.map((outcome) => `${counts[outcome]} ${outcome}`).join(", ");
  const undecided = counts.undecided > 0 ? `; ${counts.undecided} with no recommendation yet` : "";
  const failed = counts.failed > 0 ? `; ${counts.failed} failed` : "";
  return `\n${assessed} assessed: ${parts}${undecided}${failed}\n`;
}
