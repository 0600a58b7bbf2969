import { createRequire } from "node:module";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import type ExcelJS from "exceljs";
import { EXIT, UsageError } from "../../io/errors.js";
import type { Input, InputList } from "../../io/inputs.js";
import { PACKAGE_ROOT } from "../../io/package.js";
import { currentMaxFileSize, readStdin } from "../../io/read.js";
import { RecordStream } from "../../io/stream.js";
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
  textHeader,
  textSummary,
  WHOLE_BATCH_FORMATS,
} from "../../report/batch.js";
import { type CsvColumn, csvColumns } from "../../report/csv-columns.js";
import {
  buildPortfolio,
  renderPortfolioHtml,
  renderPortfolioMarkdown,
} from "../../report/portfolio.js";
import { visible } from "../../text/visible.js";
import { blockFiles, type InputRead, type Job, processJobs, readyForBatch } from "../batch/job.js";
import { BatchPool, CHUNK_FILES, defaultJobs, readsAhead } from "../batch/pool.js";
import type { RubricSet } from "../load.js";
import { terminalWidth } from "../output.js";
import { Progress } from "../progress.js";
import type { Overrides } from "../set-answers.js";

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
  /** The `--rubrics` arguments, for worker threads to load the same set. */
  rubricArgs: string[];
  /** Worker threads (`--jobs`); by default one per core for large batches. */
  jobs?: number;
}

/** One stderr line per problem, `FILE:LINE:COL: message`, as for a single file. */
function reportFailure(record: FailedRecord): void {
  for (const error of record.errors ?? [record.error]) {
    const source = visible(record.source);
    const where = error.line === null ? source : `${source}:${error.line}:${error.column}`;
    process.stderr.write(`${where}: ${visible(error.message)}\n`);
  }
}

/** How long a batch may run before letting signals and timers through. */
const EVENT_LOOP_TURN_MS = 200;
/** How many blocks a reader thread is asked to read ahead of the one being assessed. */
const READ_AHEAD_BLOCKS = 3;

/**
 * A batch on this thread: `count` inputs through `process` a block at a time, each input's
 * records written as they come. A function of its own, small: V8 compiles the loop that runs for
 * every input, and compiled runBatch whole (twice) when the loop was in it.
 */
async function inBlocks(
  count: number,
  block: number,
  step: {
    jobFor(seq: number): Job | Promise<Job>;
    process(jobs: Job[], read?: readonly InputRead[]): Promise<RenderedRecord[][]>;
    write(records: readonly RenderedRecord[]): Promise<void> | undefined;
    stopped(): boolean;
    /** A reader thread's reading and parsing of files (no standard input among them). */
    read?: (jobs: Job[]) => Promise<InputRead[]>;
  },
): Promise<void> {
  let lastTurn = performance.now();
  // The blocks asked of the reader, by their first input: from the third block on (the first
  // two are read here while the reader starts), READ_AHEAD_BLOCKS blocks ahead of this one.
  const asked = new Map<number, Promise<InputRead[]>>();
  let nextAsk = step.read ? block * 2 : count;
  for (let seq = 0; seq < count && !step.stopped(); ) {
    const first = seq;
    for (; step.read && nextAsk < count && nextAsk < first + block * READ_AHEAD_BLOCKS; ) {
      const start = nextAsk;
      const ahead: Job[] = [];
      for (const end = Math.min(start + block, count); nextAsk < end; nextAsk++)
        ahead.push(step.jobFor(nextAsk) as Job);
      const reading = step.read(ahead);
      // A failure is thrown where the block is awaited; a block never reached (the batch
      // stopped, or failed before it) must not be an unhandled rejection.
      reading.catch(() => undefined);
      asked.set(start, reading);
    }
    const jobs: Job[] = [];
    for (const end = Math.min(seq + block, count); seq < end; seq++) {
      const job = step.jobFor(seq);
      jobs.push(job instanceof Promise ? await job : job);
    }
    const reading = asked.get(first);
    asked.delete(first);
    for (const records of await step.process(jobs, reading && (await reading))) {
      const draining = step.write(records);
      if (draining) await draining;
    }
    // Output to a file or /dev/null is written synchronously, so the loop would never let the
    // event loop run: give it a turn now and then, or Ctrl-C waits for the whole batch.
    if (performance.now() - lastTurn > EVENT_LOOP_TURN_MS) {
      await new Promise((resolve) => setImmediate(resolve));
      lastTurn = performance.now();
    }
  }
}

