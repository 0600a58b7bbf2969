import { assess } from "../../engine/assess.js";
import { UsageError } from "../../io/errors.js";
import { loadOrganization, loadRubricSet } from "../load.js";
import { emit, type GlobalOptions, terminalWidth, wantsColor } from "../output.js";
import { type AssessmentFormat, renderAssessment } from "../render.js";
import { applySetFlags } from "../set-answers.js";

export interface AssessOptions {
  org?: string;
  set: string[];
  rubrics: string[];
  format: AssessmentFormat;
  out?: string;
  interactive?: boolean;
  answers?: string;
}

export async function runAssess(options: AssessOptions, global: GlobalOptions): Promise<void> {
  if (!options.org || options.interactive) {
    if (options.org === "-")
      throw new UsageError(
        "--interactive needs an org file, not standard input: rolefit assess --org FILE --interactive",
      );
    if (!process.stdin.isTTY || !process.stdout.isTTY) {
      const hint =
        "pass an org file: rolefit assess --org FILE (or --org - to read standard input)";
      throw new UsageError(
        options.interactive
          ? `--interactive needs a terminal; ${hint}`
          : `no --org file and no terminal for an interview; ${hint}`,
      );
    }
    // Loaded only here, so file-driven runs never pay for the prompt library.
    const { runInterviewCommand } = await import("./interview.js");
    return runInterviewCommand(options, global);
  }
  const rubrics = await loadRubricSet(options.rubrics);
  const org = await loadOrganization(options.org, rubrics.index);
  const answers = applySetFlags(org.answers, options.set, rubrics.index);
  const assessment = assess(rubrics.compiled, {
    organization: org.name,
    source: options.org,
    answers,
    provenance: rubrics.provenance,
  });
  const content = await renderAssessment(assessment, options.format, {
    color: !options.out && wantsColor(process.stdout, global),
    width: terminalWidth(),
    index: rubrics.index,
  });
  await emit(content, options.out);
}
