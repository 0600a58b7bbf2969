// The prompt packages one by one: the @inquirer/prompts index would also bundle the editor
// prompt and its character-set tables, which the interview never uses.
import select, { Separator } from "@inquirer/select";
import { Chalk } from "chalk";
import type { CompiledRubrics } from "../../engine/compile.js";
import type {
  Progress,
  Prompter,
  Reply,
  ReviewChoice,
  Settled,
  Step,
} from "../../interview/flow.js";
import { settledStatement } from "../../narrate/settled.js";
import { wrap } from "../../report/text.js";
import {
  answerLabel,
  checkAnswer,
  describeDomain,
  numericDomain,
  readTypedNumber,
} from "../../rubric/question.js";
import type { Answers, AnswerValue, Question } from "../../rubric/schema.js";
import { cut, deepVisible, visible } from "../../text/visible.js";
import { numberInput } from "./number-input.js";
import { severalOf } from "./several-of.js";

const SKIP = Symbol("skip");
const CLEAR = Symbol("clear");
const BACK = Symbol("back");
const DONE = Symbol("done");
type Special = typeof SKIP | typeof CLEAR | typeof BACK;

export interface TerminalPrompterOptions {
  organization: string;
  answersPath: string;
  color: boolean;
  /** The rubrics, for the words of an adaptive interview's proof. */
  compiled: CompiledRubrics;
  /** Streams for the prompts; the process's terminal unless a test injects its own. */
  input?: NodeJS.ReadableStream;
  output?: NodeJS.WriteStream;
}

function progressBar(done: number, total: number, width: number): string {
  const filled = Math.round((done / Math.max(1, total)) * width);
  return "█".repeat(filled) + "░".repeat(width - filled);
}

/** The interview in a real terminal, on @inquirer/prompts: one clean screen per question. */
export class TerminalPrompter implements Prompter {
  private readonly c: InstanceType<typeof Chalk>;
  private readonly out: NodeJS.WriteStream;
  private readonly context: { input?: NodeJS.ReadableStream; output?: NodeJS.WriteStream };

  constructor(private readonly options: TerminalPrompterOptions) {
    this.c = new Chalk({ level: options.color ? 1 : 0 });
    this.out = options.output ?? process.stdout;
    this.context = {
      ...(options.input ? { input: options.input } : {}),
      ...(options.output ? { output: options.output } : {}),
    };
  }

  private get width(): number {
    return Math.max(60, Math.min(this.out.columns || 80, 160));
  }

  /** Clears the screen and prints the header: organisation, file, rubric and progress. */
  private header(lines: string[]): void {
    const { c } = this;
    this.out.write("\u001b[2J\u001b[H");
    const note = `Ctrl-C pauses · saved to ${visible(this.options.answersPath)}`;
    // When the name and the note do not fit on one line, each gets a line, cut to the width.
    const title = `rolefit · ${visible(this.options.organization)}`;
    const gap = this.width - title.length - note.length;
    if (gap >= 2) this.out.write(`${c.bold(title)}${" ".repeat(gap)}${note}\n`);
    else this.out.write(`${c.bold(cut(title, this.width))}\n${cut(note, this.width)}\n`);
    for (const line of lines) this.out.write(`${line}\n`);
    this.out.write("\n");
  }

  async ask(
    input: Step,
    current: AnswerValue | undefined,
    canGoBack: boolean,
    progress?: Progress,
  ): Promise<Reply> {
    const { c } = this;
    // A custom rubric's text is shown, never obeyed by the terminal; answer values are ids.
    const step = deepVisible(input);
    const { question } = step;
    const barWidth = Math.max(10, Math.min(30, this.width - 60));
    const position = `${step.rubricTitle} · ${step.inRubric}/${step.rubricSize}`;
    // The bar fills with the questions behind this one; the words say how many are left, counting
    // only those that apply (changing an answer in a review shows the place in the whole list).
    const overall = progress
      ? `${progressBar(progress.done, progress.done + progress.left, barWidth)} ${progress.atMost ? "at most " : ""}${progress.left} to go`
      : `${progressBar(step.overall - 1, step.total, barWidth)} question ${step.overall} of ${step.total}`;
    const gap = Math.max(2, this.width - position.length - overall.length);
    // No dim text on these screens: a projector washes it out.
    const help = wrap(question.help, this.width - 4, "  ", "  ");
    this.header([`${c.cyan(position)}${" ".repeat(gap)}${overall}`, "", ...help]);
    // Number prompts show the current answer as their default instead.
    const numeric = question.type === "integer" || question.type === "percent";
    const message = `${question.prompt}${current !== undefined && !numeric ? `  (now: ${answerLabel(question, current)})` : ""}`;
    switch (question.type) {
      case "multi":
        return this.askMulti(question, message, current, canGoBack);
      case "integer":
      case "percent":
        return this.askNumber(question, message, current, canGoBack);
      default:
        return this.askChoice(question, message, current, canGoBack);
    }
  }

