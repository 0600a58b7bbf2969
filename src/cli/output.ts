import { writeFileAtomic } from "../io/stream.js";

export interface GlobalOptions {
  color?: boolean;
  debug?: boolean;
}

/** Colour only for a terminal that wants it: NO_COLOR, --no-color, pipes and TERM=dumb are plain. */
export function wantsColor(stream: NodeJS.WriteStream, global: GlobalOptions): boolean {
  if (global.color === false) return false;
  if (process.env.NO_COLOR !== undefined && process.env.NO_COLOR !== "") return false;
  if (process.env.FORCE_COLOR !== undefined && process.env.FORCE_COLOR !== "0") return true;
  return stream.isTTY === true && process.env.TERM !== "dumb";
}

/** The terminal's width; when piped, $COLUMNS if set, else 80. */
export function terminalWidth(): number {
  if (process.stdout.isTTY && process.stdout.columns) return process.stdout.columns;
  const columns = Number.parseInt(process.env.COLUMNS ?? "", 10);
  return Number.isFinite(columns) && columns > 0 ? columns : 80;
}

/** Prints the result, or writes it atomically to `--out`. */
export async function emit(content: string, out: string | undefined): Promise<void> {
  if (out) await writeFileAtomic(out, content);
  else process.stdout.write(content);
}
