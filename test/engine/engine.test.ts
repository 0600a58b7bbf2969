import { describe, expect, it } from "vitest";
import { compileRubrics } from "../../src/engine/compile.js";
import { scoreAnswers } from "../../src/engine/score.js";
import { WhatIf } from "../../src/engine/what-if.js";
import { assess } from "../../src/narrate/assess.js";
import { parseRubric } from "../../src/rubric/parse.js";
import type { Answers, AnswerValue, Rubric } from "../../src/rubric/schema.js";

function rubric(yaml: string): Rubric {
  const result = parseRubric(`apiVersion: rolefit/v1\nkind: Rubric\n${yaml}`, "test.yaml");
  if (!result.value)
    throw new Error(result.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join("\n"));
  return result.value.rubric;
}

function answers(values: Record<string, AnswerValue>): Answers {
  return Object.assign(Object.create(null), values);
}

/** Two small rubrics: one choice and one numeric question, one multi, and a rule each way. */
const size = rubric(`
id: size
title: Size
description: How big.
weight: 1
questions:
  - id: people
    prompt: How many?
    help: Headcount.
    type: integer
    min: 1
    bands:
      - { from: 1, effect: { combine: 2, separate: -2 }, reason: small }
      - { from: 100, effect: { combine: 0 }, reason: medium }
      - { from: 1000, effect: { combine: -2, separate: 2, matrix: 1 }, reason: large }
  - id: mood
    prompt: Mood?
    help: How it feels.
    type: choice
    answers:
      - { value: calm, effect: { combine: 1, separate: 1 }, reason: calm }
      - { value: tense, effect: { matrix: -2, combine: 2 }, reason: tense }
rules:
  - id: tiny
    effect: require
    outcome: combine
    when: { question: people, atMost: 10 }
    reason: Too small for two.
`);

const forums = rubric(`
id: forums
title: Forums
description: Joint forums.
weight: 2
questions:
  - id: forums
    prompt: Which forums?
    help: Pick.
    type: multi
    options:
      - { value: board, effect: { matrix: 1 }, reason: board }
      - { value: review, effect: { matrix: 1, separate: 1 }, reason: review }
    none: { effect: { matrix: -2 }, reason: none }
rules:
  - id: no-forums
    effect: forbid
    outcome: matrix
    when: { question: forums, countAtMost: 0 }
    reason: No forums.
`);

const compiled = compileRubrics([size, forums]);
const run = (values: Record<string, AnswerValue>) =>
  assess(compiled, { organization: "Test", source: null, answers: answers(values) });

describe("scoreAnswers", () => {
  it("normalises each rubric by the most it could give and weighs rubrics by share", () => {
    // size: max points 2 (people) + 2 (mood) = 4, weight 1/3; forums: max 1 + 1 = 2, weight 2/3.
    const { scores } = scoreAnswers(
      compiled,
      answers({ people: 5000, forums: ["board", "review"] }),
    );
    expect(scores.combine).toBeCloseTo(50 + (50 * (1 / 3) * -2) / 4);
    expect(scores.separate).toBeCloseTo(50 + (50 * (1 / 3) * 2) / 4 + (50 * (2 / 3) * 1) / 2);
    expect(scores.matrix).toBeCloseTo(50 + (50 * (1 / 3) * 1) / 4 + (50 * (2 / 3) * 2) / 2);
  });

  it.each([
    [{}, { combine: 50, separate: 50, matrix: 50 }],
    [{ mood: "calm" }, { combine: 50 + 50 / 3 / 4, separate: 50 + 50 / 3 / 4, matrix: 50 }],
    [{ forums: [] }, { combine: 50, separate: 50, matrix: 50 - (50 * (2 / 3) * 2) / 2 }],
  ])("scores %j as %j", (given, expected) => {
    const { scores } = scoreAnswers(compiled, answers(given as Record<string, AnswerValue>));
    for (const outcome of ["combine", "separate", "matrix"] as const)
      expect(scores[outcome]).toBeCloseTo(expected[outcome]);
  });

  it("does not change an answer's contribution when other questions go unanswered", () => {
    const full = scoreAnswers(compiled, answers({ people: 50, mood: "tense", forums: ["board"] }));
    const partial = scoreAnswers(compiled, answers({ people: 50 }));
    const entry = (ledger: typeof full.ledger) =>
      ledger.find((e) => e.questionId === "people")?.points;
    expect(entry(partial.ledger)).toEqual(entry(full.ledger));
  });
});

