import { existsSync, readFileSync } from "node:fs";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";

/** Set by the bundler: the package version, and that the code runs from `dist/rolefit.cjs`. */
declare const __ROLEFIT_VERSION__: string | undefined;

/**
 * The folder holding rolefit's package.json and rubrics. The code runs from `src/` in tests and
 * from one bundle in `dist/`, so the root is found by walking up, not by a fixed relative path.
 */
function findRoot(): string {
  const start = typeof __filename === "string" ? __filename : fileURLToPath(import.meta.url);
  let dir = dirname(start);
  for (let up = 0; up < 6; up++) {
    if (existsSync(join(dir, "package.json")) && existsSync(join(dir, "rubrics"))) return dir;
    dir = dirname(dir);
  }
  return dirname(dirname(start));
}

export const PACKAGE_ROOT = findRoot();

export const VERSION: string =
  typeof __ROLEFIT_VERSION__ === "string"
    ? __ROLEFIT_VERSION__
    : (JSON.parse(readFileSync(join(PACKAGE_ROOT, "package.json"), "utf8")) as { version: string })
        .version;
