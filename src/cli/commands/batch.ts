import { assess } from "../../engine/assess.js";
import { EXIT, UsageError, UserError } from "../../io/errors.js";
import type { Input } from "../../io/inputs.js";
import { readStdin, readTextFile } from "../../io/read.js";
import { RecordStream } from "../../io/stream.js";
import {
  type BatchRecord,
  BatchTextTable,
  csvHeader,
  csvRow,
  type FailedRecord,
  jsonlLine,
} from "../../report/batch.js";
import { byPosition, type Diagnostic } from "../../rubric/diagnostic.js";
import { parseOrganizationsFast } from "../../rubric/load.js";
import type { RubricSet } from "../load.js";
import { terminalWidth } from "../output.js";
import { Progress } from "../progress.js";
import { applyOverrides, type Overrides } from "../set-answers.js";

export type BatchFormat = "jsonl" | "csv" | "text" | "json";

export interface BatchOptions {
  format: string;
  out?: string;
  overrides: Overrides;
}

/** How many files are read ahead of the one being assessed. */
const READ_AHEAD = 8;

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
    const where =
      error.line === null ? record.source : `${record.source}:${error.line}:${error.column}`;
    process.stderr.write(`${where}: ${error.message}\n`);
  }
}

async function readInput(input: Input): Promise<{ text: string } | { error: string }> {
  if (input.error) return { error: input.error };
  try {
    return { text: input.path === "-" ? await readStdin() : await readTextFile(input.path) };
  } catch (error) {
    if (error instanceof UserError) return { error: error.message.replace(`${input.path}: `, "") };
    throw error;
  }
}

/**
 * Assesses every organisation of every input in order, streaming one record each as soon as it
 * is ready. A broken file becomes an error record (and stderr lines) and never stops the rest.
 * SIGINT or SIGTERM stops after the current record with the output still valid.
 */
export async function runBatch(
  inputs: readonly Input[],
  rubrics: RubricSet,
  options: BatchOptions,
): Promise<void> {
  const format = options.format as BatchFormat;
  if (!["jsonl", "csv", "text", "json"].includes(format)) {
    throw new UsageError(
      `--format ${options.format} makes one report per organisation; for several use jsonl, csv, json or text`,
    );
  }
  const sink = await RecordStream.open(options.out);
  const table = new BatchTextTable(terminalWidth());
  const progress = Progress.enabled() ? new Progress(inputs.length) : undefined;
  let stopSignal: NodeJS.Signals | undefined;
  const stop = (signal: NodeJS.Signals) => {
    stopSignal = signal;
  };
  process.once("SIGINT", stop);
  process.once("SIGTERM", stop);

  let failed = 0;
  let written = 0;
  const emit = async (record: BatchRecord) => {
    if (!record.ok) {
      failed++;
      reportFailure(record.failure);
    }
    const text =
      format === "jsonl"
        ? jsonlLine(record)
        : format === "csv"
          ? csvRow(record)
          : format === "text"
            ? table.row(record)
            : `${written === 0 ? "" : ",\n"}${jsonlLine(record).trimEnd()}`;
    written++;
    await sink.write(text);
  };

  try {
    await sink.write(
      format === "csv"
        ? csvHeader()
        : format === "text"
          ? table.header()
          : format === "json"
            ? "[\n"
            : "",
    );
    const pending: Array<Promise<{ text: string } | { error: string }>> = [];
    for (let i = 0; i < inputs.length && stopSignal === undefined; i++) {
      while (pending.length < READ_AHEAD && i + pending.length < inputs.length) {
        pending.push(readInput(inputs[i + pending.length] as Input));
      }
      const input = inputs[i] as Input;
      const read = await (pending.shift() as Promise<{ text: string } | { error: string }>);
      if ("error" in read) {
        await emit({
          ok: false,
          failure: failure(input.path, [
            {
              file: input.path,
              line: 0,
              column: 0,
              code: "unreadable",
              severity: "error",
              message: read.error,
            },
          ]),
        });
      } else {
        const orgs = parseOrganizationsFast(read.text, input.path, rubrics.index);
        for (const [index, parsed] of orgs.entries()) {
          const document = orgs.length > 1 ? index + 1 : undefined;
          if (!parsed.value) {
            await emit({ ok: false, failure: failure(input.path, parsed.diagnostics, document) });
            continue;
          }
          const answers = applyOverrides(parsed.value.answers, options.overrides);
          const assessment = assess(rubrics.compiled, {
            organization: parsed.value.name,
            source: input.path,
            answers,
            provenance: rubrics.provenance,
          });
          await emit(
            document === undefined ? { ok: true, assessment } : { ok: true, assessment, document },
          );
        }
      }
      progress?.tick(i + 1, failed);
    }
    await sink.write(
      format === "json"
        ? `${written === 0 ? "" : "\n"}]\n`
        : format === "text"
          ? table.summary()
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
  } else if (failed > 0) {
    process.exitCode = EXIT.input;
  }
}
