import { existsSync, mkdirSync, readdirSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { basename, join, resolve } from "node:path";
import {
  agreement,
  CALIBRATION,
  type CalibrationCase,
  type EffectChange,
  fitRubrics,
  leaveOneOut,
  type Solver,
  verdictOf,
} from "../../engine/calibrate.js";
import { compileRubrics } from "../../engine/compile.js";
import { evaluate } from "../../engine/evaluate.js";
import { UsageError, UserError } from "../../io/errors.js";
import { expandInputs } from "../../io/inputs.js";
import { PACKAGE_ROOT } from "../../io/package.js";
import { expandYamlPath, readTextFile } from "../../io/read.js";
import { writeFileAtomic } from "../../io/stream.js";
import { contentHash } from "../../rubric/hash.js";
import { OUTCOMES } from "../../rubric/outcomes.js";
import {
  type LoadedRubric,
  parseOrganizations,
  parseRubric,
  parseRubricTests,
  rubricTestAnswers,
} from "../../rubric/parse.js";
import { jsonDocument, visible } from "../../text/visible.js";
import { BUILT_IN_RUBRICS, inputError, loadRubricSet, withBases } from "../load.js";
import type { GlobalOptions } from "../output.js";

export interface CalibrateOptions {
  cases: string[];
  effects?: boolean;
  rubrics: string[];
  out?: string;
  format: "text" | "json";
}

const methodOf = (effects: boolean) =>
  `UTADIS-style linear programme (HiGHS): ${effects ? "weights, then answer effects within each rubric's fit.effects" : "weights only"}, margin ${CALIBRATION.margin} point, each weight within ${1 / CALIBRATION.widen}–${CALIBRATION.widen}× its share`;

/** HiGHS in WebAssembly, loaded from the installed package (its .wasm sits next to it). */
async function loadSolver(): Promise<Solver> {
  const require = createRequire(join(PACKAGE_ROOT, "package.json"));
  let load: () => Promise<{
    solve(lp: string): { Status: string; Columns: Record<string, { Primal: number }> };
  }>;
  try {
    load = require("highs");
  } catch {
    throw new UserError("the HiGHS solver (npm package highs) is not installed: npm install highs");
  }
  const highs = await load();
  return (lp) => {
    const solution = highs.solve(lp);
    const values = new Map(
      Object.entries(solution.Columns).map(([name, column]) => [name, column.Primal]),
    );
    return { status: solution.Status, values };
  };
}

/** The cases: RubricTest files, and org files with an `expect:`, from files, folders or globs. */
async function loadCases(
  paths: readonly string[],
  index: Awaited<ReturnType<typeof loadRubricSet>>["index"],
) {
  const { inputs } = expandInputs(paths);
  const cases: CalibrationCase[] = [];
  const problems = [];
  for (const input of inputs) {
    if (input.error) throw new UserError(`${visible(input.path)}: ${input.error}`);
    const text = await readTextFile(input.path);
    // A file that is no rolefit document (a notes file, a map of verdicts) is passed over, said.
    if (!/^kind:/m.test(text)) {
      process.stderr.write(
        `rolefit: passing over ${visible(input.path)}: no kind: line, not a case\n`,
      );
      continue;
    }
    if (/^kind:\s*RubricTest\b/m.test(text)) {
      for (const parsed of parseRubricTests(text, input.path)) {
        if (!parsed.value) {
          problems.push(...parsed.diagnostics);
          continue;
        }
        const resolved = await rubricTestAnswers(parsed.value, parsed.source, index, readTextFile);
        if (!resolved.answers) {
          problems.push(...resolved.diagnostics);
          continue;
        }
        const wanted = parsed.value.expect.recommendation;
        cases.push({
          name: parsed.value.name,
          source: input.path,
          answers: resolved.answers,
          expect: Array.isArray(wanted) ? wanted : [wanted],
        });
      }
      continue;
    }
    for (const parsed of parseOrganizations(text, input.path, index)) {
      if (!parsed.value) {
        problems.push(...parsed.diagnostics);
        continue;
      }
      // An org file without a verdict is no case; it is passed over, not an error.
      if (!parsed.value.expect) continue;
      cases.push({
        name: parsed.value.name,
        source: input.path,
        answers: parsed.value.answers,
        expect: parsed.value.expect,
      });
    }
  }
  if (problems.length > 0) throw inputError(problems);
  return cases;
}

/**
 * `rolefit calibrate --cases DIR`: fits the rubric weights to a firm's own verdicts, reports
 * agreement before and after and the leave-one-out figure, and writes the fitted set to a new
 * folder.
 */
export async function runCalibrate(
  options: CalibrateOptions,
  _global: GlobalOptions,
): Promise<void> {
  if (options.cases.length === 0) throw new UsageError("give the judged cases: --cases DIR");
  const rubricDirs = options.rubrics.length > 0 ? options.rubrics : [BUILT_IN_RUBRICS];
  const out = resolve(options.out ?? "rolefit-calibrated");
  if (rubricDirs.some((dir) => resolve(dir) === out))
    throw new UsageError("--out names the rubrics being fitted: the fit goes to a new folder");
  if (existsSync(out)) {
    const what = !statSync(out).isDirectory()
      ? "a file"
      : readdirSync(out).length > 0
        ? "not empty"
        : "";
    if (what)
      throw new UsageError(`--out ${visible(out)} is ${what}: the fit goes to a new folder`);
  }
  const set = await loadRubricSet(options.rubrics);
  // The files to rewrite with their fitted weights, with those of any set they extend: a
  // fitted base rubric written next to them replaces the base's by id.
  const own: LoadedRubric[] = [];
  for (const path of (await Promise.all(rubricDirs.map(expandYamlPath))).flat()) {
    const parsed = parseRubric(await readTextFile(path), path);
    if (parsed.value) own.push(parsed.value);
  }
  const sources = (await withBases(own)).rubrics;
  const cases = await loadCases(options.cases, set.index);
  if (cases.length === 0)
    throw new UserError(
      "no cases with an expected verdict: give RubricTest files, or org files with expect: { recommendation: ... }",
    );
  const solve = await loadSolver();
  const rubrics = set.compiled.rubrics
    .map(
      ({ id }) =>
        sources.find((entry) => entry.rubric.id === id)?.rubric ??
        set.loaded.find((entry) => entry.rubric.id === id)?.rubric,
    )
    .filter((rubric) => rubric !== undefined);
  const before = compileRubrics(rubrics);
  const effects = options.effects === true;
  if (effects && !rubrics.some((rubric) => (rubric.fit?.effects ?? 0) > 0))
    throw new UsageError(
      "--effects moves only what a rubric allows: give it fit: { effects: 1 } (the most an effect may move)",
    );
  const fit = fitRubrics(rubrics, cases, solve, { effects });
  if (fit.status !== "Optimal")
    throw new UserError(
      `the solver found no fit (${fit.status}); the cases may contradict the hard rules`,
    );
  const after = compileRubrics(fit.rubrics);
  const casesSha256 = contentHash(
    cases.map((entry) => ({ answers: { ...entry.answers }, expect: entry.expect })),
  );
  const report: CalibrationReport = {
    method: methodOf(effects),
    cases: cases.length,
    casesSha256,
    before: { agreement: round(agreement(before, cases)) },
    after: { agreement: round(agreement(after, cases)) },
    leaveOneOut: { agreement: round(leaveOneOut(rubrics, cases, solve, { effects })) },
    confusion: confusion(after, cases),
    weights: before.rubrics.map((rubric) => ({
      rubricId: rubric.id,
      from: round(rubric.weight),
      to: round(fit.weights.get(rubric.id) ?? rubric.weight),
    })),
    effects: fit.effects.map((change) => ({ ...change, path: change.path.join(".") })),
    wrong: cases
      .filter((entry) => !entry.expect.includes(verdictOf(after, entry)))
      .map((entry) => ({
        source: entry.source,
        name: entry.name,
        expected: entry.expect,
        got: verdictOf(after, entry),
        decidedBy: decidedBy(after, entry),
      })),
    out,
  };
  await writeFittedSet(out, sources, fit.weights, fit.effects, report);
  process.stdout.write(options.format === "json" ? jsonDocument(report) : renderText(report));
}

const round = (value: number) => Math.round(value * 1000) / 1000;

/** What calibrate reports: the JSON, and what the text and the fitted files are made from. */
interface CalibrationReport {
  method: string;
  cases: number;
  casesSha256: string;
  before: { agreement: number };
  after: { agreement: number };
  leaveOneOut: { agreement: number };
  confusion: Record<string, Record<string, number>>;
  weights: Array<{ rubricId: string; from: number; to: number }>;
  effects: Array<Omit<EffectChange, "path"> & { path: string }>;
  wrong: Array<{
    source: string;
    name: string;
    expected: readonly string[];
    got: string;
    decidedBy: string;
  }>;
  out: string;
}

/** Expected (the first accepted verdict) against predicted, counted. */
function confusion(compiled: ReturnType<typeof compileRubrics>, cases: readonly CalibrationCase[]) {
  const labels = [...OUTCOMES, "undecided"] as const;
  const matrix: Record<string, Record<string, number>> = {};
  for (const expected of labels) matrix[expected] = Object.fromEntries(labels.map((l) => [l, 0]));
  for (const entry of cases) {
    const expected = entry.expect[0] ?? "undecided";
    const row = matrix[expected] as Record<string, number>;
    const got = verdictOf(compiled, entry);
    row[got] = (row[got] ?? 0) + 1;
  }
  return matrix;
}

/** What decides a case the fit still gets wrong: the hard rules, or the lead and its reason. */
function decidedBy(compiled: ReturnType<typeof compileRubrics>, entry: CalibrationCase): string {
  const result = evaluate(compiled, {
    organization: entry.name,
    source: entry.source,
    answers: entry.answers,
  });
  if (result.recommendation === null) return `no recommendation yet (${result.undecided?.reason})`;
  if (result.confidenceFactors.decidedByRule)
    return `the hard rules: ${result.rules.map((rule) => rule.id).join(", ")}`;
  const top = result.reasons[0];
  return `${result.recommendation} leads ${result.runnerUp} by ${result.margin.toFixed(1)}${top ? `, most of all on ${top.questionId}` : ""}`;
}

/** The fitted set: each rubric file with its new weight, and how it was fitted. */
async function writeFittedSet(
  out: string,
  sources: readonly LoadedRubric[],
  weights: ReadonlyMap<string, number>,
  effects: readonly EffectChange[],
  report: Pick<CalibrationReport, "method" | "cases" | "casesSha256" | "leaveOneOut">,
) {
  mkdirSync(out, { recursive: true });
  for (const entry of sources) {
    const doc = entry.source.doc.clone();
    const weight = weights.get(entry.rubric.id) ?? entry.rubric.weight;
    doc.set("weight", Math.round(weight * 10_000) / 10_000);
    for (const change of effects) {
      if (change.rubricId !== entry.rubric.id) continue;
      const at = entry.rubric.questions.findIndex((q) => q.id === change.questionId);
      doc.setIn(["questions", at, ...change.path, "effect", change.outcome], change.to);
    }
    doc.set("version", `${entry.rubric.version}+fit.${report.casesSha256.slice(0, 8)}`);
    doc.set("calibration", {
      method: report.method,
      cases: report.cases,
      casesSha256: report.casesSha256,
      leaveOneOutAgreement: report.leaveOneOut.agreement,
    });
    await writeFileAtomic(join(out, basename(entry.source.file)), doc.toString({ lineWidth: 0 }));
  }
}

function renderText(report: CalibrationReport): string {
  const percent = (share: number) => `${(share * 100).toFixed(0)}%`;
  const labels = [...OUTCOMES, "undecided"];
  const lines = [
    `Calibrated on ${report.cases} case${report.cases === 1 ? "" : "s"}: ${report.method}.`,
    "",
    `  agreement before   ${percent(report.before.agreement)}`,
    `  agreement after    ${percent(report.after.agreement)}`,
    `  leave-one-out      ${percent(report.leaveOneOut.agreement)}   (each case predicted by a fit that did not see it: the honest figure)`,
    "",
    "Weights:",
    ...report.weights.map(
      (w) =>
        `  ${w.rubricId.padEnd(26)} ${w.from.toFixed(3)} → ${w.to.toFixed(3)}${w.from === w.to ? "" : w.to > w.from ? "  ▲" : "  ▼"}`,
    ),
    "",
    "Expected (rows) against the fitted verdict (columns):",
    `  ${"".padEnd(10)}${labels.map((l) => l.padStart(10)).join("")}`,
    ...labels.map(
      (row) =>
        `  ${row.padEnd(10)}${labels.map((col) => String(report.confusion[row]?.[col] ?? 0).padStart(10)).join("")}`,
    ),
  ];
  if (report.wrong.length > 0) {
    lines.push("", `Still wrong (${report.wrong.length}):`);
    for (const w of report.wrong)
      lines.push(
        `  ${visible(w.name)}: expected ${w.expected.join(" or ")}, got ${w.got}; ${visible(w.decidedBy)}`,
      );
  }
  lines.push(
    "",
    `The fitted rubrics are in ${visible(report.out)}; compare them on any corpus with rolefit rubric diff.`,
  );
  return `${lines.join("\n")}\n`;
}
