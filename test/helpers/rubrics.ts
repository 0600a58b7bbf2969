import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { type CompiledRubrics, compileRubrics } from "../../src/engine/compile.js";
import { indexQuestions } from "../../src/rubric/answers.js";
import { checkRubricSet } from "../../src/rubric/lint.js";
import { type LoadedRubric, parseOrganization, parseRubric } from "../../src/rubric/parse.js";

export const ROOT = fileURLToPath(new URL("../../", import.meta.url));
export const RUBRICS_DIR = join(ROOT, "rubrics");

export function yamlFiles(dir: string): string[] {
  return readdirSync(dir)
    .filter((name) => /\.ya?ml$/.test(name) && name !== "expected.yaml")
    .sort()
    .map((name) => join(dir, name));
}

export function loadBuiltIn(): LoadedRubric[] {
  return yamlFiles(RUBRICS_DIR).map((file) => {
    const result = parseRubric(readFileSync(file, "utf8"), file);
    if (!result.value) throw new Error(result.diagnostics.map((d) => d.message).join("\n"));
    return result.value;
  });
}

export const builtIn = loadBuiltIn();
export const builtInIndex = indexQuestions(builtIn);
export const builtInCompiled: CompiledRubrics = compileRubrics(
  builtIn.map((entry) => entry.rubric),
);
export const builtInProblems = checkRubricSet(builtIn);

export function loadOrg(file: string) {
  const result = parseOrganization(readFileSync(file, "utf8"), file, builtInIndex);
  if (!result.value)
    throw new Error(result.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join("\n"));
  return result.value;
}
