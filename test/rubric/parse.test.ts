import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseOrganizationsFast } from "../../src/rubric/fast-organizations.js";
import { checkRubricSet } from "../../src/rubric/lint.js";
import { parseOrganization, parseOrganizations, parseRubric } from "../../src/rubric/parse.js";
import { builtIn, builtInIndex, ROOT, RUBRICS_DIR, yamlFiles } from "../helpers/rubrics.js";

const org = (body: string) =>
  parseOrganization(
    `apiVersion: rolefit/v1\nkind: Organization\nname: Acme\n${body}`,
    "org.yaml",
    builtInIndex,
  );
const where = (d: { line: number; column: number; code: string }) =>
  `${d.line}:${d.column} ${d.code}`;

describe("parseOrganization", () => {
  it("accepts a valid file and builds a prototype-less answer map", () => {
    const result = org(
      "answers:\n  stage: scaleup\n  employees: 420\n  collaboration_mechanisms: [combined_pmo, steering_committee]\n",
    );
    expect(result.diagnostics).toEqual([]);
    expect(Object.getPrototypeOf(result.value?.answers)).toBeNull();
    // Multi answers are kept in the rubric's order so equal selections compare alike.
    expect(result.value?.answers.collaboration_mechanisms).toEqual([
      "steering_committee",
      "combined_pmo",
    ]);
  });

  it("treats null answers as unanswered and accepts '45%' for a percent", () => {
    const result = org("answers:\n  stage:\n  digital_revenue_share: 45%\n");
    expect(result.value?.answers.stage).toBeUndefined();
    expect(result.value?.answers.digital_revenue_share).toBe(45);
  });

  it("reads yes and no as true and false for a yes/no question, in both readers", () => {
    for (const [word, meaning] of [
      ["yes", true],
      ["No", false],
      ["'true'", true],
    ] as const) {
      const text = `apiVersion: rolefit/v1\nkind: Organization\nname: X\nanswers:\n  strategic_pivot: ${word}\n`;
      expect(org(`answers:\n  strategic_pivot: ${word}\n`).value?.answers.strategic_pivot).toBe(
        meaning,
      );
      expect(parseOrganizationsFast(text, builtInIndex)?.[0]?.value?.answers).toEqual({
        strategic_pivot: meaning,
      });
    }
    expect(org("answers:\n  strategic_pivot: maybe\n").diagnostics[0]?.message).toMatch(
      /allowed: true or false \(or yes or no\)/,
    );
    // A word that means yes elsewhere is still a word for a question with named answers.
    expect(org("answers:\n  role_conflict: yes\n").diagnostics).toHaveLength(1);
  });

  it.each([
    [
      "answers:\n  stge: scaleup\n",
      "5:3 unknown-question",
      /unknown question "stge" \(did you mean "stage"\?\)/,
    ],
    [
      "answers:\n  stage: scalup\n",
      "5:10 invalid-answer",
      /stage: "scalup" is not an allowed answer \(did you mean "scaleup"\?\); allowed: one of startup/,
    ],
    [
      "answers:\n  employees: 0\n",
      "5:14 invalid-answer",
      /employees: 0 is out of range; allowed: a whole number of at least 1/,
    ],
    ["answers:\n  employees: 4.5\n", "5:14 invalid-answer", /expected a whole number, found 4.5/],
    ["answers:\n  strategic_pivot: maybe\n", "5:20 invalid-answer", /allowed: true or false/],
    [
      "answers:\n  collaboration_mechanisms: [pmo]\n",
      "5:29 invalid-answer",
      /"pmo" is not an allowed option/,
    ],
    [
      "answers:\n  digital_revenue_share: 140\n",
      "5:26 invalid-answer",
      /140 is out of range; allowed: a percentage from 0 to 100/,
    ],
    [
      "answer:\n  stage: scaleup\n",
      "4:1 unknown-key",
      /unknown key "answer" \(did you mean "answers"\?\)/,
    ],
  ])("locates the problem in %j", (body, position, message) => {
    const result = org(body);
    expect(result.value).toBeUndefined();
    expect(result.diagnostics.map(where)).toEqual([position]);
    expect(result.diagnostics[0]?.message).toMatch(message);
  });

  it("reports every problem in a file at once", () => {
    const result = org("answers:\n  stage: scalup\n  employees: -1\n  nonsense: 3\n");
    expect(result.diagnostics.map(where)).toEqual([
      "5:10 invalid-answer",
      "6:14 invalid-answer",
      "7:3 unknown-question",
    ]);
  });

  it.each([
    ["apiVersion: rolefit/v1\nkind: Organization\nname: [unclosed\n", "yaml-syntax"],
    ["apiVersion: rolefit/v1\nkind: Organization\nname: A\nname: B\n", "duplicate-key"],
    ["- just\n- a list\n", "not-a-mapping"],
    ["# only a comment\n", "empty-file"],
    ["apiVersion: rolefit/v1\nkind: Rubric\nname: A\n", "wrong-kind"],
    ["apiVersion: rolefit/v2\nkind: Organization\nname: A\n", "invalid-value"],
    ["apiVersion: rolefit/v1\nkind: Organization\nname: !!js/function 'x'\n", "yaml-syntax"],
    [
      "apiVersion: rolefit/v1\nkind: Organization\nname: A\nanswers:\n  __proto__: 1\n",
      "unknown-key",
    ],
  ])("rejects a broken file %j with %s", (text, code) => {
    const result = parseOrganization(text, "bad.yaml", builtInIndex);
    expect(result.value).toBeUndefined();
    expect(result.diagnostics[0]?.code).toBe(code);
    expect(result.diagnostics[0]?.file).toBe("bad.yaml");
    expect(result.diagnostics[0]?.line).toBeGreaterThan(0);
  });

  it("refuses an alias bomb instead of expanding it", () => {
    const rows = ["a: &a [x, x, x, x, x, x, x, x, x, x]"];
    for (let i = 1; i < 12; i++)
      rows.push(
        `${String.fromCharCode(97 + i)}: &${String.fromCharCode(97 + i)} [${Array(10)
          .fill(`*${String.fromCharCode(96 + i)}`)
          .join(", ")}]`,
      );
    const result = parseOrganization(`${rows.join("\n")}\n`, "bomb.yaml", builtInIndex);
    expect(result.value).toBeUndefined();
    expect(result.diagnostics[0]?.code).toBe("yaml-alias-limit");
  });
});

