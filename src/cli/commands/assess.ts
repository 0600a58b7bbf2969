import { basename } from "node:path";
import type { CompiledRubrics } from "../../engine/compile.js";
import { FileError, UsageError } from "../../io/errors.js";
import { expandInputs, type Input } from "../../io/inputs.js";
import { readStdin, readTextFile } from "../../io/read.js";
import { refuseOutputOverInput } from "../../io/write.js";
import { assess, assessRoom } from "../../narrate/assess.js";
import type { HandoutInfo } from "../../narrate/document.js";
import type { Assessment } from "../../result/assessment.js";
import { summaryRecord } from "../../result/lean.js";
import { parseOrganizationsFast } from "../../rubric/fast-organizations.js";
import { jsonDocument, visible } from "../../text/visible.js";
import { keepHeapSmall } from "../batch/heap.js";
import { inputError, loadOrganization, loadRubricSet } from "../load.js";
import { emit, type GlobalOptions, terminalWidth, wantsColor } from "../output.js";
import {
  ASSESSMENT_FORMATS,
  type AssessmentFormat,
  renderAssessment,
  reportDate,
} from "../render.js";
import { applyOverrides, parseSetFlags } from "../set-answers.js";
import { shellQuote } from "../shell.js";

export interface AssessOptions {
  org?: string[];
  set: string[];
  rubrics: string[];
  format: string;
  out?: string;
  interactive?: boolean;
  answers?: string;
  respondents?: string[];
  respondent?: string[];
  summary?: boolean;
  details?: boolean;
  preparedFor?: string;
  preparedBy?: string;
  askSkipped?: boolean;
  adaptive?: boolean;
  columns?: string;
  bom?: boolean;
  /** json, jsonl: `full` (the default) or `summary`, a record without the rubrics' prose. */
  detail?: "summary" | "full";
  /** Batches: worker threads to assess on. */
  jobs?: number;
}

const SINGLE_FORMATS: readonly string[] = ASSESSMENT_FORMATS;

export async function runAssess(options: AssessOptions, global: GlobalOptions): Promise<void> {
  if (options.respondents && options.respondents.length > 0)
    return runRoom(options.respondents, options, global);
  const orgArgs = options.org ?? [];
  if (options.respondent && options.respondent.length > 0 && orgArgs.length > 0) {
    throw new UsageError(
      "--respondent starts new interviews, one per person; resume one with --org FILE --interactive",
    );
  }
  const interview = orgArgs.length === 0 || options.interactive === true;
  for (const [flag, given] of [
    ["--adaptive", options.adaptive],
    ["--ask-skipped", options.askSkipped],
  ] as const)
    if (given && !interview)
      throw new UsageError(
        `${flag} shapes the interview: add --interactive (rolefit assess --org FILE --interactive ${flag})`,
      );
  if (interview) {
    if (orgArgs.length > 1)
      throw new UsageError(
        "--interactive takes one org file: rolefit assess --org FILE --interactive",
      );
    if (orgArgs[0] === "-")
      throw new UsageError(
        "--interactive needs an org file, not standard input: rolefit assess --org FILE --interactive",
      );
    if (!process.stdin.isTTY || !process.stdout.isTTY) {
      const hint =
        "pass an org file: rolefit assess --org FILE (or --org - to read standard input)";
      throw new UsageError(
        options.interactive
          ? `--interactive needs a terminal; ${hint}`
          : `no --org file and no terminal for an interview; ${hint}`,
      );
    }
    // Loaded only here, so file-driven runs never pay for the prompt library.
    const { runInterviewCommand } = await import("./interview.js");
    return runInterviewCommand({ ...options, org: orgArgs[0] }, global);
  }

  if (options.detail === "summary" && !["json", "jsonl"].includes(options.format))
    throw new UsageError(
      "--detail summary shapes JSON records: use it with --format json or jsonl",
    );
  const { inputs, batch } = expandInputs(orgArgs);
  keepHeapSmall(inputs.length);
  await refuseOutputOverInput(
    options.out,
    pathsOf(inputs.others(), options.rubrics),
    inputs.plainFiles(),
  );
  const rubrics = await loadRubricSet(options.rubrics);
  const overrides = await parseSetFlags(options.set, rubrics.index);
  const only = inputs.at(0);
  if (!batch && only && SINGLE_FORMATS.includes(options.format)) {
    if (only.error) throw new FileError(only.path, only.error);
    const text = only.path === "-" ? await readStdin() : await readTextFile(only.path);
    const orgs =
      parseOrganizationsFast(text, rubrics.index) ??
      (await import("../../rubric/parse.js")).parseOrganizations(text, only.path, rubrics.index);
    if (orgs.length === 1) {
      const [parsed] = orgs;
      if (!parsed?.value) throw inputError(parsed?.diagnostics ?? []);
      const assessment = assess(rubrics.compiled, {
        organization: parsed.value.name,
        source: only.path,
        answers: applyOverrides(parsed.value.answers, overrides),
        provenance: rubrics.provenance,
      });
      return present(assessment, rubrics.compiled, options, global, {
        flag: `--org ${shellQuote(only.path)}`,
        path: only.path,
        preparedFor: parsed.value.preparedFor,
        preparedBy: parsed.value.preparedBy,
      });
    }
  }
  if (options.summary)
    throw new UsageError("--summary shows one organisation's result; give one org file");
  // Several organisations: stream one record each; the batch module is loaded only for this.
  const { runBatch } = await import("./batch.js");
  return runBatch(inputs, rubrics, {
    format: options.format,
    overrides,
    ...(options.out ? { out: options.out } : {}),
    ...(options.columns !== undefined ? { columns: options.columns } : {}),
    ...(options.bom ? { bom: true } : {}),
    detail: options.detail ?? "full",
    rubricArgs: options.rubrics,
    ...(options.jobs !== undefined ? { jobs: options.jobs } : {}),
  });
}