describe("assess", () => {
  it("recommends the top score with its runner-up and margin", () => {
    const result = run({ people: 5000, mood: "calm", forums: ["board", "review"] });
    expect(result.recommendation).toBe("matrix");
    expect(result.runnerUp).toBe("separate");
    expect(result.margin).toBeCloseTo(result.scores.matrix - result.scores.separate, 1);
    expect(result.unanswered).toEqual([]);
  });

  it("lets a forbid rule remove the top scorer", () => {
    const result = run({ people: 5000, forums: [] });
    expect(result.rules.map((rule) => rule.id)).toEqual(["no-forums"]);
    expect(result.recommendation).not.toBe("matrix");
  });

  it("lets a require rule decide whatever the scores", () => {
    const result = run({ people: 5, mood: "calm", forums: ["board", "review"] });
    expect(result.recommendation).toBe("combine");
    expect(result.confidenceFactors.decidedByRule).toBe(true);
  });

  it("falls back to the scores, with a warning and low confidence, when the rules leave no outcome", () => {
    const conflicting = compileRubrics([
      size,
      rubric(`
id: veto
title: Veto
description: Forbids combine.
weight: 1
questions:
  - { id: flag, prompt: Flag?, help: Flag., type: boolean, answers: [{ value: true, effect: {}, reason: y }, { value: false, effect: {}, reason: n }] }
rules:
  - { id: no-combine, effect: forbid, outcome: combine, when: { question: flag, in: [true] }, reason: Veto. }
`),
    ]);
    const result = assess(conflicting, {
      organization: "x",
      source: null,
      answers: answers({ people: 5, flag: true }),
    });
    expect(result.recommendation).toBe("combine");
    expect(result.confidence).toBe("low");
    expect(result.confidenceFactors.rulesConflict).toBe(true);
    expect(result.warnings[0]).toBe(
      "The hard rules conflict: tiny requires combine and no-combine forbids combine; the requirement stands, so the result is combine.",
    );
  });

  it("lists unanswered questions and lowers confidence for them", () => {
    const result = run({ people: 5000 });
    expect(result.unanswered).toEqual(["forums", "mood"]);
    expect(result.confidenceFactors.answeredShare).toBeCloseTo(1 / 3, 2);
    expect(result.confidence).toBe("low");
  });

  it("finds every what-would-change entry by re-scoring, and each one holds", () => {
    const given = { people: 500, mood: "calm", forums: ["review"] } as Record<string, AnswerValue>;
    const result = run(given);
    expect(result.whatWouldChange.length).toBeGreaterThan(0);
    for (const change of result.whatWouldChange) {
      expect(change.from).toEqual(given[change.questionId] ?? null);
      const flipped = run({ ...given, [change.questionId]: change.to });
      expect(flipped.recommendation).toBe(change.recommendation);
      expect(flipped.recommendation).not.toBe(result.recommendation);
    }
  });

  it("gives the break-even value for numeric answers, and rule thresholds count", () => {
    const result = run({ people: 500, mood: "calm", forums: ["review"] });
    const people = result.whatWouldChange.filter((change) => change.questionId === "people");
    // Below 100 the small band tips it to matrix; at 10 or fewer the require rule makes it combine.
    expect(people.map((change) => [change.to, change.recommendation])).toEqual([
      [99, "matrix"],
      [10, "combine"],
    ]);
    for (const change of people) {
      // One step nearer the current answer, the change no longer has its effect: this is the break-even.
      const nearer =
        (change.to as number) > 500 ? (change.to as number) - 1 : (change.to as number) + 1;
      expect(run({ people: nearer, mood: "calm", forums: ["review"] }).recommendation).not.toBe(
        change.recommendation,
      );
    }
  });

  it("explains the winner with reasons and the rest with counter-reasons", () => {
    const result = run({ people: 5000, mood: "tense", forums: ["board", "review"] });
    expect(result.reasons.length).toBeGreaterThan(0);
    for (const reason of result.reasons) expect(reason.outcome).toBe(result.recommendation);
    for (const list of [result.reasons, result.counterReasons]) {
      const strengths = list.map((r) => r.contribution);
      expect(strengths).toEqual([...strengths].sort((a, b) => b - a));
      for (const strength of strengths) expect(strength).toBeGreaterThan(0);
    }
    expect(
      result.counterReasons.some((r) => r.questionId === "mood" && r.outcome === "combine"),
    ).toBe(true);
  });

  it("is deterministic and independent of rubric order", () => {
    const given = answers({ people: 700, mood: "tense", forums: ["board"] });
    const a = assess(compileRubrics([size, forums]), {
      organization: "x",
      source: null,
      answers: given,
    });
    const b = assess(compileRubrics([forums, size]), {
      organization: "x",
      source: null,
      answers: given,
    });
    expect(JSON.stringify(b)).toBe(JSON.stringify(a));
  });

  it("reports how far rubric weights can move before the winner changes", () => {
    const result = run({ people: 5000, mood: "calm", forums: ["board", "review"] });
    const tolerance = result.confidenceFactors.weightTolerance;
    expect(tolerance).toBeGreaterThan(0);
    const shifted = (factor: number) =>
      assess(
        compileRubrics([
          { ...size, weight: size.weight * (1 + factor) },
          { ...forums, weight: forums.weight * (1 - factor) },
        ]),
        {
          organization: "x",
          source: null,
          answers: answers({ people: 5000, mood: "calm", forums: ["board", "review"] }),
        },
      ).recommendation;
    if (tolerance < 1) {
      expect(shifted(tolerance * 0.99)).toBe(result.recommendation);
    }
  });
});

