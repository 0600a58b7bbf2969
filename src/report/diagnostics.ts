import type { Diagnostic } from "../rubric/diagnostic.js";
import { cut, visible } from "../text/visible.js";

/** The styles findings are shown in: chalk's, or none. */
export type Paint = Record<"red" | "yellow" | "green" | "bold" | "dim", (text: string) => string>;

const asIs = (text: string) => text;
/** No colour: every style leaves the text as it is. */
export const PLAIN: Paint = { red: asIs, yellow: asIs, green: asIs, bold: asIs, dim: asIs };

export interface DiagnosticTextOptions {
  /** The styles: a chalk instance for a terminal, PLAIN otherwise. */
  paint: Paint;
  /** File name → its text, to quote the offending line under each finding. */
  sources: ReadonlyMap<string, string>;
  filesChecked: number;
}

/** The most of a source line quoted under a finding. */
const QUOTE_WIDTH = 160;

/** `FILE:LINE:COL severity code message`, then the line and a caret under the spot. */
export function renderDiagnosticsText(
  diagnostics: readonly Diagnostic[],
  options: DiagnosticTextOptions,
): string {
  const c = options.paint;
  const out: string[] = [];
  // Each file is split into lines once, however many findings it has.
  const lines = new Map<string, string[] | undefined>();
  const lineOf = (file: string, index: number) => {
    if (!lines.has(file)) lines.set(file, options.sources.get(file)?.split(/\r?\n/));
    return lines.get(file)?.[index];
  };
  for (const d of diagnostics) {
    const severity = d.severity === "error" ? c.red("error") : c.yellow("warning");
    const file = visible(d.file);
    const where = d.line > 0 ? `${file}:${d.line}:${d.column}` : file;
    out.push(`${c.bold(where)} ${severity} ${c.dim(visible(d.code))} ${visible(d.message)}`);
    const line = d.line > 0 ? lineOf(d.file, d.line - 1) : undefined;
    if (line !== undefined && line.trim() !== "") {
      // The quoted line is escaped too, and on a long line only a window around the spot is
      // shown, so the caret always sits under the quoted text.
      const plain = line.replace(/\t/g, " ");
      const column = Math.max(0, d.column - 1);
      const start = column > QUOTE_WIDTH / 2 ? column - QUOTE_WIDTH / 4 : 0;
      const lead = start > 0 ? "…" : "";
      const before = lead + visible(plain.slice(start, column));
      const shown = cut(
        before + visible(plain.slice(column, start + QUOTE_WIDTH * 2)),
        QUOTE_WIDTH,
      );
      const caretWidth =
        d.endLine === d.line && d.endColumn && d.endColumn > d.column ? d.endColumn - d.column : 1;
      out.push(`  ${c.dim(`${String(d.line).padStart(4)} |`)} ${shown}`);
      out.push(
        `  ${c.dim("     |")} ${" ".repeat(Math.min(before.length, QUOTE_WIDTH - 1))}${c.red("^".repeat(Math.max(1, Math.min(caretWidth, QUOTE_WIDTH - before.length))))}`,
      );
    }
  }
  const errors = diagnostics.filter((d) => d.severity === "error").length;
  const warnings = diagnostics.length - errors;
  const files = `${options.filesChecked} file${options.filesChecked === 1 ? "" : "s"}`;
  if (diagnostics.length === 0) out.push(c.green(`✓ ${files} valid`));
  else {
    if (out.length > 0) out.push("");
    out.push(
      `${errors} error${errors === 1 ? "" : "s"}, ${warnings} warning${warnings === 1 ? "" : "s"} in ${files}`,
    );
  }
  return `${out.join("\n")}\n`;
}
