import { join } from "node:path";
import { Chalk } from "chalk";
import { expandInputs } from "../../io/inputs.js";
import { PACKAGE_ROOT } from "../../io/package.js";
import { readTextFile } from "../../io/read.js";
import { assess } from "../../narrate/assess.js";
import { escapeData, escapeProperty } from "../../report/findings.js";
import { type Diagnostic, formatDiagnostic } from "../../rubric/diagnostic.js";
import { parseRubricTests, rubricTestAnswers } from "../../rubric/parse.js";
import type { RubricTest } from "../../rubric/schema.js";
import { locate, type SourceDocument } from "../../rubric/yaml.js";
import { escapeMarkup } from "../../text/markup-escape.js";
import { deepVisible, jsonDocument } from "../../text/visible.js";
import { loadRubricSet } from "../load.js";
import { type GlobalOptions, wantsColor } from "../output.js";

export interface TestOptions {
  rubrics: string[];
  format: "text" | "json" | "junit" | "github";
}

/**
 * One test case's outcome. `error`: the case itself is broken (schema, answers, its org file):
 * it counts as one failure, located, and the other cases still run.
 */
interface TestResult {
  file: string;
  name: string;
  line: number;
  column: number;
  status: "passed" | "failed" | "error";
  /** What differed from the expectation, or what is wrong with the case, one line each. */
  failures: string[];
  recommendation?: string;
  confidence?: string;
}

const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

function check(test: RubricTest, result: ReturnType<typeof assess>): string[] {
  const failures: string[] = [];
  const outcomes = list(test.expect.recommendation);
  const got = result.recommendation ?? "undecided";
  if (!outcomes.includes(got)) {
    failures.push(
      result.recommendation === null
        ? `expected ${outcomes.join(" or ")}, got no recommendation yet (${result.undecided?.reason})`
        : `expected ${outcomes.join(" or ")}, got ${got} (margin ${result.margin.toFixed(1)} over ${result.runnerUp})`,
    );
  }
  const confidences =
    test.expect.confidence === undefined ? undefined : list(test.expect.confidence);
  if (confidences && !confidences.includes(result.confidence)) {
    failures.push(`expected confidence ${confidences.join(" or ")}, got ${result.confidence}`);
  }
  // Condition rules that hold count as fired: they are what the recommendation depends on.
  const fired = [
    ...result.rules.map((rule) => rule.id),
    ...result.conditions.map((condition) => condition.ruleId),
  ];
  for (const rule of test.expect.rules ?? []) {
    if (!fired.includes(rule))
      failures.push(`expected rule ${rule} to fire; fired: ${fired.join(", ") || "none"}`);
  }
  return failures;
}

/** A broken case, named as best its document allows, at its first problem. */
function brokenCase(
  file: string,
  source: SourceDocument | undefined,
  index: number,
  diagnostics: readonly Diagnostic[],
): TestResult {
  const data = source?.data as { name?: unknown } | undefined;
  const first = diagnostics[0];
  return {
    file,
    name: typeof data?.name === "string" ? data.name : `document ${index + 1}`,
    line: first?.line ?? 0,
    column: first?.column ?? 0,
    status: "error",
    failures: diagnostics.map(formatDiagnostic),
  };
}

/** Runs RubricTest fixtures against the rubrics and reports like a test runner. */
export async function runTests(
  paths: string[],
  options: TestOptions,
  global: GlobalOptions,
): Promise<void> {
  const rubrics = await loadRubricSet(options.rubrics);
  const { inputs } = expandInputs(paths.length > 0 ? paths : [join(PACKAGE_ROOT, "rubric-tests")]);
  const results: TestResult[] = [];
  for (const input of inputs) {
    const unreadable = (message: string) =>
      results.push({
        file: input.path,
        name: "(file)",
        line: 0,
        column: 0,
        status: "error",
        failures: [`${input.path}: ${message}`],
      });
    if (input.error) {
      unreadable(input.error);
      continue;
    }
    let text: string;
    try {
      text = await readTextFile(input.path);
    } catch (error) {
      unreadable(error instanceof Error ? error.message : String(error));
      continue;
    }
    for (const [index, parsed] of parseRubricTests(text, input.path).entries()) {
      const { source } = parsed;
      if (!parsed.value) {
        results.push(brokenCase(input.path, source, index, parsed.diagnostics));
        continue;
      }
      const test = parsed.value;
      const resolved = await rubricTestAnswers(test, source, rubrics.index, readTextFile);
      if (!resolved.answers) {
        results.push(brokenCase(input.path, source, index, resolved.diagnostics));
        continue;
      }
      const result = assess(rubrics.compiled, {
        organization: test.name,
        source: input.path,
        answers: resolved.answers,
      });
      const failures = check(test, result);
      const at = locate(source, ["expect"]);
      results.push({
        file: input.path,
        name: test.name,
        line: at.line,
        column: at.column,
        status: failures.length === 0 ? "passed" : "failed",
        failures,
        recommendation: result.recommendation ?? "undecided",
        confidence: result.confidence,
      });
    }
  }
  const count = (status: TestResult["status"]) => results.filter((r) => r.status === status).length;
  const totals = { passed: count("passed"), failed: count("failed"), errors: count("error") };
  const render = {
    json: () => jsonDocument({ ...totals, results }),
    junit: () => renderJunit(results),
    github: () => renderGithubTests(results),
    text: () => renderText(results, totals, wantsColor(process.stdout, global)),
  }[options.format];
  process.stdout.write(render());
  if (totals.failed + totals.errors > 0) process.exitCode = 1;
}

