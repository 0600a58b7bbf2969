import { describe, expect, it } from "vitest";
import { compileRubrics } from "../../src/engine/compile.js";
import { unwinnableOutcomes } from "../../src/engine/reach.js";
import { FINDING_CODES } from "../../src/report/findings.js";
import type { Diagnostic } from "../../src/rubric/diagnostic.js";
import { checkRubricSet } from "../../src/rubric/lint.js";
import { parseOrganization, parseRubric } from "../../src/rubric/parse.js";
import { builtIn, builtInIndex } from "../helpers/rubrics.js";

/** A small valid rubric; each fixture below breaks one thing in it. Line numbers are 1-based. */
const QUESTION = `  - id: team_size
    prompt: How big is the team?
    help: People.
    type: integer
    min: 0
    bands:
      - { from: 0, effect: { combine: 1 }, reason: Small. }
      - { from: 10, effect: { separate: 1, matrix: 2 }, reason: Large. }
  - id: mood
    prompt: How do they get on?
    help: Pick one.
    type: choice
    answers:
      - { value: calm, effect: { combine: 1 }, reason: Calm. }
      - { value: tense, effect: { separate: 2 }, reason: Tense. }`;
const rubric = (body = QUESTION, rules = "rules: []", head = "") =>
  `apiVersion: rolefit/v1\nkind: Rubric\nid: fixture\ntitle: Fixture\ndescription: A fixture.\nweight: 1\n${head}questions:\n${body}\n${rules}\n`;
const org = (answers: string) =>
  `apiVersion: rolefit/v1\nkind: Organization\nname: Acme\nanswers:\n${answers}\n`;

function rubricFindings(text: string): Diagnostic[] {
  const parsed = parseRubric(text, "r.yaml");
  if (!parsed.value) return parsed.diagnostics;
  return checkRubricSet([...builtIn, parsed.value]).filter((d) => d.file === "r.yaml");
}

