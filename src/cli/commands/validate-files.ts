import { compileRubrics } from "../../engine/compile.js";
import { unwinnableOutcomes } from "../../engine/reach.js";
import { FileError } from "../../io/errors.js";
import { expandInputs } from "../../io/inputs.js";
import { readTextFile } from "../../io/read.js";
import { byPosition, type Diagnostic } from "../../rubric/diagnostic.js";
import { checkRubricSet } from "../../rubric/lint.js";
import {
  type LoadedRubric,
  parseOrganizations,
  parseRubric,
  parseRubricTests,
  rubricTestAnswers,
} from "../../rubric/parse.js";
import { insideBroken, type Salvaged, salvageRubric } from "../../rubric/salvage.js";
import { parseYaml } from "../../rubric/yaml.js";
import { BUILT_IN_RUBRICS, loadRubricSet, withBases } from "../load.js";
import type { GlobalOptions } from "../output.js";
import { report, type ValidateOptions } from "./validate.js";

const KINDS = ["Rubric", "Organization", "RubricTest"] as const;

/**
 * Which kind of file to check this as: the kind it declares, or, when that is missing or not a
 * kind rolefit knows, the kind its keys suggest, so the errors are about that kind's fields.
 */
function kindOf(text: string, file: string): (typeof KINDS)[number] {
  // The usual case, a top-level `kind:` line, is read without parsing the file a second time.
  const written = /^kind:[ \t]*["']?([A-Za-z]+)["']?[ \t]*(?:#.*)?$/m.exec(text)?.[1];
  const known = KINDS.find((kind) => kind === written);
  if (known) return known;
  const data = parseYaml(text, file).source.data;
  if (!data || typeof data !== "object" || Array.isArray(data)) return "Rubric";
  const fields = data as Record<string, unknown>;
  const declared = KINDS.find((kind) => kind === fields.kind);
  if (declared) return declared;
  if ("expect" in fields || "org" in fields) return "RubricTest";
  if ("answers" in fields || "respondent" in fields || "name" in fields) return "Organization";
  return "Rubric";
}

/** Every problem in every file, found in one pass: rubric files as a set, org files against the rubrics. */
export async function validateFiles(
  paths: string[],
  options: ValidateOptions,
  global: GlobalOptions,
): Promise<void> {
  const inputs = [...expandInputs(paths.length > 0 ? paths : [BUILT_IN_RUBRICS]).inputs];
  const files = inputs.map((input) => input.path);
  const sources = new Map<string, string>();
  const diagnostics: Diagnostic[] = [];
  const rubrics: LoadedRubric[] = [];
  let rubricFiles = 0;
  const opaque = new Set<string>();
  const broken: Salvaged["broken"] = [];
  let salvagedCount = 0;
  const orgs: string[] = [];
  const tests: string[] = [];
  for (const file of files) {
    const missing = inputs.find((input) => input.path === file)?.error;
    let text: string;
    try {
      if (missing) throw new FileError(file, missing);
      text = await readTextFile(file);
    } catch (error) {
      if (!(error instanceof FileError)) throw error;
      diagnostics.push({
        file,
        line: 0,
        column: 0,
        code: "unreadable",
        severity: "error",
        message: error.reason,
      });
      continue;
    }
    sources.set(file, text);
    const kind = kindOf(text, file);
    if (kind === "Organization") {
      orgs.push(file);
      continue;
    }
    if (kind === "RubricTest") {
      tests.push(file);
      continue;
    }
    rubricFiles++;
    // A rubric the schema refuses still has its ids and references checked, as far as they read.
    const result = parseRubric(text, file, (source, issues) => {
      const salvaged = salvageRubric(source, issues);
      if (!salvaged) return;
      rubrics.push(salvaged.rubric);
      for (const id of salvaged.opaque) opaque.add(id);
      broken.push(...salvaged.broken);
      salvagedCount++;
    });
    diagnostics.push(...result.diagnostics);
    if (result.value) rubrics.push(result.value);
  }
  // Rubrics that extend a set are checked with it: references resolve against its questions.
  // With --rubrics, rubric files are checked as part of that set (as if they extended it).
  const based = await withBases(rubrics, options.rubrics);
  const given = new Set(rubrics.map((entry) => entry.source.file));
  diagnostics.push(
    ...based.diagnostics.filter(
      (finding) => !given.has(finding.file) || finding.code === "unknown-base",
    ),
    ...checkRubricSet(based.rubrics, { complete: rubrics.length === rubricFiles, opaque }).filter(
      (finding) => !insideBroken(finding, broken),
    ),
  );
  // Only a complete, error-free set can be scored to see whether each outcome can still win.
  const first = rubrics[0];
  if (
    first &&
    salvagedCount === 0 &&
    rubrics.length === rubricFiles &&
    !diagnostics.some((d) => d.severity === "error")
  ) {
    for (const outcome of unwinnableOutcomes(
      compileRubrics(based.rubrics.map((entry) => entry.rubric)),
    )) {
      diagnostics.push({
        file: first.source.file,
        line: 1,
        column: 1,
        code: "unwinnable-outcome",
        severity: "warning",
        message: `no answers found that make ${outcome} win with these rubrics; check its effects and the rules that forbid it`,
      });
    }
  }
  if (orgs.length > 0 || tests.length > 0) {
    const { index } = await loadRubricSet(options.rubrics);
    for (const file of orgs) {
      for (const parsed of parseOrganizations(sources.get(file) ?? "", file, index))
        diagnostics.push(...parsed.diagnostics);
    }
    // Test files are checked as `rolefit test` runs them: answers against the rubrics too.
    for (const file of tests) {
      for (const parsed of parseRubricTests(sources.get(file) ?? "", file)) {
        diagnostics.push(...parsed.diagnostics);
        if (parsed.value)
          diagnostics.push(
            ...(await rubricTestAnswers(parsed.value, parsed.source, index, readTextFile))
              .diagnostics,
          );
      }
    }
  }
  diagnostics.sort(byPosition);
  await report(diagnostics, options, global, sources, files.length);
}
