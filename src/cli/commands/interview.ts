import { existsSync } from "node:fs";
import confirm from "@inquirer/confirm";
import input from "@inquirer/input";
import type { CompiledRubrics } from "../../engine/compile.js";
import { planInterview, runInterview, type Settled, type Step } from "../../interview/flow.js";
import { EXIT, UserError } from "../../io/errors.js";
import { assess, assessRoom } from "../../narrate/assess.js";
import { settledStatement } from "../../narrate/settled.js";
import { wrap } from "../../report/text.js";
import type { Answers } from "../../rubric/schema.js";
import { visible } from "../../text/visible.js";
import {
  type AdaptiveRecord,
  AnswersFile,
  defaultAnswersPath,
  resumeCommand,
  rubricFlags,
} from "../interview/answers-file.js";
import { TerminalPrompter } from "../interview/prompter.js";
import { loadOrganization, loadRubricSet, type RubricSet } from "../load.js";
import { type GlobalOptions, wantsColor } from "../output.js";
import { showResultScreen } from "../result-screen.js";
import { applyOverrides, parseSetFlags } from "../set-answers.js";
import { shellQuote } from "../shell.js";
import { type AssessOptions, handoutInfo } from "./assess.js";

/** Ctrl-C in the interview: not an error, but the answers' whereabouts must be said. */
function interrupted(
  path: string | undefined,
  saved: number,
  rubrics: readonly string[],
  room?: { people: readonly string[]; name: string },
): UserError {
  // A room resumes whole: the same people again, each one's saved file offered for resuming.
  const resume = room
    ? `rolefit assess ${room.people.map((person) => `--respondent ${shellQuote(person)}`).join(" ")}${rubricFlags(rubrics)}\n(name the organisation ${visible(room.name)} again; each person's saved answers are offered for resuming)`
    : path && resumeCommand(path, rubrics);
  const where = path
    ? `${saved} answer${saved === 1 ? " is" : "s are"} saved in ${visible(path)}.\nResume with: ${resume}`
    : "Nothing was saved.";
  return new UserError(`Interview stopped. ${where}`, EXIT.interrupted);
}

const isCtrlC = (error: unknown) => error instanceof Error && error.name === "ExitPromptError";

export type InterviewOptions = Omit<AssessOptions, "org"> & {
  org?: string | undefined;
  respondent?: string[];
};

interface Session {
  rubrics: RubricSet;
  /** The --rubrics folders, repeated in every resume hint. */
  rubricDirs: readonly string[];
  steps: Step[];
  color: boolean;
  /** The file being written, and how many answers it holds: what Ctrl-C must report. */
  current?: { file: AnswersFile; saved: number };
  /** Ask again the questions a file marks "not sure". */
  askSkipped: boolean;
  /** Ask the most decisive question next, and stop once the verdict is settled. */
  adaptive: boolean;
  /** The organisation's name, once given. */
  organization?: string;
}

/** The answers file to write: resumed from an existing one if the user wants, else a new one. */
async function openAnswersFile(
  session: Session,
  path: string,
  name: string,
  respondent?: string,
): Promise<{ file: AnswersFile; initial: Answers }> {
  if (
    existsSync(path) &&
    (await confirm({
      message: `${visible(path)} already exists. Resume from the answers in it?`,
      default: true,
    }))
  ) {
    const org = await loadOrganization(path, session.rubrics.index);
    return {
      file: AnswersFile.fromDocument(path, org.source.doc, session.steps, org.answers),
      initial: org.answers,
    };
  }
  let fresh = path;
  while (existsSync(fresh)) {
    fresh = (
      await input({
        message: "Save the answers to which new file?",
        default: fresh.replace(/(\.ya?ml)?$/, "-2.yaml"),
      })
    ).trim();
  }
  return {
    file: AnswersFile.create(
      fresh,
      name,
      session.steps,
      respondent === undefined ? undefined : { name: respondent },
      session.rubricDirs,
    ),
    initial: Object.create(null),
  };
}

/** The answers file's record of what an adaptive interview left open, and the proof in words. */
function adaptiveRecord(compiled: CompiledRubrics, settled: Settled): AdaptiveRecord {
  const { headline, proof } = settledStatement(compiled, settled.settlement, settled);
  return {
    settledAfter: settled.asked,
    questions: settled.questions,
    leftOpen: settled.leftOpen,
    why: `${headline} ${proof}`,
  };
}

