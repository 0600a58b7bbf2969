// The prompt packages one by one: the @inquirer/prompts index would also bundle the editor
// prompt and its character-set tables, which the interview never uses.
import checkbox from "@inquirer/checkbox";
import input from "@inquirer/input";
import select, { Separator } from "@inquirer/select";
import { Chalk } from "chalk";
import type { Prompter, Reply, ReviewChoice, Step } from "../../interview/flow.js";
import { formatValue } from "../../report/document.js";
import { wrap } from "../../report/text.js";
import { checkAnswer, describeDomain, numericDomain } from "../../rubric/question.js";
import type { Answers, AnswerValue, Question } from "../../rubric/schema.js";

const SKIP = Symbol("skip");
const BACK = Symbol("back");
const DONE = Symbol("done");
type Special = typeof SKIP | typeof BACK;

export interface TerminalPrompterOptions {
  organization: string;
  answersPath: string;
  color: boolean;
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
    const title = `rolefit · ${this.options.organization}`;
    const note = `saved to ${this.options.answersPath} · Ctrl-C pauses`;
    const gap = " ".repeat(Math.max(2, this.width - title.length - note.length));
    this.out.write(`${c.bold(title)}${gap}${c.dim(note)}\n`);
    for (const line of lines) this.out.write(`${line}\n`);
    this.out.write("\n");
  }

  async ask(step: Step, current: AnswerValue | undefined, canGoBack: boolean): Promise<Reply> {
    const { c } = this;
    const { question } = step;
    const barWidth = Math.max(10, Math.min(30, this.width - 60));
    const position = `${step.rubricTitle} · ${step.inRubric}/${step.rubricSize}`;
    const overall = `${progressBar(step.overall - 1, step.total, barWidth)} ${step.overall}/${step.total}`;
    const gap = Math.max(2, this.width - position.length - overall.length);
    const help = wrap(question.help, this.width - 4, "  ", "  ").map((line) => c.dim(line));
    this.header([`${c.cyan(position)}${" ".repeat(gap)}${c.dim(overall)}`, "", ...help]);
    // Number prompts show the current answer as their default instead.
    const numeric = question.type === "integer" || question.type === "percent";
    const message = `${question.prompt}${current !== undefined && !numeric ? c.dim(`  (now: ${formatValue(current)})`) : ""}`;
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

  private specialChoices(canGoBack: boolean) {
    const choices: Array<{ name: string; value: Special }> = [
      { name: this.c.dim("Not sure — skip this question"), value: SKIP },
    ];
    if (canGoBack)
      choices.push({ name: this.c.dim("← Back to the previous question"), value: BACK });
    return choices;
  }

  private toReply(value: AnswerValue | Special): Reply {
    if (value === SKIP) return { kind: "skip" };
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
          ...this.specialChoices(canGoBack),
        ],
        default: current,
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
    const values = await checkbox<string | Special>(
      {
        message: `${message}\n${this.c.dim("  space selects, enter confirms; confirm with nothing selected for “none of these”")}`,
        choices: [
          ...question.options.map((option) => ({
            name: option.label ?? option.value,
            value: option.value as string | Special,
            checked: selected.includes(option.value),
          })),
          new Separator(" "),
          ...this.specialChoices(canGoBack),
        ],
        pageSize: 12,
        loop: false,
        validate: (choices) => {
          const special = choices.filter((choice) => typeof choice.value === "symbol");
          if (special.length === 0) return true;
          return special.length === 1 && choices.length === 1
            ? true
            : "Choose options, or “skip” or “back” on its own.";
        },
      },
      this.context,
    );
    const special = values.find((value): value is Special => typeof value === "symbol");
    if (special) return this.toReply(special);
    // Kept in the rubric's order, as the org file loader stores them.
    return {
      kind: "answer",
      value: question.options.map((o) => o.value).filter((v) => values.includes(v)),
    };
  }

  private async askNumber(
    question: Extract<Question, { type: "integer" | "percent" }>,
    message: string,
    current: AnswerValue | undefined,
    canGoBack: boolean,
  ): Promise<Reply> {
    const { min, max } = numericDomain(question);
    const keys = canGoBack ? "s to skip, b to go back" : "s to skip";
    const range = Number.isFinite(max) ? `${min}–${max}` : `${min} or more`;
    const unit = question.type === "percent" ? "%" : question.unit ? ` ${question.unit}` : "";
    const raw = await input(
      {
        message: `${message} ${this.c.dim(`(${range}${unit}; ${keys})`)}`,
        default: typeof current === "number" ? String(current) : undefined,
        validate: (text) => {
          const word = text.trim().toLowerCase();
          if (word === "s" || word === "skip" || (canGoBack && (word === "b" || word === "back")))
            return true;
          const checked = checkAnswer(question, numberOrText(word));
          return checked.ok && checked.value !== null
            ? true
            : `Enter ${describeDomain(question)} (or ${keys}).`;
        },
      },
      this.context,
    );
    const word = raw.trim().toLowerCase();
    if (word === "s" || word === "skip") return { kind: "skip" };
    if (word === "b" || word === "back") return { kind: "back" };
    const checked = checkAnswer(question, numberOrText(word));
    return checked.ok && checked.value !== null
      ? { kind: "answer", value: checked.value }
      : { kind: "skip" };
  }

  async review(
    steps: readonly Step[],
    answers: Answers,
    purpose: "revise" | "final",
  ): Promise<ReviewChoice> {
    const { c } = this;
    const answered = steps.filter((step) => answers[step.question.id] !== undefined).length;
    const title = purpose === "final" ? "Review the answers before scoring" : "Answers so far";
    this.header([c.cyan(`${title} · ${answered}/${steps.length} answered`)]);
    const idWidth = Math.max(...steps.map((step) => step.question.id.length));
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
            const shown = value === undefined ? c.yellow("not answered") : formatValue(value);
            const entry = {
              name: `${step.question.id.padEnd(idWidth)}  ${shown}`,
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

/** What the user typed, as a number where it reads as one ("45%" stays text for the percent check). */
function numberOrText(text: string): unknown {
  return text !== "" && Number.isFinite(Number(text)) ? Number(text) : text;
}