/**
 * Assesses every organisation of every input in order, streaming one record each as soon as it
 * is ready. A broken file becomes an
 * error record (and stderr lines) and never stops the rest. SIGINT or SIGTERM stops after the
 * current record with the output still valid.
 */
export async function runBatch(
  inputs: InputList,
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
  const columnSpec = options.columns ?? (format === "xlsx" ? "full" : "summary");
  const chosen = csvColumns(
    columnSpec,
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
  /**
   * Writes one input's records from the `from`th on; a promise only when the output must drain
   * first (the rest are written once it has), so a batch into a file waits on nothing.
   */
  const write = (records: readonly RenderedRecord[], from = 0): Promise<void> | undefined => {
    for (let index = from; index < records.length; index++) {
      const record = records[index] as RenderedRecord;
      counts[record.outcome]++;
      if (record.failure) reportFailure(record.failure);
      if (record.kept) {
        kept.push(record.kept);
        written++;
        continue;
      }
      const draining = sink.write(
        format === "json" ? `${written === 0 ? "" : ",\n"}${record.text}` : record.text,
        record.ascii,
      );
      written++;
      if (draining) return draining.then(() => write(records, index + 1));
    }
    progress?.tick(++filesDone, counts.failed);
    return undefined;
  };
  const jobFor = (seq: number): Job | Promise<Job> => {
    const input = inputs.at(seq) as Input;
    if (input.error !== undefined) return { path: input.path, error: input.error };
    if (input.path !== "-") return { path: input.path };
    return readStdin().then((text) => ({ path: "-", text }));
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
    // Workbooks and portfolios keep every assessment whole: those stay on this thread.
    const jobs = options.jobs ?? defaultJobs(inputs.length);
    const setup = {
      rubrics: options.rubricArgs,
      maxFileSize: currentMaxFileSize(),
      overrides: [...options.overrides],
      format,
      nameWidth,
      columns: columnSpec,
      detail: layout.detail,
      files: inputs.length,
    };
    if (jobs > 1 && !WHOLE_BATCH_FORMATS.has(format)) {
      const pool = new BatchPool(jobs, { ...setup, kind: "records" });
      try {
        // Two chunks per worker in flight: one being worked on, one waiting.
        const inFlight: Promise<RenderedRecord[][]>[] = [];
        let seq = 0;
        while (seq < inputs.length || inFlight.length > 0) {
          while (seq < inputs.length && inFlight.length < jobs * 2 && stopSignal === undefined) {
            const chunk: Job[] = [];
            for (const end = Math.min(seq + CHUNK_FILES, inputs.length); seq < end; seq++)
              chunk.push(await jobFor(seq));
            inFlight.push(pool.run(chunk));
          }
          const done = inFlight.shift();
          if (!done) break;
          for (const records of await done) await write(records);
        }
      } finally {
        await pool.close();
      }
    } else {
      const reader =
        options.jobs === undefined &&
        readsAhead(inputs.length) &&
        ![...inputs.others()].some((input) => input.path === "-")
          ? new BatchPool(1, { ...setup, kind: "read" })
          : undefined;
      try {
        // With a reader, this thread parses only the first blocks: the careful parser waits.
        if (!reader) await readyForBatch(inputs.length);
        await inBlocks(inputs.length, blockFiles(inputs.length), {
          jobFor,
          process: (jobs, read) => processJobs(jobs, rubrics, options.overrides, layout, read),
          write,
          stopped: () => stopSignal !== undefined,
          ...(reader ? { read: (jobs: Job[]) => reader.read(jobs) } : {}),
        });
      } finally {
        await reader?.close();
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
