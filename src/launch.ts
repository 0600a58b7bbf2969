/**
 * Starts the CLI bundle with a V8 code cache. Node 20 has no module compile cache, so the bundle
 * runs as a classic script: compiling it from cached data skips most of the parse and compile
 * work on every start. A stale or missing cache (another Node version) only costs that saving.
 */
import { readFileSync, writeFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname, join } from "node:path";
import { fileURLToPath } from "node:url";
import { Script } from "node:vm";

const bundle = join(dirname(fileURLToPath(import.meta.url)), "rolefit.cjs");
const cachePath = `${bundle}.cache`;
let cachedData: Buffer | undefined;
try {
  cachedData = readFileSync(cachePath);
} catch {
  // No cache yet: compile normally.
}
const source = readFileSync(bundle, "utf8");
const script = new Script(
  `(function (exports, require, module, __filename, __dirname) {${source}\n})`,
  {
    filename: bundle,
    ...(cachedData ? { cachedData } : {}),
  },
);
if (process.env.ROLEFIT_WRITE_CODE_CACHE === "1") {
  // Written at exit, so the cache also holds the functions this run compiled lazily.
  process.once("exit", () => writeFileSync(cachePath, script.createCachedData()));
}
const module = { exports: {} };
script.runInThisContext()(module.exports, createRequire(bundle), module, bundle, dirname(bundle));
