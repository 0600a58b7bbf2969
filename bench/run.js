// Speed and memory benchmarks. Each speed figure is a ratio against a baseline measured side by
// side in the same run, so a noisy machine moves both. `npm run bench` builds first.
//   BENCH_RUNS (default 7), BENCH_BATCH_FILES (5000), BENCH_MEMORY_FILES (100000; 0 skips it),
//   BENCH_HOSTILE (1; 0 skips the hostile sizes)
import { spawnSync } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, rmSync, writeFileSync } from "node:fs";
import { cpus, tmpdir, totalmem } from "node:os";
import { dirname, join } from "node:path";
import { performance } from "node:perf_hooks";
import { fileURLToPath } from "node:url";
import { build } from "esbuild";

const root = fileURLToPath(new URL("../", import.meta.url));
const bin = join(root, "bin", "rolefit.js");
const runs = Number(process.env.BENCH_RUNS ?? 7);
const batchFiles = Number(process.env.BENCH_BATCH_FILES ?? 5000);
const memoryFiles = Number(process.env.BENCH_MEMORY_FILES ?? 100_000);

const median = (values) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

/** Runs node with these arguments; exit 1 is expected from a batch holding broken files. */
function time(args, options = {}, expectedStatus = 0) {
  const start = performance.now();
  const result = spawnSync(process.execPath, args, {
    stdio: ["ignore", "ignore", "ignore"],
    ...options,
  });
  if (result.status !== expectedStatus)
    throw new Error(`${args.join(" ")} exited ${result.status}, expected ${expectedStatus}`);
  return performance.now() - start;
}

/** Two commands, alternated so that drift in the machine's load hits both alike. */
function compare(label, baseline, subject, baselineLabel, subjectLabel, subjectStatus = 0) {
  const a = [];
  const b = [];
  for (let i = 0; i < runs; i++) {
    a.push(time(baseline));
    b.push(time(subject, {}, subjectStatus));
  }
  const [ma, mb] = [median(a), median(b)];
  console.log(
    `${label}: ${baselineLabel} ${ma.toFixed(0)} ms; ${subjectLabel} ${mb.toFixed(0)} ms; ratio ${(mb / ma).toFixed(2)}x`,
  );
}

// Generated organisations: every core question, with answers drawn from a fixed-seed generator.
let seed = 20261128;
const random = () => {
  seed = (seed * 1103515245 + 12345) % 2147483648;
  return seed / 2147483648;
};
const pick = (list) => list[Math.floor(random() * list.length)];
const int = (min, max) => min + Math.floor(random() * (max - min + 1));
/** Names as a portfolio has them: some with other alphabets and an ampersand, some formula-like. */
const unitName = (n) =>
  n % 4 === 1
    ? `Müller & Søn ${n}`
    : n % 7 === 3
      ? `=SUM(A1:A${n})`
      : `Generated Organisation ${n}`;

function orgYaml(n) {
  const mechanisms = [
    "steering_committee",
    "combined_pmo",
    "shared_risk_framework",
    "quarterly_strategy_review",
    "monthly_execution_review",
    "blended_scorecard",
  ].filter(() => random() < 0.4);
  const employees = int(20, 40000);
  return `# Generated organisation ${n} for the benchmark.
apiVersion: rolefit/v1
kind: Organization
name: ${unitName(n)}
answers:
  stage: ${pick(["startup", "scaleup", "growth", "mature", "enterprise"])}
  employees: ${employees}
  tech_staff: ${int(0, Math.floor(employees / 3))}
  digital_maturity: ${int(1, 5)}
  digital_revenue_share: ${int(0, 100)}
  geographies: ${int(1, 40)}
  business_units: ${int(1, 15)}
  regulatory_complexity: ${pick(["none", "low", "moderate", "high", "extreme"])}
  growth_rate: ${int(-20, 150)}
  major_incidents_12m: ${int(0, 12)}
  velocity_stability_conflict: ${pick(["none", "occasional", "persistent"])}
  strategic_pivot: ${pick(["true", "false"])}
  duplicated_initiatives: ${pick(["none", "some", "many"])}
  exec_bandwidth: ${pick(["overloaded", "adequate", "ample"])}
  ma_activity: ${pick(["none", "occasional", "active"])}
  strategy_focus: ${pick(["cost", "balanced", "growth"])}
  role_conflict: ${pick(["none", "some", "severe"])}
  shared_platform_dependency: ${pick(["low", "moderate", "high"])}
  current_structure: ${pick(["combined", "separate", "matrix", "cto_only", "cio_only", "neither"])}
  decision_rights_clarity: ${pick(["documented", "informal", "contested"])}
  product_platform_owner: ${pick(["cto", "cio", "shared", "unclear"])}
  enterprise_systems_owner: ${pick(["cto", "cio", "shared", "unclear"])}
  data_governance_owner: ${pick(["cto", "cio", "cdo", "shared", "unclear"])}
  security_owner: ${pick(["cto", "cio", "ciso", "shared", "unclear"])}
  roadmap_alignment: ${pick(["single", "aligned", "separate", "conflicting"])}
  collaboration_mechanisms: [${mechanisms.join(", ")}]
  escalation_path: ${pick(["defined", "ad_hoc", "none"])}
`;
}

