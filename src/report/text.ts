import { stripVTControlCharacters } from "node:util";
import { Chalk, type ChalkInstance } from "chalk";
import Table from "cli-table3";
import type { Block, Chart, ReportDocument } from "../narrate/document.js";
import { OUTCOMES, type Outcome } from "../rubric/outcomes.js";

export interface TextOptions {
  color: boolean;
  /** Terminal width in columns; output never runs wider. */
  width: number;
  /** How many items of a ranked list or table to show. */
  top?: number;
}

const OUTCOME_COLOR: Record<Outcome, keyof ChalkInstance> = {
  combine: "cyan",
  separate: "magenta",
  matrix: "yellow",
};

/** Columns a table's frame and padding take, besides its cells' text. */
const tableChrome = (columns: number) => columns * 3 + 1;

/**
 * Column widths for a table `room` characters wide: the widest columns are cut to one common cap
 * and the narrower keep their natural width, so a table of sentences wraps its sentences, not
 * its numbers.
 */
function columnWidths(head: string[], rows: string[][], width: number): number[] {
  // The column names are printed above the table, so only the cells count.
  const natural = head.map((_, i) => Math.max(1, ...rows.map((row) => (row[i] ?? "").length)));
  const room = Math.max(head.length * 6, width - tableChrome(head.length));
  const fits = (cap: number) => natural.reduce((sum, w) => sum + Math.min(w, cap), 0) <= room;
  let cap = Math.max(...natural);
  while (cap > 6 && !fits(cap)) cap--;
  return natural.map((w) => Math.min(w, cap));
}

/** A score as a bar; a ruled-out outcome's bar is drawn in a lighter shade. */
function bar(score: number, width: number, ruledOut: boolean): string {
  const filled = Math.round((Math.max(0, Math.min(100, score)) / 100) * width);
  return (ruledOut ? "▒" : "█").repeat(filled) + "░".repeat(width - filled);
}

/** The organisation, then the verdict as every text view opens: result, confidence, runner-up. */
export function verdictLines(
  doc: ReportDocument,
  c: ChalkInstance,
  width: number,
  withSource = true,
): string[] {
  const lines = [c.bold(doc.organization)];
  if (withSource && doc.source && doc.source !== "-")
    lines.push(...wrap(doc.source, width, "", "").map((line) => c.dim(line)));
  lines.push("");
  const { verdict } = doc;
  if (verdict.banner)
    lines.push(...wrap(`${c.yellow("⚠")} ${verdict.banner}`, width - 4, "  ", "    "));
  const confidenceColor =
    verdict.confidence === "high" ? c.green : verdict.confidence === "medium" ? c.yellow : c.red;
  const rec = verdict.recommendation;
  const shown = rec
    ? c.bold((c[OUTCOME_COLOR[rec]] as ChalkInstance)(rec.toUpperCase()))
    : c.bold("none yet");
  lines.push(`  Recommendation  ${shown}   confidence ${confidenceColor(verdict.confidence)}`);
  if (verdict.conditions)
    lines.push(...wrap(`Only with       ${verdict.conditions}`, width - 4, "  ", " ".repeat(18)));
  if (verdict.runnerUp)
    lines.push(...wrap(`Runner-up       ${verdict.runnerUp}`, width - 4, "  ", " ".repeat(18)));
  lines.push(...wrap(verdict.standing, width - 20, " ".repeat(18), " ".repeat(18)));
  return lines;
}

