import { relative, sep } from "node:path";
import { VERSION } from "../../io/package.js";
import { PLAIN, renderDiagnosticsText } from "../../report/diagnostics.js";
import { renderGithub, renderSarif } from "../../report/findings.js";
import type { Diagnostic } from "../../rubric/diagnostic.js";
import { jsonDocument } from "../../text/visible.js";
import { builtInRubricsChecked } from "../load.js";
import { type GlobalOptions, wantsColor } from "../output.js";

export interface ValidateOptions {
  rubrics: string[];
  format: "text" | "json" | "github" | "sarif";
  failSeverity: "error" | "warning";
}

/**
 * Validates rubric and org files. The built-in rubrics unchanged since the build checked them
 * are reported at once, and the parser, its schemas and the checks (validate-files.ts) are
 * loaded only when there are files to read: loading them is most of a cold `validate`'s time.
 */
export async function runValidate(
  paths: string[],
  options: ValidateOptions,
  global: GlobalOptions,
): Promise<void> {
  const checked = paths.length === 0 ? await builtInRubricsChecked() : undefined;
  if (checked !== undefined) return report([], options, global, new Map(), checked);
  return (await import("./validate-files.js")).validateFiles(paths, options, global);
}

/** The findings in the format asked for; exit 1 when any is at or past the failing severity. */
export async function report(
  diagnostics: readonly Diagnostic[],
  options: ValidateOptions,
  global: GlobalOptions,
  sources: ReadonlyMap<string, string>,
  filesChecked: number,
): Promise<void> {
  const output =
    options.format === "json"
      ? jsonDocument(diagnostics)
      : options.format === "github"
        ? renderGithub(diagnostics)
        : options.format === "sarif"
          ? renderSarif(diagnostics, VERSION, (file) =>
              relative(process.cwd(), file).split(sep).join("/"),
            )
          : renderDiagnosticsText(diagnostics, {
              // chalk is loaded for a terminal only: it looks the terminal up as it loads.
              paint: wantsColor(process.stdout, global)
                ? new (await import("chalk")).Chalk({ level: 1 })
                : PLAIN,
              sources,
              filesChecked,
            });
  process.stdout.write(output);
  const failing =
    options.failSeverity === "warning"
      ? diagnostics
      : diagnostics.filter((d) => d.severity === "error");
  if (failing.length > 0) process.exitCode = 1;
}
