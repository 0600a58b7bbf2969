import { readdirSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { evaluate } from "../../src/engine/evaluate.js";
import { assess, assessRoom } from "../../src/narrate/assess.js";
import { jsonlLine, renderRecord, summaryJson } from "../../src/report/batch.js";
import type { Assessment } from "../../src/result/assessment.js";
import { summaryRecord } from "../../src/result/lean.js";
import { allowedValues, numericDomain } from "../../src/rubric/question.js";
import type { AnswerValue } from "../../src/rubric/schema.js";
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

/**
 * Organisations whose answers are drawn from every question's allowed values (a fixed-seed
 * generator), so records hold every kind of fact: pairs of changes, ranges, triggers to watch,
 * conditions, no recommendation yet.
 */
function generated(count: number): Assessment[] {
  let seed = 20261201;
  const random = () => {
    seed = (seed * 1103515245 + 12345) % 2147483648;
    return seed / 2147483648;
  };
  const pick = <T>(list: readonly T[]): T => list[Math.floor(random() * list.length)] as T;
  return Array.from({ length: count }, (_, n) => {
    const answers: Record<string, AnswerValue> = {};
    for (const { question } of builtInCompiled.questions) {
      if (random() < 0.08) continue;
      if (question.type === "integer" || question.type === "percent") {
        const { min, max } = numericDomain(question);
        answers[question.id] = Math.round(min + random() * (Math.min(max, 50_000) - min));
      } else if (question.type === "multi")
        answers[question.id] = question.options
          .filter(() => random() < 0.4)
          .map((option) => option.value);
      else answers[question.id] = pick(allowedValues(question));
    }
    return assess(builtInCompiled, { organization: `Unit ${n}`, source: null, answers });
  });
}

const room = assessRoom(builtInCompiled, {
  organization: "Room",
  source: "room.yaml",
  respondents: ["dana", "luis", "mei", "ravi"].map((name) => ({
    name,
    answers: loadOrg(join(ROOT, "examples", "respondents", `${name}.yaml`)).answers,
  })),
});

/** JSON.stringify's JSON with every non-ASCII character escaped, as records are written. */
const asciiStringify = (value: unknown) =>
  JSON.stringify(value).replace(
    /[^ -~]/g,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );

/** Too little answered for a recommendation yet. */
const sparse = assess(builtInCompiled, {
  organization: "Sparse – “unit”",
  source: null,
  answers: { stage: "startup", exec_bandwidth: "overloaded" },
});

describe("JSON Lines records", () => {
  it("hold exactly what JSON.stringify would, byte for byte, for every kind of fact", () => {
    const records = [...examples, ...generated(400), room, sparse];
    const has = (test: (a: Assessment) => boolean) => records.some(test);
    // The records tested hold every optional part of a record.
    expect(has((a) => a.changePairs.length > 0)).toBe(true);
    expect(has((a) => a.whatWouldChange.some((change) => change.range !== undefined))).toBe(true);
    expect(has((a) => a.whatWouldChange.some((change) => change.from === null))).toBe(true);
    expect(has((a) => a.rulesToWatch.length > 0)).toBe(true);
    expect(has((a) => a.conditions.length > 0)).toBe(true);
    expect(has((a) => a.warnings.length > 0)).toBe(true);
    expect(has((a) => a.recommendation === null)).toBe(true);
    expect(has((a) => a.stability.rubrics.some((range) => range.max === null))).toBe(true);
    expect(has((a) => Object.values(a.answers).some(Array.isArray))).toBe(true);
    expect(room.confidenceFactors.roomCouldFlip).toBeDefined();
    for (const assessment of records) {
      const line = jsonlLine({ ok: true, assessment });
      expect(line).toBe(`${asciiStringify(assessment)}\n`);
      expect(jsonlLine({ ok: true, assessment, document: 2 })).toBe(
        `${asciiStringify({ ...assessment, document: 2 })}\n`,
      );
    }
  });

  it("write the rubrics' non-ASCII text as escapes, so records are all ASCII", () => {
    const lines = examples.map((assessment) =>
      jsonlLine({ ok: true, assessment }).replace(/"organization":"(?:[^"\\]|\\.)*"/, ""),
    );
    expect(lines.some((line) => line.includes("\\u2013"))).toBe(true);
    for (const line of lines) expect(line.trimEnd()).toMatch(/^[ -~]*$/);
  });

  it("in summary hold exactly what JSON.stringify of summaryRecord would, byte for byte", () => {
    const assessments = [...examples, ...generated(300), room, sparse];
    // From whole assessments, and from summary evaluations, as a batch of summaries makes them.
    const facts = [
      ...assessments,
      ...assessments.map((a) =>
        evaluate(
          builtInCompiled,
          { organization: a.organization, source: a.source, answers: a.answers },
          "summary",
        ),
      ),
    ];
    expect(facts.some((f) => f.undecided !== undefined)).toBe(true);
    expect(facts.some((f) => f.whatWouldChange.length > 0 && f.rules.length > 0)).toBe(true);
    for (const f of facts) {
      expect(summaryJson(f)).toBe(asciiStringify(summaryRecord(f)));
      expect(summaryJson(f, 3)).toBe(asciiStringify(summaryRecord(f, 3)));
    }
  });

  it("are marked ASCII for the writer to copy, and only JSON records of an assessment are", () => {
    const assessment = examples[0] as Assessment;
    const layout = (format: "jsonl" | "json" | "csv" | "text", detail: "full" | "summary") => ({
      format,
      nameWidth: 40,
      columns: [],
      detail,
    });
    for (const detail of ["full", "summary"] as const) {
      for (const format of ["jsonl", "json"] as const) {
        const rendered = renderRecord({ ok: true, assessment }, layout(format, detail));
        expect(rendered.ascii).toBe(true);
        expect(rendered.text).toMatch(/^[ -~\n]*$/);
      }
      for (const format of ["csv", "text"] as const)
        expect(
          renderRecord({ ok: true, assessment }, layout(format, detail)).ascii,
        ).toBeUndefined();
    }
    const failure = {
      schemaVersion: 1 as const,
      source: "Zürich.yaml",
      error: { message: "bad – very", line: 1, column: 1 },
    };
    expect(renderRecord({ ok: false, failure }, layout("jsonl", "full")).ascii).toBeUndefined();
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