/** The report document as read in a terminal: its short view, without the reference material. */
export function renderText(doc: ReportDocument, options: TextOptions): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const width = Math.max(60, Math.min(options.width, 160));
  const top = options.top ?? 5;
  const paint = (outcome: Outcome, text: string) =>
    (c[OUTCOME_COLOR[outcome]] as ChalkInstance)(text);
  const lines: string[] = [];
  const more = (shown: number, total: number) => {
    if (total > shown)
      lines.push(
        c.dim(`  … and ${total - shown} more (--format markdown, html or json lists all)`),
      );
  };

  lines.push(...verdictLines(doc, c, width));
  const { verdict } = doc;
  if (verdict.notAnswered.length > 0) {
    lines.push(
      ...wrap(
        `Not answered: ${verdict.notAnswered.join(", ")}`,
        width - 20,
        " ".repeat(18),
        " ".repeat(18),
      ),
    );
  }

  const drawChart = (chart: Chart) => {
    if (chart.kind === "scores") {
      const barWidth = Math.max(10, Math.min(40, width - 30));
      for (const row of chart.rows) {
        const ruledOut = row.status === "ruled-out";
        const chosen = row.status === "recommended";
        const score = row.score.toFixed(1).padStart(5);
        const line = `  ${chosen ? "▶" : " "} ${paint(row.outcome, row.outcome.padEnd(9))}${paint(row.outcome, bar(row.score, barWidth, ruledOut))} ${score}`;
        // "recommended" and "runner-up" go without saying next to the marker and the order.
        const note = ruledOut || (chosen && row.note !== "recommended") ? `  ${row.note}` : "";
        // The note goes on its own line when it would run past the terminal's edge.
        if (stripVTControlCharacters(line).length + note.length <= width)
          lines.push(line + (ruledOut ? c.red(note) : c.dim(note)));
        else
          lines.push(
            line,
            ...wrap(note.trim(), width - 14, " ".repeat(14), " ".repeat(14)).map((l) =>
              ruledOut ? c.red(l) : c.dim(l),
            ),
          );
      }
    } else if (chart.kind === "contributions") {
      const titleWidth = Math.max(...chart.rows.map((row) => row.title.length));
      for (const row of chart.rows) {
        const cells = OUTCOMES.map((outcome) => {
          const value = row.points[outcome];
          return paint(
            outcome,
            `${outcome} ${`${value >= 0 ? "+" : "−"}${Math.abs(value).toFixed(1)}`.padStart(5)}`,
          );
        });
        lines.push(`    ${c.dim(row.title.padEnd(titleWidth))}  ${cells.join("   ")}`);
      }
    }
    // The disagreement chart's figures are in the table that follows it.
  };

  const renderBlock = (block: Block) => {
    switch (block.kind) {
      case "paragraph":
        lines.push(...wrap(block.text, width - 4, "  ", "  ").map((line) => c.dim(line)));
        return;
      case "list": {
        const items = block.ranked ? block.items.slice(0, top) : block.items;
        for (const item of items) lines.push(...wrap(`• ${item}`, width - 4, "  ", "    "));
        more(items.length, block.items.length);
        return;
      }
      case "checklist":
        for (const item of block.items)
          lines.push(
            ...wrap(
              `${item.done ? c.green("✓") : c.yellow("○")} ${item.text}${item.done ? c.dim(" (in place)") : ""}`,
              width - 4,
              "  ",
              "    ",
            ),
          );
        return;
      case "table": {
        // A chart's own figures: the chart above already shows them.
        if (block.ofChart) return;
        const rows = block.ranked ? block.rows.slice(0, top) : block.rows;
        const widths = columnWidths(block.head, rows, width - 2);
        // A frame without row rules has no line under a header row: the column names go beside
        // the section's title instead, or on a line of their own.
        const names = c.dim(`  (${block.head.join(", ")})`);
        if (lines[lines.length - 1] === sectionTitle) lines[lines.length - 1] += names;
        else lines.push(names);
        const table = new Table({
          // Row separators double the height of a table of sentences; keep only the outer frame.
          chars: { mid: "", "left-mid": "", "mid-mid": "", "right-mid": "" },
          style: { head: options.color ? ["bold"] : [], border: options.color ? ["grey"] : [] },
          wordWrap: true,
          wrapOnWordBoundary: true,
          colWidths: widths.map((w) => w + 2),
          colAligns: block.head.map((_, i) => (block.numeric?.includes(i) ? "right" : "left")),
        });
        for (const row of rows) table.push(row);
        lines.push(indent(table.toString(), "  "));
        more(rows.length, block.rows.length);
        return;
      }
      case "chart":
        drawChart(block.chart);
        return;
    }
  };

  let sectionTitle = "";
  for (const section of doc.sections) {
    if (section.view === "full") continue;
    sectionTitle = c.bold(section.title);
    lines.push("", sectionTitle);
    for (const block of section.blocks) if (block.view !== "full") renderBlock(block);
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