/** Five ways a file goes wrong in practice: bad YAML, bad answers, a wrong key, bad bytes. */
const BROKEN = [
  (text) => text.replace(/^name: (.*)$/m, "name: [$1"),
  (text) => text.replace(/^ {2}employees: .*$/m, "  employees: lots"),
  (text) => text.replace(/^ {2}stage: .*$/m, "  stage: teenager"),
  (text) => text.replace(/^answers:/m, "answer:"),
  (text) => Buffer.concat([Buffer.from(text), Buffer.from([0xff, 0xfe])]),
];

/** `count` organisation files in folders of 1,000; five of them (spread out) are broken. */
function generate(count) {
  const dir = mkdtempSync(join(tmpdir(), "rolefit-bench-"));
  const broken = new Map(
    BROKEN.map((breakIt, i) => [Math.floor(((i + 0.5) * count) / BROKEN.length), breakIt]),
  );
  for (let n = 0; n < count; n++) {
    const sub = join(dir, String(Math.floor(n / 1000)).padStart(4, "0"));
    if (n % 1000 === 0) mkdirSync(sub);
    const text = orgYaml(n);
    const breakIt = count >= 1000 ? broken.get(n) : undefined;
    writeFileSync(
      join(sub, `org-${String(n).padStart(6, "0")}.yaml`),
      breakIt ? breakIt(text) : text,
    );
  }
  return dir;
}

const cpu = cpus()[0]?.model ?? "unknown CPU";
console.log(
  `machine: ${process.platform} ${process.arch}, ${cpus().length} cores (${cpu}), ${(totalmem() / 2 ** 30).toFixed(0)} GiB, node ${process.version}; median of ${runs} runs`,
);

// 1. Cold start: one org file to JSON against bare node.
const dir = generate(Math.max(batchFiles, 1));
const one = join(dir, "0000", "org-000000.yaml");
compare(
  "cold start",
  ["-e", "0"],
  [bin, "assess", "--org", one, "--format", "json"],
  "node -e 0",
  "rolefit assess --org <file> --format json",
);

// 1b. Validating the built-in rubrics, which the build checked already.
compare("validate", ["-e", "0"], [bin, "validate"], "node -e 0", "rolefit validate");

// 2. Batch: the same files read and parsed by `yaml` alone, against the full assessment to JSON Lines.
const parseOnly = join(dir, "parse-only.mjs");
writeFileSync(
  parseOnly,
  `import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { parse } from ${JSON.stringify(join(root, "node_modules", "yaml", "dist", "index.js"))};
const dir = process.argv[2];
for (const sub of readdirSync(dir).filter((name) => /^\\d+$/.test(name)).sort())
  for (const name of readdirSync(join(dir, sub)).sort()) {
    try {
      parse(readFileSync(join(dir, sub, name), "utf8"));
    } catch {
      // A broken file costs the baseline what it costs: the parse up to the error.
    }
  }
`,
);
compare(
  `batch of ${batchFiles} files (5 broken)`,
  [parseOnly, dir],
  [bin, "assess", "--org", dir, "--format", "jsonl"],
  "read + yaml.parse only",
  "rolefit assess --format jsonl",
  1,
);
// The same batch into a file, as HR scripts run it, with full records and with summaries.
const outFile = join(tmpdir(), `rolefit-bench-${process.pid}.jsonl`);
for (const [label, extra] of [
  ["full records", []],
  ["summary records", ["--detail", "summary"]],
])
  compare(
    `batch of ${batchFiles} files to a file, ${label}`,
    [parseOnly, dir],
    [bin, "assess", "--org", dir, "--format", "jsonl", ...extra, "--out", outFile],
    "read + yaml.parse only",
    `rolefit assess --format jsonl ${extra.join(" ")} --out FILE`.replace("  ", " "),
    1,
  );
rmSync(outFile, { force: true });

// 2b. Where the batch's time goes: each stage timed on its own, per file (bench/stages.ts, bundled
// from the sources next to the build so it finds the rubrics).
const stages = join(root, "dist", ".bench-stages.mjs");
await build({
  entryPoints: [join(root, "bench", "stages.ts")],
  outfile: stages,
  bundle: true,
  platform: "node",
  format: "esm",
  target: "node20",
  external: ["highs", "exceljs"],
  banner: {
    js: "import { createRequire } from 'node:module'; const require = createRequire(import.meta.url);",
  },
  logLevel: "warning",
});
const staged = spawnSync(process.execPath, [stages, dir], { encoding: "utf8" });
rmSync(stages, { force: true });
process.stdout.write(staged.stdout);
if (staged.status !== 0) throw new Error(`bench/stages.ts failed: ${staged.stderr}`);
rmSync(dir, { recursive: true, force: true });

