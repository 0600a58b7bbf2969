import { dirname, join, resolve } from "node:path";
import { Chalk } from "chalk";
import { expandInputs } from "../../io/inputs.js";
import { PACKAGE_ROOT } from "../../io/package.js";
import { readTextFile } from "../../io/read.js";
import { assess } from "../../narrate/assess.js";
import { checkAnswers } from "../../rubric/answers.js";
import { byPosition, type Diagnostic } from "../../rubric/diagnostic.js";
import { parseOrganization, parseRubricTests } from "../../rubric/parse.js";
import type { Answers, RubricTest } from "../../rubric/schema.js";
import { deepVisible, jsonDocument } from "../../text/visible.js";
import { inputError, loadRubricSet, type RubricSet } from "../load.js";
import { type GlobalOptions, wantsColor } from "../output.js";
import { applyOverrides } from "../set-answers.js";

export interface TestOptions {
  rubrics: string[];
  format: "text" | "json";
}

interface TestResult {
  file: string;
  name: string;
  passed: boolean;
  /** What differed from the expectation, one line each. */
  failures: string[];
  recommendation?: string;
  confidence?: string;
}

const NOWHERE = (file: string) => () => ({ file, line: 0, column: 0 });
const list = <T>(value: T | T[]): T[] => (Array.isArray(value) ? value : [value]);

/** The answers a test stands for: its org file or its inline answers, then its overrides. */
async function answersOf(test: RubricTest, file: string, rubrics: RubricSet): Promise<Answers> {
  let answers: Answers;
  if (test.org !== undefined) {
    const path = resolve(dirname(file), test.org);
    const parsed = parseOrganization(await readTextFile(path), path, rubrics.index);
    if (!parsed.value) throw inputError(parsed.diagnostics);
    answers = parsed.value.answers;
  } else {
    const checked = checkAnswers(test.answers ?? {}, rubrics.index, NOWHERE(file), NOWHERE(file));
    if (checked.diagnostics.length > 0) throw inputError(checked.diagnostics);
    answers = checked.answers;
  }
  const set = checkAnswers(test.set ?? {}, rubrics.index, NOWHERE(file), NOWHERE(file));
  if (set.diagnostics.length > 0) throw inputError(set.diagnostics);
  return applyOverrides(answers, new Map(Object.entries(set.answers)));
}

function check(test: RubricTest, file: string, result: ReturnType<typeof assess>): TestResult {
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
  return {
    file,
    name: test.name,
    passed: failures.length === 0,
    failures,
    recommendation: got,
    confidence: result.confidence,
  };
}

/** Runs RubricTest fixtures against the rubrics and reports like a test runner. */
export async function runTests(
  paths: string[],
  options: TestOptions,
  global: GlobalOptions,
): Promise<void> {
  const rubrics = await loadRubricSet(options.rubrics);
  const { inputs } = await expandInputs(
    paths.length > 0 ? paths : [join(PACKAGE_ROOT, "rubric-tests")],
  );
  const problems: Diagnostic[] = [];
  const results: TestResult[] = [];
  for (const input of inputs) {
    if (input.error) {
      problems.push({
        file: input.path,
        line: 0,
        column: 0,
        code: "unreadable",
        severity: "error",
        message: input.error,
      });
      continue;
    }
    for (const parsed of parseRubricTests(await readTextFile(input.path), input.path)) {
      if (!parsed.value) {
        problems.push(...parsed.diagnostics);
        continue;
      }
      const test = parsed.value;
      const answers = await answersOf(test, input.path, rubrics);
      results.push(
        check(
          test,
          input.path,
          assess(rubrics.compiled, { organization: test.name, source: input.path, answers }),
        ),
      );
    }
  }
  if (problems.length > 0) throw inputError([...problems].sort(byPosition));
  const failed = results.filter((result) => !result.passed);
  if (options.format === "json") {
    process.stdout.write(
      jsonDocument({ passed: results.length - failed.length, failed: failed.length, results }),
    );
  } else {
    const c = new Chalk({ level: wantsColor(process.stdout, global) ? 1 : 0 });
    let file = "";
    for (const result of deepVisible(results)) {
      if (result.file !== file) {
        file = result.file;
        process.stdout.write(`${c.bold(file)}\n`);
      }
      const mark = result.passed ? c.green("✓") : c.red("✗");
      process.stdout.write(
        `  ${mark} ${result.name} ${c.dim(`→ ${result.recommendation} (${result.confidence})`)}\n`,
      );
      for (const failure of result.failures) process.stdout.write(`      ${c.red(failure)}\n`);
    }
    const summary = `${results.length - failed.length} passed, ${failed.length} failed`;
    process.stdout.write(`\n${failed.length > 0 ? c.red(summary) : c.green(summary)}\n`);
  }
  if (failed.length > 0) process.exitCode = 1;
}
