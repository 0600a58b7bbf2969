import { createRequire } from "node:module";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type ExcelJS from "exceljs";
import { evaluate } from "../../engine/evaluate.js";
import { EXIT, FileError, UsageError } from "../../io/errors.js";
import type { Input } from "../../io/inputs.js";
import { PACKAGE_ROOT } from "../../io/package.js";
import { readStdin, readTextFileSync } from "../../io/read.js";
import { RecordStream } from "../../io/stream.js";
import { assess } from "../../narrate/assess.js";
import { ruleTitle, wordingOf } from "../../narrate/wording.js";
import {
  BATCH_FORMATS,
  type BatchFormat,
  type BatchOutcome,
  type BatchRecord,
  csvHeader,
  type FailedRecord,
  nameColumnWidth,
  type RecordLayout,
  type RenderedRecord,
  renderRecord,
  renderSummaryRecord,
  textHeader,
  textSummary,
} from "../../report/batch.js";
import { type CsvColumn, csvColumns } from "../../report/csv-columns.js";
import {
  buildPortfolio,
  renderPortfolioHtml,
  renderPortfolioMarkdown,
} from "../../report/portfolio.js";
import { byPosition, type Diagnostic } from "../../rubric/diagnostic.js";
import { parseOrganizationsFast } from "../../rubric/fast-organizations.js";
import { visible } from "../../text/visible.js";
import type { RubricSet } from "../load.js";
import { terminalWidth } from "../output.js";
import { Progress } from "../progress.js";
import { applyOverrides, type Overrides } from "../set-answers.js";

export interface BatchOptions {
  format: string;
  out?: string;
  overrides: Overrides;
  /** CSV: `summary`, `full` or a list of columns. */
  columns?: string;
  /** CSV: start with a byte-order mark, so Excel reads it as UTF-8. */
  bom?: boolean;
  /** json, jsonl: whole records, or summaries without the rubrics' prose. */
  detail?: "summary" | "full";
}

interface Job {
  seq: number;
  path: string;
  text?: string;
  error?: string;
}

function failure(
  source: string,
  diagnostics: readonly Diagnostic[],
  document?: number,
): FailedRecord {
  const errors = [...diagnostics].sort(byPosition).map((d) => ({
    message: d.message,
    line: d.line > 0 ? d.line : null,
    column: d.line > 0 ? d.column : null,
  }));
  const record: FailedRecord = {
    schemaVersion: 1,
    source,
    error: errors[0] ?? { message: "unknown problem", line: null, column: null },
  };
  if (document !== undefined) record.document = document;
  if (errors.length > 1) record.errors = errors;
  return record;
}

/** One stderr line per problem, `FILE:LINE:COL: message`, as for a single file. */
function reportFailure(record: FailedRecord): void {
  for (const error of record.errors ?? [record.error]) {
    const source = visible(record.source);
    const where = error.line === null ? source : `${source}:${error.line}:${error.column}`;
    process.stderr.write(`${where}: ${visible(error.message)}\n`);
  }
}

function readJob(job: Job): { text: string } | { error: string } {
  if (job.error !== undefined) return { error: job.error };
  if (job.text !== undefined) return { text: job.text };
  try {
    return { text: readTextFileSync(job.path) };
  } catch (error) {
    if (error instanceof FileError) return { error: error.reason };
    throw error;
  }
}

/** Every organisation of one input, assessed and rendered: the unit of work of a batch. */
function processJob(
  job: Job,
  rubrics: RubricSet,
  overrides: Overrides,
  layout: RecordLayout,
): RenderedRecord[] {
  const read = readJob(job);
  if ("error" in read) {
    const problem: Diagnostic = {
      file: job.path,
      line: 0,
      column: 0,
      code: "unreadable",
      severity: "error",
      message: read.error,
    };
    return [renderRecord({ ok: false, failure: failure(job.path, [problem]) }, layout)];
  }
  const orgs = parseOrganizationsFast(read.text, job.path, rubrics.index);
  return orgs.map((parsed, index) => {
    const document = orgs.length > 1 ? index + 1 : undefined;
    if (!parsed.value)
      return renderRecord(
        { ok: false, failure: failure(job.path, parsed.diagnostics, document) },
        layout,
      );
    if (layout.detail === "summary" && (layout.format === "json" || layout.format === "jsonl")) {
      const facts = evaluate(rubrics.compiled, {
        organization: parsed.value.name,
        source: job.path,
        answers: applyOverrides(parsed.value.answers, overrides),
      });
      return renderSummaryRecord(facts, document, layout.format);
    }
    const assessment = assess(rubrics.compiled, {
      organization: parsed.value.name,
      source: job.path,
      answers: applyOverrides(parsed.value.answers, overrides),
      provenance: rubrics.provenance,
    });
    return renderRecord(
      document === undefined ? { ok: true, assessment } : { ok: true, assessment, document },
      layout,
    );
  });
}

/** How long a batch may run before letting signals and timers through. */
const EVENT_LOOP_TURN_MS = 200;

/**
 * Assesses every organisation of every input in order, streaming one record each as soon as it
 * is ready. A broken file becomes an
 * error record (and stderr lines) and never stops the rest. SIGINT or SIGTERM stops after the
 * current record with the output still valid.
 */
