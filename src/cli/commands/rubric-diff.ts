import { relative } from "node:path";
import {
  diffOrganization,
  type FlipCause,
  type OrganizationDiff,
} from "../../engine/rubric-diff.js";
import { FileError, UsageError } from "../../io/errors.js";
import { expandInputs } from "../../io/inputs.js";
import { readStdin, readTextFile } from "../../io/read.js";
import { ruleTitle, wordingOf } from "../../narrate/wording.js";
import { escapeData, escapeProperty } from "../../report/findings.js";
import { checkAnswers, type QuestionIndex } from "../../rubric/answers.js";
import { formatDiagnostic } from "../../rubric/diagnostic.js";
import { parseOrganizationsFast } from "../../rubric/fast-organizations.js";
import { parseOrganizations } from "../../rubric/parse.js";
import type { Answers } from "../../rubric/schema.js";
import { markdownText } from "../../text/markdown-escape.js";
import { jsonDocument, visible } from "../../text/visible.js";
import { loadRubricSet, type RubricSet } from "../load.js";
import type { GlobalOptions } from "../output.js";

export interface RubricDiffOptions {
  corpus: string[];
  format: "text" | "json" | "markdown" | "github";
  failOnFlip?: boolean;
}

/** How many of the largest score moves and confidence changes a report lists. */
const LISTED = 10;

/** `builtin`, or rubric folders and files. */
const loadSet = (spec: string): Promise<RubricSet> =>
  loadRubricSet(spec === "builtin" ? [] : [spec]);

const NOWHERE = () => ({ file: "", line: 0, column: 0 });

/** The answers a set knows, checked against it; questions it lacks are left out. */
function answersFor(answers: Answers, index: QuestionIndex) {
  const known: Record<string, unknown> = {};
  for (const [id, value] of Object.entries(answers)) if (index.has(id)) known[id] = value;
  return checkAnswers(known, index, NOWHERE, NOWHERE);
}

/** Both sets' questions, the new set's where they differ: the corpus is read once against them. */
function unionIndex(before: QuestionIndex, after: QuestionIndex): QuestionIndex {
  return new Map([...before, ...after]);
}

/**
 * `rolefit rubric diff OLD NEW --corpus DIR`: every org file assessed under both rubric sets;
 * which verdicts flip and why, which confidences change, and the largest score moves.
 */
export async function runRubricDiff(
  oldSpec: string,
  newSpec: string,
  options: RubricDiffOptions,
  _global: GlobalOptions,
): Promise<void> {
  if (options.corpus.length === 0)
    throw new UsageError(
      "give the organisations to replay: --corpus DIR (files, folders or globs)",
    );
  const [before, after] = await Promise.all([loadSet(oldSpec), loadSet(newSpec)]);
  const { inputs } = expandInputs(options.corpus);
  const index = unionIndex(before.index, after.index);
  const diffs: OrganizationDiff[] = [];
  const errors: Array<{ source: string; message: string }> = [];
  for (const input of inputs) {
    if (input.error) {
      errors.push({ source: input.path, message: input.error });
      continue;
    }
    let text: string;
    try {
      text = input.path === "-" ? await readStdin() : await readTextFile(input.path);
    } catch (error) {
      // One unreadable file is one error in the report, as in a batch; the rest still count.
      if (!(error instanceof FileError)) throw error;
      errors.push({ source: input.path, message: error.reason });
      continue;
    }
    for (const parsed of parseOrganizationsFast(text, index) ??
      parseOrganizations(text, input.path, index)) {
      if (!parsed.value) {
        const [first] = parsed.diagnostics;
        const more = parsed.diagnostics.length - 1;
        errors.push({
          source: input.path,
          message: `${first ? formatDiagnostic(first) : "not an org file"}${more > 0 ? ` (and ${more} more)` : ""}`,
        });
        continue;
      }
      const old = answersFor(parsed.value.answers, before.index);
      const now = answersFor(parsed.value.answers, after.index);
      const problem = [...old.diagnostics, ...now.diagnostics][0];
      if (problem) {
        errors.push({ source: input.path, message: problem.message });
        continue;
      }
      diffs.push(
        diffOrganization(before.compiled, after.compiled, {
          source: input.path,
          organization: parsed.value.name,
          answers: { before: old.answers, after: now.answers },
        }),
      );
    }
  }
  const report = buildReport(oldSpec, newSpec, before, after, diffs, errors);
  const render = {
    json: () => jsonDocument(report),
    markdown: () => renderMarkdown(report, after),
    github: () => renderGithub(report, after),
    text: () => renderText(report, after),
  }[options.format];
  process.stdout.write(render());
  if (options.failOnFlip && report.flips.length > 0) process.exitCode = 1;
}

function buildReport(
  oldSpec: string,
  newSpec: string,
  before: RubricSet,
  after: RubricSet,
  diffs: readonly OrganizationDiff[],
  errors: Array<{ source: string; message: string }>,
) {
  const set = (spec: string, rubrics: RubricSet) => ({
    spec,
    rubrics: rubrics.provenance.rubrics.map(({ id, version }) => ({ id, version })),
    rubricSetSha256: rubrics.provenance.rubricSetSha256,
  });
  const flips = diffs
    .filter((d) => d.from !== d.to)
    .map(({ source, organization, from, to, causes }) => ({
      source,
      organization,
      from,
      to,
      causes,
    }));
  const confidenceChanges = diffs
    .filter((d) => d.from === d.to && d.confidence.from !== d.confidence.to)
    .map(({ source, organization, confidence }) => ({ source, organization, ...confidence }));
  const largestMoves = [...diffs]
    .filter((d) => d.largestMove > 0)
    .sort((a, b) => b.largestMove - a.largestMove || a.source.localeCompare(b.source))
    .slice(0, LISTED)
    .map(({ source, organization, largestMove, scores }) => ({
      source,
      organization,
      move: largestMove,
      from: scores.from,
      to: scores.to,
    }));
  return {
    schemaVersion: 1,
    old: set(oldSpec, before),
    new: set(newSpec, after),
    organizations: diffs.length,
    summary: {
      flipped: flips.length,
      confidenceChanged: confidenceChanges.length,
      unchanged: diffs.length - flips.length - confidenceChanges.length,
      errors: errors.length,
    },
    flips,
    confidenceChanges,
    largestMoves,
    errors,
  };
}