  /** Skip, clear and back as list entries; an answered question offers to keep or clear it. */
  private specialChoices(canGoBack: boolean, answered: boolean) {
    const choices: Array<{ name: string; value: Special }> = answered
      ? [
          { name: "Keep the current answer", value: SKIP },
          { name: "Clear this answer (mark it not answered)", value: CLEAR },
        ]
      : [{ name: "Not sure — skip this question", value: SKIP }];
    if (canGoBack) choices.push({ name: "← Back to the previous question", value: BACK });
    return choices;
  }

  private toReply(value: AnswerValue | Special): Reply {
    if (value === SKIP) return { kind: "skip" };
    if (value === CLEAR) return { kind: "clear" };
    if (value === BACK) return { kind: "back" };
    return { kind: "answer", value };
  }

  private async askChoice(
    question: Question & {
      answers: Array<{ value: string | number | boolean; label?: string | undefined }>;
    },
    message: string,
    current: AnswerValue | undefined,
    canGoBack: boolean,
  ): Promise<Reply> {
    const value = await select<AnswerValue | Special>(
      {
        message,
        choices: [
          ...question.answers.map((answer) => ({
            name: answer.label ?? String(answer.value),
            value: answer.value as AnswerValue,
          })),
          new Separator(" "),
          ...this.specialChoices(canGoBack, current !== undefined),
        ],
        // An unanswered yes/no starts on "skip", so a hurried Enter records no answer.
        default: current ?? (question.type === "boolean" ? SKIP : undefined),
        pageSize: 12,
        loop: false,
      },
      this.context,
    );
    return this.toReply(value);
  }

  private async askMulti(
    question: Extract<Question, { type: "multi" }>,
    message: string,
    current: AnswerValue | undefined,
    canGoBack: boolean,
  ): Promise<Reply> {
    const selected = Array.isArray(current) ? current : [];
    const specials = this.specialChoices(canGoBack, current !== undefined);
    const result = await severalOf(
      {
        message,
        options: question.options.map((option) => ({
          name: option.label ?? option.value,
          value: option.value,
          checked: selected.includes(option.value),
        })),
        none: { name: "None of these", checked: Array.isArray(current) && current.length === 0 },
        actions: specials.map((special, index) => ({ name: special.name, act: String(index) })),
      },
      this.context,
    );
    if (result.kind === "none") return { kind: "answer", value: [] };
    if (result.kind === "action") return this.toReply(specials[Number(result.act)]?.value ?? SKIP);
    // Kept in the rubric's order, as the org file loader stores them.
    return {
      kind: "answer",
      value: question.options.map((o) => o.value).filter((v) => result.values.includes(v)),
    };
  }

  private async askNumber(
    question: Extract<Question, { type: "integer" | "percent" }>,
    message: string,
    current: AnswerValue | undefined,
    canGoBack: boolean,
  ): Promise<Reply> {
    const { min, max } = numericDomain(question);
    const answered = current !== undefined;
    const keys = [
      answered ? "s keeps it" : "s to skip",
      ...(answered ? ["c clears it"] : []),
      ...(canGoBack ? ["b to go back"] : []),
    ].join(", ");
    const range = Number.isFinite(max) ? `${min}–${max}` : `${min} or more`;
    const unit = question.type === "percent" ? "%" : question.unit ? ` ${question.unit}` : "";
    const commands: Array<[string, Reply]> = [
      ["skip", { kind: "skip" }],
      ...(answered ? [["clear", { kind: "clear" }] as [string, Reply]] : []),
      ...(canGoBack ? [["back", { kind: "back" }] as [string, Reply]] : []),
    ];
    // A command is its word or its first letter: s, c, b.
    const command = (text: string): Reply | undefined => {
      const word = text.trim().toLowerCase();
      return commands.find(([name]) => word === name || word === name[0])?.[1];
    };
    const raw = await numberInput(
      {
        message: `${message} (${range}${unit}; ${keys})`,
        default: typeof current === "number" ? String(current) : undefined,
        validate: (text) => {
          if (command(text)) return true;
          const checked = checkAnswer(question, readTypedNumber(text));
          return checked.ok && checked.value !== null
            ? true
            : `Enter ${describeDomain(question)}${question.type === "integer" ? " in digits (1200 or 1,200)" : ""}, or ${keys}.`;
        },
        problem: (text) => {
          const word = text.trim().toLowerCase();
          if (commands.some(([name]) => word !== "" && name.startsWith(word))) return undefined;
          return typingProblem(question, text);
        },
      },
      this.context,
    );
    const reply = command(raw);
    if (reply) return reply;
    const checked = checkAnswer(question, readTypedNumber(raw));
    return checked.ok && checked.value !== null
      ? { kind: "answer", value: checked.value }
      : { kind: "skip" };
  }

