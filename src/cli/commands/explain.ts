import { UsageError } from "../../io/errors.js";
import { explainId } from "../../narrate/explain.js";
import { renderExplanationText } from "../../report/explain.js";
import { didYouMean } from "../../rubric/suggest.js";
import { jsonDocument, visible } from "../../text/visible.js";
import { loadRubricSet } from "../load.js";
import { terminalWidth } from "../output.js";

export interface ExplainOptions {
  rubrics: string[];
  format: "text" | "json";
}

export async function runExplain(id: string, options: ExplainOptions): Promise<void> {
  const { compiled, loaded } = await loadRubricSet(options.rubrics);
  const ruleHome = new Map(
    loaded.flatMap(({ rubric }) => rubric.rules.map((rule) => [rule.id, rubric.id] as const)),
  );
  const explanation = explainId(compiled, id, ruleHome);
  if (!explanation) {
    const known = [...compiled.byId.keys(), ...compiled.rules.map((rule) => rule.id)];
    throw new UsageError(
      `no question or rule "${visible(id)}"${didYouMean(id, known)}; run \`rolefit rubrics\` to list the questions`,
    );
  }
  process.stdout.write(
    options.format === "json"
      ? jsonDocument(explanation)
      : renderExplanationText(explanation, terminalWidth()),
  );
}