/** Several people's answers for one organisation: the consensus result and where they differ. */
async function runRoom(
  files: readonly string[],
  options: AssessOptions,
  global: GlobalOptions,
): Promise<void> {
  if (options.org && options.org.length > 0)
    throw new UsageError("give either --org or --respondents, not both");
  await refuseOutputOverInput(options.out, [...files, ...options.rubrics]);
  if (!SINGLE_FORMATS.includes(options.format))
    throw new UsageError(
      `--respondents makes one result; use --format ${SINGLE_FORMATS.join(", ")}`,
    );
  const rubrics = await loadRubricSet(options.rubrics);
  const overrides = await parseSetFlags(options.set, rubrics.index);
  const orgs = await Promise.all(files.map((file) => loadOrganization(file, rubrics.index)));
  const names = [...new Set(orgs.map((org) => org.name))];
  if (names.length > 1)
    process.stderr.write(
      `rolefit: warning: the respondents' files name different organisations (${visible(names.join(", "))}); assessing them as ${visible(names[0] ?? "")}\n`,
    );
  const respondents = orgs.map((org, i) => ({
    name: org.respondent?.name ?? basename(files[i] as string).replace(/\.ya?ml$/i, ""),
    ...(org.respondent?.role ? { role: org.respondent.role } : {}),
    answers: applyOverrides(org.answers, overrides),
  }));
  const assessment = assessRoom(rubrics.compiled, {
    organization: names[0] ?? "",
    source: files.join(", "),
    respondents,
    provenance: rubrics.provenance,
  });
  return present(assessment, rubrics.compiled, options, global, {
    flag: `--respondents ${files.map(shellQuote).join(" ")}`,
    path: files[0] ?? "-",
    preparedFor: orgs[0]?.preparedFor,
    preparedBy: orgs[0]?.preparedBy,
  });
}

/**
 * One result, as asked: a format to standard output or a file; for text, the one-screen summary
 * alone (`--summary`), the full report (`--details`, or whenever no person is at both ends of
 * the terminal), or the summary with its menu.
 */
async function present(
  assessment: Assessment,
  compiled: CompiledRubrics,
  options: AssessOptions,
  global: GlobalOptions,
  /** The inputs as a flag to repeat in a command, the first input's path, and its cover fields. */
  from: {
    flag: string;
    path: string;
    preparedFor?: string | undefined;
    preparedBy?: string | undefined;
  },
): Promise<void> {
  if (options.summary && options.details)
    throw new UsageError("give --summary or --details, not both");
  if ((options.summary || options.details) && options.format !== "text")
    throw new UsageError(`--summary and --details are text views; drop --format ${options.format}`);
  if (options.detail === "summary" && options.format === "json")
    return emit(jsonDocument(summaryRecord(assessment)), options.out);
  const color = !options.out && wantsColor(process.stdout, global);
  const handout = handoutInfo(options, from);
  const render = { color, width: terminalWidth(), compiled, handout };
  if (options.summary) {
    const [{ buildReport }, { renderSummary, detailsHint }] = await Promise.all([
      import("../../narrate/document.js"),
      import("../../report/summary.js"),
    ]);
    // With its two-line hint below, it fits the screen (24 rows off a terminal).
    const height = (process.stdout.rows || 24) - 2;
    const summary = renderSummary(buildReport(compiled, assessment), { ...render, height });
    return emit(summary + detailsHint(`rolefit assess ${from.flag} --details`), options.out);
  }
  const person = process.stdout.isTTY && process.stdin.isTTY && !options.out;
  if (options.format === "text" && !options.details && person) {
    const { showResultScreen } = await import("../result-screen.js");
    // Next to the org file, as after an interview; standard input has no place of its own.
    const reportBase =
      from.path === "-" ? "rolefit.report" : from.path.replace(/(\.ya?ml)?$/i, ".report");
    return showResultScreen({
      assessment,
      compiled,
      color,
      handout,
      reportBase,
      laterCommand: `rolefit assess ${from.flag} --format markdown --out ${shellQuote(`${reportBase}.md`)}`,
    });
  }
  return emit(
    await renderAssessment(assessment, options.format as AssessmentFormat, render),
    options.out,
  );
}

/** The handout's cover: the flags win over the org file, and the date is today's. */
export function handoutInfo(
  options: { preparedFor?: string | undefined; preparedBy?: string | undefined },
  fromFile: { preparedFor?: string | undefined; preparedBy?: string | undefined } = {},
): HandoutInfo {
  const preparedFor = options.preparedFor ?? fromFile.preparedFor;
  const preparedBy = options.preparedBy ?? fromFile.preparedBy;
  return {
    date: reportDate(),
    ...(preparedFor ? { preparedFor } : {}),
    ...(preparedBy ? { preparedBy } : {}),
  };
}

/** The inputs' paths, then the rubric arguments: what `--out` must not overwrite. */
function* pathsOf(inputs: Iterable<Input>, rubrics: readonly string[]): Generator<string> {
  for (const input of inputs) yield input.path;
  yield* rubrics;
}
