import { spawn, spawnSync } from "node:child_process";
import {
  closeSync,
  copyFileSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readFileSync,
  statSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { csvField } from "../../src/report/batch.js";
import { rolefit } from "../helpers/cli.js";
import { ROOT } from "../helpers/rubrics.js";

const EXAMPLES = join(ROOT, "examples");
const BIN = join(ROOT, "bin", "rolefit.js");
const lines = (text: string) =>
  text
    .trim()
    .split("\n")
    .filter(Boolean)
    .map((line) => JSON.parse(line) as Record<string, unknown>);

describe("batch assessments", () => {
  let dir = "";
  beforeAll(() => {
    dir = mkdtempSync(join(tmpdir(), "rolefit-batch-"));
    mkdirSync(join(dir, "units", "emea"), { recursive: true });
    copyFileSync(join(EXAMPLES, "seed-startup.yaml"), join(dir, "units", "a.yaml"));
    copyFileSync(join(EXAMPLES, "regulated-bank.yaml"), join(dir, "units", "emea", "b.yml"));
    writeFileSync(join(dir, "units", "notes.txt"), "not yaml");
    writeFileSync(
      join(dir, "units", "broken.yaml"),
      "apiVersion: rolefit/v1\nkind: Organization\nname: Broken\nanswers:\n  stage: scalup\n",
    );
    const seed = readFileSync(join(EXAMPLES, "seed-startup.yaml"), "utf8");
    writeFileSync(
      join(dir, "multi.yaml"),
      `${seed}\n---\n${readFileSync(join(EXAMPLES, "telecom-operator.yaml"), "utf8")}\n---\napiVersion: rolefit/v1\nkind: Organization\nname: Third\nanswers: {employees: 0}\n`,
    );
  });

  it("assesses every file, reports each broken one in its place, and exits 1", () => {
    const run = rolefit(["assess", "--org", join(dir, "units"), "--format", "jsonl"]);
    expect(run.status).toBe(1);
    const records = lines(run.stdout);
    expect(records.map((r) => r.source)).toEqual([
      join(dir, "units", "a.yaml"),
      join(dir, "units", "broken.yaml"),
      join(dir, "units", "emea", "b.yml"),
    ]);
    expect(records[0]?.recommendation).toBe("combine");
    expect(records[1]).toEqual({
      schemaVersion: 1,
      source: join(dir, "units", "broken.yaml"),
      error: {
        message: expect.stringMatching(/stage: "scalup" is not an allowed answer/),
        line: 5,
        column: 10,
      },
    });
    expect(records[2]?.recommendation).toBe("separate");
    expect(run.stderr.trim().split("\n")).toEqual([
      expect.stringMatching(new RegExp(`^${join(dir, "units", "broken.yaml")}:5:10: stage:`)),
    ]);
  });

  it("expands globs, keeps the order of the arguments, and marks what matched nothing", () => {
    const run = rolefit([
      "assess",
      "--org",
      join(dir, "units", "**", "*.yml"),
      join(dir, "units", "a.yaml"),
      join(dir, "nothing-*.yaml"),
      "--format",
      "jsonl",
    ]);
    expect(run.status).toBe(1);
    const records = lines(run.stdout);
    expect(records.map((r) => r.source)).toEqual([
      join(dir, "units", "emea", "b.yml"),
      join(dir, "units", "a.yaml"),
      join(dir, "nothing-*.yaml"),
    ]);
    expect(records[2]?.error).toEqual({
      message: "no file matches this pattern",
      line: null,
      column: null,
    });
  });

  it("reads several organisations from one multi-document file, and from standard input", () => {
    for (const run of [
      rolefit(["assess", "--org", join(dir, "multi.yaml"), "--format", "jsonl"]),
      rolefit(["assess", "--org", "-", "--format", "jsonl"], {
        input: readFileSync(join(dir, "multi.yaml"), "utf8"),
      }),
    ]) {
      expect(run.status).toBe(1);
      const records = lines(run.stdout);
      expect(records.map((r) => [r.document, r.recommendation ?? "error"])).toEqual([
        [1, "combine"],
        [2, "separate"],
        [3, "error"],
      ]);
      expect(records[2]?.error).toMatchObject({ line: expect.any(Number) });
    }
  });

  it("writes CSV with RFC 4180 quoting, one row per organisation", () => {
    const run = rolefit(["assess", "--org", join(dir, "units"), "--format", "csv"]);
    const rows = run.stdout.split("\r\n");
    expect(rows[0]).toBe(
      "source,name,recommendation,runnerUp,confidence,margin,combine,separate,matrix,topReason,document,error,conditions,decidedBy",
    );
    expect(rows[1]).toMatch(
      /^.*a\.yaml,Ledgerline,combine,matrix,high,[\d.]+,[\d.]+,[\d.]+,[\d.]+,"With 60% or more of revenue/,
    );
    expect(rows[2]).toMatch(
      /broken\.yaml,,,,,,,,,,,"?5:10: stage: ""scalup"" is not an allowed answer.*",,$/,
    );
    // Control characters are shown escaped, so a cell never breaks a row.
    expect(csvField('say "hi", then\nleave')).toBe('"say ""hi"", then\\nleave"');
    expect(csvField("plain")).toBe("plain");
  });

  it("prints a text summary table with counts, and valid JSON with --format json", () => {
    const text = rolefit(["assess", "--org", join(EXAMPLES)]);
    expect(text.status).toBe(0);
    expect(text.stdout).toMatch(/^organisation +result +confidence +margin +source\n/);
    expect(text.stdout).toMatch(/\n14 assessed: \d+ combine, \d+ separate, \d+ matrix\n$/);
    const json = rolefit(["assess", "--org", join(dir, "units"), "--format", "json"]);
    const list = JSON.parse(json.stdout) as Array<Record<string, unknown>>;
    expect(list).toHaveLength(3);
    expect(list[1]?.error).toBeDefined();
  });

  it("makes one portfolio report of a batch in HTML or Markdown, never one page per unit", () => {
    const run = rolefit(["assess", "--org", EXAMPLES, "--format", "html"]);
    expect(run.status).toBe(0);
    expect(run.stdout.match(/<!doctype html>/g)).toHaveLength(1);
    expect(run.stdout).toContain("<title>Portfolio: ");
  });

  it("ends quietly when the reader stops early (| head -1)", () => {
    const run = spawnSync(
      "sh",
      [
        "-c",
        `node ${BIN} assess --org ${EXAMPLES} ${EXAMPLES} ${EXAMPLES} --format jsonl | head -1`,
      ],
      { encoding: "utf8" },
    );
    expect(run.stderr).toBe("");
    expect(lines(run.stdout)).toHaveLength(1);
  });

  it("writes the batch to --out atomically", () => {
    const out = join(dir, "results.jsonl");
    const run = rolefit(["assess", "--org", EXAMPLES, "--format", "jsonl", "--out", out]);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe("");
    // Ten examples and the four respondents in examples/respondents.
    expect(lines(readFileSync(out, "utf8"))).toHaveLength(14);
  });
});

describe("a batch on worker threads (--jobs)", () => {
  it("writes the same bytes, errors and exit code as on one thread, for every streamed format", () => {
    const dir = mkdtempSync(join(tmpdir(), "rolefit-jobs-"));
    const examples = ["seed-startup.yaml", "regulated-bank.yaml", "northwind-payments.yaml"];
    for (let n = 0; n < 90; n++) {
      const sub = join(dir, `unit-${Math.floor(n / 30)}`);
      mkdirSync(sub, { recursive: true });
      const text = readFileSync(join(EXAMPLES, examples[n % 3] as string), "utf8");
      writeFileSync(
        join(sub, `org-${String(n).padStart(3, "0")}.yaml`),
        n === 41
          ? text.replace(/stage: \w+/, "stage: scalup")
          : text.replace(/employees: \d+/, `employees: ${50 + n * 97}`),
      );
    }
    for (const args of [
      ["--format", "jsonl"],
      ["--format", "jsonl", "--detail", "summary", "--set", "major_incidents_12m=5"],
      ["--format", "json"],
      ["--format", "csv", "--columns", "full"],
      ["--format", "text"],
    ]) {
      const one = rolefit(["assess", "--org", dir, ...args, "--jobs", "1"]);
      const three = rolefit(["assess", "--org", dir, ...args, "--jobs", "3"]);
      expect(one.status, one.stderr).toBe(1);
      expect(three.status).toBe(1);
      expect(three.stdout).toBe(one.stdout);
      expect(three.stderr).toBe(one.stderr);
      expect(one.stderr).toMatch(/org-041\.yaml:\d+:\d+: stage: "scalup"/);
    }
  });

  it("reads ahead on a second thread by default, with the same bytes, errors and exit code", () => {
    // 260 files: enough for the default to read and parse them on a reader thread (two cores)
    // or to spread them over workers (more). The odd ones come after the first two blocks of 64,
    // which are read on the batch's own thread while the reader starts.
    const dir = mkdtempSync(join(tmpdir(), "rolefit-read-ahead-"));
    const org = readFileSync(join(EXAMPLES, "northwind-payments.yaml"), "utf8");
    for (let n = 0; n < 260; n++) {
      // An `&` in a name sends a valid file to the careful parser, as a broken one goes.
      const text =
        n === 180
          ? org.replace(/^name: .*$/m, "name: Müller & Søn")
          : n === 150
            ? `${org}\nbroken: [unclosed\n`
            : n === 200
              ? org.replace(/stage: \w+/, "stage: scalup")
              : org.replace(/employees: \d+/, `employees: ${50 + n * 97}`);
      writeFileSync(join(dir, `org-${String(n).padStart(3, "0")}.yaml`), text);
    }
    writeFileSync(join(dir, "org-230.yaml"), Buffer.from([0x6e, 0x61, 0x6d, 0x65, 0x3a, 0xff]));
    const outs = mkdtempSync(join(tmpdir(), "rolefit-read-ahead-out-"));
    for (const args of [
      ["--format", "jsonl"],
      ["--format", "jsonl", "--detail", "summary"],
      ["--format", "csv", "--columns", "full"],
    ]) {
      const [oneOut, aheadOut] = [join(outs, "one"), join(outs, "ahead")];
      const one = rolefit(["assess", "--org", dir, ...args, "--jobs", "1", "--out", oneOut]);
      const ahead = rolefit(["assess", "--org", dir, ...args, "--out", aheadOut]);
      expect(one.status, one.stderr).toBe(1);
      expect(ahead.status).toBe(1);
      expect(readFileSync(aheadOut, "utf8")).toBe(readFileSync(oneOut, "utf8"));
      expect(ahead.stderr).toBe(one.stderr);
      expect(one.stderr.trim().split("\n")).toHaveLength(3);
      expect(readFileSync(oneOut, "utf8")).toMatch(/M(ü|\\u00fc)ller & S(ø|\\u00f8)n/);
    }
  });

  it("refuses a --jobs that is not a whole number from 1 to 64", () => {
    const run = rolefit(["assess", "--org", EXAMPLES, "--jobs", "0"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      /--jobs <count>' argument '0' is invalid. expected a whole number from 1 to 64/,
    );
  });
});

describe("stopping a batch", () => {
  it.each([
    ["SIGTERM", 143],
    ["SIGINT", 130],
  ] as const)(
    "stops after the current record on %s and leaves valid JSON",
    async (signal, code) => {
      const dir = mkdtempSync(join(tmpdir(), "rolefit-stop-"));
      const org = readFileSync(join(EXAMPLES, "northwind-payments.yaml"), "utf8");
      for (let i = 0; i < 4000; i++)
        writeFileSync(join(dir, `o${String(i).padStart(5, "0")}.yaml`), org);
      const child = spawn(process.execPath, [BIN, "assess", "--org", dir, "--format", "json"], {
        stdio: ["ignore", "pipe", "pipe"],
      });
      let stdout = "";
      let stderr = "";
      child.stdout.on("data", (chunk) => {
        stdout += chunk;
      });
      child.stderr.on("data", (chunk) => {
        stderr += chunk;
      });
      // Wait for the first records, then interrupt.
      await new Promise<void>((resolve) => {
        const poll = setInterval(() => {
          if (stdout.length > 0) {
            clearInterval(poll);
            resolve();
          }
        }, 20);
      });
      child.kill(signal);
      const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
      expect(status).toBe(code);
      const records = JSON.parse(stdout) as unknown[];
      expect(records.length).toBeGreaterThan(0);
      expect(records.length).toBeLessThan(4000);
      expect(stderr).toMatch(
        new RegExp(
          `stopped by ${signal} after ${records.length} records; the output so far is complete and valid`,
        ),
      );
    },
  );
});

describe("stopping a batch written to a file", () => {
  it("stops on SIGINT even though writes to a file never wait", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rolefit-stop-file-"));
    const org = readFileSync(join(EXAMPLES, "northwind-payments.yaml"), "utf8");
    for (let i = 0; i < 6000; i++)
      writeFileSync(join(dir, `o${String(i).padStart(5, "0")}.yaml`), org);
    const out = join(dir, "results.jsonl");
    // Standard output opened on a plain file, as `> results.jsonl` does: Node writes it synchronously.
    const fd = openSync(out, "w");
    const child = spawn(process.execPath, [BIN, "assess", "--org", dir, "--format", "jsonl"], {
      stdio: ["ignore", fd, "pipe"],
    });
    closeSync(fd);
    let stderr = "";
    child.stderr?.on("data", (chunk) => {
      stderr += chunk;
    });
    await new Promise<void>((resolve) => {
      const poll = setInterval(() => {
        if (statSync(out).size > 0) {
          clearInterval(poll);
          resolve();
        }
      }, 10);
    });
    child.kill("SIGINT");
    const status = await new Promise<number | null>((resolve) => child.on("close", resolve));
    expect(status).toBe(130);
    const lines = readFileSync(out, "utf8").trimEnd().split("\n");
    expect(lines.length).toBeLessThan(6000);
    for (const line of lines) expect(JSON.parse(line).recommendation).toBeDefined();
    expect(stderr).toMatch(new RegExp(`stopped by SIGINT after ${lines.length} records`));
  });
});

describe("several respondents and diff", () => {
  it("assesses the room's consensus with each respondent's own result", () => {
    const result = JSON.parse(
      rolefit([
        "assess",
        "--respondents",
        ...["dana", "luis", "mei", "ravi"].map((n) => join(EXAMPLES, "respondents", `${n}.yaml`)),
        "--format",
        "json",
      ]).stdout,
    );
    expect(result.respondents.map((r: { name: string }) => r.name)).toEqual([
      "Dana Okafor",
      "Luis Brandt",
      "Mei Tanaka",
      "Ravi Shah",
    ]);
    expect(result.disagreement[0]).toMatchObject({
      questionId: expect.any(String),
      spread: expect.any(Number),
      couldFlip: expect.any(Boolean),
    });
    const html = rolefit([
      "assess",
      "--respondents",
      join(EXAMPLES, "respondents", "dana.yaml"),
      join(EXAMPLES, "respondents", "ravi.yaml"),
      "--format",
      "html",
    ]).stdout;
    expect(html).toContain('data-chart="disagreement"');
  });

  it("compares two org files, or a JSON result with an org file", () => {
    // Dana's answers after a year of failures: extreme regulation, eight incidents, no CISO.
    const later = join(mkdtempSync(join(tmpdir(), "rolefit-diff-")), "later.yaml");
    writeFileSync(
      later,
      readFileSync(join(EXAMPLES, "respondents", "dana.yaml"), "utf8")
        .replace("regulatory_complexity: high", "regulatory_complexity: extreme")
        .replace("major_incidents_12m: 3", "major_incidents_12m: 8")
        .replace("security_owner: ciso", "security_owner: cio"),
    );
    const run = rolefit([
      "diff",
      join(EXAMPLES, "respondents", "dana.yaml"),
      later,
      "--format",
      "json",
    ]);
    const diff = JSON.parse(run.stdout);
    expect(diff).toMatchObject({
      schemaVersion: 1,
      recommendation: { from: "combine", to: "separate" },
      rubricsChanged: false,
      rules: { started: ["run-side-in-crisis"], stopped: [] },
    });
    expect(diff.answers.map((a: { questionId: string }) => a.questionId)).toEqual([
      "regulatory_complexity",
      "major_incidents_12m",
      "security_owner",
    ]);
    const dir = mkdtempSync(join(tmpdir(), "rolefit-diff-"));
    const old = JSON.parse(
      rolefit(["assess", "--org", join(EXAMPLES, "respondents", "dana.yaml"), "--format", "json"])
        .stdout,
    );
    old.provenance.rubricSetSha256 = "0".repeat(64);
    writeFileSync(join(dir, "old.json"), JSON.stringify(old));
    const warned = rolefit([
      "diff",
      join(dir, "old.json"),
      join(EXAMPLES, "respondents", "dana.yaml"),
    ]);
    expect(warned.status).toBe(0);
    expect(warned.stderr).toMatch(/different rubrics/);
    expect(warned.stdout).toMatch(/WARNING: the two results were made with different rubrics/);
    expect(warned.stdout).toMatch(/Answers that changed \(0\)/);
  });
});
