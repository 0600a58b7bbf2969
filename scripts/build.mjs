// Builds dist/rolefit.cjs: the whole CLI as one CommonJS bundle, so Node reads and compiles one
// file instead of hundreds of modules, then writes a V8 code cache for it (see bin/rolefit.js).
import { spawnSync } from "node:child_process";
import { readFileSync, rmSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("../", import.meta.url));
const { version } = JSON.parse(readFileSync(new URL("../package.json", import.meta.url), "utf8"));

rmSync(new URL("../dist", import.meta.url), { recursive: true, force: true });
await build({
  entryPoints: [`${root}src/cli/main.ts`],
  outfile: `${root}dist/rolefit.cjs`,
  bundle: true,
  platform: "node",
  format: "cjs",
  target: "node20",
  minify: true,
  legalComments: "none",
  define: { __ROLEFIT_VERSION__: JSON.stringify(version), "import.meta.url": "undefined" },
  logLevel: "warning",
});

await build({
  entryPoints: [`${root}src/launch.ts`],
  outfile: `${root}dist/launch.js`,
  platform: "node",
  format: "esm",
  target: "node20",
  logLevel: "warning",
});

// First run: parse and check the built-in rubrics and cache the result (dist/rubrics.cache.json).
// Second run: with that cache in use, record the V8 code cache of a typical assessment.
const example = `${root}examples/northwind-payments.yaml`;
for (const cacheVariable of ["ROLEFIT_WRITE_RUBRIC_CACHE", "ROLEFIT_WRITE_CODE_CACHE"]) {
  const env = { ...process.env, [cacheVariable]: "1", NO_COLOR: "1" };
  const args = [`${root}bin/rolefit.js`, "assess", "--org", example, "--format", "json"];
  const run = spawnSync(process.execPath, args, { env, stdio: ["ignore", "ignore", "inherit"] });
  if (run.status !== 0) {
    console.error(`build: the bundle did not run (${cacheVariable})`);
    process.exit(1);
  }
}
