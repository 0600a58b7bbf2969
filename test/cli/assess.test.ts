import { copyFileSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { json, rolefit } from "../helpers/cli.js";
import { ROOT, RUBRICS_DIR } from "../helpers/rubrics.js";

const FIXTURE = join(ROOT, "test", "fixtures", "calibration", "12-saas-shared-platforms.yaml");
const tmp = () => mkdtempSync(join(tmpdir(), "rolefit-test-"));

interface Result {
  recommendation: string;
  runnerUp: string;
  scores: Record<string, number>;
  whatWouldChange: Array<{
    questionId: string;
    from: unknown;
    to: unknown;
    recommendation: string;
  }>;
  reasons: unknown[];
  [key: string]: unknown;
}

describe("rolefit assess --org", () => {
  it("prints the recommendation, scores, reasons and guidance as text", () => {
    const run = rolefit(["assess", "--org", FIXTURE]);
    expect(run.status).toBe(0);
    expect(run.stderr).toBe("");
    expect(run.stdout).toMatch(/Recommendation\s+MATRIX\s+confidence (high|medium|low)/);
    for (const section of [
      "Scores",
      "Why matrix rather than",
      "What would change it",
      "To make matrix work",
      "Blended scorecard",
    ]) {
      expect(run.stdout).toContain(section);
    }
    expect(run.stdout).not.toContain("\u001b[");
  });

  it("prints every SPEC field with the right type as JSON", () => {
    const result = json<Result>(rolefit(["assess", "--org", FIXTURE, "--format", "json"]));
    expect(result).toMatchObject({
      schemaVersion: 1,
      organization: expect.any(String),
      source: FIXTURE,
      recommendation: expect.stringMatching(/^(combine|separate|matrix)$/),
      runnerUp: expect.stringMatching(/^(combine|separate|matrix)$/),
      scores: {
        combine: expect.any(Number),
        separate: expect.any(Number),
        matrix: expect.any(Number),
      },
      margin: expect.any(Number),
      confidence: expect.stringMatching(/^(high|medium|low)$/),
      unanswered: expect.any(Array),
      rules: expect.any(Array),
      reasons: expect.any(Array),
      counterReasons: expect.any(Array),
      whatWouldChange: expect.any(Array),
      mechanisms: expect.any(Array),
      metrics: expect.any(Array),
    });
    expect(result.reasons[0]).toMatchObject({
      questionId: expect.any(String),
      outcome: "matrix",
      contribution: expect.any(Number),
      text: expect.any(String),
    });
  });

  it("reads an org from standard input with --org -", () => {
    const result = json<Result>(
      rolefit(["assess", "--org", "-", "--format", "json"], {
        input: readFileSync(FIXTURE, "utf8"),
      }),
    );
    expect(result.source).toBe("-");
    expect(result.recommendation).toBe("matrix");
  });

  it("applies --set overrides, and every what-would-change entry holds when applied", () => {
    const base = json<Result>(rolefit(["assess", "--org", FIXTURE, "--format", "json"]));
    expect(base.whatWouldChange.length).toBeGreaterThan(0);
    for (const change of base.whatWouldChange) {
      const value = Array.isArray(change.to) ? `[${change.to.join(",")}]` : String(change.to);
      const flipped = json<Result>(
        rolefit([
          "assess",
          "--org",
          FIXTURE,
          "--format",
          "json",
          "--set",
          `${change.questionId}=${value}`,
        ]),
      );
      expect(flipped.recommendation, `${change.questionId}=${value}`).toBe(change.recommendation);
    }
  });

  it("rejects a bad --set with exit 2 and says what is allowed", () => {
    const unknown = rolefit(["assess", "--org", FIXTURE, "--set", "stge=startup"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/unknown question "stge" \(did you mean "stage"\?\)/);
    const badValue = rolefit(["assess", "--org", FIXTURE, "--set", "employees=lots"]);
    expect(badValue.status).toBe(2);
    expect(badValue.stderr).toMatch(
      /employees: expected a number, found "lots"; allowed: a whole number of at least 1/,
    );
    expect(rolefit(["assess", "--org", FIXTURE, "--set", "employees"]).status).toBe(2);
  });

  it("takes yes and no for a yes/no question in --set", () => {
    for (const [word, meaning] of [
      ["yes", true],
      ["no", false],
    ] as const) {
      const run = rolefit([
        "assess",
        "--org",
        FIXTURE,
        "--set",
        `strategic_pivot=${word}`,
        "--format",
        "json",
      ]);
      expect(run.status).toBe(0);
      expect(JSON.parse(run.stdout).answers.strategic_pivot).toBe(meaning);
    }
  });

  it("writes the result atomically with --out and prints nothing", () => {
    const out = join(tmp(), "result.json");
    const run = rolefit(["assess", "--org", FIXTURE, "--format", "json", "--out", out]);
    expect(run.status).toBe(0);
    expect(run.stdout).toBe("");
    expect(JSON.parse(readFileSync(out, "utf8")).recommendation).toBe("matrix");
    const missing = rolefit([
      "assess",
      "--org",
      FIXTURE,
      "--out",
      join(tmp(), "no", "such", "dir", "x.txt"),
    ]);
    expect(missing.status).toBe(1);
    expect(missing.stderr).toMatch(/cannot write: folder .* does not exist/);
  });

  it("gives the same output whatever order the rubric files are loaded in", () => {
    const [a, b] = [tmp(), tmp()];
    const names = readdirSync(RUBRICS_DIR)
      .filter((n) => n.endsWith(".yaml"))
      .sort();
    for (const [i, name] of names.entries()) {
      copyFileSync(join(RUBRICS_DIR, name), join(a, `${i}-${name}`));
      copyFileSync(join(RUBRICS_DIR, name), join(b, `${names.length - i}-${name}`));
    }
    const runA = rolefit(["assess", "--org", FIXTURE, "--format", "json", "--rubrics", a]);
    const runB = rolefit(["assess", "--org", FIXTURE, "--format", "json", "--rubrics", b]);
    expect(runA.status).toBe(0);
    expect(runB.stdout).toBe(runA.stdout);
    expect(rolefit(["assess", "--org", FIXTURE, "--format", "json"]).stdout).toBe(runA.stdout);
  });
});

describe("rolefit assess --summary and --details", () => {
  const org = join(ROOT, "examples", "northwind-payments.yaml");

  it("prints the one-screen summary anywhere, and says where the rest is", () => {
    const run = rolefit(["assess", "--org", org, "--summary"]);
    expect(run.status, run.stderr).toBe(0);
    const lines = run.stdout.trimEnd().split("\n");
    expect(lines[0]).toBe("Northwind Payments");
    expect(run.stdout).toMatch(/Recommendation +COMBINE +confidence high/);
    expect(run.stdout).toContain("Why combine");
    expect(run.stdout).toContain("Pointing elsewhere");
    expect(run.stdout).toMatch(
      /The full report: rolefit assess --org \S+northwind-payments\.yaml --details/,
    );
    // The summary itself fits a 24-row screen with its hint.
    expect(lines.length).toBeLessThanOrEqual(24);
    // Every line but the command to copy fits 80 columns.
    for (const line of lines.slice(0, -1)) expect(line.length).toBeLessThanOrEqual(80);
    expect(run.stdout).not.toContain("Scores");
  });

  it("prints the full report with --details, as piped output always has", () => {
    const details = rolefit(["assess", "--org", org, "--details"]);
    const piped = rolefit(["assess", "--org", org]);
    expect(details.status).toBe(0);
    expect(details.stdout).toBe(piped.stdout);
    expect(details.stdout).toContain("Scores");
  });

  it("rejects --summary with --details, with another format, or for a batch, with exit 2", () => {
    for (const args of [
      ["--summary", "--details"],
      ["--summary", "--format", "json"],
    ]) {
      const run = rolefit(["assess", "--org", org, ...args]);
      expect(run.status, args.join(" ")).toBe(2);
    }
    const batch = rolefit(["assess", "--org", join(ROOT, "examples", "respondents"), "--summary"]);
    expect(batch.status).toBe(2);
    expect(batch.stderr).toMatch(/--summary shows one organisation's result/);
  });
});

describe("the handout's cover and contents", () => {
  it("names who it is for and by, the date and the rubrics, from flags or the org file", () => {
    const dir = tmp();
    const file = join(dir, "acme.yaml");
    writeFileSync(
      file,
      readFileSync(join(ROOT, "examples", "northwind-payments.yaml"), "utf8").replace(
        /^name: .*$/m,
        'name: Acme\npreparedFor: The board of Acme\npreparedBy: "Quote \\" and </style> Ltd"',
      ),
    );
    const env = { SOURCE_DATE_EPOCH: "1780000000" };
    const markdown = rolefit(["assess", "--org", file, "--format", "markdown"], { env });
    expect(markdown.status, markdown.stderr).toBe(0);
    expect(markdown.stdout).toContain("| Prepared for | The board of Acme |");
    expect(markdown.stdout).toContain("| Date | 2026-05-28 |");
    expect(markdown.stdout).toMatch(/\| Rubrics \| Maturity stage \d+\.\d+\.\d+, /);
    expect(markdown.stdout).toMatch(/\*\*Contents\*\*\n\n1\. \[Summary\]\(#summary\)/);
    const html = rolefit(
      ["assess", "--org", file, "--format", "html", "--prepared-for", "Acme's CEO"],
      { env },
    ).stdout;
    expect(html).toContain("<dt>Prepared for</dt><dd>Acme&#39;s CEO</dd>");
    expect(html).toContain('<nav class="contents"');
    expect(html).toContain('<section id="summary">');
    // The running header is a CSS string: nothing from the org file can close the style.
    expect(html.match(/<\/style>/g)).toHaveLength(1);
    expect(html).toContain('@top-left { content: "Technology leadership structure: Acme"');
    expect(html).toContain('counter(page) " of " counter(pages)');
  });
});

describe("rolefit assess report formats", () => {
  it("prints Markdown and HTML, and writes HTML atomically with --out", () => {
    const markdown = rolefit(["assess", "--org", FIXTURE, "--format", "markdown"]);
    expect(markdown.status).toBe(0);
    expect(markdown.stdout).toMatch(/^# Technology leadership structure: /);
    const html = rolefit(["assess", "--org", FIXTURE, "--format", "html"]);
    expect(html.stdout).toMatch(/^<!doctype html>/);
    const out = join(tmp(), "report.html");
    expect(rolefit(["assess", "--org", FIXTURE, "--format", "html", "--out", out]).stdout).toBe("");
    expect(readFileSync(out, "utf8")).toBe(html.stdout);
  });
});

describe("rolefit explain", () => {
  it("explains a question and a rule, and rejects an unknown id with exit 2", () => {
    expect(rolefit(["explain", "strategic_pivot"]).stdout).toMatch(
      /strategic_pivot {2}\(question in consolidation-triggers, boolean\)/,
    );
    const rule = json<{ kind: string; questions: string[] }>(
      rolefit(["explain", "run-side-in-crisis", "--format", "json"]),
    );
    expect(rule).toMatchObject({
      kind: "rule",
      questions: [
        "regulatory_complexity",
        "major_incidents_12m",
        "incident_root_cause",
        "employees",
      ],
    });
    const unknown = rolefit(["explain", "pivot"]);
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toMatch(/no question or rule "pivot"/);
  });
});

describe("rolefit assess errors", () => {
  it("reports a bad org file as FILE:LINE:COL lines, exit 1, no stack trace", () => {
    const file = join(tmp(), "bad.yaml");
    writeFileSync(
      file,
      "apiVersion: rolefit/v1\nkind: Organization\nname: Bad\nanswers:\n  stage: scalup\n  employes: 4\n",
    );
    const run = rolefit(["assess", "--org", file]);
    expect(run.status).toBe(1);
    expect(run.stdout).toBe("");
    expect(run.stderr.trim().split("\n")).toEqual([
      `${file}:5:10: stage: "scalup" is not an allowed answer (did you mean "scaleup"?); allowed: one of startup, scaleup, growth, mature, enterprise`,
      `${file}:6:3: unknown question "employes" (did you mean "employees"?); run \`rolefit rubrics\` to list the questions`,
    ]);
  });

  it.each([
    [
      "a missing file",
      ["--org", "/no/such/file.yaml"],
      /\/no\/such\/file.yaml: no such file or folder/,
    ],
    [
      "a folder without YAML files",
      ["--org", "EMPTY"],
      /EMPTY_DIR: folder holds no \.yaml or \.yml files/,
    ],
    ["invalid UTF-8", ["--org", "BINARY"], /not valid UTF-8 \(bad byte at offset 3\)/],
    [
      "a control character",
      ["--org", "CONTROL"],
      /contains the control character U\+0007 on line 2/,
    ],
  ])("reports %s with exit 1", (_name, args, message) => {
    const binary = join(tmp(), "binary.yaml");
    writeFileSync(binary, Buffer.from([0x61, 0x3a, 0x20, 0xff, 0xfe, 0x0a]));
    const control = join(tmp(), "control.yaml");
    writeFileSync(control, 'apiVersion: rolefit/v1\nname: "X\u0007"\n');
    const empty = tmp();
    const run = rolefit([
      "assess",
      ...args.map((a) =>
        a === "BINARY" ? binary : a === "EMPTY" ? empty : a === "CONTROL" ? control : a,
      ),
    ]);
    expect(run.status).toBe(1);
    expect(run.stderr).toMatch(new RegExp(message.source.replace("EMPTY_DIR", empty)));
    expect(run.stderr).not.toMatch(/\n\s+at /);
  });

  it.each([
    [["assess", "--bogus"], /unknown option '--bogus'/],
    [["assess", "--org"], /option '--org <paths\.\.\.>' argument missing/],
    [
      ["assess", "--org", FIXTURE, "--format", "xml"],
      /argument 'xml' is invalid. Allowed choices are text, json/,
    ],
    [["asess"], /unknown command 'asess'/],
    [
      ["assess"],
      /no --org file and no terminal for an interview; pass an org file: rolefit assess --org FILE/,
    ],
  ])("exits 2 on usage error %j", (args, message) => {
    const run = rolefit(args);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(message);
  });

  it("prints help and version with exit 0", () => {
    const help = rolefit(["assess", "--help"]);
    expect(help.status).toBe(0);
    expect(help.stdout).toMatch(/--set <question=value>/);
    const { version } = JSON.parse(readFileSync(join(ROOT, "package.json"), "utf8"));
    for (const flag of ["--version", "-v", "-V"]) {
      const run = rolefit([flag]);
      expect(run.status, flag).toBe(0);
      expect(run.stdout).toBe(`${version}\n`);
    }
  });

  it("suggests the flag meant, whether its value follows after a space or an =", () => {
    for (const args of [
      ["assess", "--formt", "json"],
      ["assess", "--formt=json"],
    ]) {
      const run = rolefit(args);
      expect(run.status).toBe(2);
      expect(run.stderr).toMatch(/unknown option '--formt'\n\(Did you mean --format\?\)/);
    }
    const explain = rolefit(["explain", "major_incident_12m"]);
    expect(explain.status).toBe(2);
    expect(explain.stderr).toMatch(/did you mean "major_incidents_12m"\?/);
  });
});

describe("rolefit assess with too little answered", () => {
  const dir = tmp();
  const blank = join(dir, "blank.yaml");
  writeFileSync(blank, rolefit(["init", "--name", "Blank Ltd"]).stdout);

  it("gives no recommendation yet, says what to answer first, and exits 0", () => {
    const text = rolefit(["assess", "--org", blank]);
    expect(text.status, text.stderr).toBe(0);
    expect(text.stdout).toMatch(/No recommendation yet\. Too little is answered/);
    expect(text.stdout).toMatch(/Recommendation {2}none yet {3}confidence low/);
    expect(text.stdout).not.toMatch(/COMBINE|SEPARATE|MATRIX/);
    const result = json<{
      recommendation: null;
      undecided: { reason: string; answerFirst: string[] };
    }>(rolefit(["assess", "--org", blank, "--format", "json"]));
    expect(result.recommendation).toBeNull();
    expect(result.undecided.reason).toBe("too-little-answered");
    expect(result.undecided.answerFirst.length).toBeGreaterThan(0);
  });

  it("leaves the recommendation cells of a CSV row empty, and counts it apart", () => {
    const csv = rolefit(["assess", "--org", blank, "--format", "csv"]);
    expect(csv.status).toBe(0);
    expect(csv.stdout.split("\r\n")[1]).toMatch(/^[^,]*,Blank Ltd,,,low,/);
    const table = rolefit(["assess", "--org", blank, join(ROOT, "examples", "seed-startup.yaml")]);
    expect(table.stdout).toMatch(/Blank Ltd +undecided/);
    expect(table.stdout).toMatch(
      /2 assessed: 1 combine, 0 separate, 0 matrix; 1 with no recommendation yet/,
    );
  });
});
