/**
 * The CLI bundle as a classic script, compiled the one way both the launcher and the build's
 * code-cache writer do it: V8 accepts cached data only for the same source and file name.
 */
import { readFileSync } from "node:fs";
import { createRequire } from "node:module";
import { dirname } from "node:path";
import { Script } from "node:vm";

export function bundleScript(bundle: string, cachedData?: Buffer): Script {
  const source = readFileSync(bundle, "utf8");
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