describe("parseRubric", () => {
  const valid = readFileSync(join(RUBRICS_DIR, "maturity-stage.yaml"), "utf8");

  it("locates an unknown key and suggests the right one", () => {
    const text = valid.replace("weight: 0.45", "wieght: 0.45");
    const result = parseRubric(text, "r.yaml");
    const line = text.split("\n").findIndex((l) => l.startsWith("wieght")) + 1;
    expect(result.diagnostics.map((d) => [d.line, d.column, d.code])).toContainEqual([
      line,
      1,
      "unknown-key",
    ]);
    expect(result.diagnostics.find((d) => d.code === "unknown-key")?.message).toMatch(
      /did you mean "weight"/,
    );
  });

  it("names the allowed question types for a wrong one", () => {
    const result = parseRubric(valid.replace("type: choice", "type: chioce"), "r.yaml");
    expect(result.diagnostics[0]?.message).toMatch(
      /questions\[0\]\.type: expected one of choice, multi, scale, integer, percent, boolean, found "chioce" \(did you mean "choice"\?\)/,
    );
  });

  it("requires a positive weight", () => {
    const result = parseRubric(valid.replace("weight: 0.45", "weight: 0"), "r.yaml");
    expect(result.diagnostics[0]?.message).toMatch(/weight: expected a number above 0, found 0/);
  });
});

