import { Chalk } from "chalk";
import type { ReportDocument, SummaryItem } from "../narrate/document.js";
import { type TextOptions, verdictLines, wrap } from "./text.js";

/** A line cut to `width` columns, with an ellipsis where it was cut. */
function oneLine(text: string, width: number): string {
  return text.length <= width ? text : `${text.slice(0, Math.max(0, width - 1)).trimEnd()}…`;
}

export interface SummaryOptions extends TextOptions {
  /** Rows it may take; items are dropped, fewest first from what would change it, to fit. */
  height?: number;
}

/**
 * The result as a room sees it on one screen (80×24): the verdict, the strongest reasons each
 * way and what could change it, each item on a line or two. The details are one key away.
 */
export function renderSummary(doc: ReportDocument, options: SummaryOptions): string {
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const width = Math.max(60, Math.min(options.width, 160));
  const head = verdictLines(doc, c, width, false);
  const { summary } = doc;
  const reasonLine = (item: SummaryItem) =>
    oneLine(`  ${item.points.padStart(5)}  ${item.answer} — ${item.text}`, width);
  // A change is said whole where it can be: it ends with what the recommendation would become.
  const nextLines = (next: string) => {
    const [first = "", second, ...rest] = wrap(next, width - 4, "  • ", "    ");
    return second === undefined
      ? [first]
      : [first, oneLine([second, ...rest.map((line) => line.trim())].join(" "), width)];
  };
  const counts = { for: 3, against: 3, next: 3 };
  const compose = (spaced: boolean) => {
    const lines = [...head];
    const section = (title: string, body: string[]) => {
      if (body.length === 0) return;
      if (spaced) lines.push("");
      lines.push(c.bold(title), ...body);
    };
    section(summary.forTitle, summary.for.slice(0, counts.for).map(reasonLine));
    section("Pointing elsewhere", summary.against.slice(0, counts.against).map(reasonLine));
    section(summary.nextTitle, summary.next.slice(0, counts.next).flatMap(nextLines));
    return lines;
  };
  const height = options.height ?? Number.POSITIVE_INFINITY;
  let lines = compose(true);
  if (lines.length > height) lines = compose(false);
  for (const key of ["next", "against", "for", "next", "against", "for"] as const) {
    if (lines.length <= height) break;
    if (counts[key] > 1) counts[key]--;
    lines = compose(false);
  }
  return `${lines.join("\n")}\n`;
}

/** What to say under a summary printed on its own: where the rest is (one line, to copy). */
export function detailsHint(command: string): string {
  return `\nThe full report: ${command}\n`;
}
