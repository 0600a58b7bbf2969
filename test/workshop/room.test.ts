import { describe, expect, it } from "vitest";
import { planInterview } from "../../src/interview/flow.js";
import type { Answers } from "../../src/rubric/schema.js";
import { Room, type RoomState } from "../../src/workshop/room.js";
import { builtInCompiled } from "../helpers/rubrics.js";

const steps = planInterview(builtInCompiled);
const facts: Answers = Object.assign(Object.create(null), { stage: "growth", employees: 900 });

function newRoom(): Room {
  const state: RoomState = {
    version: 1,
    organization: "Acme",
    token: "t".repeat(22),
    secret: "s".repeat(43),
    round: 1,
    revealed: false,
    recheck: [],
    participants: ["Dana", "Ravi"].map((name) => ({
      id: `${name}-id-0123456789`,
      name,
      file: `${name.toLowerCase()}.yaml`,
      answers: Object.create(null),
      unknown: [],
      reasons: {},
      rechecked: [],
    })),
  };
  return new Room(state, builtInCompiled, steps, facts);
}

describe("a workshop room", () => {
  it("asks nobody the facts, and only what applies to each person's own answers", () => {
    const room = newRoom();
    const [dana] = room.state.participants;
    if (!dana) throw new Error("no participant");
    const asked = room.questionsFor(dana).map((step) => step.question.id);
    expect(asked).not.toContain("stage");
    expect(asked).not.toContain("employees");
    expect(asked).not.toContain("role_conflict");
    room.record(dana, "current_structure", "separate");
    expect(room.questionsFor(dana).map((s) => s.question.id)).toContain("role_conflict");
    expect(room.nextFor(dana)?.question.id).toBe(asked[0]);
  });

  it("counts not sure as dealt with, and reports how far each person is, not what", () => {
    const room = newRoom();
    const [dana, ravi] = room.state.participants;
    if (!dana || !ravi) throw new Error("no participants");
    room.record(dana, "tech_staff", null, "no idea");
    room.record(ravi, "tech_staff", 80, "  ");
    const progress = room.progress();
    expect(progress.map((p) => p.done)).toEqual([1, 1]);
    expect(JSON.stringify(progress)).not.toContain("80");
    expect(dana.unknown).toEqual(["tech_staff"]);
    room.record(dana, "tech_staff", 60);
    expect(dana.unknown).toEqual([]);
  });

  it("starts a Delphi round on chosen questions, with the answers so far and reasons, no names", () => {
    const room = newRoom();
    const [dana, ravi] = room.state.participants;
    if (!dana || !ravi) throw new Error("no participants");
    room.record(dana, "strategic_pivot", true, "New platform next year");
    room.record(ravi, "strategic_pivot", false, "");
    room.state.revealed = true;
    room.startRound(["strategic_pivot"]);
    expect(room.state).toMatchObject({ round: 2, revealed: false });
    expect(room.state.recheck).toEqual([
      {
        questionId: "strategic_pivot",
        answers: [
          { label: "No", count: 1 },
          { label: "Yes", count: 1 },
        ],
        reasons: ["New platform next year"],
      },
    ]);
    expect(room.questionsFor(dana).map((s) => s.question.id)).toEqual(["strategic_pivot"]);
    expect(room.nextFor(dana)?.question.id).toBe("strategic_pivot");
    room.record(dana, "strategic_pivot", true);
    expect(room.nextFor(dana)).toBeUndefined();
    expect(room.progress().map((p) => `${p.done}/${p.total}`)).toEqual(["1/1", "0/1"]);
  });
});
