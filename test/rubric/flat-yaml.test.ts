import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { readFlatYaml } from "../../src/rubric/flat-yaml.js";

/** What a full YAML 1.2 parser makes of the text, or "error". */
function reference(text: string): unknown {
  try {
    return parse(text, { schema: "core", uniqueKeys: true });
  } catch {
    return "error";
  }
}

/** The flat reader may refuse anything; what it reads, it must read as a full parser does. */
function agrees(text: string): boolean {
  const flat = readFlatYaml(text);
  if (flat !== undefined) expect(flat, JSON.stringify(text)).toEqual(reference(text));
  return flat !== undefined;
}

const PIECES = [
  "a",
  "Acme",
  "Müller Søn",
  " ",
  "  ",
  "#",
  " #",
  ":",
  ": ",
  ",",
  "[",
  "]",
  "{",
  "}",
  "'",
  '"',
  "-",
  "- ",
  "?",
  "%",
  "@",
  "`",
  "|",
  ">",
  "\\",
  "0x1F",
  "0o17",
  "1_000",
  "1e3",
  ".5",
  "-20",
  "+3",
  ".inf",
  "-.Inf",
  ".NaN",
  "~",
  "null",
  "True",
  "FALSE",
  "yes",
  "no",
  "\u00a0",
  "\u2028",
  "\r",
  "\x7f",
];

const scalarText = fc
  .array(fc.constantFrom(...PIECES), { minLength: 0, maxLength: 5 })
  .map((parts) => parts.join(""));

const line = fc.oneof(
  fc
    .tuple(fc.constantFrom("name", "answers", "kind", "a_b", "x-y"), scalarText)
    .map(([key, value]) => `${key}: ${value}`),
  fc
    .tuple(
      fc.constantFrom("  ", "    ", " "),
      fc.constantFrom("stage", "employees", "k"),
      scalarText,
    )
    .map(([indent, key, value]) => `${indent}${key}: ${value}`),
  fc
    .tuple(fc.constantFrom("  ", ""), fc.array(scalarText, { maxLength: 3 }))
    .map(([indent, items]) => `${indent}list: [${items.join(", ")}]`),
  fc.constantFrom("answers:", "respondent:", "# a comment", "", "---", "  # nested comment"),
  scalarText,
);

describe("the flat YAML reader", () => {
  it("reads every file it takes exactly as a full YAML 1.2 parser does", () => {
    let taken = 0;
    fc.assert(
      fc.property(fc.array(line, { minLength: 1, maxLength: 8 }), fc.boolean(), (lines, crlf) => {
        if (agrees(lines.join(crlf ? "\r\n" : "\n"))) taken++;
      }),
      { numRuns: 10_000, seed: 20261130 },
    );
    // The test means something only if the reader takes a fair share of the files.
    expect(taken).toBeGreaterThan(400);
  });

  it.each([
    [
      "a flat org file",
      "apiVersion: rolefit/v1\nkind: Organization\nname: Acme # ours\nanswers:\n  stage: growth\n  employees: 1200\n  practices: [a, b]\n  pivot: true\n  unsure:\n",
    ],
    ["comments between nested keys", "answers:\n  # why\n  stage: growth\n\n  employees: 3\n"],
    ["quoted names", "name: \"Acme: the first\"\nother: 'plain text'\n"],
    ["an empty nested mapping", "answers:\nname: A\n"],
    ["text that only looks like a comment", "name: a#b\n"],
    ["windows line ends", "name: A\r\nanswers:\r\n  stage: growth\r\n"],
  ])("takes %s and agrees", (_, text) => {
    expect(agrees(text)).toBe(true);
  });

  it.each([
    ["several documents", "name: A\n---\nname: B\n"],
    ["a block list", "answers:\n  practices:\n    - a\n"],
    ["a multi-line string", "name: long\n  text\n"],
    ["a duplicate key", "name: A\nname: B\n"],
    ["an escaped string", 'name: "a\\tb"\n'],
    ["a flow mapping", "answers: {stage: growth}\n"],
    ["a byte-order mark", "\ufeffname: A\n"],
    ["a quoted # (it could start a comment)", 'name: "Acme: the #1"\n'],
    ["a quote escaped by doubling it", "other: 'it''s'\n"],
    ["a key without a space before its value", "name:A\n"],
    ["a key that is not a name", "1st: A\n"],
    ["a line separator in a value", "name: A\u2028B\n"],
    ["a paragraph separator in a value", "name: A\u2029B\n"],
    ["a line separator in a comment", "name: A # one\u2028two\n"],
    ["a control character in a comment", "name: A # bell \x07\n"],
    ["a character outside the basic plane", "name: A \u{1F600}\n"],
  ])("refuses %s", (_, text) => {
    expect(readFlatYaml(text)).toBeUndefined();
  });
});
