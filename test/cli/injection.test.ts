import { mkdirSync, mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import MarkdownIt from "markdown-it";
import { describe, expect, it } from "vitest";
import { csvField } from "../../src/report/batch.js";
import { markdownText } from "../../src/text/markdown-escape.js";
import { cut, visible } from "../../src/text/visible.js";
import { rolefit } from "../helpers/cli.js";
import { ROOT } from "../helpers/rubrics.js";

/** Any raw control character a terminal could obey; CSV's own \r\n row ends are allowed. */
const CONTROLS =
  "[\\u0000-\\u0008\\u000b\\u000c\\u000e-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069]|\\r(?!\\n)";
const RAW_CONTROL = new RegExp(CONTROLS);

const dir = mkdtempSync(join(tmpdir(), "rolefit-inject-"));

// Control characters reach rolefit through YAML escapes, which the raw-byte check cannot see.
const EVIL_NAME = String.raw`Evil\e]52;c;cm0gLXJmIH4=\a\e[2J\x9b31m\u202eCorp\nfake.yaml:1:1: error`;
const org = (name: string, extra = "") =>
  `apiVersion: rolefit/v1\nkind: Organization\nname: "${name}"\ndescription: "\\e[5m"\nanswers:\n  stage: scaleup\n  employees: 300\n${extra}`;

const evilFolder = join(dir, "units");
mkdirSync(evilFolder);
// A file name holding an escape and a line break.
const evilFile = join(evilFolder, "a\u001b[31m\nb.yaml");
writeFileSync(evilFile, org(EVIL_NAME));
const brokenFile = join(evilFolder, "broken.yaml");
writeFileSync(brokenFile, org("Broken", '  "bad\\e[2Jkey": 1\n  stage2: "\\e[31m"\n'));
const badValue = join(dir, "bad-value.yaml");
writeFileSync(
  badValue,
  'apiVersion: rolefit/v1\nkind: Organization\nname: x\nanswers:\n  stage: "\\e[2J\\nsrc/x.yaml:1:1: error fake"\n',
);

// A firm's own rubric whose texts carry escapes and Markdown: rubric text is input too.
const hostileRubrics = join(dir, "rubrics");
mkdirSync(hostileRubrics);
for (const name of readdirSync(join(ROOT, "rubrics"))) {
  const text = readFileSync(join(ROOT, "rubrics", name), "utf8")
    .replace(/^title: (.*)$/m, 'title: "$1\\e[2J <b>x</b>"')
    .replace(/^( +)label: Startup$/m, '$1label: "Start\\e]0;pwned\\aup"')
    .replace(/^( +)label: Single$/m, '$1label: "Sin\\e]0;pwned\\agle"')
    .replace(/^( +)prompt: (Which stage best describes.*)$/m, '$1prompt: "$2\\e[2J"')
    .replace(
      /^( +)reason: (At startup stage.*)$/m,
      '$1reason: "# $2 [click](http://evil.example) \\x9b31m"',
    );
  writeFileSync(join(hostileRubrics, name), text);
}
const startup = join(dir, "startup.yaml");
// Fully answered, so the result shows its reasons (and the rubric's labels in them).
writeFileSync(
  startup,
  readFileSync(join(ROOT, "examples", "seed-startup.yaml"), "utf8").replace(
    /^name: .*$/m,
    'name: "Startup Org"',
  ),
);

const withHostileRubrics = (format: string) => [
  "assess",
  "--rubrics",
  hostileRubrics,
  "--org",
  startup,
  "--format",
  format,
];

function expectNoRawControl(text: string, what: string) {
  const found = RAW_CONTROL.exec(text);
  expect(found && `${what}: U+${found[0].charCodeAt(0).toString(16)} at ${found.index}`).toBeNull();
}

describe("no input takes over a screen", () => {
  it("escapes control characters in every format and every message", { timeout: 120_000 }, () => {
    const runs = [
      ...["text", "json", "markdown", "html"].map((format) => [
        "assess",
        "--org",
        evilFile,
        "--format",
        format,
      ]),
      ...["text", "json", "jsonl", "csv"].map((format) => [
        "assess",
        "--org",
        evilFolder,
        "--format",
        format,
      ]),
      ...["text", "json", "github", "sarif"].map((format) => [
        "validate",
        evilFile,
        brokenFile,
        badValue,
        "--format",
        format,
      ]),
      ["assess", "--org", badValue],
      ["assess", "--org", brokenFile],
      ["diff", evilFile, join(dir, "missing\u001b[2J.yaml")],
      ...["text", "markdown", "json"].map((format) => [
        "diff",
        evilFile,
        evilFile,
        "--format",
        format,
      ]),
      ["assess", "--org", join(dir, "no\u001b]0;title\u0007such.yaml")],
      ...["text", "markdown", "html", "json"].map(withHostileRubrics),
      ["explain", "stage", "--rubrics", hostileRubrics],
      ["rubrics", "--rubrics", hostileRubrics],
      ["rubrics", "--rubrics", hostileRubrics, "--format", "json"],
    ];
    for (const args of runs) {
      const run = rolefit(args);
      expect(run.status, `${args.join(" ")}\n${run.stderr}`).not.toBeNull();
      expectNoRawControl(run.stdout, `stdout of ${visible(args.join(" "))}`);
      expectNoRawControl(run.stderr, `stderr of ${visible(args.join(" "))}`);
    }
  });

  it("escapes a rubric's labels and prompts where a diff or an open result shows them", () => {
    const scaleup = join(dir, "scaleup.yaml");
    writeFileSync(
      scaleup,
      readFileSync(startup, "utf8").replace("stage: startup", "stage: scaleup"),
    );
    const diff = rolefit(["diff", startup, scaleup, "--rubrics", hostileRubrics]);
    expect(diff.status, diff.stderr).toBe(0);
    expect(diff.stdout).toContain("Start\\e]0;pwned\\x07up");
    expectNoRawControl(diff.stdout, "diff");
    const open = join(dir, "open.yaml");
    writeFileSync(open, org("Open Org"));
    const undecided = rolefit(["assess", "--org", open, "--rubrics", hostileRubrics]);
    expect(undecided.stdout).toContain("What to answer first");
    expect(undecided.stdout).toContain("\\e[2J");
    expectNoRawControl(undecided.stdout, "open result");
  });

  it("shows a rubric's own text escaped too", () => {
    const run = rolefit(withHostileRubrics("text"));
    expect(run.status, run.stderr).toBe(0);
    expect(run.stdout).toContain("Sin\\e]0;pwned\\x07gle");
    const markdown = rolefit(withHostileRubrics("markdown")).stdout;
    const html = new MarkdownIt().render(markdown);
    expect(html).not.toMatch(/<a (?!href="#[a-z0-9-]+">)|<b>/);
    expect(html).toContain("[click](http://evil.example)");
  });

  it("writes init's comments from rubric text on one line each, escaped", () => {
    const init = rolefit(["init", "--rubrics", hostileRubrics]);
    expect(init.status, init.stderr).toBe(0);
    expectNoRawControl(init.stdout, "init");
    const file = join(dir, "template.yaml");
    writeFileSync(file, init.stdout);
    expect(rolefit(["validate", file, "--rubrics", hostileRubrics]).status).toBe(0);
  });

  it("keeps a line break typed on the command line inside its one line", () => {
    for (const args of [
      ["assess", "--org", evilFile, "--set", 'x\nfake.yaml:1:1: unknown question "y"=1'],
      ["explain", "x\nfake.yaml:2:2: injected"],
      ["--x\nfake.yaml:3:3: injected"],
      ["assess", "--org", evilFile, "--format", "x\nfake.yaml:4:4: injected"],
    ]) {
      const run = rolefit(args);
      expect(run.status, visible(args.join(" "))).toBe(2);
      expect(run.stderr).not.toMatch(/^fake\.yaml/m);
    }
  });

  it("never lets a message print a line that looks like another finding", () => {
    const run = rolefit(["assess", "--org", badValue]);
    expect(run.status).toBe(1);
    expect(run.stderr.trimEnd().split("\n")).toHaveLength(1);
    expect(run.stderr).toContain("\\e[2J\\nsrc/x.yaml:1:1");
    const text = rolefit(["assess", "--org", evilFile]);
    expect(text.stdout).toContain("Evil\\e]52;c;cm0gLXJmIH4=\\x07\\e[2J\\x9b31m\\u202eCorp\\nfake");
    expect(text.stdout).not.toMatch(/^fake\.yaml/m);
  });

  it("cuts text without splitting an escape", () => {
    const shown = visible("ab\u009bcd");
    expect(shown).toBe("ab\\x9bcd");
    for (let width = 1; width <= shown.length; width++) {
      const out = cut(shown, width);
      expect(out.length).toBeLessThanOrEqual(width);
      expect(out).not.toMatch(/\\(x[0-9a-f]?)?…$/);
    }
  });
});

describe("spreadsheets", () => {
  it("neutralises text a spreadsheet would run as a formula, but not numbers", () => {
    for (const formula of ["=1+1", "+1", "-1+2", "@SUM(A1)", '=HYPERLINK("http://x")'])
      expect(csvField(formula).replace(/^"|"$/g, "")).toMatch(/^'/);
    expect(csvField(-2.5)).toBe("-2.5");
    expect(csvField("plain")).toBe("plain");
  });

  it("writes formula-like names with a leading quote in a batch, even after trimming", () => {
    const folder = join(dir, "formulas");
    mkdirSync(folder);
    writeFileSync(join(folder, "a.yaml"), org("  =cmd|' /C calc'!A0"));
    writeFileSync(join(folder, "b.yaml"), org("@SUM(1)"));
    const run = rolefit(["assess", "--org", folder, "--format", "csv"]);
    const rows = run.stdout.split("\r\n");
    expect(rows[1]).toContain(",'=cmd|' /C calc'!A0,");
    expect(rows[2]).toContain(",'@SUM(1),");
  });
});

describe("Markdown", () => {
  // With linkify, as GitHub's flavour turns bare URLs and addresses into links.
  const md = new MarkdownIt({ linkify: true });
  const PAYLOAD =
    "ceo@evil.example xmpp:a@evil.example # Heading <img src=x onerror=alert(1)> [click](http://evil.example) ![i](http://x/y.png) **bold** _em_ `code` &copy; | pipe | <http://auto.example> www.evil.example https://evil.example";

  /** Tokens of the rendered document: every kind, and the heading outline. */
  function outline(markdown: string) {
    const tokens = md.parse(markdown, {});
    const kinds = new Set<string>();
    const walk = (list: typeof tokens) => {
      for (const token of list) {
        // The contents list links to the report's own sections: those are the report's, not input.
        const ownAnchor = token.type === "link_open" && token.attrGet("href")?.startsWith("#");
        if (!ownAnchor) kinds.add(token.type);
        if (token.children) walk(token.children);
      }
    };
    walk(tokens);
    const headings = tokens
      .map((token, i) =>
        token.type === "heading_open" ? `${token.tag} ${tokens[i + 1]?.content}` : "",
      )
      .filter(Boolean);
    return { kinds, headings };
  }

  it("escapes user text so it stays literal text", () => {
    const { kinds } = outline(markdownText(PAYLOAD));
    for (const kind of [
      "html_inline",
      "html_block",
      "link_open",
      "image",
      "strong_open",
      "em_open",
      "code_inline",
      "heading_open",
    ])
      expect(kinds.has(kind), kind).toBe(false);
    expect(md.render(markdownText(PAYLOAD))).toContain("# Heading &lt;img src=x");
    for (const start of ["# a", "> a", "- a", "+ a", "1. a", "1) a", "=== a", "    code", "---"])
      expect([...outline(markdownText(start)).kinds]).toEqual([
        "paragraph_open",
        "inline",
        "text",
        "paragraph_close",
      ]);
  });

  it("renders the report with the same outline whatever the organisation is called", () => {
    const plain = join(dir, "plain.yaml");
    const hostile = join(dir, "hostile.yaml");
    writeFileSync(plain, org("Plain Org"));
    writeFileSync(hostile, org(PAYLOAD.replace(/"/g, '\\"')));
    const reports = [plain, hostile].map(
      (file) => rolefit(["assess", "--org", file, "--format", "markdown"]).stdout,
    );
    const [a, b] = reports.map((report) => outline(report as string));
    expect(b?.headings.slice(1)).toEqual(a?.headings.slice(1));
    expect(b?.headings).toHaveLength(a?.headings.length ?? 0);
    for (const kind of ["html_inline", "html_block", "link_open", "image"])
      expect(b?.kinds.has(kind), kind).toBe(false);
    const html = md.render(reports[1] as string);
    expect(html).not.toMatch(/<img|<a (?!href="#[a-z0-9-]+">)/);
  });
});

describe("SARIF", () => {
  it("percent-encodes artifact URIs", () => {
    const file = join(dir, "with space#and?hash.yaml");
    writeFileSync(file, "apiVersion: rolefit/v1\nkind: Organization\nanswers: {}\n");
    const run = rolefit(["validate", file, "--format", "sarif"], { cwd: dir });
    const sarif = JSON.parse(run.stdout);
    expect(sarif.runs[0].results[0].locations[0].physicalLocation.artifactLocation.uri).toBe(
      "with%20space%23and%3Fhash.yaml",
    );
  });
});
