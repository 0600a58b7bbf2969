/**
 * Starts the CLI bundle with a V8 code cache. Node 20 has no module compile cache, so the bundle
 * runs as a classic script: compiling it from cached data skips most of the parse and compile
 * work on every start. A stale or missing cache (another Node version) only costs that saving.
 * The build writes the cache (scripts/build.mjs); this file only reads it.
 */
import { readFileSync } from "node:fs";
import { join } from "node:path";
import { BATCH_WORKER } from "./cli/batch/worker-flag.js";
import { bundleScript, codeCacheOf, runBundle, tuneV8 } from "./launch/script.js";

// A batch worker runs in a process already tuned.
if (!process.argv.includes(BATCH_WORKER)) tuneV8();

// Built as CommonJS (scripts/build.mjs): the bundle sits next to this file.
const bundle = join(__dirname, "rolefit.cjs");
let cachedData: Buffer | undefined;
try {
  cachedData = readFileSync(codeCacheOf(bundle, process.argv.slice(2)));
} catch {
  // No cache yet: compile normally.
}
runBundle(bundleScript(bundle, cachedData), bundle);
