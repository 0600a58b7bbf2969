import { copyFileSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { json, rolefit } from "../helpers/cli.js";
import { ROOT, RUBRICS_DIR } from "../helpers/rubrics.js";

const tmp = () => mkdtempSync(join(tmpdir(), "rolefit-validate-"));

describe("rolefit validate", () => {
  it("passes the built-in rubrics with no path", () => {
    const run = rolefit(["validate"]);
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/✓ 3 files valid/);
  });

  it("passes the examples and the rubrics folder together", () => {
    const run = rolefit(["validate", RUBRICS_DIR, join(ROOT, "examples")]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
  });

  it("reports every problem with file, line, column, code, and a caret under the spot", () => {
    const dir = tmp();
    const broken = readFileSync(join(RUBRICS_DIR, "maturity-stage.yaml"), "utf8")
      .replace("weight: 0.45", "wieght: 0.45")
      .replace("type: scale", "type: scael");
    writeFileSync(join(dir, "maturity-stage.yaml"), broken);
    const run = rolefit(["validate", join(dir, "maturity-stage.yaml")]);
    expect(run.status).toBe(1);
    const lines = broken.split("\n");
    const weightLine = lines.findIndex((l) => l.startsWith("wieght")) + 1;
    expect(run.stdout).toContain(
      `${join(dir, "maturity-stage.yaml")}:${weightLine}:1 error unknown-key unknown key "wieght" (did you mean "weight"?)`,
    );
    expect(run.stdout).toMatch(
      /error invalid-value questions\[3\]\.type: expected one of .* found "scael" \(did you mean "scale"\?\)/,
    );
    expect(run.stdout).toMatch(/\| wieght: 0\.45\n\s+\| \^{6}/);
    // Renaming weight also leaves the required key missing: three findings in all.
    expect(run.stdout).toMatch(/weight: is required \(a number\)/);
    expect(run.stdout).toMatch(/3 errors, 0 warnings in 1 file/);
  });

  it("finds duplicate question ids and rules naming unknown questions across files", () => {
    const dir = tmp();
    for (const name of [
      "maturity-stage.yaml",
      "decision-rights.yaml",
      "consolidation-triggers.yaml",
    ])
      copyFileSync(join(RUBRICS_DIR, name), join(dir, name));
    const twin = readFileSync(join(RUBRICS_DIR, "maturity-stage.yaml"), "utf8")
      .replace("id: maturity-stage", "id: maturity-twin")
      .replace("id: small-organisation-one-leader", "id: twin-rule");
    writeFileSync(join(dir, "twin.yaml"), twin);
    const rules = readFileSync(join(dir, "decision-rights.yaml"), "utf8").replace(
      "question: role_conflict, in: [severe]",
      "question: role_confict, in: [severe]",
    );
    writeFileSync(join(dir, "decision-rights.yaml"), rules);
    const findings = json<
      Array<{ file: string; line: number; column: number; code: string; message: string }>
    >({
      ...rolefit(["validate", dir, "--format", "json"]),
      status: 0,
    });
    const codes = new Set(findings.map((f) => f.code));
    expect(codes).toContain("duplicate-question-id");
    const unknown = findings.find((f) => f.code === "unknown-question");
    expect(unknown?.message).toMatch(
      /unknown question "role_confict" \(did you mean "role_conflict"\?\)/,
    );
    expect(unknown?.line).toBe(rules.split("\n").findIndex((l) => l.includes("role_confict")) + 1);
  });

  it("reports schema errors and the checks across files together, and a YAML error once", () => {
    const dir = tmp();
    const rubric = readFileSync(join(RUBRICS_DIR, "decision-rights.yaml"), "utf8")
      .replace("weight: 0.4", "weight: -1")
      // A second question with the id of the first: a duplicate the schema cannot see.
      .replace("id: decision_rights_clarity", "id: current_structure")
      // A broken answer inside a question: the question is refused, references to it still pass.
      .replace("value: documented", "value: Documented!");
    writeFileSync(join(dir, "decision-rights.yaml"), rubric);
    const findings = json<Array<{ code: string; line: number }>>(
      rolefit(["validate", join(dir, "decision-rights.yaml"), "--format", "json"]),
      true,
    );
    const codes = findings.map((f) => f.code);
    expect(codes).toContain("invalid-value");
    expect(codes).toContain("duplicate-question-id");
    // Rules naming the built-in questions of other files are not checked when files are missing.
    expect(codes.filter((code) => code === "unknown-answer")).toEqual([]);
    writeFileSync(
      join(dir, "syntax.yaml"),
      "apiVersion: rolefit/v1\nkind: Rubric\nid: x\n  bad: [1, 2\nfoo: }\n",
    );
    const syntax = json<Array<{ code: string }>>(
      rolefit(["validate", join(dir, "syntax.yaml"), "--format", "json"]),
      true,
    );
    expect(syntax.map((f) => f.code)).toEqual(["yaml-syntax"]);
  });

  it("resolves a firm's rubric against the set it extends, in validate and assess", () => {
    const firm = join(ROOT, "rubric-examples");
    const run = rolefit(["validate", firm]);
    expect(run.stdout).toMatch(/✓ 1 file valid/);
    expect(run.status).toBe(0);
    const result = json<{ provenance: { rubrics: Array<{ id: string }> }; unanswered: string[] }>(
      rolefit([
        "assess",
        "--org",
        "examples/northwind-payments.yaml",
        "--rubrics",
        firm,
        "--format",
        "json",
      ]),
    );
    expect(result.provenance.rubrics.map((r) => r.id)).toEqual([
      "maturity-stage",
      "consolidation-triggers",
      "decision-rights",
      "firm-practice",
    ]);
    expect(result.unanswered).toEqual(["board_tech_literacy"]);
    // A firm's rubric with a built-in rubric's id replaces it.
    const dir = tmp();
    writeFileSync(
      join(dir, "own-maturity.yaml"),
      readFileSync(join(RUBRICS_DIR, "maturity-stage.yaml"), "utf8").replace(
        /^weight: .*$/m,
        "weight: 0.45\nextends: builtin",
      ),
    );
    expect(rolefit(["validate", dir]).status).toBe(0);
    // Without `extends`, --rubrics names the set a firm's rubric is checked with.
    const standalone = join(tmp(), "firm.yaml");
    writeFileSync(
      standalone,
      readFileSync(join(firm, "firm-practice.yaml"), "utf8").replace(/^extends: builtin\n/m, ""),
    );
    expect(rolefit(["validate", standalone]).status).toBe(1);
    expect(rolefit(["validate", standalone, "--rubrics", RUBRICS_DIR]).status).toBe(0);
    // A base that is not there is an error at the `extends` line.
    writeFileSync(
      join(dir, "own-maturity.yaml"),
      readFileSync(join(dir, "own-maturity.yaml"), "utf8").replace(
        "extends: builtin",
        "extends: ../nowhere",
      ),
    );
    const missing = json<Array<{ code: string }>>(
      rolefit(["validate", dir, "--format", "json"]),
      true,
    );
    expect(missing.map((f) => f.code)).toContain("unknown-base");
  });

  it("checks org files against the rubrics", () => {
    const dir = tmp();
    writeFileSync(
      join(dir, "org.yaml"),
      "apiVersion: rolefit/v1\nkind: Organization\nname: X\nanswers:\n  regulatory_complexity: severe\n",
    );
    const run = rolefit(["validate", join(dir, "org.yaml")]);
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(
      /org\.yaml:5:26 error invalid-answer regulatory_complexity: "severe" is not an allowed answer/,
    );
  });

  it("checks a file with a missing or misspelt kind as the kind its keys suggest", () => {
    const dir = tmp();
    writeFileSync(join(dir, "a.yaml"), "apiVersion: rolefit/v1\nname: X\nanswers: {stage: teen}\n");
    writeFileSync(join(dir, "b.yaml"), "apiVersion: rolefit/v1\nkind: Organisation\nname: X\n");
    const run = rolefit(["validate", join(dir, "a.yaml"), join(dir, "b.yaml"), "--format", "json"]);
    expect(run.status).toBe(1);
    const findings = JSON.parse(run.stdout) as Array<{ file: string; message: string }>;
    expect(findings.map((f) => `${f.file.slice(-6)} ${f.message}`)).toEqual([
      'a.yaml kind: expected "Organization", found nothing',
      'b.yaml kind: expected "Organization", found "Organisation"',
    ]);
  });
});

describe("rolefit rubrics", () => {
  it("lists every question with its type and allowed values", () => {
    const run = rolefit(["rubrics"], { env: { COLUMNS: "160" } });
    expect(run.status).toBe(0);
    for (const text of [
      "Maturity stage",
      "collaboration_mechanisms",
      "a whole number of at least 1",
      "one of none, low, moderate, high, extreme",
    ]) {
      expect(run.stdout).toContain(text);
    }
  });

  it("prints JSON with --format json", () => {
    const list = json<Array<{ id: string; questions: Array<{ id: string }> }>>(
      rolefit(["rubrics", "--format", "json"]),
    );
    expect(list.flatMap((r) => r.questions).length).toBeGreaterThanOrEqual(27);
  });
});

describe("rolefit init and schema", () => {
  it("writes a template that validates and assesses as all unanswered, and never overwrites without --force", () => {
    const file = join(tmp(), "acme.yaml");
    expect(rolefit(["init", file, "--name", "Acme: Group"]).status).toBe(0);
    const text = readFileSync(file, "utf8");
    expect(text).toContain(
      "  # one of none, low, moderate, high, extreme\n  regulatory_complexity:\n",
    );
    expect(rolefit(["validate", file]).status).toBe(0);
    const result = json<{ organization: string; unanswered: string[] }>(
      rolefit(["assess", "--org", file, "--format", "json"]),
    );
    expect(result.organization).toBe("Acme: Group");
    expect(result.unanswered).toHaveLength(25);
    const again = rolefit(["init", file]);
    expect(again.status).toBe(1);
    expect(again.stderr).toMatch(/already exists; pass --force/);
    expect(rolefit(["init", file, "--force"]).status).toBe(0);
    expect(rolefit(["init"]).stdout).toMatch(/^# A rolefit organisation file/);
  });

  it("prints the JSON Schemas, and refuses an unknown kind with exit 2", () => {
    expect(JSON.parse(rolefit(["schema", "org"]).stdout).title).toBe("rolefit organisation");
    expect(JSON.parse(rolefit(["schema", "rubric"]).stdout).title).toBe("rolefit rubric");
    expect(rolefit(["schema", "orgs"]).status).toBe(2);
  });
});

describe("rolefit validate formats", () => {
  const broken = () => {
    const dir = tmp();
    const text = readFileSync(join(RUBRICS_DIR, "maturity-stage.yaml"), "utf8").replace(
      "type: scale",
      "type: scael",
    );
    writeFileSync(join(dir, "m.yaml"), text);
    return { dir, line: text.split("\n").findIndex((l) => l.includes("type: scael")) + 1 };
  };

  it("writes GitHub workflow annotations with escaped messages", () => {
    const { dir, line } = broken();
    const run = rolefit(["validate", "m.yaml", "--format", "github"], { cwd: dir });
    expect(run.status).toBe(1);
    expect(run.stdout).toMatch(
      new RegExp(
        `^::error file=m\\.yaml,line=${line},col=11,endLine=${line},endColumn=16,title=rolefit invalid-value::questions\\[3\\]\\.type: expected one of`,
        "m",
      ),
    );
  });

  it("writes SARIF 2.1.0 with one rule per code and located results", () => {
    const { dir, line } = broken();
    const sarif = JSON.parse(
      rolefit(["validate", "m.yaml", "--format", "sarif"], { cwd: dir }).stdout,
    );
    expect(sarif.version).toBe("2.1.0");
    const run = sarif.runs[0];
    expect(run.tool.driver.name).toBe("rolefit");
    expect(run.tool.driver.rules.map((r: { id: string }) => r.id)).toEqual(["invalid-value"]);
    expect(run.results[0]).toMatchObject({
      ruleId: "invalid-value",
      ruleIndex: 0,
      level: "error",
      locations: [
        {
          physicalLocation: {
            artifactLocation: { uri: "m.yaml" },
            region: { startLine: line, startColumn: 11 },
          },
        },
      ],
    });
  });

  it("warns about a question whose answers all have the same effect, failing only with --fail-severity warning", () => {
    const dir = tmp();
    const text = readFileSync(join(RUBRICS_DIR, "maturity-stage.yaml"), "utf8").replace(
      /(- id: geographies[\s\S]*?bands:)[\s\S]*?(\n {2}- id: business_units)/,
      "$1\n      - { from: 1, effect: {}, reason: Countries do not matter in this variant. }\n$2",
    );
    writeFileSync(join(dir, "m.yaml"), text);
    const run = rolefit(["validate", join(dir, "m.yaml"), "--format", "json"]);
    expect(run.status).toBe(0);
    const findings = JSON.parse(run.stdout) as Array<{ code: string; severity: string }>;
    expect(findings).toEqual([
      expect.objectContaining({ code: "question-without-effect", severity: "warning" }),
    ]);
    expect(rolefit(["validate", join(dir, "m.yaml"), "--fail-severity", "warning"]).status).toBe(1);
  });

  it("expands folders and globs, and reports a path that matches nothing", () => {
    const run = rolefit([
      "validate",
      "examples",
      "rubrics/*.yaml",
      "nothing/here.yaml",
      "--format",
      "json",
    ]);
    expect(run.status).toBe(1);
    const findings = JSON.parse(run.stdout) as Array<{ file: string; code: string }>;
    expect(findings).toEqual([
      expect.objectContaining({ file: "nothing/here.yaml", code: "unreadable" }),
    ]);
  });
});

describe("rolefit test", () => {
  it("passes the built-in rubric tests", () => {
    const run = rolefit(["test"]);
    expect(run.stderr).toBe("");
    expect(run.status).toBe(0);
    expect(run.stdout).toMatch(/\n\d+ passed, 0 failed\n$/);
  });

  it("reports a test whose expectation the rubrics do not meet, and exits 1", () => {
    const dir = tmp();
    writeFileSync(
      join(dir, "t.yaml"),
      `apiVersion: rolefit/v1\nkind: RubricTest\nname: Seed startup as a matrix\norg: ${join(ROOT, "examples", "seed-startup.yaml")}\nexpect: { recommendation: matrix, rules: [independent-oversight] }\n---\napiVersion: rolefit/v1\nkind: RubricTest\nname: Inline answers\nanswers: { employees: 40 }\nexpect: { recommendation: combine }\n`,
    );
    const run = rolefit(["test", dir]);
    expect(run.status).toBe(1);
    expect(run.stdout).toContain("✗ Seed startup as a matrix → combine (high)");
    expect(run.stdout).toMatch(
      /expected matrix, got combine \(margin [\d.]+ over (separate|matrix)\)/,
    );
    expect(run.stdout).toMatch(
      /expected rule independent-oversight to fire; fired: small-organisation-one-leader, matrix-needs-readiness/,
    );
    expect(run.stdout).toContain("✓ Inline answers");
    expect(run.stdout).toMatch(/1 passed, 1 failed\n$/);
  });

  it("runs each case on its own: a broken one is one located failure, in every format", () => {
    const dir = tmp();
    const good =
      "apiVersion: rolefit/v1\nkind: RubricTest\nname: Small firm\nanswers: { employees: 40 }\nexpect: { recommendation: combine }\n";
    writeFileSync(
      join(dir, "t.yaml"),
      [
        good,
        "apiVersion: rolefit/v1\nkind: RubricTest\nname: Bad expectation\nexpect: { recommendation: merge }\nanswers: {}\n",
        "apiVersion: rolefit/v1\nkind: RubricTest\nname: Bad answer\nanswers:\n  employees: lots\nexpect: { recommendation: combine }\n",
        good.replace("Small firm", "Small firm again"),
      ].join("---\n"),
    );
    const text = rolefit(["test", join(dir, "t.yaml")]);
    expect(text.status).toBe(1);
    expect(text.stderr).toBe("");
    expect(text.stdout).toContain("✓ Small firm → combine");
    expect(text.stdout).toContain("✓ Small firm again → combine");
    expect(text.stdout).toMatch(
      /✗ Bad expectation → broken test \(line 10\)\n +\S*t\.yaml:10:27: expect\.recommendation: expected one of combine, separate, matrix, undecided/,
    );
    expect(text.stdout).toMatch(/✗ Bad answer → broken test \(line 17\)/);
    expect(text.stdout).toMatch(/2 passed, 0 failed, 2 broken\n$/);

    const report = json<{
      passed: number;
      errors: number;
      results: Array<{ status: string; line: number }>;
    }>(rolefit(["test", join(dir, "t.yaml"), "--format", "json"]), true);
    expect(report).toMatchObject({ passed: 2, failed: 0, errors: 2 });
    expect(report.results.map((r) => r.status)).toEqual(["passed", "error", "error", "passed"]);

    const junit = rolefit(["test", join(dir, "t.yaml"), "--format", "junit"]);
    expect(junit.status).toBe(1);
    expect(junit.stdout).toMatch(
      /^<\?xml version="1\.0" encoding="UTF-8"\?>\n<testsuites name="rolefit test" tests="4" failures="0" errors="2">/,
    );
    expect(junit.stdout.match(/<testcase /g)).toHaveLength(4);
    expect(junit.stdout).toMatch(/<testcase name="Bad answer"[^>]*line="17">\n +<error message="/);

    const github = rolefit(["test", join(dir, "t.yaml"), "--format", "github"]);
    const annotations = github.stdout.trim().split("\n");
    expect(annotations).toHaveLength(2);
    expect(annotations[0]).toMatch(
      /^::error file=\S*t\.yaml,line=10,col=27,title=rolefit test%3A Bad expectation \(broken\)::/,
    );

    // validate agrees: the same two cases are the broken ones.
    const findings = json<Array<{ line: number }>>(
      rolefit(["validate", join(dir, "t.yaml"), "--format", "json"]),
      true,
    );
    expect(findings.map((f) => f.line)).toEqual([10, 17]);
  });
});

describe("rolefit validate reachability", () => {
  const small = (rules: string, matrixEffect: number) => `apiVersion: rolefit/v1
kind: Rubric
id: small
title: Small
description: A tiny rubric.
weight: 1
questions:
  - id: size_class
    prompt: How big is it?
    help: Pick one.
    type: choice
    answers:
      - { value: small, effect: { combine: 2 }, reason: Small favours one leader. }
      - { value: mid, effect: { separate: 2 }, reason: Mid-sized favours two leaders. }
      - { value: large, effect: { matrix: ${matrixEffect} }, reason: Large favours shared governance. }
rules:
${rules}
`;

  it("warns about a rule whose condition no answers can satisfy", () => {
    const dir = tmp();
    const rule =
      "  - { id: contradiction, effect: forbid, outcome: combine, when: { all: [{ question: size_class, in: [small] }, { question: size_class, notIn: [small] }] }, reason: Contradiction on purpose. }";
    writeFileSync(join(dir, "small.yaml"), small(rule, 2));
    const findings = JSON.parse(
      rolefit(["validate", join(dir, "small.yaml"), "--format", "json"]).stdout,
    ) as Array<{ code: string; line: number }>;
    expect(findings).toEqual([
      expect.objectContaining({ code: "rule-never-fires", line: 17, severity: "warning" }),
    ]);
  });

  it("warns about an outcome no answers can make win", () => {
    const dir = tmp();
    writeFileSync(join(dir, "small.yaml"), small("  []", -1).replace("rules:\n  []", "rules: []"));
    const findings = JSON.parse(
      rolefit(["validate", join(dir, "small.yaml"), "--format", "json"]).stdout,
    ) as Array<{ code: string; message: string }>;
    expect(findings).toEqual([
      expect.objectContaining({
        code: "unwinnable-outcome",
        message: expect.stringMatching(/make matrix win/),
      }),
    ]);
  });
});