describe("robustness", () => {
  const leaning = (id: string, outcome: string) =>
    rubric(`
id: ${id}
title: ${id}
description: Leans one way.
weight: 1
questions:
  - { id: ${id}_q, prompt: Q?, help: Q., type: boolean, answers: [{ value: true, effect: { ${outcome}: 2 }, reason: y }, { value: false, effect: {}, reason: n }] }
`);

  it("splits the plausible weightings evenly between two equal, opposite rubrics", () => {
    const compiled = compileRubrics([leaning("a", "combine"), leaning("b", "separate")]);
    const result = assess(compiled, {
      organization: "x",
      source: null,
      answers: answers({ a_q: true, b_q: true }),
    });
    expect(result.robustness.combine).toBeCloseTo(0.5, 1);
    expect(result.robustness.separate).toBeCloseTo(0.5, 1);
    expect(result.robustness.matrix).toBe(0);
  });

  it("gives one outcome every weighting when no weighting within ±50% can turn it", () => {
    const compiled = compileRubrics([leaning("a", "combine"), leaning("b", "combine")]);
    const result = assess(compiled, {
      organization: "x",
      source: null,
      answers: answers({ a_q: true, b_q: true }),
    });
    expect(result.robustness).toEqual({ combine: 1, separate: 0, matrix: 0 });
  });
});

describe("what-ifs on a question others' appliesWhen tests", () => {
  // A question may be called `constructor`; unanswered, it must read as unanswered on every path,
  // the copy of the answers a gate's what-if checks the rules on included.
  const gated = rubric(`
id: gated
title: Gated
description: A gate, what it turns on, and a rule on both.
weight: 1
questions:
  - id: gate
    prompt: Open?
    help: Opens the detail.
    type: choice
    answers:
      - { value: "no", effect: { combine: 1 }, reason: closed }
      - { value: "yes", effect: { combine: 0 }, reason: open }
  - id: detail
    prompt: Detail?
    help: Only when open.
    type: choice
    appliesWhen: { question: gate, in: ["yes"] }
    answers:
      - { value: m, effect: { matrix: 3 }, reason: matrix detail }
      - { value: n, effect: { matrix: 0 }, reason: plain detail }
  - id: constructor
    prompt: Built?
    help: A name that Object.prototype also has.
    type: choice
    answers:
      - { value: a, effect: { separate: 1 }, reason: a }
      - { value: b, effect: { separate: -1 }, reason: b }
rules:
  - id: open-needs-constructor
    effect: forbid
    outcome: matrix
    when: { all: [{ question: gate, in: ["yes"] }, { question: constructor, notIn: [a] }] }
    reason: An open gate with a built answer other than a rules matrix out.
`);
  const set = compileRubrics([gated]);

  it("decides a gate's what-if as a full assessment of the changed answers does", () => {
    const today = answers({ gate: "no", detail: "m" });
    const opened = answers({ gate: "yes", detail: "m" });
    const w = new WhatIf(set, today);
    const full = assess(set, { organization: "O", source: null, answers: opened });
    expect(full.recommendation).toBe("matrix");
    expect(w.recommendationWith("gate", "yes")).toBe(full.recommendation);
  });

  it("tries a number where another question starts to apply, not only at its bands", () => {
    // `detail` applies from 3 incidents on, inside the band that starts at 1: 3 must be tried.
    const counted = rubric(`
id: counted
title: Counted
description: A number that opens a detail inside one of its bands.
weight: 1
questions:
  - id: incidents
    prompt: How many?
    help: A count.
    type: integer
    min: 0
    bands:
      - { from: 0, effect: { combine: 1 }, reason: none }
      - { from: 1, effect: { combine: 1 }, reason: some }
  - id: detail
    prompt: Detail?
    help: Only from three on.
    type: choice
    appliesWhen: { question: incidents, atLeast: 3 }
    answers:
      - { value: m, effect: { matrix: 4 }, reason: matrix detail }
      - { value: n, effect: { matrix: 0 }, reason: plain detail }
`);
    const compiled = compileRubrics([counted]);
    const today = answers({ incidents: 1, detail: "m" });
    const result = assess(compiled, { organization: "O", source: null, answers: today });
    expect(result.recommendation).toBe("combine");
    const change = result.whatWouldChange.find((c) => c.questionId === "incidents");
    expect(change?.to).toBe(3);
    expect(change?.recommendation).toBe("matrix");
  });

  it("pairs a gate's change with another as a full assessment of both changes does", () => {
    const today = answers({ gate: "no", detail: "n" });
    const both = answers({ gate: "yes", detail: "m" });
    const prepared = new WhatIf(set, today).prepare(["gate", "yes"]);
    const full = assess(set, { organization: "O", source: null, answers: both });
    expect(full.recommendation).toBe("matrix");
    expect(prepared.after?.recommendationWith("detail", "m")).toBe(full.recommendation);
  });
});
