import type { Diagnostic } from "../rubric/diagnostic.js";
import { visible } from "../text/visible.js";

/** Exit codes (README, Exit codes): 1 bad input or no assessment possible, 2 usage error. */
export const EXIT = { ok: 0, input: 1, usage: 2, interrupted: 130 } as const;

/** A problem the user can fix; printed as one line per problem, never with a stack. */
export class UserError extends Error {
  override name = "UserError";
  constructor(
    message: string,
    readonly exitCode: number = EXIT.input,
    readonly diagnostics: readonly Diagnostic[] = [],
  ) {
    super(message);
  }
}

export class UsageError extends UserError {
  override name = "UsageError";
  constructor(message: string) {
    super(message, EXIT.usage);
  }
}

/**
 * A problem with one file: `FILE: reason`, the name shown escaped. The reason is kept apart, so
 * a batch record or a finding that names the file already can take the reason alone.
 */
export class FileError extends UserError {
  override name = "FileError";
  constructor(
    readonly file: string,
    readonly reason: string,
  ) {
    super(`${visible(file)}: ${reason}`);
  }
}
