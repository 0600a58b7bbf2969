import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import fc from "fast-check";
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/io/errors.js";
import { decodeText } from "../../src/io/read.js";
import { parseOrganizationsFast } from "../../src/rubric/fast-organizations.js";
import {
  type Organization,
  type Parsed,
  parseOrganizations,
  parseRubric,
} from "../../src/rubric/parse.js";
import { builtInIndex, ROOT, RUBRICS_DIR } from "../helpers/rubrics.js";

/** A fixed-seed generator, so a failure replays exactly. */
function generator(seed: number) {
  let state = seed;
  const next = () => {
    state = (state * 1103515245 + 12345) % 2147483648;
    return state / 2147483648;
  };
  return { next, int: (n: number) => Math.floor(next() * n) };
}

const SNIPPETS = [
  "[",
  "]",
  "{",
  "}",
  ": ",
  "- ",
  "&a ",
  "*a",
  "!!str ",
  "<<: *a",
  "__proto__: 1",
  "\n  ",
  "'",
  '"',
  "#",
  "---\n",
  "~",
  "1e999",
  "\t",
  "%YAML 1.2\n",
];

/** One mutation of a valid file: flip a byte, cut it short, splice in YAML syntax, or duplicate a line. */
function mutate(text: string, random: ReturnType<typeof generator>): Buffer {
  const bytes = Buffer.from(text);
  switch (random.int(4)) {
    case 0: {
      const copy = Buffer.from(bytes);
      for (let flips = 1 + random.int(3); flips > 0; flips--)
        copy[random.int(copy.length)] = random.int(256);
      return copy;
    }
    case 1:
      return bytes.subarray(0, random.int(bytes.length));
    case 2: {
      const at = random.int(text.length);
      return Buffer.from(
        text.slice(0, at) + SNIPPETS[random.int(SNIPPETS.length)] + text.slice(at),
      );
    }
    default: {
      const lines = text.split("\n");
      const line = random.int(lines.length);
      lines.splice(line, 0, lines[line] ?? "");
      return Buffer.from(lines.join("\n"));
    }
  }
}

const ORG = readFileSync(join(ROOT, "examples", "northwind-payments.yaml"), "utf8");
const RUBRIC = readFileSync(join(RUBRICS_DIR, "decision-rights.yaml"), "utf8");

/** Reading and parsing as the CLI does: every outcome is a value or a UserError naming the file. */
function load(bytes: Buffer, kind: "org" | "rubric"): string[] {
  let text: string;
  try {
    text = decodeText(bytes, "fuzz.yaml");
  } catch (error) {
    if (error instanceof UserError) return [error.message];
    throw error;
  }
  if (kind === "rubric")
    return parseRubric(text, "fuzz.yaml").diagnostics.map((d) => `${d.file}: ${d.message}`);
  const careful = parseOrganizations(text, "fuzz.yaml", builtInIndex);
  const fast = parseOrganizationsFast(text, builtInIndex);
  // The fast reader may only take what the careful one accepts, and must agree on it.
  if (fast) expect(fast.map(organizationOf)).toEqual(careful.map(organizationOf));
  return careful.flatMap((r) => r.diagnostics.map((d) => `${d.file}: ${d.message}`));
}

/** What a parse gives a caller: the organisation without its source positions, or the problems. */
function organizationOf(result: Parsed<Organization>) {
  if (!result.value) return { problems: result.diagnostics.map((d) => d.message) };
  const { source: _source, ...organization } = result.value;
  return { ...organization, answers: { ...organization.answers } };
}

describe("the fast organisation reader", () => {
  const header = "apiVersion: rolefit/v1\nkind: Organization\n";
  it.each([
    ["a full file", `${header}name: "  Acme  "\ndescription: d\nanswers: {employees: 40}\n`],
    ["no answers", `${header}name: Acme\n`],
    ["null answers", `${header}name: Acme\nanswers:\n`],
    ["a respondent", `${header}name: A\nrespondent: {name: " Kim ", role: CFO}\nanswers: {}\n`],
    ["a respondent without a role", `${header}name: A\nrespondent: {name: Kim}\n`],
    ["an empty role", `${header}name: A\nrespondent: {name: Kim, role: ""}\n`],
    ["an extra respondent key", `${header}name: A\nrespondent: {name: Kim, team: x}\n`],
    ["a blank name", `${header}name: "   "\n`],
    ["a numeric name", `${header}name: 12\n`],
    ["a null description", `${header}name: A\ndescription:\n`],
    ["an unknown key", `${header}name: A\nowner: x\n`],
    ["a list of answers", `${header}name: A\nanswers: [1, 2]\n`],
    ["another kind", "apiVersion: rolefit/v1\nkind: Rubric\nname: A\n"],
    ["another version", "apiVersion: rolefit/v2\nkind: Organization\nname: A\n"],
    ["two documents", `${header}name: A\n---\n${header}name: B\nanswers: {stage: growth}\n`],
  ])("agrees with the careful one on %s", (_, text) => {
    const careful = parseOrganizations(text, "edge.yaml", builtInIndex);
    const fast = parseOrganizationsFast(text, builtInIndex);
    if (fast) expect(fast.map(organizationOf)).toEqual(careful.map(organizationOf));
    else
      expect(careful.some((result) => result.value === undefined) || careful.length !== 1).toBe(
        true,
      );
  });
});