// 3. Memory: peak resident set size over a large batch, streamed to /dev/null, then written into
// a file with --out (a temporary file renamed at the end, and the inputs checked against it).
if (memoryFiles > 0 && existsSync("/usr/bin/time")) {
  const big = generate(memoryFiles);
  const out = join(mkdtempSync(join(tmpdir(), "rolefit-bench-out-")), "results.jsonl");
  for (const [where, extra] of [
    ["to JSON Lines", []],
    ["into a file (--out)", ["--out", out]],
  ]) {
    const result = spawnSync(
      "/usr/bin/time",
      ["-f", "%M %e", process.execPath, bin, "assess", "--org", big, "--format", "jsonl", ...extra],
      {
        stdio: ["ignore", "ignore", "pipe"],
        encoding: "utf8",
      },
    );
    const [kb, seconds] = result.stderr.trim().split("\n").pop().split(" ");
    console.log(
      `memory: ${memoryFiles} files ${where} in ${Number(seconds).toFixed(1)} s, peak RSS ${(Number(kb) / 1024).toFixed(0)} MB (limit 200 MB, stretch 100 MB)`,
    );
  }
  rmSync(big, { recursive: true, force: true });
  rmSync(dirname(out), { recursive: true, force: true });
}

// 4. Hostile sizes: absolute times against the goals in SECURITY.md (a file of unknown keys, a
// rubric with one huge question). Exit 1 is expected for the unknown keys.
if (process.env.BENCH_HOSTILE !== "0") {
  const hostile = mkdtempSync(join(tmpdir(), "rolefit-hostile-"));
  let keys = "apiVersion: rolefit/v1\nkind: Organization\nname: Unknown keys\nanswers:\n";
  for (let i = 0; i < 50_000; i++) keys += `  unknown_${String(i).padStart(6, "0")}: 1\n`;
  const keysFile = join(hostile, "unknown-keys.yaml");
  writeFileSync(keysFile, keys);
  const rubrics = join(hostile, "rubrics");
  mkdirSync(rubrics);
  let options = "";
  for (let i = 0; i < 10_000; i++)
    options += `      - { value: o${i}, effect: { combine: ${(i % 7) - 3}, separate: ${(i % 5) - 2} }, reason: Option ${i}. }\n`;
  writeFileSync(
    join(rubrics, "huge.yaml"),
    `apiVersion: rolefit/v1\nkind: Rubric\nid: huge\ntitle: Huge\ndescription: One question with 10,000 options.\nweight: 1\nquestions:\n  - id: big\n    prompt: Which?\n    help: One of many.\n    type: multi\n    options:\n${options}`,
  );
  const hugeOrg = join(hostile, "huge-org.yaml");
  writeFileSync(
    hugeOrg,
    "apiVersion: rolefit/v1\nkind: Organization\nname: Huge\nanswers:\n  big: [o1, o2, o5000]\n",
  );
  const cases = [
    [
      `50,000 unknown keys (${(keys.length / 2 ** 20).toFixed(2)} MiB): assess`,
      [bin, "assess", "--org", keysFile],
      1,
      2000,
    ],
    ["50,000 unknown keys: validate", [bin, "validate", keysFile], 1, 2000],
    ["10,000-option rubric: validate", [bin, "validate", rubrics], 0, 5000],
    [
      "10,000-option rubric: assess",
      [bin, "assess", "--rubrics", rubrics, "--org", hugeOrg, "--format", "json"],
      0,
      5000,
    ],
  ];
  // What merely parsing the file costs, for scale (yaml's own duplicate-key check, which
  // compares every key with every other, is off: with it the parse alone takes minutes).
  const yamlModule = JSON.stringify(join(root, "node_modules", "yaml", "dist", "index.js"));
  const parseKeys = [
    "--input-type=module",
    "-e",
    `import { parse } from ${yamlModule}; import { readFileSync } from "node:fs"; parse(readFileSync(${JSON.stringify(keysFile)}, "utf8"), { uniqueKeys: false });`,
  ];
  const parseTimes = Array.from({ length: Math.min(runs, 3) }, () => time(parseKeys));
  console.log(`50,000 unknown keys: node + yaml.parse alone ${median(parseTimes).toFixed(0)} ms`);
  for (const [label, args, status, goal] of cases) {
    const times = Array.from({ length: Math.min(runs, 3) }, () => time(args, {}, status));
    console.log(`${label}: ${median(times).toFixed(0)} ms (goal under ${goal} ms)`);
  }
  rmSync(hostile, { recursive: true, force: true });
}
