import { evaluate } from "../../engine/evaluate.js";
import { FileError } from "../../io/errors.js";
import { readTextFileSync } from "../../io/read.js";
import { assess } from "../../narrate/assess.js";
import {
  type FailedRecord,
  type RecordLayout,
  type RenderedRecord,
  renderRecord,
  renderSummaryRecord,
} from "../../report/batch.js";
import { byPosition, type Diagnostic } from "../../rubric/diagnostic.js";
import { parseOrganizationsFast } from "../../rubric/fast-organizations.js";
import type { RubricSet } from "../load.js";
import { applyOverrides, type Overrides } from "../set-answers.js";

/** One input of a batch: a path to read, text already read (standard input), or why not. */
export interface Job {
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

/**
 * The careful parser, for the files the fast one refuses: loaded on first use, as most batches
 * never need it and loading it (its schemas) costs a run about 20 ms.
 */
const careful = async () => (await import("../../rubric/parse.js")).parseOrganizations;

/** Every organisation of one input, assessed and rendered: the unit of work of a batch. */
export async function processJob(
  job: Job,
  rubrics: RubricSet,
  overrides: Overrides,
  layout: RecordLayout,
): Promise<RenderedRecord[]> {
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
  const orgs =
    parseOrganizationsFast(read.text, rubrics.index) ??
    (await careful())(read.text, job.path, rubrics.index);
  return orgs.map((parsed, index) => {
    const document = orgs.length > 1 ? index + 1 : undefined;
    if (!parsed.value)
      return renderRecord(
        { ok: false, failure: failure(job.path, parsed.diagnostics, document) },
        layout,
      );
    if (layout.detail === "summary" && (layout.format === "json" || layout.format === "jsonl")) {
      const facts = evaluate(
        rubrics.compiled,
        {
          organization: parsed.value.name,
          source: job.path,
          answers: applyOverrides(parsed.value.answers, overrides),
        },
        "summary",
      );
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
