import { mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { AnswersFile } from "../../src/cli/interview/answers-file.js";
import { recommendationFor } from "../../src/engine/evaluate.js";
import { answerChoices } from "../../src/engine/grounds.js";
import { settleVerdict } from "../../src/engine/settled.js";
import {
  type Prompter,
  planInterview,
  type Reply,
  type ReviewChoice,
  runInterview,
  type Settled,
  type Step,
} from "../../src/interview/flow.js";
import { parseOrganization } from "../../src/rubric/parse.js";
import type { Answers, AnswerValue } from "../../src/rubric/schema.js";
import { builtInCompiled, builtInIndex, ROOT, yamlFiles } from "../helpers/rubrics.js";

const steps = planInterview(builtInCompiled);

/** Answers as the org file would: its answer, or "not sure" where it has none. */
class OrgPrompter implements Prompter {
  asked: string[] = [];
  settledWith?: Settled;
  constructor(
    private readonly answers: Answers,
    private readonly onSettled: "stop" | "go-on" = "stop",
  ) {}
  async ask(step: Step): Promise<Reply> {
    this.asked.push(step.question.id);
    const value = this.answers[step.question.id];
    return value === undefined ? { kind: "skip" } : { kind: "answer", value };
  }
  async review() {
    return { kind: "done" } as const;
  }
  async settled(settled: Settled) {
    this.settledWith = settled;
    return this.onSettled;
  }
}

const SETS = ["calibration", "holdout", "holdout-blind", "holdout-blind-2"].map((name) =>
  join(ROOT, "test", "fixtures", name),
);
const profiles = [...SETS, join(ROOT, "examples")].flatMap((dir) =>
  yamlFiles(dir).map((file) => {
    const org = parseOrganization(readFileSync(file, "utf8"), file, builtInIndex);
    if (!org.value) throw new Error(`${file} does not load`);
    return { file: file.slice(ROOT.length), answers: org.value.answers };
  }),
);

async function adaptively(answers: Answers, onSettled: "stop" | "go-on" = "stop") {
  const prompter = new OrgPrompter(answers, onSettled);
  const saved: Array<Settled | null | undefined> = [];
  const result = await runInterview(steps, Object.create(null), prompter, {
    reviseFirst: false,
    adaptive: builtInCompiled,
    save: async (_answers, _unknown, settled) => {
      saved.push(settled);
    },
  });
  return { prompter, result, saved };
}

describe("the adaptive interview", () => {
  it("reaches the full interview's verdict on every profile, with fewer questions", async () => {
    const rows: string[] = [];
    let asked = 0;
    let full = 0;
    for (const { file, answers } of profiles) {
      const { prompter, result } = await adaptively(answers);
      const whole = recommendationFor(builtInCompiled, answers);
      expect(recommendationFor(builtInCompiled, result), file).toBe(whole);
      const applying = steps.filter((step) => step.applies(answers)).length;
      asked += prompter.asked.length;
      full += applying;
      rows.push(`${file}: ${prompter.asked.length}/${applying} → ${whole}`);
    }
    // Printed for the closing note; the figure that matters is the share asked.
    console.log(
      `${rows.join("\n")}\nasked ${asked} of ${full} (${((100 * asked) / full).toFixed(0)}%)`,
    );
    expect(asked).toBeLessThan(full);
  });

  it("opens with the size questions, then asks by what could change the verdict", async () => {
    const { file, answers } = profiles[0] as (typeof profiles)[number];
    const { prompter } = await adaptively(answers);
    const opening = steps.filter((step) => step.opening).map((step) => step.question.id);
    expect(opening, file).toEqual(["stage", "employees", "tech_staff"]);
    expect(prompter.asked.slice(0, 3)).toEqual(opening);
  });

  it("records what was left open, and goes on when asked to", async () => {
    const { answers } = profiles.find(
      ({ answers }) => settleVerdict(builtInCompiled, answers, new Set()).settled,
    ) as (typeof profiles)[number];
    const stopped = await adaptively(answers);
    const settled = stopped.prompter.settledWith;
    expect(settled).toBeDefined();
    expect(stopped.saved).toContain(settled);
    expect(settled?.asked).toBe(stopped.prompter.asked.length);
    expect(settled?.leftOpen.every((id) => stopped.result[id] === undefined)).toBe(true);
    const onward = await adaptively(answers, "go-on");
    const applying = steps.filter((step) => step.applies(answers)).length;
    expect(onward.prompter.asked).toHaveLength(applying);
  });
});

/** A small deterministic generator, so a failure can be replayed. */
function random(seed: number) {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

function randomAnswer(step: Step, next: () => number): AnswerValue | undefined {
  const { question } = step;
  if (next() < 0.1) return undefined;
  if (question.type === "multi")
    return question.options.filter(() => next() < 0.4).map((option) => option.value);
  if (question.type === "integer" || question.type === "percent") {
    const bands = question.bands.map((band) => band.from);
    const from = bands[Math.floor(next() * bands.length)] as number;
    return from + Math.floor(next() * 3);
  }
  const values = answerChoices(question);
  return values[Math.floor(next() * values.length)];
}

describe("the proof that a verdict is settled", () => {
  it("holds: no completion of the open questions changes a verdict it calls settled", () => {
    const next = random(20261130);
    let settledCount = 0;
    for (let trial = 0; trial < 400; trial++) {
      const answers: Record<string, AnswerValue> = Object.create(null);
      const open = new Set<string>();
      for (const step of steps) {
        const value = randomAnswer(step, next);
        if (next() < 0.35) open.add(step.question.id);
        else if (value !== undefined) answers[step.question.id] = value;
      }
      const settlement = settleVerdict(builtInCompiled, answers, open);
      if (!settlement.settled) continue;
      settledCount++;
      for (let completion = 0; completion < 40; completion++) {
        const completed: Record<string, AnswerValue> = Object.assign(Object.create(null), answers);
        for (const id of open) {
          const step = steps.find((s) => s.question.id === id) as Step;
          const value = randomAnswer(step, next);
          if (value !== undefined) completed[id] = value;
        }
        expect(recommendationFor(builtInCompiled, completed)).toBe(settlement.recommendation);
      }
    }
    expect(settledCount).toBeGreaterThan(20);
  });

  it("is not claimed before there is a recommendation", () => {
    expect(settleVerdict(builtInCompiled, Object.create(null), new Set(["stage"])).settled).toBe(
      false,
    );
  });
});

describe("the adaptive interview's moves", () => {
  const tiny: Answers = Object.assign(Object.create(null), {
    stage: "startup",
    employees: 12,
    tech_staff: 3,
  });

  it("goes back to the question asked before, whatever its place in the list", async () => {
    const replies: Reply[] = [
      { kind: "answer", value: "startup" },
      { kind: "answer", value: 12 },
      { kind: "back" },
      { kind: "answer", value: 15 },
      { kind: "answer", value: 3 },
    ];
    const asked: string[] = [];
    const prompter: Prompter = {
      ask: async (step, current, canGoBack) => {
        asked.push(`${step.question.id}${canGoBack ? "" : "!"}=${JSON.stringify(current ?? null)}`);
        return replies.shift() ?? { kind: "skip" };
      },
      review: async () => ({ kind: "done" }),
      settled: async () => "stop",
    };
    const answers = await runInterview(steps, Object.create(null), prompter, {
      reviseFirst: false,
      adaptive: builtInCompiled,
      save: async () => {},
    });
    expect(asked).toEqual([
      "stage!=null",
      "employees=null",
      "tech_staff=null",
      "employees=12",
      "tech_staff=null",
    ]);
    expect({ ...answers }).toEqual({ stage: "startup", employees: 15, tech_staff: 3 });
  });

  it("asks on when the final review changes an answer so the verdict is no longer settled", async () => {
    const reviews: ReviewChoice[] = [{ kind: "change", questionId: "employees" }];
    const asked: string[] = [];
    const settledTimes: number[] = [];
    const saved: Array<Settled | null | undefined> = [];
    const prompter: Prompter = {
      ask: async (step) => {
        asked.push(step.question.id);
        if (step.question.id === "employees") return { kind: "answer", value: 4000 };
        return { kind: "skip" };
      },
      review: async () => reviews.shift() ?? { kind: "done" },
      settled: async (settled) => {
        settledTimes.push(settled.asked);
        return "stop";
      },
    };
    await runInterview(steps, tiny, prompter, {
      reviseFirst: false,
      adaptive: builtInCompiled,
      save: async (_a, _u, settled) => void saved.push(settled),
    });
    // Settled on the three size answers, then unsettled by 4,000 employees: the record is
    // withdrawn and the interview asks on until it settles again or runs out.
    expect(settledTimes[0]).toBe(3);
    expect(saved).toContain(null);
    expect(asked.length).toBeGreaterThan(2);
  });
});

describe("the answers file's record of what was left open", () => {
  it("writes the record before the answers, keeps it current, and removes it", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "rolefit-adaptive-")), "tiny.yaml");
    const file = AnswersFile.create(path, "Tiny", steps);
    const answers: Record<string, AnswerValue> = Object.assign(Object.create(null), {
      stage: "startup",
    });
    const record = {
      settledAfter: 1,
      questions: 3,
      leftOpen: ["employees", "tech_staff"],
      why: "Verdict settled after 1 of 3 questions: combine.",
    };
    await file.save(answers, new Set(), record);
    let text = readFileSync(path, "utf8");
    expect(text.indexOf("adaptive:")).toBeLessThan(text.indexOf("answers:"));
    expect(parseOrganization(text, path, builtInIndex).diagnostics).toEqual([]);
    expect(parse(text).adaptive).toEqual(record);
    answers.employees = 12;
    await file.save(answers, new Set());
    expect(parse(readFileSync(path, "utf8")).adaptive.leftOpen).toEqual(["tech_staff"]);
    answers.tech_staff = 3;
    await file.save(answers, new Set());
    text = readFileSync(path, "utf8");
    expect(parse(text).adaptive).toBeUndefined();
    await file.save(answers, new Set(), record);
    await file.save(answers, new Set(), null);
    expect(parse(readFileSync(path, "utf8")).adaptive).toBeUndefined();
  });
});
