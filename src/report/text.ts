import { stripVTControlCharacters } from "node:util";
import { Chalk, type ChalkInstance } from "chalk";
import Table from "cli-table3";
import type { Assessment, Reason } from "../engine/assess.js";
import { OUTCOMES, type Outcome } from "../rubric/outcomes.js";
import { deepVisible } from "../text/visible.js";
import {
  answerText,
  formatValue,
  type QuestionTexts,
  ruledOut,
  runnerUpText,
  standing,
} from "./document.js";

export interface TextOptions {
  color: boolean;
  /** Terminal width in columns; output never runs wider. */
  width: number;
  /** How many reasons, counter-reasons and changes to list. */
  top?: number;
  /** Labels for question ids, from the rubrics; ids are shown without them. */
  questions?: QuestionTexts;
}

const OUTCOME_COLOR: Record<Outcome, keyof ChalkInstance> = {
  combine: "cyan",
  separate: "magenta",
  matrix: "yellow",
};

/** A score as a bar; a ruled-out outcome's bar is drawn in a lighter shade. */
function bar(score: number, width: number, ruledOut: boolean): string {
  const filled = Math.round((Math.max(0, Math.min(100, score)) / 100) * width);
  return (ruledOut ? "▒" : "█").repeat(filled) + "░".repeat(width - filled);
}

