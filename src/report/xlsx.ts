import { dirname } from "node:path";
import type ExcelJS from "exceljs";
import type { Assessment } from "../result/assessment.js";
import { OUTCOMES } from "../rubric/outcomes.js";
import type { FailedRecord } from "./batch.js";
import { type CsvColumn, spreadsheetText } from "./csv-columns.js";

/** What a workbook is made from: the assessed records, the failed ones, and the columns. */
export interface WorkbookInput {
  results: ReadonlyArray<{ assessment: Assessment; document?: number | undefined }>;
  failures: readonly FailedRecord[];
  columns: readonly CsvColumn[];
}

/** Light fills a printed sheet still shows: one per structure, and per confidence. */
const FILLS: Record<string, string> = {
  combine: "FFD3F0F2",
  separate: "FFEFDDF5",
  matrix: "FFFDE3D3",
  high: "FFD8F0D8",
  medium: "FFFFF1C2",
  low: "FFF8D7D7",
};

const fill = (argb: string): ExcelJS.Fill => ({
  type: "pattern",
  pattern: "solid",
  fgColor: { argb },
});

/**
 * The batch as a workbook: Results (a row per organisation, the chosen columns, header frozen,
 * filters on, verdicts and confidence coloured, numbers as numbers), Summary (counts by
 * recommendation and confidence, overall and by folder) and Errors.
 */
export async function renderWorkbook(excel: typeof ExcelJS, input: WorkbookInput): Promise<Buffer> {
  const book = new excel.Workbook();
  book.creator = "rolefit";
  const results = book.addWorksheet("Results", { views: [{ state: "frozen", ySplit: 1 }] });
  results.columns = input.columns.map((column) => ({
    header: column.name,
    key: column.name,
    width: Math.max(10, Math.min(48, column.name.length + 4)),
  }));
  results.getRow(1).font = { bold: true };
  for (const { assessment, document } of input.results) {
    const row = results.addRow(
      input.columns.map((column) => {
        const cell = column.cell(assessment, document);
        return typeof cell === "string" ? spreadsheetText(cell) : (cell ?? null);
      }),
    );
    input.columns.forEach((column, i) => {
      const value = row.getCell(i + 1).value;
      if (
        (column.name === "recommendation" || column.name === "confidence") &&
        typeof value === "string" &&
        FILLS[value]
      )
        row.getCell(i + 1).fill = fill(FILLS[value] as string);
    });
  }
  results.autoFilter = {
    from: { row: 1, column: 1 },
    to: { row: 1, column: Math.max(1, input.columns.length) },
  };

  const summary = book.addWorksheet("Summary");
  const labels = [...OUTCOMES, "undecided", "high", "medium", "low"];
  summary.addRow(["folder", "organisations", ...labels, "failed"]).font = { bold: true };
  const count = (rows: WorkbookInput["results"], failed: number, folder: string) => {
    const tally = new Map<string, number>();
    for (const { assessment } of rows)
      for (const key of [assessment.recommendation ?? "undecided", assessment.confidence])
        tally.set(key, (tally.get(key) ?? 0) + 1);
    summary.addRow([folder, rows.length, ...labels.map((label) => tally.get(label) ?? 0), failed]);
  };
  count(input.results, input.failures.length, "(all)");
  const folders = [
    ...new Set([
      ...input.results.map((r) => dirname(r.assessment.source ?? ".")),
      ...input.failures.map((f) => dirname(f.source)),
    ]),
  ].sort();
  if (folders.length > 1)
    for (const folder of folders)
      count(
        input.results.filter((r) => dirname(r.assessment.source ?? ".") === folder),
        input.failures.filter((f) => dirname(f.source) === folder).length,
        spreadsheetText(folder),
      );
  summary.getColumn(1).width = 40;

  const errors = book.addWorksheet("Errors", { views: [{ state: "frozen", ySplit: 1 }] });
  errors.columns = [
    { header: "source", key: "source", width: 48 },
    { header: "document", key: "document", width: 10 },
    { header: "line", key: "line", width: 8 },
    { header: "column", key: "column", width: 8 },
    { header: "message", key: "message", width: 80 },
  ];
  errors.getRow(1).font = { bold: true };
  for (const failure of input.failures)
    for (const problem of failure.errors ?? [failure.error])
      errors.addRow([
        spreadsheetText(failure.source),
        failure.document ?? null,
        problem.line,
        problem.column,
        spreadsheetText(problem.message),
      ]);
  return Buffer.from(await book.xlsx.writeBuffer());
}
