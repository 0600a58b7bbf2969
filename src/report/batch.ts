import type { Assessment } from "../engine/assess.js";
import { OUTCOMES, type Outcome } from "../rubric/outcomes.js";

/** A batch failure: SPEC.md's error record, with every problem found when there are several. */
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

export function jsonlLine(record: BatchRecord): string {
  const value = record.ok
    ? record.document === undefined
      ? record.assessment
      : { ...record.assessment, document: record.document }
    : record.failure;
  return `${JSON.stringify(value)}\n`;
}

/** RFC 4180: quote a field holding a comma, quote or line break, doubling its quotes. */
export function csvField(value: string | number | null | undefined): string {
  const text = value === null || value === undefined ? "" : String(value);
  return /[",\r\n]/.test(text) ? `"${text.replace(/"/g, '""')}"` : text;
}

export const CSV_HEADER = [
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
];

const csvLine = (fields: Array<string | number | null | undefined>) =>
  `${fields.map(csvField).join(",")}\r\n`;

export function csvHeader(): string {
  return csvLine(CSV_HEADER);
}

export function csvRow(record: BatchRecord): string {
  if (!record.ok) {
    const { failure } = record;
    const where =
      failure.error.line === null ? "" : `${failure.error.line}:${failure.error.column}: `;
    return csvLine([
      failure.source,
      "",
      "",
      "",
      "",
      "",
      "",
      "",
      "",
      "",
      failure.document,
      `${where}${failure.error.message}`,
    ]);
  }
  const a = record.assessment;
  return csvLine([
    a.source,
    a.organization,
    a.recommendation,
    a.runnerUp,
    a.confidence,
    a.margin,
    ...OUTCOMES.map((o) => a.scores[o]),
    a.reasons[0]?.text ?? "",
    record.document,
    "",
  ]);
}

/** A fixed-width summary table that can be printed row by row, never held whole in memory. */
export class BatchTextTable {
  private readonly counts: Record<Outcome | "failed", number> = {
    combine: 0,
    separate: 0,
    matrix: 0,
    failed: 0,
  };
  private readonly nameWidth: number;

  constructor(width: number) {
    this.nameWidth = Math.max(16, Math.min(40, width - 52));
  }

  header(): string {
    const line = `${"organisation".padEnd(this.nameWidth)}  ${"result".padEnd(9)}  ${"confidence".padEnd(10)}  ${"margin".padStart(6)}  source`;
    return `${line}\n${"─".repeat(Math.min(line.length + 10, this.nameWidth + 60))}\n`;
  }

  row(record: BatchRecord): string {
    const cut = (text: string, width: number) =>
      text.length > width ? `${text.slice(0, width - 1)}…` : text.padEnd(width);
    if (!record.ok) {
      this.counts.failed++;
      const source = `${record.failure.source}${record.failure.document ? `#${record.failure.document}` : ""}`;
      return `${cut("(not assessed)", this.nameWidth)}  ${"error".padEnd(9)}  ${"".padEnd(10)}  ${"".padStart(6)}  ${source}\n`;
    }
    const a = record.assessment;
    this.counts[a.recommendation]++;
    const source = `${a.source ?? ""}${record.document ? `#${record.document}` : ""}`;
    return `${cut(a.organization, this.nameWidth)}  ${a.recommendation.padEnd(9)}  ${a.confidence.padEnd(10)}  ${a.margin.toFixed(1).padStart(6)}  ${source}\n`;
  }

  summary(): string {
    const assessed = OUTCOMES.reduce((sum, outcome) => sum + this.counts[outcome], 0);
    const parts = OUTCOMES.map((outcome) => `${this.counts[outcome]} ${outcome}`).join(", ");
    const failed = this.counts.failed > 0 ? `; ${this.counts.failed} failed` : "";
    return `\n${assessed} assessed: ${parts}${failed}\n`;
  }
}
