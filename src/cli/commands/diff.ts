import { type ComparedResult, diffAssessments } from "../../engine/diff.js";
import { evaluate } from "../../engine/evaluate.js";
import { EXIT } from "../../io/errors.js";
import { readTextFile } from "../../io/read.js";
import { refuseOutputOverInput } from "../../io/write.js";
import { diffDocument, narrateDiff } from "../../narrate/diff.js";
import { renderDiffMarkdown, renderDiffText } from "../../report/diff.js";
import { savedResultSchema } from "../../result/saved.js";
import { parseYaml } from "../../rubric/yaml.js";
import { diagnosticsFromZod } from "../../rubric/zod-issues.js";
import { jsonDocument } from "../../text/visible.js";
import { inputError, loadOrganization, loadRubricSet, type RubricSet } from "../load.js";
import { emit } from "../output.js";

export interface DiffOptions {
  rubrics: string[];
  format: "text" | "json" | "markdown";
  out?: string;
}

/** An org file is assessed with the loaded rubrics; a JSON result is taken as it was made. */
async function assessmentFrom(path: string, rubrics: RubricSet): Promise<ComparedResult> {
  const text = await readTextFile(path);
  if (/^\s*[[{]/.test(text)) {
    // JSON is YAML too: parsed this way, every problem comes with its line and column.
    const { source, diagnostics } = parseYaml(text, path);
    if (diagnostics.length > 0) throw inputError(diagnostics, EXIT.usage);
    const data = source.data as Record<string, unknown> | null;
    if (typeof data !== "object" || data === null || !("recommendation" in data))
      throw inputError(
        [
          {
            file: path,
            line: 1,
            column: 1,
            code: "not-a-result",
            severity: "error",
            message: "expected a rolefit result (rolefit assess --format json), found other JSON",
          },
        ],
        EXIT.usage,
      );
    const result = savedResultSchema.safeParse(data);
    if (!result.success)
      throw inputError(
        diagnosticsFromZod(source, savedResultSchema, result.error.issues).map((d) => ({
          ...d,
          message: `${d.message} (expected a rolefit result: rolefit assess --format json)`,
        })),
        EXIT.usage,
      );
    return result.data;
  }
  const org = await loadOrganization(path, rubrics.index);
  return evaluate(rubrics.compiled, {
    organization: org.name,
    source: path,
    answers: org.answers,
    provenance: rubrics.provenance,
  });
}

export async function runDiff(
  oldPath: string,
  newPath: string,
  options: DiffOptions,
): Promise<void> {
  await refuseOutputOverInput(options.out, [oldPath, newPath, ...options.rubrics]);
  const rubrics = await loadRubricSet(options.rubrics);
  const [before, after] = await Promise.all([
    assessmentFrom(oldPath, rubrics),
    assessmentFrom(newPath, rubrics),
  ]);
  const diff = narrateDiff(rubrics.compiled, diffAssessments(rubrics.compiled, before, after));
  if (diff.rubricsChanged) {
    process.stderr.write(
      "rolefit: warning: the two results were made with different rubrics (their provenance hashes differ); compare with care\n",
    );
  }
  const content =
    options.format === "json"
      ? jsonDocument(diff)
      : options.format === "markdown"
        ? renderDiffMarkdown(diffDocument(rubrics.compiled, diff))
        : renderDiffText(diffDocument(rubrics.compiled, diff));
  await emit(content, options.out);
}
