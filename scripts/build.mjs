// Builds dist/rolefit.cjs: the whole CLI as one CommonJS bundle, so Node reads and compiles one
// file instead of hundreds of modules, then writes a V8 code cache for it (see bin/rolefit.js).
import { spawnSync } from "node:child_process";
import {
  copyFileSync,
  mkdtempSync,
  readdirSync,
  readFileSync,
  rmSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("../", import.meta.url));
const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });

/**
 * commander loads child_process (and with it net and dgram) on every start, for executable
 * subcommands rolefit never has: loaded on first use instead, a few milliseconds off each run.
 */
const lazyChildProcess = {
  name: "lazy-child-process",
  setup(plugin) {
    plugin.onLoad({ filter: /commander[\\/]lib[\\/]command\.js$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      const eager = "const childProcess = require('node:child_process');";
      if (!source.includes(eager)) throw new Error("commander changed: review lazyChildProcess");
      const lazy =
        "const childProcess = { spawn: (...args) => require('node:child_process').spawn(...args) };";
      return { contents: source.replace(eager, lazy), loader: "js" };
    });
  },
};
/**
 * zod's namespace carries its error messages in some forty languages, 40% of the bundle; rolefit
 * writes its own messages from zod's issues (src/rubric/zod-issues.ts) and zod registers English
 * itself, so only English is bundled: less for every start to read and compile.
 */
const englishZodOnly = {
  name: "english-zod-only",
  setup(plugin) {
    plugin.onLoad({ filter: /zod[\\/]v4[\\/]locales[\\/]index\.js$/ }, (args) => {
      const source = readFileSync(args.path, "utf8");
      if (!source.includes('export { default as en } from "./en.js";'))
        throw new Error("zod changed: review englishZodOnly");
      return { contents: 'export { default as en } from "./en.js";\n', loader: "js" };
    });
  },
};
await build({
  entryPoints: [`${root}src/cli/main.ts`],
  outfile: `${root}dist/rolefit.cjs`,
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  minify: process.env.ROLEFIT_NO_MINIFY !== "1",
  // For --debug: stack traces are mapped back to src/ (no comment in the bundle points at it).
  sourcemap: "external",
  legalComments: "none",
  define: { __ROLEFIT_VERSION__: JSON.stringify(version), "import.meta.url": "undefined" },
  // Loaded from node_modules only when asked for: the solver finds its .wasm next to its own
  // script, and the workbook library is large.
  external: ["highs", "exceljs"],
  plugins: [lazyChildProcess, englishZodOnly],
  logLevel: "warning",
});

// The launcher reads the bundle as Latin-1 (src/launch/script.ts), so the bundle must be ASCII.
// esbuild escapes strings; any other character (in a template literal, or a comment of a build
// without minifying) is written as a \u escape, which a template's text reads the same.
const bundlePath = `${root}dist/rolefit.cjs`;
writeFileSync(
  bundlePath,
  readFileSync(bundlePath, "utf8").replace(
    /[\u0080-\uffff]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  ),
);

// The launcher is CommonJS too (dist/package.json says so, as bin/package.json does for the bin
// script): starting through the ES-module loader costs every run a few milliseconds.
await build({
  entryPoints: [`${root}src/launch.ts`],
  outfile: `${root}dist/launch.js`,
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  logLevel: "warning",
});
writeFileSync(`${root}dist/package.json`, '{ "type": "commonjs" }\n');

// The caches every run reads, written by the build: the built-in rubrics parsed and checked
// (dist/rubrics.cache.json), then two V8 code caches, recorded with that rubric cache in use:
// one of a typical assessment, and one of a batch (the launcher picks; src/launch/script.ts).
// The batch is 200 copies of the examples, as many as make a batch load the careful parser
// first, so its cache holds what a large batch runs. Each step is bundled to a temporary script,
// run, and removed.
const bundle = `${root}dist/rolefit.cjs`;
const example = `${root}examples/northwind-payments.yaml`;
const batchFolder = mkdtempSync(join(tmpdir(), "rolefit-build-"));
const examples = readdirSync(`${root}examples`).filter((name) => name.endsWith(".yaml"));
for (let copy = 0; copy < 200; copy++) {
  const name = examples[copy % examples.length];
  copyFileSync(`${root}examples/${name}`, join(batchFolder, `${copy}-${name}`));
}
const steps = [
  ["rubric-cache", []],
  ["code-cache", [bundle, `${bundle}.cache`, "assess", "--org", example, "--format", "json"]],
  [
    "code-cache",
    [bundle, `${bundle}.batch.cache`, "assess", "--org", batchFolder, "--format", "jsonl"],
  ],
];
try {
  for (const [step, args] of steps) {
    const script = `${root}dist/.build-${step}.cjs`;
    await build({
      entryPoints: [`${root}scripts/build/${step}.ts`],
      outfile: script,
      bundle: true,
      platform: "node",
      format: "cjs",
      target: "node20",
      define: { __ROLEFIT_VERSION__: JSON.stringify(version), "import.meta.url": "undefined" },
      logLevel: "warning",
    });
    const run = spawnSync(process.execPath, [script, ...args], {
      env: { ...process.env, NO_COLOR: "1" },
      stdio: ["ignore", "ignore", "inherit"],
    });
    rmSync(script);
    if (run.status !== 0) {
      console.error(`build: ${step} failed`);
      process.exitCode = 1;
      break;
    }
  }
} finally {
  rmSync(batchFolder, { recursive: true, force: true });
}