describe("checkRubricSet", () => {
  it("passes the built-in rubrics", () => {
    expect(checkRubricSet(builtIn)).toEqual([]);
  });

  it("finds duplicate question ids across files", () => {
    const copy = builtIn[0];
    if (!copy) throw new Error("no rubric");
    const twin = { ...copy, rubric: { ...copy.rubric, id: "twin" } };
    const problems = checkRubricSet([...builtIn, twin]);
    expect(problems.some((d) => d.code === "duplicate-question-id")).toBe(true);
  });

  it("finds rules that name unknown questions or answers, and bands out of order", () => {
    const text = `apiVersion: rolefit/v1
kind: Rubric
id: broken
title: Broken
description: Broken on purpose.
weight: 1
questions:
  - id: size_band
    prompt: Size?
    help: Size.
    type: integer
    min: 0
    bands:
      - { from: 0, effect: { combine: 1 }, reason: small }
      - { from: 0, effect: { separate: 1 }, reason: also small }
rules:
  - id: r1
    effect: forbid
    outcome: matrix
    when: { all: [{ question: regulatory_complexiti, in: [high] }, { question: stage, in: [huge] }] }
    reason: Broken.
`;
    const parsed = parseRubric(text, "broken.yaml");
    expect(parsed.diagnostics).toEqual([]);
    const problems = checkRubricSet([
      ...builtIn,
      parsed.value as NonNullable<typeof parsed.value>,
    ]).filter((d) => d.file === "broken.yaml");
    expect(problems.map((d) => [d.line, d.code])).toEqual([
      [15, "band-order"],
      [20, "unknown-question"],
      [20, "unknown-answer"],
    ]);
    expect(problems[1]?.message).toMatch(/did you mean "regulatory_complexity"/);
  });
});

describe("parseOrganizationsFast", () => {
  const files = [
    ...yamlFiles(join(ROOT, "examples")),
    ...yamlFiles(join(ROOT, "test", "fixtures", "calibration")),
  ];

  it("reads every well-formed file it takes exactly as the careful parser does", () => {
    let taken = 0;
    for (const file of files) {
      const text = readFileSync(file, "utf8");
      // Files with anchors or an ampersand in a name are left to the careful parser.
      if (parseOrganizationsFast(text, builtInIndex) === undefined) continue;
      taken++;
      const fast = parseOrganizationsFast(text, builtInIndex)?.map((r) => ({
        ...r.value,
        source: undefined,
      }));
      const careful = parseOrganizations(text, file, builtInIndex).map((r) => ({
        ...r.value,
        source: undefined,
      }));
      expect(fast, file).toEqual(careful);
    }
    expect(taken).toBeGreaterThan(files.length / 2);
  });

  it.each([
    ["a bad answer", "answers:\n  stage: scalup\n", "5:10 invalid-answer"],
    ["an alias", "answers:\n  stage: &s startup\n  current_structure: *s\n", "6:22 invalid-answer"],
    ["a custom tag", "answers:\n  stage: !!js/function 'x'\n", "5:10 yaml-syntax"],
    ["a duplicate key", "answers:\n  stage: startup\n  stage: growth\n", "6:3 duplicate-key"],
  ])(
    "leaves %s to the careful parser, so problems keep their positions",
    (_name, body, expected) => {
      const text = `apiVersion: rolefit/v1\nkind: Organization\nname: Acme\n${body}`;
      expect(parseOrganizationsFast(text, builtInIndex)).toBeUndefined();
      const [result] = parseOrganizations(text, "org.yaml", builtInIndex);
      expect(result?.value).toBeUndefined();
      expect(result?.diagnostics.map(where)).toContain(expected);
    },
  );
});

describe("answers written as the rubric labels them", () => {
  it("read as their values, the careful way and the fast way alike", () => {
    const text =
      'apiVersion: rolefit/v1\nkind: Organization\nname: L\nanswers:\n  digital_maturity: "3 defined"\n  security_owner: independent ciso\n';
    const careful = parseOrganization(text, "l.yaml", builtInIndex).value?.answers;
    const fast = parseOrganizationsFast(text, builtInIndex)?.[0]?.value?.answers;
    expect({ ...careful }).toEqual({ digital_maturity: 3, security_owner: "ciso" });
    expect({ ...fast }).toEqual({ ...careful });
  });
});