const FIXTURES: Array<[code: string, findings: () => Diagnostic[], line: number, column: number]> =
  [
    ["yaml-syntax", () => rubricFindings("apiVersion: rolefit/v1\nkind: [Rubric\n"), 3, 1],
    [
      "duplicate-key",
      () => rubricFindings(rubric().replace("weight: 1\n", "weight: 1\nweight: 2\n")),
      7,
      1,
    ],
    [
      "yaml-alias-limit",
      () =>
        rubricFindings(
          `a: &a [x, x, x, x, x, x, x, x, x, x]\n${Array.from({ length: 4 }, (_, i) => `${"bcde"[i]}: &${"bcde"[i]} [${Array(10).fill(`*${"abcd"[i]}`).join(", ")}]`).join("\n")}\n`,
        ),
      1,
      1,
    ],
    ["multiple-documents", () => rubricFindings(`${rubric()}---\n${rubric()}`), 24, 1],
    ["empty-file", () => rubricFindings("# nothing here\n"), 1, 1],
    ["not-a-mapping", () => rubricFindings("- a\n- b\n"), 1, 1],
    [
      "wrong-kind",
      () => rubricFindings(rubric().replace("kind: Rubric", "kind: Organization")),
      2,
      7,
    ],
    ["unknown-key", () => rubricFindings(rubric().replace("weight: 1", "wieght: 1")), 6, 1],
    ["missing-key", () => rubricFindings(rubric().replace("title: Fixture\n", "")), 1, 1],
    ["invalid-value", () => rubricFindings(rubric().replace("weight: 1", "weight: -1")), 6, 9],
    [
      "unknown-question",
      () =>
        rubricFindings(
          rubric(
            QUESTION,
            "rules:\n  - { id: r, effect: forbid, outcome: matrix, when: { question: moood, in: [calm] }, reason: A rule. }",
          ),
        ),
      24,
      65,
    ],
    [
      "unknown-answer",
      () =>
        rubricFindings(
          rubric(
            QUESTION,
            "rules:\n  - { id: r, effect: forbid, outcome: matrix, when: { question: mood, in: [angry] }, reason: A rule. }",
          ),
        ),
      24,
      76,
    ],
    [
      "invalid-test",
      () =>
        rubricFindings(
          rubric(
            QUESTION,
            "rules:\n  - { id: r, effect: forbid, outcome: matrix, when: { question: mood, atLeast: 3 }, reason: A rule. }",
          ),
        ),
      24,
      80,
    ],
    [
      "duplicate-rubric-id",
      () => rubricFindings(rubric().replace("id: fixture", "id: maturity-stage")),
      3,
      5,
    ],
    [
      "duplicate-question-id",
      () => rubricFindings(rubric(QUESTION.replace("id: mood", "id: stage"))),
      16,
      9,
    ],
    [
      "duplicate-rule-id",
      () =>
        rubricFindings(
          rubric(
            QUESTION,
            "rules:\n  - { id: independent-oversight, effect: forbid, outcome: matrix, when: { question: mood, in: [tense] }, reason: A rule. }",
          ),
        ),
      24,
      11,
    ],
    [
      "duplicate-answer",
      () => rubricFindings(rubric(QUESTION.replace("value: tense", "value: calm"))),
      22,
      18,
    ],
    [
      "boolean-answers",
      () =>
        rubricFindings(
          rubric(
            `${QUESTION}\n  - id: flag\n    prompt: A flag?\n    help: Yes or no.\n    type: boolean\n    answers:\n      - { value: true, effect: { combine: 1 }, reason: Yes. }\n      - { value: true, effect: {}, reason: Also yes. }`,
          ),
        ),
      28,
      7,
    ],
    [
      "band-gap",
      () =>
        rubricFindings(
          rubric(
            QUESTION.replace(
              "{ from: 0, effect: { combine: 1 }",
              "{ from: 1, effect: { combine: 1 }",
            ),
          ),
        ),
      14,
      17,
    ],
    ["band-order", () => rubricFindings(rubric(QUESTION.replace("from: 10,", "from: 0,"))), 15, 17],
    [
      "band-out-of-range",
      () => rubricFindings(rubric(QUESTION.replace("    min: 0\n", "    min: 0\n    max: 5\n"))),
      16,
      17,
    ],
    [
      "empty-range",
      () => rubricFindings(rubric(QUESTION.replace("    min: 0\n", "    min: 0\n    max: -5\n"))),
      12,
      10,
    ],
    [
      "question-without-effect",
      () =>
        rubricFindings(
          rubric(QUESTION.replace("effect: { separate: 2 }", "effect: { combine: 1 }")),
        ),
      16,
      5,
    ],
    [
      "rule-never-fires",
      () =>
        rubricFindings(
          rubric(
            QUESTION,
            "rules:\n  - { id: r, effect: forbid, outcome: matrix, when: { all: [{ question: mood, in: [calm] }, { question: mood, in: [tense] }] }, reason: A rule. }",
          ),
        ),
      24,
      53,
    ],
    ["too-deep", () => rubricFindings(`a: ${"[".repeat(70)}${"]".repeat(70)}\n`), 1, 68],
    ["too-many-documents", () => rubricFindings("a: 1\n---\n".repeat(10_001)), 20_002, 1],
    [
      "invalid-key",
      () => parseOrganization(org("  ? [a, b]\n  : 1"), "r.yaml", builtInIndex).diagnostics,
      5,
      5,
    ],
    [
      "invalid-answer",
      () => parseOrganization(org("  stage: huge"), "r.yaml", builtInIndex).diagnostics,
      5,
      10,
    ],
  ];

describe("finding codes", () => {
  it.each(FIXTURES)("%s is reported with its position", (code, findings, line, column) => {
    const found = findings();
    expect(
      found.map((d) => `${d.code} ${d.line}:${d.column}`),
      JSON.stringify(found),
    ).toContain(`${code} ${line}:${column}`);
    expect(FINDING_CODES[code], `describe ${code} in FINDING_CODES`).toBeDefined();
  });

  it("unwinnable-outcome: an outcome no answers can make win", () => {
    const parsed = parseRubric(
      rubric(QUESTION.replace("{ separate: 1, matrix: 2 }", "{ separate: 1 }")),
      "r.yaml",
    );
    expect(
      unwinnableOutcomes(compileRubrics([parsed.value?.rubric].filter((r) => r !== undefined))),
    ).toEqual(["matrix"]);
    expect(unwinnableOutcomes(compileRubrics(builtIn.map((entry) => entry.rubric)))).toEqual([]);
  });

  it("every code in FINDING_CODES has a fixture", () => {
    const covered = new Set([
      ...FIXTURES.map(([code]) => code),
      "unwinnable-outcome",
      "unreadable",
    ]);
    expect(Object.keys(FINDING_CODES).filter((code) => !covered.has(code))).toEqual([]);
  });
});
