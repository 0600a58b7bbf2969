import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { assess } from "../../src/narrate/assess.js";
import { jsonlLine } from "../../src/report/batch.js";
import { builtInCompiled, loadOrg, ROOT } from "../helpers/rubrics.js";

// Each example twice: as written, and at 3 countries and 9,000 people, whose reasons hold dashes.
const examples = readdirSync(join(ROOT, "examples"))
  .filter((name) => name.endsWith(".yaml"))
  .flatMap((name) => {
    const org = loadOrg(join(ROOT, "examples", name));
    return [org.answers, { ...org.answers, geographies: 3, employees: 9000 }].map((answers) => ({
      name,
      org,
      answers,
    }));
  })
  .map(({ name, org, answers }) => {
    return assess(builtInCompiled, {
      organization: `${org.name} — “quoted”, \\ and \n`,
      source: name,
      answers,
      provenance: {
        rolefitVersion: "0.0.0",
        rubrics: [{ id: "r", version: "1", sha256: "00" }],
        rubricSetSha256: "00",
      },
    });
  });

describe("JSON Lines records", () => {
  it("hold exactly what JSON.stringify would, for every example, with and without a document", () => {
    for (const assessment of examples) {
      const line = jsonlLine({ ok: true, assessment });
      expect(line.endsWith("}\n")).toBe(true);
      expect(line.slice(0, -1)).not.toContain("\n");
      expect(JSON.parse(line)).toEqual(JSON.parse(JSON.stringify(assessment)));
      const second = jsonlLine({ ok: true, assessment, document: 2 });
      expect(JSON.parse(second)).toEqual({
        ...JSON.parse(JSON.stringify(assessment)),
        document: 2,
      });
    }
  });

  it("write the rubrics' non-ASCII text as escapes, so records stay one-byte strings", () => {
    const lines = examples.map((assessment) =>
      jsonlLine({ ok: true, assessment }).replace(/"organization":"(?:[^"\\]|\\.)*"/, ""),
    );
    expect(lines.some((line) => line.includes("\\u2013"))).toBe(true);
    for (const line of lines) expect(line.trimEnd()).toMatch(/^[ -~]*$/);
  });

  it("share no mutable state between records", () => {
    const [a, b] = examples.filter((assessment) => assessment.rules.length > 0);
    if (!a || !b) throw new Error("need two examples where rules fire");
    expect(Object.isFrozen(a.rules[0])).toBe(true);
    expect(Object.isFrozen(a.mechanisms[0])).toBe(true);
    const before = jsonlLine({ ok: true, assessment: b });
    jsonlLine({ ok: true, assessment: a });
    expect(jsonlLine({ ok: true, assessment: b })).toBe(before);
  });
});
