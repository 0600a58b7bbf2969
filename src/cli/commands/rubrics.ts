import { byRubricOrder } from "../../engine/compile.js";
import { renderRubricsJson, renderRubricsText } from "../../report/rubrics.js";
import { loadRubricSet } from "../load.js";
import { type GlobalOptions, terminalWidth, wantsColor } from "../output.js";

export interface RubricsOptions {
  rubrics: string[];
  format: "text" | "json";
}

export async function runRubrics(options: RubricsOptions, global: GlobalOptions): Promise<void> {
  const { loaded } = await loadRubricSet(options.rubrics);
  const rubrics = loaded.map((entry) => entry.rubric).sort(byRubricOrder);
  process.stdout.write(
    options.format === "json"
      ? renderRubricsJson(rubrics)
      : renderRubricsText(rubrics, {
          color: wantsColor(process.stdout, global),
          width: terminalWidth(),
        }),
  );
}
