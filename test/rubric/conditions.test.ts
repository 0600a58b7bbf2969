import { describe, expect, it } from "vitest";
import { describeCondition, RAW_WORDING, type Wording } from "../../src/narrate/conditions.js";
import { conditionHolds, couldHold, predicateOf } from "../../src/rubric/conditions.js";
import type { Answers, Condition } from "../../src/rubric/schema.js";

const describeHolding = (condition: Condition, given: Answers, wording: Wording = RAW_WORDING) =>
  describeCondition(condition, wording, given);

const answers = (values: Record<string, unknown>) =>
  Object.assign(Object.create(null), values) as Answers;

const readiness: Condition = {
  any: [
    { question: "decision_rights_clarity", in: ["contested"] },
    {
      all: [
        { question: "decision_rights_clarity", in: ["informal"] },
        { question: "collaboration_mechanisms", countAtMost: 1 },
      ],
    },
    {
      all: [
        { question: "decision_rights_clarity", in: ["informal"] },
        { question: "role_conflict", in: ["some"] },
      ],
    },
  ],
};

describe("describeCondition, given answers", () => {
  it("names the first alternative of an any that holds, with the actual answers", () => {
    const given = answers({
      decision_rights_clarity: "informal",
      collaboration_mechanisms: ["steering_committee", "combined_pmo"],
      role_conflict: "some",
    });
    expect(describeHolding(readiness, given)).toBe(
      "decision_rights_clarity: informal; role_conflict: some",
    );
  });

  it("describes numbers by the threshold passed and lists by their test", () => {
    expect(
      describeHolding(
        {
          all: [
            { question: "employees", atMost: 100 },
            { question: "collaboration_mechanisms", countAtMost: 0 },
            { question: "roadmap_alignment", notIn: ["single"] },
          ],
        },
        answers({ employees: 42, collaboration_mechanisms: [], roadmap_alignment: "separate" }),
      ),
    ).toBe("employees: 100 or less; collaboration_mechanisms: none; roadmap_alignment: separate");
    expect(
      describeHolding(
        { not: { question: "stage", in: ["startup"] } },
        answers({ stage: "growth" }),
      ),
    ).toBe("stage: growth");
    expect(
      describeHolding({ not: { question: "employees", atMost: 100 } }, answers({ employees: 420 })),
    ).toBe("employees: more than 100");
  });

  it("names questions and answers by the wording it is given", () => {
    const wording = {
      question: (id: string) => id.toUpperCase(),
      answer: (_: string, value: unknown) => `«${String(value)}»`,
    };
    expect(
      describeHolding(readiness, answers({ decision_rights_clarity: "contested" }), wording),
    ).toBe("DECISION_RIGHTS_CLARITY: «contested»");
  });

  it("says what is tested when the condition does not hold", () => {
    expect(describeHolding(readiness, answers({ decision_rights_clarity: "documented" }))).toBe(
      "any of (decision_rights_clarity: contested; all of (decision_rights_clarity: informal; collaboration_mechanisms: at most 1 chosen); all of (decision_rights_clarity: informal; role_conflict: some))",
    );
  });
});

describe("compiled conditions", () => {
  it("read one changed answer as if it were given, including a change to unanswered", () => {
    const given = answers({ decision_rights_clarity: "informal", role_conflict: "none" });
    const holds = predicateOf(readiness);
    expect(holds(given)).toBe(false);
    expect(holds(given, "role_conflict", "some")).toBe(true);
    expect(holds(given, "decision_rights_clarity", undefined)).toBe(false);
    expect(conditionHolds(readiness, answers({ decision_rights_clarity: "contested" }))).toBe(true);
  });
});

describe("couldHold", () => {
  it("keeps a condition open while an unanswered test could still decide it", () => {
    const oversight: Condition = {
      all: [
        { question: "regulatory_complexity", in: ["high", "extreme"] },
        { not: { question: "employees", atMost: 100 } },
      ],
    };
    expect(couldHold(oversight, answers({}))).toBe(true);
    expect(couldHold(oversight, answers({ employees: 40 }))).toBe(false);
    expect(couldHold(oversight, answers({ employees: 400 }))).toBe(true);
    expect(couldHold(oversight, answers({ employees: 400, regulatory_complexity: "none" }))).toBe(
      false,
    );
    expect(couldHold(readiness, answers({ decision_rights_clarity: "informal" }))).toBe(true);
  });
});