describe("the fast organisation reader and text", () => {
  const header = "apiVersion: rolefit/v1\nkind: Organization\n";
  it.each([
    ["an ampersand in a name", `${header}name: Müller & Søn\n`],
    ["a quoted one", `${header}name: "Fish & Chips"\ndescription: 'R&D'\n`],
    ["a star and an exclamation mark", `${header}name: Yahoo! 5 * 3\n`],
    [
      "an ampersand in a flow mapping",
      `${header}name: A\nrespondent: {name: Kim & Lee, role: CFO}\n`,
    ],
  ])("reads %s itself, as the careful one does", (_, text) => {
    const careful = parseOrganizations(text, "text.yaml", builtInIndex);
    const fast = parseOrganizationsFast(text, builtInIndex);
    expect(fast?.map(organizationOf)).toEqual(careful.map(organizationOf));
  });

  it.each([
    ["an anchor and an alias", `${header}name: &n A\ndescription: *n\n`],
    ["a tag", `${header}name: !!str 12\n`],
    ["an anchor in a flow list", `${header}name: A\nanswers: {stage: &s growth}\n`],
    ["an alias in a flow list", `${header}name: A\nanswers: {x: [a,*s]}\n`],
    ["an anchor on a line of its own", `${header}name: A\nanswers:\n  &s stage: growth\n`],
  ])("leaves %s to the careful one", (_, text) => {
    expect(parseOrganizationsFast(text, builtInIndex)).toBeUndefined();
  });
});

/**
 * A flat file the careful reader takes whole, the fast one takes too (so the comparison is never
 * skipped), and whatever the fast one takes it reads alike.
 */
function expectSameReading(text: string): void {
  const careful = parseOrganizations(text, "n.yaml", builtInIndex);
  const fast = parseOrganizationsFast(text, builtInIndex);
  if (careful.every((result) => result.value)) expect(fast).toBeDefined();
  if (fast) expect(fast.map(organizationOf)).toEqual(careful.map(organizationOf));
}

describe("the two readers' scalars", () => {
  // Number-like text, in the shapes where YAML libraries disagree: signs, bases, underscores,
  // exponents, dots, infinities and not-a-numbers.
  const scalar = fc
    .array(
      fc.constantFrom(
        ..."0123456789+-._xobeEaAfF:~".split(""),
        "0x",
        "0o",
        "0b",
        ".inf",
        ".NaN",
        "true",
        "null",
      ),
      { minLength: 1, maxLength: 8 },
    )
    .map((parts) => parts.join(""));
  const header = "apiVersion: rolefit/v1\nkind: Organization\nname: A\nanswers:\n";

  it("read every generated scalar alike, for numeric, choice and yes/no questions", () => {
    fc.assert(
      fc.property(scalar, fc.constantFrom("employees", "stage", "strategic_pivot"), (value, id) => {
        expectSameReading(`${header}  ${id}: ${value}\n`);
      }),
      { numRuns: 3000, seed: 12 },
    );
  });

  it.each(["0b11", "0x10", "1_000", "+0x10", "1__0", "-0x10", "0o17", "017", "+12", "1e3"])(
    "agree on %s",
    (value) => expectSameReading(`${header}  employees: ${value}\n`),
  );
});

describe("fuzzing the loaders", () => {
  it.each([
    // Enough mutations to reach every kind of damage, few enough to finish well inside the
    // limit on a loaded two-core machine.
    ["org", 1500, ORG],
    ["rubric", 400, RUBRIC],
  ] as const)(
    "never throws on %s files mutated %i times",
    { timeout: 120_000 },
    (kind, count, text) => {
      const random = generator(kind === "org" ? 7 : 11);
      for (let i = 0; i < count; i++) {
        const messages = load(mutate(text, random), kind);
        for (const message of messages) expect(message.startsWith("fuzz.yaml")).toBe(true);
      }
    },
  );

  it("gives exit 0 or 1, a message naming the file and no stack trace, from the real binary", {
    timeout: 120_000,
  }, () => {
    const dir = mkdtempSync(join(tmpdir(), "rolefit-fuzz-"));
    const random = generator(3);
    for (let i = 0; i < 25; i++) {
      const file = join(dir, `m${i}.yaml`);
      writeFileSync(file, mutate(ORG, random));
      const run = spawnSync(
        process.execPath,
        [join(ROOT, "bin", "rolefit.js"), "assess", "--org", file, "--format", "json"],
        { encoding: "utf8" },
      );
      expect([0, 1]).toContain(run.status);
      if (run.status === 1) expect(run.stderr).toContain(`m${i}.yaml`);
      expect(run.stderr).not.toMatch(/\n\s+at |internal error/);
    }
  });
});
