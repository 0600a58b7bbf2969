import { assess } from "../../engine/assess.js";
import { UsageError } from "../../io/errors.js";
import { renderText } from "../../report/text.js";
import { loadOrganization, loadRubricSet } from "../load.js";
import { emit, type GlobalOptions, terminalWidth, wantsColor } from "../output.js";
import { applySetFlags } from "../set-answers.js";

export interface AssessOptions {
  org?: string;
  set: string[];
  rubrics: string[];
  format: "text" | "json";
  out?: string;
}

export async function runAssess(options: AssessOptions, global: GlobalOptions): Promise<void> {
  if (!options.org) {
    const hint = "pass an org file: rolefit assess --org FILE (or --org - to read standard input)";
    throw new UsageError(
      process.stdin.isTTY
        ? `the interactive interview is not available in this version; ${hint}`
        : `no --org file and no terminal for an interview; ${hint}`,
    );
  }
  const rubrics = await loadRubricSet(options.rubrics);
  const org = await loadOrganization(options.org, rubrics.index);
  const answers = applySetFlags(org.answers, options.set, rubrics.index);
  const assessment = assess(rubrics.compiled, {
    organization: org.name,
    source: options.org,
    answers,
  });
  const content =
    options.format === "json"
      ? `${JSON.stringify(assessment, null, 2)}\n`
      : renderText(assessment, {
          color: !options.out && wantsColor(process.stdout, global),
          width: terminalWidth(),
        });
  await emit(content, options.out);
}
