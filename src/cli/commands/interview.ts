import { existsSync } from "node:fs";
import confirm from "@inquirer/confirm";
import input from "@inquirer/input";
import { assess } from "../../engine/assess.js";
import { planInterview, runInterview } from "../../interview/flow.js";
import { EXIT, UserError } from "../../io/errors.js";
import { writeFileAtomic } from "../../io/write.js";
import { renderText } from "../../report/text.js";
import type { Answers } from "../../rubric/schema.js";
import { AnswersFile, defaultAnswersPath, resumeCommand } from "../interview/answers-file.js";
import { TerminalPrompter } from "../interview/prompter.js";
import { loadOrganization, loadRubricSet } from "../load.js";
import { type GlobalOptions, wantsColor } from "../output.js";
import { renderAssessment } from "../render.js";
import { applyOverrides, parseSetFlags } from "../set-answers.js";
import type { AssessOptions } from "./assess.js";

/** Ctrl-C in the interview: not an error, but the answers' whereabouts must be said. */
function interrupted(path: string | undefined, saved: number): UserError {
  const where = path
    ? `${saved} answer${saved === 1 ? " is" : "s are"} saved in ${path}.\nResume with: ${resumeCommand(path)}`
    : "Nothing was saved.";
  return new UserError(`Interview stopped. ${where}`, EXIT.interrupted);
}

const isCtrlC = (error: unknown) => error instanceof Error && error.name === "ExitPromptError";

export type InterviewOptions = Omit<AssessOptions, "org"> & { org?: string | undefined };

/** The workshop interview: asks, saves after every answer, reviews, then prints the result. */
export async function runInterviewCommand(
  options: InterviewOptions,
  global: GlobalOptions,
): Promise<void> {
  const color = wantsColor(process.stdout, global);
  const rubrics = await loadRubricSet(options.rubrics);
  const steps = planInterview(rubrics.compiled);
  let file: AnswersFile | undefined;
  let saved = 0;
  try {
    let name: string;
    let initial: Answers = Object.create(null);
    if (options.org) {
      const org = await loadOrganization(options.org, rubrics.index);
      name = org.name;
      initial = org.answers;
      file = AnswersFile.fromDocument(options.answers ?? options.org, org.source.doc, steps);
    } else {
      name = (
        await input({
          message: "Which organisation are we assessing?",
          validate: (text) => text.trim() !== "" || "Enter the organisation's name.",
        })
      ).trim();
      let path = options.answers ?? defaultAnswersPath(name);
      if (
        existsSync(path) &&
        (await confirm({
          message: `${path} already exists. Resume from the answers in it?`,
          default: true,
        }))
      ) {
        const org = await loadOrganization(path, rubrics.index);
        initial = org.answers;
        file = AnswersFile.fromDocument(path, org.source.doc, steps);
      } else {
        while (existsSync(path)) {
          path = (
            await input({
              message: "Save the answers to which new file?",
              default: path.replace(/(\.ya?ml)?$/, "-2.yaml"),
            })
          ).trim();
        }
        file = AnswersFile.create(path, name, steps);
      }
    }
    const answersFile = file;
    saved = Object.keys(initial).length;
    await answersFile.save(initial);
    process.stdout.write(
      `Answers are saved to ${answersFile.path} after every answer. Ctrl-C stops at any time; resume with:\n  ${resumeCommand(answersFile.path)}\n\n`,
    );
    const answered = Object.keys(initial).length;
    // With everything answered the final review comes next anyway; ask only when some are open.
    const reviseFirst =
      answered > 0 &&
      answered < steps.length &&
      (await confirm({
        message: `${answered} of ${steps.length} questions are answered. Review or change them before the rest?`,
        default: false,
      }));
    const prompter = new TerminalPrompter({
      organization: name,
      answersPath: answersFile.path,
      color,
    });
    const final = await runInterview(steps, initial, prompter, {
      reviseFirst,
      save: async (answers) => {
        await answersFile.save(answers);
        saved = Object.keys(answers).length;
      },
    });

    const whatIf = applyOverrides(final, parseSetFlags(options.set, rubrics.index));
    const assessment = assess(rubrics.compiled, {
      organization: name,
      source: answersFile.path,
      answers: whatIf,
      provenance: rubrics.provenance,
    });
    process.stdout.write("\u001b[2J\u001b[H");
    process.stdout.write(renderText(assessment, { color, width: process.stdout.columns || 80 }));
    if (options.set.length > 0)
      process.stdout.write(
        `\nWhat-if: ${options.set.map((s) => `--set ${s}`).join(" ")} applied to this result, not saved.\n`,
      );
    const reportPath = answersFile.path.replace(/(\.ya?ml)?$/, ".report.md");
    process.stdout.write("\n");
    if (await confirm({ message: `Write a report to ${reportPath}?`, default: true })) {
      await writeFileAtomic(
        reportPath,
        await renderAssessment(assessment, "markdown", {
          color: false,
          width: 100,
          index: rubrics.index,
        }),
      );
      process.stdout.write(`Report written to ${reportPath}\n`);
    }
  } catch (error) {
    if (isCtrlC(error)) throw interrupted(file?.path, saved);
    throw error;
  }
}