type Report = ReturnType<typeof buildReport>;

const verdict = (outcome: string | null) => outcome ?? "no recommendation";

function describeCause(cause: FlipCause, rubrics: RubricSet): string {
  if (cause.kind === "rule")
    return `rule “${ruleTitle(rubrics.compiled, cause.ruleId)}” ${cause.change}`;
  return `${wordingOf(rubrics.compiled).question(cause.questionId)} +${cause.shift.toFixed(1)}`;
}

const shown = (source: string) => visible(relative(process.cwd(), source) || source);

function renderText(report: Report, after: RubricSet): string {
  const lines = [
    `rubric diff: ${visible(report.old.spec)} → ${visible(report.new.spec)} over ${report.organizations} organisation${report.organizations === 1 ? "" : "s"}${report.errors.length > 0 ? ` (${report.errors.length} could not be read)` : ""}`,
    "",
    report.flips.length === 0
      ? "No verdict flips."
      : `${report.flips.length} verdict${report.flips.length === 1 ? " flips" : "s flip"}:`,
  ];
  for (const flip of report.flips) {
    lines.push(
      `  ${shown(flip.source)} (${visible(flip.organization)}): ${verdict(flip.from)} → ${verdict(flip.to)}`,
    );
    if (flip.causes.length > 0)
      lines.push(
        `      because: ${flip.causes.map((cause) => describeCause(cause, after)).join("; ")}`,
      );
  }
  if (report.confidenceChanges.length > 0) {
    lines.push(
      "",
      `${report.confidenceChanges.length} confidence${report.confidenceChanges.length === 1 ? "" : "s"} change:`,
    );
    for (const change of report.confidenceChanges.slice(0, LISTED))
      lines.push(`  ${shown(change.source)}: ${change.from} → ${change.to}`);
  }
  if (report.largestMoves.length > 0) {
    lines.push("", "Largest score moves:");
    for (const move of report.largestMoves)
      lines.push(`  ${move.move.toFixed(1).padStart(5)}  ${shown(move.source)}`);
  }
  for (const error of report.errors)
    lines.push(`error: ${shown(error.source)}: ${visible(error.message)}`);
  return `${lines.join("\n")}\n`;
}

/** Markdown for a pull-request comment: the flips as a table, the rest in short. */
function renderMarkdown(report: Report, after: RubricSet): string {
  // Names and paths come from input: literal text in a comment, never markup or a new cell.
  const cell = (text: string) => markdownText(visible(text));
  const lines = [
    `### Rubric change: ${report.summary.flipped} flip${report.summary.flipped === 1 ? "" : "s"} over ${report.organizations} organisations`,
    "",
    `${cell(report.old.spec)} → ${cell(report.new.spec)}: ${report.summary.confidenceChanged} confidence change(s), ${report.summary.unchanged} unchanged${report.errors.length > 0 ? `, ${report.errors.length} unreadable` : ""}.`,
  ];
  if (report.flips.length > 0) {
    lines.push(
      "",
      "| Organisation | File | Before | After | Because |",
      "| --- | --- | --- | --- | --- |",
    );
    for (const flip of report.flips)
      lines.push(
        `| ${cell(flip.organization)} | ${cell(shown(flip.source))} | ${verdict(flip.from)} | **${verdict(flip.to)}** | ${cell(flip.causes.map((c) => describeCause(c, after)).join("; "))} |`,
      );
  }
  if (report.largestMoves.length > 0) {
    lines.push(
      "",
      "<details><summary>Largest score moves</summary>",
      "",
      "| Move | File |",
      "| ---: | --- |",
    );
    for (const move of report.largestMoves)
      lines.push(`| ${move.move.toFixed(1)} | ${cell(shown(move.source))} |`);
    lines.push("", "</details>");
  }
  return `${lines.join("\n")}\n`;
}

/** GitHub annotations: a warning on each org file whose verdict flips, a notice with the count. */
function renderGithub(report: Report, after: RubricSet): string {
  const lines = report.flips.map(
    (flip) =>
      `::warning file=${escapeProperty(flip.source)},title=${escapeProperty("rolefit rubric diff: verdict flips")}::${escapeData(`${flip.organization}: ${verdict(flip.from)} → ${verdict(flip.to)}${flip.causes.length > 0 ? ` (because: ${flip.causes.map((c) => describeCause(c, after)).join("; ")})` : ""}`)}`,
  );
  for (const error of report.errors)
    lines.push(
      `::error file=${escapeProperty(error.source)},title=${escapeProperty("rolefit rubric diff")}::${escapeData(error.message)}`,
    );
  lines.push(
    `::notice title=${escapeProperty("rolefit rubric diff")}::${escapeData(`${report.summary.flipped} flip(s), ${report.summary.confidenceChanged} confidence change(s) over ${report.organizations} organisations`)}`,
  );
  return `${lines.join("\n")}\n`;
}
