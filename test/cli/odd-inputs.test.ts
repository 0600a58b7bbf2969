import { spawnSync } from "node:child_process";
import { chmodSync, copyFileSync, mkdirSync, mkdtempSync, writeFileSync } from "node:fs";
import { createServer } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { rolefit } from "../helpers/cli.js";
import { ROOT } from "../helpers/rubrics.js";

const EXAMPLE = join(ROOT, "examples", "product-scaleup.yaml");
const dir = mkdtempSync(join(tmpdir(), "rolefit-odd-"));

describe("odd inputs", () => {
  it("skips a FIFO and a socket found in a folder instead of hanging on them", async () => {
    const folder = join(dir, "units");
    mkdirSync(folder);
    copyFileSync(EXAMPLE, join(folder, "a.yaml"));
    spawnSync("mkfifo", [join(folder, "b.yaml")]);
    const server = createServer();
    await new Promise<void>((resolve) => server.listen(join(folder, "c.yaml"), resolve));
    try {
      const run = rolefit(["assess", "--org", folder, "--format", "jsonl"]);
      expect(run.status).toBe(1);
      const records = run.stdout
        .trim()
        .split("\n")
        .map((line) => JSON.parse(line));
      expect(records.map((r) => r.recommendation ?? r.error.message)).toEqual([
        "combine",
        "skipped: a FIFO, not a regular file",
        "skipped: a socket, not a regular file",
      ]);
    } finally {
      server.close();
    }
  });

  it("refuses a FIFO in a rubric folder instead of waiting on it", () => {
    const rubrics = join(dir, "rubrics");
    mkdirSync(rubrics);
    for (const name of ["consolidation-triggers", "decision-rights", "maturity-stage"])
      copyFileSync(join(ROOT, "rubrics", `${name}.yaml`), join(rubrics, `${name}.yaml`));
    spawnSync("mkfifo", [join(rubrics, "z.yaml")]);
    const run = rolefit(["assess", "--org", EXAMPLE, "--rubrics", rubrics]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`rolefit: ${join(rubrics, "z.yaml")}: a FIFO, not a regular file\n`);
  });

  it("still reads a FIFO named on the command line", () => {
    const fifo = join(dir, "named.fifo");
    spawnSync("mkfifo", [fifo]);
    const run = spawnSync(
      "sh",
      [
        "-c",
        'cat "$1" > "$2" & node "$3" assess --org "$2" --format json',
        "sh",
        EXAMPLE,
        fifo,
        join(ROOT, "bin", "rolefit.js"),
      ],
      { encoding: "utf8", timeout: 30_000 },
    );
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).recommendation).toBe("combine");
  });

  it.skipIf(process.getuid?.() === 0)("says an unreadable folder is permission denied", () => {
    const locked = join(dir, "locked");
    mkdirSync(locked);
    chmodSync(locked, 0);
    const run = rolefit(["assess", "--org", locked, "--format", "jsonl"]);
    chmodSync(locked, 0o755);
    expect(run.stderr).toContain("permission denied");
  });

  it("shows a path holding a line break escaped, on one line", () => {
    const file = join(dir, "two\nlines.yaml");
    writeFileSync(file, "apiVersion: rolefit/v1\nkind: Organization\nname: [\n");
    const run = rolefit(["assess", "--org", file]);
    expect(run.status).toBe(1);
    expect(run.stderr).toContain("two\\nlines.yaml:");
    expect(
      run.stderr
        .trimEnd()
        .split("\n")
        .every((line) => line.includes("two\\nlines")),
    ).toBe(true);
  });

  it("treats a bad --set value and a JSON file that is not a result as usage errors", () => {
    const set = rolefit(["assess", "--org", EXAMPLE, "--set", "employees=*a"]);
    expect(set.status).toBe(2);
    expect(set.stderr).toMatch(/^rolefit: --set employees=\*a: the value is not valid YAML/);
    expect(set.stderr).not.toMatch(/internal error/);
    const other = join(dir, "other.json");
    writeFileSync(other, '{"name": "not a result"}\n');
    const notResult = rolefit(["diff", other, EXAMPLE]);
    expect(notResult.status).toBe(2);
    expect(notResult.stderr).toContain(`${other}:1:1: expected a rolefit result`);
    const wrong = join(dir, "wrong.json");
    writeFileSync(
      wrong,
      '{\n  "schemaVersion": 1,\n  "organization": "A",\n  "recommendation": "merge",\n  "confidence": "high",\n  "scores": {"combine": 1, "separate": 2, "matrix": 3},\n  "answers": {},\n  "rules": []\n}\n',
    );
    const located = rolefit(["diff", wrong, EXAMPLE]);
    expect(located.status).toBe(2);
    expect(located.stderr).toMatch(/wrong\.json:4:21: recommendation: expected one of combine/);
  });

  it("refuses a %YAML 1.1 directive and lone carriage returns, in every reader", () => {
    const y11 = join(dir, "y11.yaml");
    writeFileSync(
      y11,
      "%YAML 1.1\n---\napiVersion: rolefit/v1\nkind: Organization\nname: x\nanswers:\n  employees: 0144\n",
    );
    const cr = join(dir, "cr.yaml");
    writeFileSync(
      cr,
      "apiVersion: rolefit/v1\nkind: Organization\nname: x\nanswers:\n  stage: startup # note\r  employees: 5000\n",
    );
    const cases = [
      [y11, ["1:1", "YAML 1.1 is not supported"]],
      [cr, ["line 5 ends with a lone carriage return"]],
    ] as const;
    for (const [file, said] of cases) {
      for (const args of [
        ["assess", "--org", file],
        ["assess", "--respondents", file, file],
        ["validate", file],
      ]) {
        const run = rolefit(args);
        expect(run.status, args.join(" ")).toBe(1);
        // validate reports on standard output, assess on standard error.
        for (const words of said) expect(run.stdout + run.stderr).toContain(words);
      }
    }
  });

  it("finds files through globs whose folder names hold a line break", () => {
    const folder = join(dir, "globbed", "n\nl");
    mkdirSync(folder, { recursive: true });
    copyFileSync(EXAMPLE, join(folder, "x.yaml"));
    const run = rolefit([
      "assess",
      "--org",
      `${join(dir, "globbed")}/**/*.yaml`,
      "--format",
      "jsonl",
    ]);
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout.trim().split("\n")).toHaveLength(1);
  });

  it("refuses an empty --out and init over one of its own rubrics", () => {
    const out = rolefit(["assess", "--org", EXAMPLE, "--out", ""]);
    expect(out.status).toBe(2);
    expect(out.stderr).toBe("rolefit: --out needs a file name\n");
    const rubrics = join(dir, "own-rubrics");
    mkdirSync(rubrics);
    copyFileSync(
      join(ROOT, "rubrics", "maturity-stage.yaml"),
      join(rubrics, "maturity-stage.yaml"),
    );
    copyFileSync(
      join(ROOT, "rubrics", "decision-rights.yaml"),
      join(rubrics, "decision-rights.yaml"),
    );
    copyFileSync(
      join(ROOT, "rubrics", "consolidation-triggers.yaml"),
      join(rubrics, "consolidation-triggers.yaml"),
    );
    const init = rolefit([
      "init",
      join(rubrics, "maturity-stage.yaml"),
      "--force",
      "--rubrics",
      rubrics,
    ]);
    expect(init.status).toBe(2);
    expect(init.stderr).toMatch(/is also an input/);
  });
});
