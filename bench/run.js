// Speed benchmarks, as ratios against a baseline measured side by side in the same run, so a
// noisy machine moves both. Run with `npm run bench` (which builds first).
import { spawnSync } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";

const root = fileURLToPath(new URL("../", import.meta.url));
const bin = join(root, "bin", "rolefit.js");
const runs = Number(process.env.BENCH_RUNS ?? 15);

function median(values) {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)];
}

function time(args) {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, { stdio: ["ignore", "ignore", "inherit"] });
  if (result.status !== 0) throw new Error(`${args.join(" ")} exited ${result.status}`);
  return performance.now() - start;
}

const dir = mkdtempSync(join(tmpdir(), "rolefit-bench-"));
const org = join(dir, "org.yaml");
writeFileSync(
  org,
  "apiVersion: rolefit/v1\nkind: Organization\nname: Bench\nanswers:\n  stage: growth\n  employees: 1200\n  regulatory_complexity: high\n  major_incidents_12m: 3\n  collaboration_mechanisms: [steering_committee]\n",
);

// Interleave the two commands so drift in machine load hits both alike.
const bare = [];
const cli = [];
for (let i = 0; i < runs; i++) {
  bare.push(time(["-e", "0"]));
  cli.push(time([bin, "assess", "--org", org, "--format", "json"]));
}
const [bareMs, cliMs] = [median(bare), median(cli)];
console.log(
  `machine: ${process.platform} ${process.arch}, node ${process.version}, ${runs} runs each (median)`,
);
console.log(
  `cold start: node -e 0 ${bareMs.toFixed(1)} ms; rolefit assess --org <file> --format json ${cliMs.toFixed(1)} ms; ratio ${(cliMs / bareMs).toFixed(2)}x`,
);
