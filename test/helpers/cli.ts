import { spawnSync } from "node:child_process";
import { join } from "node:path";
import { ROOT } from "./rubrics.js";

export interface Run {
  status: number | null;
  stdout: string;
  stderr: string;
}

const BIN = join(ROOT, "bin", "rolefit.js");

/** Runs the built binary as a user would, with colour off and no terminal. */
export function rolefit(
  args: string[],
  options: { input?: string; cwd?: string; env?: Record<string, string> } = {},
): Run {
  const result = spawnSync(process.execPath, [BIN, ...args], {
    cwd: options.cwd ?? ROOT,
    input: options.input ?? "",
    encoding: "utf8",
    env: { ...process.env, NO_COLOR: "1", FORCE_COLOR: "", ...options.env },
    timeout: 30_000,
  });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

/** The JSON a run printed; it must have succeeded, unless `failing` says it reports failure (1). */
export function json<T = Record<string, unknown>>(run: Run, failing = false): T {
  if (run.status !== (failing ? 1 : 0)) throw new Error(`exit ${run.status}: ${run.stderr}`);
  return JSON.parse(run.stdout) as T;
}
