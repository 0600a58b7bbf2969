import { spawn, spawnSync } from "node:child_process";
import { emitKeypressEvents } from "node:readline";
import select from "@inquirer/select";
import type { CompiledRubrics } from "../engine/compile.js";
import { EXIT, UserError } from "../io/errors.js";
import { writeFileAtomic } from "../io/stream.js";
import { buildReport, type HandoutInfo } from "../narrate/document.js";
import { renderSummary } from "../report/summary.js";
import type { Assessment } from "../result/assessment.js";
import { visible } from "../text/visible.js";
import { renderAssessment } from "./render.js";

/*
 * The result as a room sees it: a summary that fits one screen, then a choice — the details in
 * a pager, the report written to a file, or done. Used after an interview, and by `assess` when
 * both ends of the terminal are a person.
 */

export interface ResultScreen {
  assessment: Assessment;
  compiled: CompiledRubrics;
  color: boolean;
  handout: HandoutInfo;
  /** The report's file name without its extension, e.g. `acme.report`. */
  reportBase: string;
  /** The command that writes the report later, said if the choice is interrupted. */
  laterCommand: string;
}

const isCtrlC = (error: unknown) => error instanceof Error && error.name === "ExitPromptError";

type Choice = "details" | "html" | "markdown" | "finish";

export async function showResultScreen(screen: ResultScreen): Promise<void> {
  const { assessment, compiled, color, handout } = screen;
  const width = process.stdout.columns || 80;
  const doc = buildReport(compiled, assessment);
  // The menu below takes six rows; the summary gets the rest of the screen.
  const height = Math.max(12, (process.stdout.rows || 24) - 6);
  process.stdout.write(`${renderSummary(doc, { color, width, height })}\n`);
  let last: Choice = "details";
  for (;;) {
    let choice: Choice;
    try {
      choice = await select<Choice>({
        message: "What next?",
        theme: { helpMode: "never" },
        default: last === "details" ? "details" : "finish",
        choices: [
          { name: "See the details", value: "details" },
          { name: `Write the report as HTML (${visible(screen.reportBase)}.html)`, value: "html" },
          {
            name: `Write the report as Markdown (${visible(screen.reportBase)}.md)`,
            value: "markdown",
          },
          { name: "Finish", value: "finish" },
        ],
      });
    } catch (error) {
      if (!isCtrlC(error)) throw error;
      throw new UserError(
        `No report written; every answer is saved. To write it later:\n  ${screen.laterCommand}`,
        EXIT.interrupted,
      );
    }
    if (choice === "finish") return;
    last = choice;
    if (choice === "details") {
      const text = await renderAssessment(assessment, "text", { color, width, compiled });
      await page(text);
      continue;
    }
    const path = `${screen.reportBase}.${choice === "html" ? "html" : "md"}`;
    await writeFileAtomic(
      path,
      await renderAssessment(assessment, choice, { color: false, width: 100, compiled, handout }),
    );
    process.stdout.write(`Report written to ${visible(path)}\n`);
  }
}

/** Whether `less` is there to page with. */
const hasLess = (): boolean => spawnSync("less", ["--version"], { stdio: "ignore" }).status === 0;

/** Shows text a screen at a time: `less -R` when present, otherwise paged here. */
async function page(text: string): Promise<void> {
  const rows = process.stdout.rows || 24;
  if (text.split("\n").length < rows) {
    process.stdout.write(text);
    return;
  }
  if (hasLess()) {
    await new Promise<void>((resolve) => {
      const less = spawn("less", ["-R"], { stdio: ["pipe", "inherit", "inherit"] });
      less.on("close", () => resolve());
      less.on("error", () => resolve());
      less.stdin.on("error", () => {});
      less.stdin.end(text);
    });
    return;
  }
  await pageHere(text, rows);
}

/** A screen at a time without a pager: space or Enter for more, q to stop. */
async function pageHere(text: string, rows: number): Promise<void> {
  const lines = text.replace(/\n$/, "").split("\n");
  const { stdin } = process;
  emitKeypressEvents(stdin);
  const wasRaw = stdin.isRaw;
  stdin.setRawMode?.(true);
  stdin.resume();
  try {
    for (let at = 0; at < lines.length; at += rows - 1) {
      process.stdout.write(`${lines.slice(at, at + rows - 1).join("\n")}\n`);
      if (at + rows - 1 >= lines.length) break;
      process.stdout.write("-- more: space or Enter, q to stop --");
      const key = await new Promise<string>((resolve) =>
        stdin.once("keypress", (_: string, k: { name?: string; ctrl?: boolean }) =>
          resolve(k?.ctrl && k.name === "c" ? "q" : (k?.name ?? "")),
        ),
      );
      process.stdout.write("\r\u001b[K");
      if (key === "q" || key === "escape") break;
    }
  } finally {
    stdin.setRawMode?.(wasRaw ?? false);
    stdin.pause();
  }
}
