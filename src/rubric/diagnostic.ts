import { visible } from "../text/visible.js";

type Severity = "error" | "warning";

/** One located problem in one file. Loaders return these instead of throwing. */
export interface Diagnostic {
  file: string;
  line: number;
  column: number;
  endLine?: number;
  endColumn?: number;
  /** Stable kebab-case identifier, e.g. `unknown-key`. */
  code: string;
  severity: Severity;
  message: string;
}

/** `FILE:LINE:COL: message`, one line whatever the file name or message hold. */
export function formatDiagnostic(d: Diagnostic): string {
  const [file, message] = [visible(d.file), visible(d.message)];
  return d.line > 0 ? `${file}:${d.line}:${d.column}: ${message}` : `${file}: ${message}`;
}

export function byPosition(a: Diagnostic, b: Diagnostic): number {
  return a.file.localeCompare(b.file) || a.line - b.line || a.column - b.column;
}
