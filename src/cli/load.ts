import { fileURLToPath } from "node:url";
import type { Provenance } from "../engine/assess.js";
import { type CompiledRubrics, compileRubrics } from "../engine/compile.js";
import { UserError } from "../io/errors.js";
import { expandYamlPath, readStdin, readTextFile } from "../io/read.js";
import { byPosition, type Diagnostic, formatDiagnostic } from "../rubric/diagnostic.js";
import {
  checkRubricSet,
  contentHash,
  indexQuestions,
  type LoadedRubric,
  type Organization,
  parseOrganization,
  parseRubric,
  type QuestionIndex,
} from "../rubric/load.js";
import { VERSION } from "./version.js";

/** The rubrics shipped with rolefit, next to `dist/` in the package. */
export const BUILT_IN_RUBRICS = fileURLToPath(new URL("../../rubrics/", import.meta.url));

export interface RubricSet {
  loaded: LoadedRubric[];
  index: QuestionIndex;
  compiled: CompiledRubrics;
  provenance: Provenance;
}

export function inputError(diagnostics: readonly Diagnostic[]): UserError {
  const sorted = [...diagnostics].sort(byPosition);
  return new UserError(sorted.map(formatDiagnostic).join("\n"), 1, sorted);
}

/** Parses rubric files, collecting every problem from every file before giving up. */
export async function parseRubricFiles(
  paths: readonly string[],
): Promise<{ loaded: LoadedRubric[]; diagnostics: Diagnostic[] }> {
  const loaded: LoadedRubric[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const path of paths) {
    const result = parseRubric(await readTextFile(path), path);
    diagnostics.push(...result.diagnostics);
    if (result.value) loaded.push(result.value);
  }
  diagnostics.push(...checkRubricSet(loaded));
  return { loaded, diagnostics };
}

/** Loads, checks and compiles the rubrics once per run: the built-in set unless dirs are given. */
export async function loadRubricSet(dirs: readonly string[] = []): Promise<RubricSet> {
  const roots = dirs.length > 0 ? dirs : [BUILT_IN_RUBRICS];
  const paths = (await Promise.all(roots.map(expandYamlPath))).flat();
  const { loaded, diagnostics } = await parseRubricFiles(paths);
  if (diagnostics.some((d) => d.severity === "error")) throw inputError(diagnostics);
  const compiled = compileRubrics(loaded.map((entry) => entry.rubric));
  const hashes = new Map(loaded.map((entry) => [entry.rubric.id, entry.sha256]));
  const rubrics = compiled.rubrics.map(({ id, version }) => ({
    id,
    version,
    sha256: hashes.get(id) ?? "",
  }));
  const provenance: Provenance = {
    rolefitVersion: VERSION,
    rubrics,
    rubricSetSha256: contentHash(rubrics.map((rubric) => rubric.sha256)),
  };
  return { loaded, index: indexQuestions(loaded), compiled, provenance };
}

export async function loadOrganization(path: string, index: QuestionIndex): Promise<Organization> {
  const text = path === "-" ? await readStdin() : await readTextFile(path);
  const result = parseOrganization(text, path, index);
  if (!result.value) throw inputError(result.diagnostics);
  return result.value;
}
