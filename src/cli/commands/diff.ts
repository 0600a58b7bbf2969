import { type Assessment, assess } from "../../engine/assess.js";
import { diffAssessments } from "../../engine/diff.js";
import { UserError } from "../../io/errors.js";
import { readTextFile } from "../../io/read.js";
import { refuseOutputOverInput } from "../../io/write.js";
import { renderDiffMarkdown, renderDiffText } from "../../report/diff.js";
import { jsonDocument } from "../../text/visible.js";
import { loadOrganization, loadRubricSet, type RubricSet } from "../load.js";
import { emit } from "../output.js";

export interface DiffOptions {
  rubrics: string[];
  format: "text" | "json" | "markdown";
  out?: string;
}

/** An org file is assessed with the loaded rubrics; a JSON result is taken as it was made. */
async function assessmentFrom(path: string, rubrics: RubricSet): Promise<Assessment> {
  const text = await readTextFile(path);
  if (/^\s*\{/.test(text)) {
    let data: unknown;
    try {
      data = JSON.parse(text);
    } catch (error) {
      throw new UserError(`${path}: not valid JSON (${(error as Error).message})`);
    }
    const result = data as Partial<Assessment>;
    if (
      result.schemaVersion !== 1 ||
      typeof result.recommendation !== "string" ||
      !result.scores ||
      !result.answers ||
      !Array.isArray(result.rules)
    ) {
      throw new UserError(
        `${path}: expected a rolefit result (rolefit assess --format json), found other JSON`,
      );
    }
    return result as Assessment;
  }
  const org = await loadOrganization(path, rubrics.index);
  return assess(rubrics.compiled, {
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
  const diff = diffAssessments(rubrics.compiled, before, after);
  if (diff.rubricsChanged) {
    process.stderr.write(
      "rolefit: warning: the two results were made with different rubrics (their provenance hashes differ); compare with care\n",
    );
  }
  const content =
    options.format === "json"
      ? jsonDocument(diff)
      : options.format === "markdown"
        ? renderDiffMarkdown(diff)
        : renderDiffText(diff);
  await emit(content, options.out);
}