function renderText(
  results: readonly TestResult[],
  totals: { passed: number; failed: number; errors: number },
  color: boolean,
): string {
  const c = new Chalk({ level: color ? 1 : 0 });
  const lines: string[] = [];
  let file = "";
  for (const result of deepVisible(results)) {
    if (result.file !== file) {
      file = result.file;
      lines.push(c.bold(file));
    }
    const mark = result.status === "passed" ? c.green("✓") : c.red("✗");
    const where = result.line > 0 ? c.dim(` (line ${result.line})`) : "";
    const outcome =
      result.status === "error"
        ? c.red(" → broken test")
        : c.dim(` → ${result.recommendation} (${result.confidence})`);
    lines.push(`  ${mark} ${result.name}${outcome}${result.status === "passed" ? "" : where}`);
    for (const failure of result.failures) lines.push(`      ${c.red(failure)}`);
  }
  const summary = `${totals.passed} passed, ${totals.failed} failed${totals.errors > 0 ? `, ${totals.errors} broken` : ""}`;
  const failing = totals.failed + totals.errors > 0;
  return `${lines.join("\n")}\n\n${failing ? c.red(summary) : c.green(summary)}\n`;
}

const xml = (text: string) =>
  escapeMarkup(text)
    // Characters XML 1.0 cannot carry at all, even escaped.
    // biome-ignore lint/suspicious/noControlCharactersInRegex: they are what is removed
    .replace(/[\u0000-\u0008\u000b\u000c\u000e-\u001f\ufffe\uffff]/g, "\ufffd");

/** JUnit XML, as CI test reports read it: a suite per file, a case per test. */
function renderJunit(results: readonly TestResult[]): string {
  const files = [...new Set(results.map((r) => r.file))];
  const suites = files.map((file) => {
    const cases = results.filter((r) => r.file === file);
    const failed = cases.filter((r) => r.status === "failed").length;
    const errors = cases.filter((r) => r.status === "error").length;
    const body = cases.map((r) => {
      const attributes = `name="${xml(r.name)}" classname="${xml(file)}" file="${xml(file)}" line="${r.line}"`;
      if (r.status === "passed") return `    <testcase ${attributes}/>`;
      const tag = r.status === "failed" ? "failure" : "error";
      const message = xml(r.failures[0] ?? r.status);
      return `    <testcase ${attributes}>\n      <${tag} message="${message}">${xml(r.failures.join("\n"))}</${tag}>\n    </testcase>`;
    });
    return `  <testsuite name="${xml(file)}" tests="${cases.length}" failures="${failed}" errors="${errors}">\n${body.join("\n")}\n  </testsuite>`;
  });
  const failed = results.filter((r) => r.status === "failed").length;
  const errors = results.filter((r) => r.status === "error").length;
  return `<?xml version="1.0" encoding="UTF-8"?>\n<testsuites name="rolefit test" tests="${results.length}" failures="${failed}" errors="${errors}">\n${suites.join("\n")}\n</testsuites>\n`;
}

/** GitHub workflow commands: an error annotation per failed or broken case, at its line. */
function renderGithubTests(results: readonly TestResult[]): string {
  return results
    .filter((r) => r.status !== "passed")
    .map((r) => {
      const position = r.line > 0 ? `,line=${r.line},col=${r.column}` : "";
      const title = `rolefit test: ${r.name}${r.status === "error" ? " (broken)" : ""}`;
      return `::error file=${escapeProperty(r.file)}${position},title=${escapeProperty(title)}::${escapeData(r.failures.join("\n"))}\n`;
    })
    .join("");
}