export async function runBatch(
  inputs: readonly Input[],
  rubrics: RubricSet,
  options: BatchOptions,
): Promise<void> {
  const format = options.format as BatchFormat;
  if (!BATCH_FORMATS.includes(format)) {
    throw new UsageError(
      `--format ${options.format} is not a batch format; use jsonl, csv, xlsx, json, text, html or markdown`,
    );
  }
  const nameWidth = nameColumnWidth(terminalWidth());
  if (format !== "csv" && format !== "xlsx" && options.columns !== undefined)
    throw new UsageError("--columns shapes CSV and workbooks: add --format csv or xlsx");
  if (format !== "csv" && options.bom) throw new UsageError("--bom is for CSV: add --format csv");
  if (format === "xlsx" && !options.out && process.stdout.isTTY)
    throw new UsageError("a workbook is binary: write it to a file with --out results.xlsx");
  const chosen = csvColumns(
    options.columns ?? (format === "xlsx" ? "full" : "summary"),
    rubrics.compiled.questions.map((entry) => entry.question.id),
  );
  if ("error" in chosen) throw new UsageError(chosen.error);
  const layout: RecordLayout = {
    format,
    nameWidth,
    columns: chosen.columns,
    detail: options.detail ?? "full",
  };
  const sink = await RecordStream.open(options.out);
  const progress = Progress.enabled() ? new Progress(inputs.length) : undefined;
  const counts: Record<BatchOutcome, number> = {
    combine: 0,
    separate: 0,
    matrix: 0,
    undecided: 0,
    failed: 0,
  };
  let stopSignal: NodeJS.Signals | undefined;
  const stop = (signal: NodeJS.Signals) => {
    stopSignal = signal;
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);

  let written = 0;
  let filesDone = 0;
  const kept: BatchRecord[] = [];
  const write = async (records: readonly RenderedRecord[]) => {
    for (const record of records) {
      counts[record.outcome]++;
      if (record.failure) reportFailure(record.failure);
      if (record.kept) {
        kept.push(record.kept);
        written++;
        continue;
      }
      await sink.write(
        format === "json" ? `${written === 0 ? "" : ",\n"}${record.text}` : record.text,
      );
      written++;
    }
    progress?.tick(++filesDone, counts.failed);
  };
  const jobFor = async (seq: number): Promise<Job> => {
    const input = inputs[seq] as Input;
    if (input.error !== undefined) return { seq, path: input.path, error: input.error };
    return input.path === "-"
      ? { seq, path: "-", text: await readStdin() }
      : { seq, path: input.path };
  };

  try {
    await sink.write(
      format === "csv"
        ? `${options.bom ? "\uFEFF" : ""}${csvHeader(chosen.columns)}`
        : format === "text"
          ? textHeader(nameWidth)
          : format === "json"
            ? "[\n"
            : "",
    );
    let lastTurn = performance.now();
    for (let seq = 0; seq < inputs.length && stopSignal === undefined; seq++) {
      await write(processJob(await jobFor(seq), rubrics, options.overrides, layout));
      // Output to a file or /dev/null is written synchronously, so the loop would never let the
      // event loop run: give it a turn now and then, or Ctrl-C waits for the whole batch.
      if (performance.now() - lastTurn > EVENT_LOOP_TURN_MS) {
        await new Promise((resolve) => setImmediate(resolve));
        lastTurn = performance.now();
      }
    }
    if (format === "xlsx") await sink.write(await workbookOf(kept, chosen.columns));
    if (format === "html" || format === "markdown")
      await sink.write(portfolioOf(kept, format, rubrics));
    await sink.write(
      format === "json"
        ? `${written === 0 ? "" : "\n"}]\n`
        : format === "text"
          ? textSummary(counts)
          : "",
    );
    await sink.close();
  } catch (error) {
    await sink.abandon();
    throw error;
  } finally {
    progress?.clear();
    process.off("SIGINT", stop);
    process.off("SIGTERM", stop);
  }
  if (stopSignal) {
    process.stderr.write(
      `rolefit: stopped by ${stopSignal} after ${written} record${written === 1 ? "" : "s"}; the output so far is complete and valid\n`,
    );
    process.exitCode = stopSignal === "SIGINT" ? EXIT.interrupted : 143;
  } else if (counts.failed > 0) {
    process.exitCode = EXIT.input;
  }
}

/** The records as a workbook, with exceljs loaded from the installed package only when asked for. */
async function workbookOf(
  records: readonly BatchRecord[],
  columns: readonly CsvColumn[],
): Promise<Buffer> {
  const excel = createRequire(join(PACKAGE_ROOT, "package.json"))("exceljs") as typeof ExcelJS;
  const { renderWorkbook } = await import("../../report/xlsx.js");
  return renderWorkbook(excel, {
    results: records.flatMap((record) =>
      record.ok ? [{ assessment: record.assessment, document: record.document }] : [],
    ),
    failures: records.flatMap((record) => (record.ok ? [] : [record.failure])),
    columns,
  });
}

/** Several organisations as one report: the portfolio, in HTML or Markdown. */
function portfolioOf(
  records: readonly BatchRecord[],
  format: "html" | "markdown",
  rubrics: RubricSet,
): string {
  const portfolio = buildPortfolio(
    records.flatMap((record) => (record.ok ? [record.assessment] : [])),
    records.flatMap((record) => (record.ok ? [] : [record.failure])),
    {
      rule: (id) => ruleTitle(rubrics.compiled, id),
      question: (id) => wordingOf(rubrics.compiled).question(id),
      answer: (id, value) => wordingOf(rubrics.compiled).answer(id, value),
    },
  );
  const title = `Portfolio: ${portfolio.units.length} organisations`;
  return format === "html"
    ? renderPortfolioHtml(portfolio, title)
    : renderPortfolioMarkdown(portfolio, title);
}
