import { describe, expect, it } from "vitest";
import { decodeText } from "../../src/io/read.js";
import { parseOrganization, parseRubric } from "../../src/rubric/parse.js";
import { MAX_NESTING, parseYamlDocuments } from "../../src/rubric/yaml.js";
import { builtInIndex } from "../helpers/rubrics.js";

const ORG_HEAD = "apiVersion: rolefit/v1\nkind: Organization\nname: x\nanswers:\n";

const codes = (text: string) =>
  parseYamlDocuments(text, "f.yaml").flatMap((parsed) =>
    parsed.diagnostics.map((d) => `${d.code} ${d.line}:${d.column}`),
  );

describe("deep nesting", () => {
  it("refuses block sequences on one line past the limit, with a position", () => {
    const text = `${ORG_HEAD}  stage:\n    ${"- ".repeat(100_000)}a\n`;
    expect(codes(text)).toEqual([expect.stringMatching(/^too-deep 6:\d+$/)]);
  });

  it("refuses indentation nested past the limit", () => {
    let text = ORG_HEAD;
    for (let i = 0; i < 2000; i++) text += `${" ".repeat(2 + i)}a${i}:\n`;
    expect(codes(text)[0]).toMatch(/^too-deep \d+:\d+$/);
  });

  it("refuses deep block `not:` conditions in a rubric", () => {
    let when = "";
    for (let i = 0; i < 500; i++) when += `${" ".repeat(6 + 2 * i)}not:\n`;
    const parsed = parseRubric(
      `apiVersion: rolefit/v1\nkind: Rubric\nid: r\ntitle: R\nrules:\n  - id: x\n    when:\n${when}`,
      "r.yaml",
    );
    expect(parsed.diagnostics.map((d) => d.code)).toEqual(["too-deep"]);
  });

  it.each([
    ["`- - -` at the top", `${"- ".repeat(100_000)}x\n`],
    [
      "1,000 one-space `not:`",
      `${Array.from({ length: 1000 }, (_, i) => `${" ".repeat(i)}not:`).join("\n")}\n`,
    ],
    [
      "500 `- all:`",
      `all:\n${Array.from({ length: 500 }, (_, i) => `${" ".repeat(2 + 4 * i)}- all:`).join("\n")}\n`,
    ],
    ["an apostrophe before deep flow", `[it's, ${"[".repeat(100_000)}${"]".repeat(100_000)}]\n`],
    ["deep after an empty block scalar", `- k: |\n  j:\n   ${"- ".repeat(1000)}x\n`],
    ["deep after a quoted key", `"a": x\nb:\n${"- ".repeat(1000)}x\n`],
    ["`? ? ?` after a key", `description: ${"? ".repeat(1000)}x\n`],
    ["`? - ? -` after a key", `description: ${"? - ".repeat(3000)}x\n`],
  ])("refuses %s", (_, text) => {
    expect(codes(text)[0]).toMatch(/^too-deep /);
  });

  it.each([
    [
      "compact JSON on one line",
      `${JSON.stringify({ a: Array.from({ length: 200 }, (_, i) => ({ b: [i, { c: "x]" }] })) })}\n`,
    ],
    ["brackets in a comment", `a: 1\n# ${"[".repeat(70)}\nb: 2\n`],
    [
      "brackets and dashes in a block scalar",
      `a: |\n  ${"{".repeat(70)}\n  ${"- ".repeat(70)}x\nb: 2\n`,
    ],
    ["dashes in a folded scalar", `- k: >-\n    ${"- ".repeat(100)}\n  j: 1\n`],
    ["brackets in a multi-line quoted string", `a: "first\n  ${"[".repeat(70)}"\nb: 2\n`],
    ["brackets in a plain scalar", `a: x ${"[".repeat(70)}\nb: 2\n`],
    ["dashes on a plain scalar's next line", `a: text\n  ${"- ".repeat(80)}\n  'tis\nb: 2\n`],
  ])("accepts %s", (_, text) => {
    expect(codes(text)).toEqual([]);
  });

  it("does not count nesting that is not there: block scalars, shallow files", () => {
    const indented = Array.from({ length: 200 }, (_, i) => `${" ".repeat(4 + i)}code`).join("\n");
    expect(codes(`${ORG_HEAD}  stage: growth\ndescription: |\n${indented}\n`)).toEqual([]);
    const lists = `${ORG_HEAD}  collaboration_mechanisms:\n${"  - x\n".repeat(5000)}`;
    expect(codes(lists)).toEqual([]);
    let nested = ORG_HEAD;
    for (let i = 0; i < MAX_NESTING - 2; i++) nested += `${" ".repeat(2 + i)}a${i}:\n`;
    expect(codes(nested)).toEqual([]);
  });
});

describe("clear messages for odd files", () => {
  it("says UTF-16 is not supported", () => {
    const utf16 = Buffer.from(`\ufeff${ORG_HEAD}`, "utf16le");
    expect(() => decodeText(utf16, "u.yaml")).toThrow(
      "u.yaml: UTF-16 is not supported; save the file as UTF-8",
    );
    const noBom = Buffer.from(ORG_HEAD, "utf16le");
    expect(() => decodeText(noBom, "u.yaml")).toThrow(/UTF-16 is not supported/);
  });

  it("reports a collection used as a key, located, without a Node warning", () => {
    const warnings: unknown[] = [];
    const listen = (warning: unknown) => warnings.push(warning);
    process.on("warning", listen);
    const parsed = parseOrganization(`${ORG_HEAD}  ? { a: 1 }\n  : 1\n`, "k.yaml", builtInIndex);
    process.off("warning", listen);
    expect(parsed.diagnostics.map((d) => `${d.code} ${d.line}:${d.column}`)).toEqual([
      "invalid-key 5:5",
    ]);
    expect(warnings).toEqual([]);
  });
});

describe("rubric numbers", () => {
  const rubric = (weight: string, effect: string) =>
    `apiVersion: rolefit/v1\nkind: Rubric\nid: r\ntitle: R\ndescription: D.\nweight: ${weight}\nquestions:\n  - id: q\n    type: boolean\n    prompt: Q?\n    help: H.\n    answers:\n      - { value: true, effect: { combine: ${effect} }, reason: Yes. }\n      - { value: false, effect: { separate: 1 }, reason: No. }\n`;

  it("bounds weights to (0, 100] and effects to ±10, located", () => {
    expect(parseRubric(rubric("100", "10"), "r.yaml").diagnostics).toEqual([]);
    expect(parseRubric(rubric("-0.5", "-10"), "r.yaml").diagnostics).toHaveLength(1);
    for (const [weight, effect, line] of [
      ["101", "1", 6],
      ["0", "1", 6],
      ["1", "10.5", 13],
      ["1", "-1e308", 13],
      ["1e309", "1", 6],
    ] as const) {
      const found = parseRubric(rubric(weight, effect), "r.yaml").diagnostics;
      expect(
        found.map((d) => d.line),
        `${weight} ${effect}`,
      ).toEqual([line]);
    }
  });
});
