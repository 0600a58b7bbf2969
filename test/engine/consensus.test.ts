import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { combineRespondents, consensusAnswer } from "../../src/engine/consensus.js";
import { decide, scoreAnswers } from "../../src/engine/score.js";
import { assessRoom } from "../../src/narrate/assess.js";
import type { Answers, AnswerValue, Question } from "../../src/rubric/schema.js";
import { builtInCompiled, loadOrg, ROOT } from "../helpers/rubrics.js";

const q = (id: string) => builtInCompiled.byId.get(id)?.question as Question;
const answers = (values: Record<string, AnswerValue>): Answers =>
  Object.assign(Object.create(null), values);
const recommend = (a: Answers) =>
  decide(builtInCompiled, a, scoreAnswers(builtInCompiled, a).scores).recommendation;

describe("consensusAnswer", () => {
  it.each([
    ["the most common choice", "regulatory_complexity", ["high", "high", "low"], "high"],
    [
      "a two-way tie, to the value nearest the middle of all answers",
      "regulatory_complexity",
      ["none", "none", "extreme", "extreme", "moderate"],
      "none",
    ],
    [
      "a tie with nothing between, to the earlier option",
      "escalation_path",
      ["defined", "none"],
      "defined",
    ],
    ["the median of an odd count", "employees", [100, 900, 300], 300],
    ["the rounded mean of the middle two", "major_incidents_12m", [3, 3, 4, 5], 4],
    ["an unrounded median share", "digital_revenue_share", [10, 15], 12.5],
    [
      "each option a majority picked",
      "collaboration_mechanisms",
      [
        ["steering_committee", "combined_pmo"],
        ["steering_committee"],
        ["combined_pmo", "blended_scorecard"],
      ],
      ["steering_committee", "combined_pmo"],
    ],
    [
      "no option when half is not a majority",
      "collaboration_mechanisms",
      [["steering_committee"], []],
      [],
    ],
    ["yes/no by majority", "strategic_pivot", [true, true, false], true],
  ] as const)("takes %s", (_name, id, given, expected) => {
    expect(consensusAnswer(q(id), given as unknown as AnswerValue[])).toEqual(expected);
  });

  it("leaves a question nobody answered unanswered", () => {
    expect(consensusAnswer(q("stage"), [])).toBeUndefined();
  });
});

describe("combineRespondents", () => {
  const base = loadOrg(join(ROOT, "examples", "northwind-payments.yaml")).answers;
  it("lists only questions answered differently, most divisive first, and whether one answer could flip it", () => {
    const room = [
      { name: "A", answers: base },
      {
        name: "B",
        answers: answers({
          ...base,
          decision_rights_clarity: "documented",
          escalation_path: "defined",
        }),
      },
      { name: "C", answers: answers({ ...base, employees: 430 }) },
    ];
    const { consensus, disagreement } = combineRespondents(builtInCompiled, room, recommend);
    expect(consensus.decision_rights_clarity).toBe("informal");
    // 420 and 430 fall in the same band: no disagreement worth listing.
    expect(disagreement.map((d) => d.questionId)).toEqual([
      "decision_rights_clarity",
      "escalation_path",
    ]);
    expect(disagreement[0]).toMatchObject({
      answers: { A: "informal", B: "documented", C: "informal" },
      spread: 0.33,
    });
    for (const entry of disagreement) {
      const flips =
        recommend(answers({ ...consensus, [entry.questionId]: entry.answers.B as AnswerValue })) !==
        recommend(consensus);
      expect(entry.couldFlip).toBe(flips);
    }
  });

  it("gives each respondent's own recommendation and lowers confidence when one answer could flip the result", () => {
    const room = [
      { name: "Dana", role: "CTO", answers: base },
      {
        name: "Ravi",
        role: "Head of risk",
        answers: answers({
          ...base,
          regulatory_complexity: "extreme",
          major_incidents_12m: 9,
          incident_root_cause: "controls",
          security_owner: "cio",
        }),
      },
      { name: "Mei", answers: base },
    ];
    const result = assessRoom(builtInCompiled, {
      organization: "Northwind",
      source: null,
      respondents: room,
    });
    expect(result.respondents).toEqual([
      { name: "Dana", role: "CTO", recommendation: recommend(base) },
      { name: "Ravi", role: "Head of risk", recommendation: "separate" },
      { name: "Mei", role: null, recommendation: recommend(base) },
    ]);
    expect(result.confidenceFactors.roomCouldFlip).toBe(
      result.disagreement?.some((d) => d.couldFlip),
    );
  });
});