/** One person's interview into one file: optional revision, then the open questions, then review. */
async function interviewInto(
  session: Session,
  file: AnswersFile,
  initial: Answers,
  title: string,
): Promise<Answers> {
  session.current = { file, saved: Object.keys(initial).length };
  const unknown = file.unknown();
  await file.save(initial, unknown);
  const intro = `Answers are saved to ${visible(file.path)} after every answer. Ctrl-C stops at any time; resume with:`;
  const width = Math.max(40, (process.stdout.columns || 80) - 1);
  process.stdout.write(
    `${wrap(intro, width, "", "").join("\n")}\n  ${resumeCommand(file.path, session.rubricDirs)}\n\n`,
  );
  // Questions that do not apply to the answers so far (friction between two leaders where one
  // leads) are neither asked nor counted.
  const { steps: allSteps } = session;
  const steps = allSteps.filter((step) => step.applies(initial));
  const answered = steps.filter((step) => initial[step.question.id] !== undefined).length;
  // With everything answered the final review comes next anyway; ask only when some are open.
  const reviseFirst =
    answered > 0 &&
    answered < steps.length &&
    (await confirm({
      message: `${answered} of ${steps.length} questions are answered. Review or change them before the rest?`,
      default: false,
    }));
  const { compiled } = session.rubrics;
  const prompter = new TerminalPrompter({
    organization: title,
    answersPath: file.path,
    color: session.color,
    compiled,
  });
  return runInterview(allSteps, initial, prompter, {
    reviseFirst,
    unknown,
    askSkipped: session.askSkipped,
    ...(session.adaptive ? { adaptive: compiled } : {}),
    save: async (answers, marked, settled) => {
      await file.save(answers, marked, settled && adaptiveRecord(compiled, settled));
      if (session.current) session.current.saved = Object.keys(answers).length;
    },
  });
}

/**
 * The workshop interview: asks, saves after every answer, reviews, then prints the result. With
 * `--respondent NAME` (repeatable) each person answers in turn into a file of their own, and the
 * result is the room's consensus.
 */
export async function runInterviewCommand(
  options: InterviewOptions,
  global: GlobalOptions,
): Promise<void> {
  const rubrics = await loadRubricSet(options.rubrics);
  const session: Session = {
    rubrics,
    rubricDirs: options.rubrics,
    steps: planInterview(rubrics.compiled),
    color: wantsColor(process.stdout, global),
    askSkipped: options.askSkipped === true,
    adaptive: options.adaptive === true,
  };
  const people = options.respondent ?? [];
  try {
    let name: string;
    let cover: { preparedFor?: string | undefined; preparedBy?: string | undefined } = {};
    const answered: Array<{ respondent?: string; answers: Answers; path: string }> = [];
    if (options.org) {
      const org = await loadOrganization(options.org, rubrics.index);
      name = org.name;
      cover = { preparedFor: org.preparedFor, preparedBy: org.preparedBy };
      const path = options.answers ?? options.org;
      const file = AnswersFile.fromDocument(
        path,
        org.source.doc,
        session.steps,
        path === options.org ? org.answers : undefined,
      );
      answered.push({
        answers: await interviewInto(session, file, org.answers, name),
        path: file.path,
      });
    } else {
      name = (
        await input({
          message: "Which organisation are we assessing?",
          validate: (text) => text.trim() !== "" || "Enter the organisation's name.",
        })
      ).trim();
      session.organization = name;
      for (const person of people.length > 0 ? people : [undefined]) {
        const path = person
          ? defaultAnswersPath(`${name} ${person}`)
          : (options.answers ?? defaultAnswersPath(name));
        const { file, initial } = await openAnswersFile(session, path, name, person);
        const answers = await interviewInto(
          session,
          file,
          initial,
          person ? `${name} · ${person}` : name,
        );
        answered.push({ ...(person ? { respondent: person } : {}), answers, path: file.path });
      }
    }
    const overrides = await parseSetFlags(options.set, rubrics.index);
    const last = answered[answered.length - 1] as { answers: Answers; path: string };
    const assessment =
      answered.length > 1
        ? assessRoom(rubrics.compiled, {
            organization: name,
            source: answered.map((entry) => entry.path).join(", "),
            respondents: answered.map((entry) => ({
              name: entry.respondent ?? entry.path,
              answers: applyOverrides(entry.answers, overrides),
            })),
            provenance: rubrics.provenance,
          })
        : assess(rubrics.compiled, {
            organization: name,
            source: last.path,
            answers: applyOverrides(last.answers, overrides),
            provenance: rubrics.provenance,
          });
    process.stdout.write("\u001b[2J\u001b[H");
    if (options.set.length > 0)
      process.stdout.write(
        `What-if: ${options.set.map((s) => `--set ${s}`).join(" ")} applied to this result, not saved.\n\n`,
      );
    const reportBase = (answered.length > 1 ? defaultAnswersPath(name) : last.path).replace(
      /(\.ya?ml)?$/,
      ".report",
    );
    const inputs = answered.map((entry) => shellQuote(entry.path)).join(" ");
    const flag = answered.length > 1 ? "--respondents" : "--org";
    // The interview is over and saved: an interruption now says how to get the report, not how
    // to resume.
    await showResultScreen({
      assessment,
      compiled: rubrics.compiled,
      color: session.color,
      handout: handoutInfo(options, cover),
      reportBase,
      laterCommand: `rolefit assess ${flag} ${inputs} --format markdown --out ${shellQuote(`${reportBase}.md`)}${rubricFlags(session.rubricDirs)}`,
    });
  } catch (error) {
    if (isCtrlC(error))
      throw interrupted(
        session.current?.file.path,
        session.current?.saved ?? 0,
        session.rubricDirs,
        people.length > 1 && session.organization
          ? { people, name: session.organization }
          : undefined,
      );
    throw error;
  }
}
