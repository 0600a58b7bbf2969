import { readFileSync } from "node:fs";
import { SourceMap, type SourceMapPayload } from "node:module";
import { dirname, relative, resolve } from "node:path";
import { PACKAGE_ROOT } from "../io/package.js";

/**
 * A stack trace of the minified bundle with each `rolefit.cjs:LINE:COL` turned into the source
 * file and position it came from (`src/cli/main.ts:212:9`), by the source map the build writes
 * beside the bundle. Read only for `--debug`; without a map the stack is left as it is.
 */
export function sourceMapped(stack: string): string {
  const maps = new Map<string, SourceMap | undefined>();
  return stack.replace(
    /([^\s(]*rolefit\.cjs):(\d+):(\d+)/g,
    (whole, file: string, line, column) => {
      if (!maps.has(file)) maps.set(file, loadMap(`${file}.map`));
      const entry = maps.get(file)?.findEntry(Number(line) - 1, Number(column) - 1);
      if (!entry || !("originalSource" in entry)) return whole;
      const source = relative(PACKAGE_ROOT, resolve(dirname(file), entry.originalSource));
      return `${source}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
    },
  );
}

function loadMap(path: string): SourceMap | undefined {
  try {
    return new SourceMap(JSON.parse(readFileSync(path, "utf8")) as SourceMapPayload);
  } catch {
    return undefined;
  }
}
