import { visible } from "../text/visible.js";

/**
 * A path as a shell word: as it is when safe, else in single quotes; a path holding control
 * characters in bash's $'…' quoting, whose escapes are the visible ones.
 */
export function shellQuote(path: string): string {
  if (/^[\w./-]+$/.test(path)) return path;
  // In $'…' a backslash is an escape, so the path's own backslashes are doubled first.
  const escaped = path.replace(/\\/g, "\\\\");
  const shown = visible(escaped);
  if (shown !== escaped) return `$'${shown.replace(/'/g, "\\'")}'`;
  return `'${path.replace(/'/g, "'\\''")}'`;
}