/** A plain or coloured renderer for one assessment, as read in a terminal. */
export function renderText(input: Assessment, options: TextOptions): string {
  // Names, paths and rubric text come from files: nothing in them may drive the terminal.
  const assessment = deepVisible(input);
  const questions = options.questions && deepVisible(options.questions);
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const width = Math.max(60, Math.min(options.width, 160));
  const top = options.top ?? 5;
  const paint = (outcome: Outcome, text: string) =>
    (c[OUTCOME_COLOR[outcome]] as ChalkInstance)(text);
  const heading = (text: string) => c.bold(text);
  const lines: string[] = [];
  const { recommendation: rec, runnerUp } = assessment;

  lines.push(c.bold(assessment.organization));
  if (assessment.source && assessment.source !== "-") lines.push(c.dim(assessment.source));
  lines.push("");
  const confidenceColor =
    assessment.confidence === "high"
      ? c.green
      : assessment.confidence === "medium"
        ? c.yellow
        : c.red;
  lines.push(
    `  Recommendation  ${c.bold(paint(rec, rec.toUpperCase()))}   confidence ${confidenceColor(assessment.confidence)}`,
  );
  lines.push(
    ...wrap(`Runner-up       ${runnerUpText(assessment)}`, width - 4, "  ", " ".repeat(18)),
  );
  const factors = assessment.confidenceFactors;
  const answered = Math.round(factors.answeredShare * 100);
  const holds =
    factors.weightTolerance >= 1
      ? "at any rubric weights"
      : `while rubric weights move up to ±${Math.round(factors.weightTolerance * 100)}%`;
  lines.push(`                  ${answered}% answered; holds ${holds}`);
  if (assessment.unanswered.length > 0) {
    // Next to the confidence it lowers, by the names the room used.
    const names = assessment.unanswered.map((id) => questions?.get(id)?.label ?? id);
    lines.push(
      ...wrap(`Not answered: ${names.join(", ")}`, width - 20, " ".repeat(18), " ".repeat(18)),
    );
  }
  for (const warning of assessment.warnings) {
    lines.push(...wrap(`${c.yellow("⚠")} ${warning}`, width - 4, "  ", "    "));
  }
  lines.push("");

  if (assessment.respondents && assessment.disagreement) {
    lines.push(
      heading(`The room (${assessment.respondents.length} respondents)`) +
        c.dim("  the result is for their consensus"),
    );
    for (const r of assessment.respondents) {
      lines.push(
        `  ${r.name}${r.role ? c.dim(` (${r.role})`) : ""}: ${paint(r.recommendation, r.recommendation)}`,
      );
    }
    lines.push("");
    lines.push(heading("Where the room disagrees") + c.dim("  (share away from the consensus)"));
    if (assessment.disagreement.length === 0)
      lines.push(c.dim("  Everyone gave answers that score alike."));
    for (const entry of assessment.disagreement.slice(0, top)) {
      const answers = Object.entries(entry.answers)
        .map(([name, value]) => `${name} ${formatValue(value)}`)
        .join(", ");
      const flag = entry.couldFlip ? c.red(" · could change the result") : "";
      lines.push(
        ...wrap(
          `• ${entry.questionId} ${Math.round(entry.spread * 100)}%${flag}: ${answers}`,
          width - 4,
          "  ",
          "    ",
        ),
      );
    }
    lines.push("");
  }

  lines.push(heading("Scores") + c.dim("  (0–100, 50 = neutral)"));
  const barWidth = Math.max(10, Math.min(40, width - 30));
  const excluded = ruledOut(assessment);
  for (const outcome of standing(assessment)) {
    const score = assessment.scores[outcome];
    const mark = outcome === rec ? "▶" : " ";
    const rules = excluded.get(outcome);
    const row = `  ${mark} ${paint(outcome, outcome.padEnd(9))}${paint(outcome, bar(score, barWidth, rules !== undefined))} ${score.toFixed(1).padStart(5)}`;
    const note = rules ? `  ruled out by ${rules.join(", ")}` : "";
    // The note goes on its own line when it would run past the terminal's edge.
    if (stripVTControlCharacters(row).length + note.length <= width) lines.push(row + c.red(note));
    else lines.push(row, c.red(`${" ".repeat(14)}${note.trim()}`));
  }

  lines.push(c.dim("  by rubric:"));
  const titleWidth = Math.max(...assessment.contributions.map((entry) => entry.title.length));
  for (const entry of assessment.contributions) {
    const cells = OUTCOMES.map((outcome) => {
      const value = entry.points[outcome];
      return paint(
        outcome,
        `${outcome} ${`${value >= 0 ? "+" : "−"}${Math.abs(value).toFixed(1)}`.padStart(5)}`,
      );
    });
    lines.push(`    ${c.dim(entry.title.padEnd(titleWidth))}  ${cells.join("   ")}`);
  }

  if (assessment.rules.length > 0) {
    lines.push("");
    lines.push(heading("Hard rules that fired"));
    for (const rule of assessment.rules) {
      lines.push(
        ...wrap(
          `${rule.effect === "forbid" ? c.red("✗") : c.green("✓")} ${c.bold(rule.id)}: ${rule.effect}s ${rule.outcome} (${c.bold(rule.because)}). ${rule.reason}`,
          width - 4,
          "  ",
          "    ",
        ),
      );
    }
  }

  /** answer | points (and for whom) | reason; `showOutcome` for factors pointing at different outcomes. */
  const reasonTable = (reasons: readonly Reason[], showOutcome: boolean) => {
    const [factorWidth, pointsWidth] = [width >= 120 ? 40 : 30, showOutcome ? 16 : 8];
    const table = new Table({
      // Row separators double the height of a table of sentences; keep only the outer frame.
      chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
      style: { head: options.color ? ["bold"] : [], border: options.color ? ["grey"] : [] },
      wordWrap: true,
      wrapOnWordBoundary: true,
      // Four border characters and the two-space indent are not part of the column widths.
      colWidths: [factorWidth, pointsWidth, Math.max(24, width - factorWidth - pointsWidth - 6)],
    });
    for (const reason of reasons.slice(0, top)) {
      const points = `+${reason.contribution.toFixed(1)}`;
      table.push([
        `${questions?.get(reason.questionId)?.label ?? reason.questionId}: ${answerText(reason)}`,
        showOutcome ? `${points} ${paint(reason.outcome, reason.outcome)}` : points,
        reason.text,
      ]);
    }
    return indent(table.toString(), "  ");
  };

  lines.push("");
  lines.push(
    heading(`Why ${rec} rather than ${runnerUp}`) + c.dim("  (answer, points of lead, reason)"),
  );
  lines.push(
    assessment.reasons.length > 0
      ? reasonTable(assessment.reasons, false)
      : c.dim(
          `  No answer favours it over the runner-up; ${assessment.rules.length > 0 ? "the hard rules decided" : "the scores are tied, and ties go to the simpler structure"}.`,
        ),
  );

  if (assessment.counterReasons.length > 0) {
    lines.push("");
    lines.push(
      heading("What points elsewhere") +
        c.dim("  (answer, points towards another outcome, reason)"),
    );
    lines.push(reasonTable(assessment.counterReasons, true));
  }

  lines.push("");
  lines.push(heading("What would change it") + c.dim("  (each found by re-scoring)"));
  const bullet = (text: string) => lines.push(...wrap(`• ${text}`, width - 4, "  ", "    "));
  if (assessment.whatWouldChange.length > 0) {
    for (const change of assessment.whatWouldChange.slice(0, top)) bullet(change.statement);
    if (assessment.whatWouldChange.length > top) {
      lines.push(
        c.dim(
          `  … and ${assessment.whatWouldChange.length - top} more (--format markdown, html or json lists all)`,
        ),
      );
    }
  } else if (assessment.changePairs.length > 0) {
    lines.push(c.dim("  No single answer changes it; the smallest pairs of changes that do:"));
    for (const pair of assessment.changePairs) bullet(pair.statement);
  } else {
    lines.push(c.dim("  No single answer, and no pair of answers, changes it."));
  }

  if (assessment.rulesToWatch.length > 0) {
    lines.push("");
    lines.push(heading("Triggers to watch") + c.dim("  (hard rules one answer away from firing)"));
    for (const watch of assessment.rulesToWatch) bullet(watch.statement);
  }

  lines.push("");
  lines.push(heading(`To make ${rec} work`));
  for (const mechanism of assessment.mechanisms) {
    const done = mechanism.status === "in-place";
    lines.push(
      ...wrap(
        `${done ? c.green("✓") : c.yellow("○")} ${mechanism.text}${done ? c.dim(" (in place)") : ""}`,
        width - 4,
        "  ",
        "    ",
      ),
    );
  }

  lines.push("");
  lines.push(heading("Scorecard to track"));
  for (const side of ["cto", "cio", "shared"] as const) {
    const metrics = assessment.metrics.filter((metric) => metric.side === side);
    if (metrics.length === 0) continue;
    const label = side === "shared" ? "Shared" : `${side.toUpperCase()} side`;
    lines.push(
      ...wrap(
        `${c.bold(label)}: ${metrics.map((metric) => metric.name).join(" · ")}`,
        width - 4,
        "  ",
        "    ",
      ),
    );
  }
  return `${lines.join("\n")}\n`;
}

function indent(text: string, prefix: string): string {
  return text
    .split("\n")
    .map((line) => prefix + line)
    .join("\n");
}

/** Word-wraps text that may hold colour codes, measuring only the visible characters. */
export function wrap(text: string, width: number, first: string, rest: string): string[] {
  const lines: string[] = [];
  let current: string[] = [];
  let visible = 0;
  for (const word of text.split(" ")) {
    const length = stripVTControlCharacters(word).length;
    if (current.length > 0 && visible + 1 + length > width) {
      lines.push(current.join(" "));
      current = [];
      visible = 0;
    }
    visible += (current.length > 0 ? 1 : 0) + length;
    current.push(word);
  }
  if (current.length > 0) lines.push(current.join(" "));
  return lines.map((l, i) => (i === 0 ? first : rest) + l);
}