  async settled(settled: Settled): Promise<"stop" | "go-on"> {
    const { c } = this;
    const { headline, proof } = settledStatement(
      this.options.compiled,
      settled.settlement,
      settled,
    );
    const left = settled.leftOpen.length;
    this.header([
      c.green(c.bold(headline)),
      "",
      ...wrap(visible(proof), this.width - 4, "  ", "  "),
    ]);
    return select<"stop" | "go-on">(
      {
        message: "What next?",
        choices: [
          {
            name: c.green(`✔ Stop here: review the answers and score it`),
            value: "stop",
            description: `The ${left} open question${left === 1 ? " stays" : "s stay"} unanswered; the answers file records which, and why.`,
          },
          {
            name: `→ Go on with the ${left} open question${left === 1 ? "" : "s"}`,
            value: "go-on",
          },
        ],
        loop: false,
      },
      this.context,
    );
  }

  async review(
    input: readonly Step[],
    answers: Answers,
    purpose: "revise" | "final",
  ): Promise<ReviewChoice> {
    const { c } = this;
    const steps = deepVisible(input);
    const answered = steps.filter((step) => answers[step.question.id] !== undefined).length;
    const title = purpose === "final" ? "Review the answers before scoring" : "Answers so far";
    this.header([c.cyan(`${title} · ${answered}/${steps.length} answered`)]);
    const name = (step: Step) => step.question.label ?? step.question.id;
    const nameWidth = Math.min(36, Math.max(...steps.map((step) => name(step).length)));
    const done =
      purpose === "final"
        ? "✔ Score it: show the recommendation"
        : "→ Continue with the unanswered questions";
    const choice = await select<string | typeof DONE>(
      {
        message: "Choose an answer to change, or go on",
        choices: [
          { name: c.green(done), value: DONE },
          ...steps.flatMap((step) => {
            const value = answers[step.question.id];
            const shown =
              value === undefined ? c.bold("not answered") : answerLabel(step.question, value);
            const entry = {
              name: `${name(step).padEnd(nameWidth)}  ${shown}`,
              value: step.question.id,
              description: step.question.prompt,
            };
            return step.inRubric === 1
              ? [new Separator(c.cyan(`── ${step.rubricTitle}`)), entry]
              : [entry];
          }),
        ],
        pageSize: Math.max(8, Math.min(20, (this.out.rows || 24) - 8)),
        loop: false,
      },
      this.context,
    );
    return choice === DONE ? { kind: "done" } : { kind: "change", questionId: choice };
  }
}

/**
 * What is wrong with a number being typed, once more typing cannot mend it: a letter ("1,2x0"),
 * a group of digits that is not three long ("1,2000"), decimals in a whole number, a sign where
 * none is allowed, or a value past the most allowed. Undefined while it may still become valid.
 */
export function typingProblem(
  question: Extract<Question, { type: "integer" | "percent" }>,
  text: string,
): string | undefined {
  const { min, max } = numericDomain(question);
  const percent = question.type === "percent";
  let typed = text.trim();
  if (percent && typed.endsWith("%")) typed = typed.slice(0, -1).trimEnd();
  if (/[^\d,_ .-]/.test(typed))
    return percent && typed.includes("%")
      ? "The % sign goes last."
      : `Digits only${question.type === "integer" ? " (1200 or 1,200)" : ""}: “${visible(text.trim())}” cannot become a number.`;
  if (typed.lastIndexOf("-") > 0) return "A minus sign goes first.";
  if (typed.startsWith("-") && min >= 0) return `At least ${min}: no minus sign.`;
  const [whole = "", decimals, extra] = typed.replace(/^-/, "").split(".");
  if (extra !== undefined) return "One decimal point at most.";
  if (decimals !== undefined && question.type === "integer") return "A whole number: no decimals.";
  if (decimals !== undefined && /[,_ ]/.test(decimals)) return "No separators after the point.";
  const groups = whole.split(/[,_ ]/);
  if (groups.length > 1) {
    const [first = "", ...rest] = groups;
    const last = rest.length - 1;
    const ragged =
      first.length === 0 ||
      first.length > 3 ||
      rest.some((group, i) => (i === last ? group.length > 3 : group.length !== 3));
    if (ragged) return "Group digits in threes: 1,200 or 12 500.";
  }
  const value = Number(`${typed.startsWith("-") ? "-" : ""}${groups.join("")}.${decimals ?? ""}`);
  if (Number.isFinite(value) && value > max)
    return `At most ${max}${percent ? "%" : question.unit ? ` ${question.unit}` : ""}.`;
  return undefined;
}
