/**
 * Build step: runs a command through the bundle, then writes the V8 code cache the
 * launcher reads (`dist/rolefit.cjs.cache`, or `.batch.cache` for a batch). Written at exit, so the
 * cache also holds the functions the run compiled lazily. Usage: node code-cache.js BUNDLE CACHE
 * ARGS...
 */
import { writeFileSync } from "node:fs";
import { bundleScript, runBundle, tuneV8 } from "../../src/launch/script.js";

tuneV8();
const [bundle, cache, ...args] = process.argv.slice(2) as [string, string, ...string[]];
const script = bundleScript(bundle);
process.argv = [process.argv[0] as string, bundle, ...args];
process.once("exit", () => writeFileSync(cache, script.createCachedData()));
runBundle(script, bundle);
