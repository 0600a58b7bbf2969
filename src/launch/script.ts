/**
 * The CLI bundle as a classic script, compiled the one way both the launcher and the build's
 * code-cache writer do it: V8 accepts cached data only for the same source and file name.
 */
import { readFileSync, statSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { setFlagsFromString } from "node:v8";
import { Script } from "node:vm";
import { BATCH_WORKER } from "../cli/batch/worker-flag.js";

/**
 * V8's settings for every run, set before any of the bundle is compiled: V8 reads its flags
 * while it compiles, on other threads too, so changing one later races with that work (a batch
 * that set this flag once it had started crashed, rarely). With less inlining the engine is
 * compiled sooner in a batch: measured on two cores, 5,000 files took 6% less time (summary
 * records) and 4% less (full). The code cache is written under the same flags, which V8 checks.
 */
export function tuneV8(): void {
  setFlagsFromString("--max-inlined-bytecode-size=100");
}

export function bundleScript(bundle: string, cachedData?: Buffer): Script {
  // The bundle is ASCII (the build escapes anything else): read byte for byte, it is a one-byte
  // string, made without decoding and half the memory of the two-byte one any other character
  // makes.
  const source = readFileSync(bundle, "latin1");
  return new Script(`(function (exports, require, module, __filename, __dirname) {${source}\n})`, {
    filename: bundle,
    ...(cachedData ? { cachedData } : {}),
  });
}

/** Runs the compiled bundle as CommonJS would run the file. */
export function runBundle(script: Script, bundle: string): void {
  const module = { exports: {} };
  script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
}

/**
 * The code cache a run starts from. The build records two: one on a single assessment, and one
 * on a batch, which holds the batch's own functions (reading files in blocks, the fast readers,
 * summary records, the careful parser that a large batch loads first). A batch's worker, and an
 * `assess` whose --org names a folder, a pattern or several files, start from the batch's: 5,000
 * files to summary records took 5% less time. A wrong guess costs only the compiling of what the
 * cache lacks.
 */
export function codeCacheOf(bundle: string, args: readonly string[]): string {
  return looksLikeBatch(args) ? `${bundle}.batch.cache` : `${bundle}.cache`;
}

function looksLikeBatch(args: readonly string[]): boolean {
  if (args.includes(BATCH_WORKER)) return true;
  if (args.find((arg) => !arg.startsWith("-")) !== "assess") return false;
  const paths: string[] = [];
  for (let index = 0; index < args.length; index++) {
    const arg = args[index] as string;
    if (arg.startsWith("--org=")) paths.push(arg.slice("--org=".length));
    if (arg !== "--org") continue;
    // The option takes every argument up to the next option; "-" is standard input.
    while (index + 1 < args.length) {
      const next = args[index + 1] as string;
      if (next !== "-" && next.startsWith("-")) break;
      paths.push(next);
      index++;
    }
  }
  return paths.length > 1 || paths.some((path) => /[*?[{]/.test(path) || isFolder(path));
}

function isFolder(path: string): boolean {
  try {
    return statSync(path, { throwIfNoEntry: false })?.isDirectory() === true;
  } catch {
    // Whatever is wrong with the path, the command itself will say.
    return false;
  }
}
