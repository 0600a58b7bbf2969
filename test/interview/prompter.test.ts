import { PassThrough } from "node:stream";
import { stripVTControlCharacters } from "node:util";
import { describe, expect, it } from "vitest";
import { TerminalPrompter, typingProblem } from "../../src/cli/interview/prompter.js";
import { planInterview, type Reply, type Step } from "../../src/interview/flow.js";
import type { AnswerValue } from "../../src/rubric/schema.js";
import { builtInCompiled } from "../helpers/rubrics.js";

const steps = planInterview(builtInCompiled);
const step = (id: string) => steps.find((s) => s.question.id === id) as Step;

const KEYS = { enter: "\r", down: "\u001b[B", up: "\u001b[A", space: " ", backspace: "\u007f" };

/** The real prompts on injected streams: keys go in, the rendered screen comes out. */
function harness(organization = "Acme", answersPath = "acme.yaml") {
  const input = new PassThrough();
  const output = Object.assign(new PassThrough(), {
    columns: 100,
    rows: 40,
    isTTY: true,
  }) as unknown as NodeJS.WriteStream;
  let screen = "";
  (output as unknown as PassThrough).on("data", (chunk: Buffer) => {
    screen += chunk.toString();
  });
  const prompter = new TerminalPrompter({
    organization,
    answersPath,
    color: false,
    compiled: builtInCompiled,
    input,
    output,
  });
  const press = async (...keys: string[]) => {
    for (const key of keys) {
      await new Promise((resolve) => setTimeout(resolve, 15));
      input.write(key);
    }
  };
  return { prompter, press, screen: () => stripVTControlCharacters(screen), raw: () => screen };
}

async function answer(
  id: string,
  keys: string[],
  current?: AnswerValue,
  canGoBack = true,
): Promise<{ reply: Reply; screen: string }> {
  const { prompter, press, screen } = harness();
  const pending = prompter.ask(step(id), current, canGoBack);
  await press(...keys);
  return { reply: await pending, screen: screen() };
}

describe("TerminalPrompter", () => {
  it("shows a hostile organisation name, file name and rubric text escaped, never obeyed", async () => {
    const { prompter, press, raw } = harness(
      "Evil\u001b]52;c;eA==\u0007\u009b2J",
      "a\u001b[31m.yaml",
    );
    const question = step("stage").question;
    const hostile = {
      ...step("stage"),
      rubricTitle: "Stage\u202e",
      question: { ...question, help: "Help \u001b[2J text", prompt: "Which\u001b[5m stage?" },
    } as Step;
    const pending = prompter.ask(hostile, undefined, false);
    await press(KEYS.enter);
    await pending;
    const screen = raw();
    for (const shown of [
      "Evil\\e]52;c;eA==\\x07\\x9b2J",
      "a\\e[31m.yaml",
      "Stage\\u202e",
      "Help \\e[2J text",
      "Which\\e[5m stage?",
    ])
      expect(screen).toContain(shown);
    for (const raw of [
      "\u001b]52",
      "\u0007",
      "\u009b",
      "\u202e",
      "\u001b[31m.yaml",
      "\u001b[5m stage",
    ])
      expect(screen).not.toContain(raw);
  });

  it("shows the rubric, position, progress and help text", async () => {
    const { screen } = await answer("stage", [KEYS.enter]);
    expect(screen).toContain("rolefit · Acme");
    expect(screen).toContain("Ctrl-C pauses · saved to acme.yaml");
    expect(screen).toMatch(/Maturity stage · 1\/7 +░+ question 1 of 28/);
    expect(screen).toContain("Startup: finding product-market fit.");
  });

  it("answers a choice from the list, and offers skip and back", async () => {
    expect((await answer("stage", [KEYS.down, KEYS.enter])).reply).toEqual({
      kind: "answer",
      value: "scaleup",
    });
    const skip = await answer("role_conflict", [KEYS.down, KEYS.down, KEYS.down, KEYS.enter]);
    expect(skip.screen).toContain("Not sure — skip this question");
    expect(skip.reply).toEqual({ kind: "skip" });
    expect(
      (await answer("role_conflict", [KEYS.down, KEYS.down, KEYS.down, KEYS.down, KEYS.enter]))
        .reply,
    ).toEqual({ kind: "back" });
  });

  it("starts a choice on the current answer", async () => {
    expect((await answer("stage", [KEYS.enter], "mature")).reply).toEqual({
      kind: "answer",
      value: "mature",
    });
  });

  it("answers yes/no as a list that starts on skip, so a hurried Enter records nothing", async () => {
    expect((await answer("strategic_pivot", [KEYS.enter])).reply).toEqual({ kind: "skip" });
    expect((await answer("strategic_pivot", [KEYS.up, KEYS.up, KEYS.enter])).reply).toEqual({
      kind: "answer",
      value: true,
    });
    expect((await answer("strategic_pivot", [KEYS.enter], false)).reply).toEqual({
      kind: "answer",
      value: false,
    });
  });

  it("keeps or clears an answer being edited, never clearing it on skip", async () => {
    const edit = await answer("stage", [...Array(5).fill(KEYS.down), KEYS.enter], "mature", false);
    expect(edit.screen).toContain("Keep the current answer");
    expect(edit.screen).toContain("Clear this answer (mark it not answered)");
    expect(edit.screen).not.toContain("Not sure — skip this question");
    expect(edit.reply).toEqual({ kind: "clear" });
    const kept = await answer("stage", [KEYS.down, KEYS.down, KEYS.enter], "mature", false);
    expect(kept.reply).toEqual({ kind: "skip" });
    expect((await answer("employees", ["c", KEYS.enter], 40)).reply).toEqual({ kind: "clear" });
  });

  it("validates numbers as they are typed and accepts s and b", async () => {
    const typed = await answer("employees", [
      ..."abc",
      KEYS.enter,
      KEYS.backspace,
      KEYS.backspace,
      KEYS.backspace,
      ..."420",
      KEYS.enter,
    ]);
    expect(typed.screen).toContain(
      "Enter a whole number of at least 1 in digits (1200 or 1,200), or s to skip, b to go back.",
    );
    expect(typed.reply).toEqual({ kind: "answer", value: 420 });
    expect((await answer("digital_revenue_share", [..."45%", KEYS.enter])).reply).toEqual({
      kind: "answer",
      value: 45,
    });
    for (const [typed, value] of [
      ["1,200", 1200],
      ["12 500", 12500],
      ["3_000", 3000],
    ] as const) {
      expect((await answer("employees", [...typed, KEYS.enter])).reply).toEqual({
        kind: "answer",
        value,
      });
    }
    const exponent = await answer("employees", [
      ..."1e3",
      KEYS.enter,
      ...Array(3).fill(KEYS.backspace),
      ..."1000",
      KEYS.enter,
    ]);
    expect(exponent.screen).toContain("in digits (1200 or 1,200)");
    expect(exponent.reply).toEqual({ kind: "answer", value: 1000 });
    expect((await answer("employees", ["s", KEYS.enter])).reply).toEqual({ kind: "skip" });
    expect((await answer("employees", ["b", KEYS.enter])).reply).toEqual({ kind: "back" });
    const noBack = await answer(
      "employees",
      ["b", KEYS.enter, KEYS.backspace, "7", KEYS.enter],
      undefined,
      false,
    );
    expect(noBack.reply).toEqual({ kind: "answer", value: 7 });
  });

  it("flags a number that cannot become valid as it is typed, before Enter", async () => {
    const { prompter, press, screen } = harness();
    const pending = prompter.ask(step("employees"), undefined, true);
    await press(..."1,2");
    expect(screen()).not.toMatch(/cannot become a number|Group digits/);
    await press("x");
    expect(screen().split("\n").slice(-3).join("\n")).toContain(
      "Digits only (1200 or 1,200): “1,2x” cannot become a number.",
    );
    await press(KEYS.backspace, ..."00", KEYS.enter);
    expect(await pending).toEqual({ kind: "answer", value: 1200 });
  });

  it.each([
    ["employees", "1,2x0", "Digits only (1200 or 1,200): “1,2x0” cannot become a number."],
    ["employees", "1,2000", "Group digits in threes: 1,200 or 12 500."],
    ["employees", ",200", "Group digits in threes: 1,200 or 12 500."],
    ["employees", "12.5", "A whole number: no decimals."],
    ["employees", "-3", "At least 1: no minus sign."],
    ["digital_revenue_share", "101", "At most 100%."],
    ["digital_revenue_share", "4%5", "The % sign goes last."],
    ["employees", "1,20", undefined],
    ["employees", "12 500", undefined],
    ["digital_revenue_share", "45%", undefined],
    ["digital_revenue_share", "45.", undefined],
    ["employees", "", undefined],
  ])("typing %s as “%s”: %s", (id, text, problem) => {
    const question = step(id).question as Parameters<typeof typingProblem>[0];
    expect(typingProblem(question, text)).toBe(problem);
  });

  it("takes several options from a checkbox list, in the rubric's order", async () => {
    const picked = await answer("collaboration_mechanisms", [
      KEYS.down,
      KEYS.space,
      KEYS.down,
      KEYS.space,
      KEYS.enter,
    ]);
    expect(picked.reply).toEqual({
      kind: "answer",
      value: ["combined_pmo", "shared_risk_framework"],
    });
    // Nothing selected is not an answer; "None of these" is.
    const empty = await answer("collaboration_mechanisms", [
      KEYS.enter,
      ...Array(6).fill(KEYS.down),
      KEYS.space,
      KEYS.enter,
    ]);
    expect(empty.screen).toContain("Select options with space, or “None of these”.");
    expect(empty.reply).toEqual({ kind: "answer", value: [] });
  });

  it("makes skip and back actions below the options, never ticked with them", async () => {
    const toSkip = Array(7).fill(KEYS.down); // past six options and "none"; the gap is passed over
    const skipped = await answer("collaboration_mechanisms", [
      KEYS.space,
      ...toSkip,
      KEYS.space, // space on an action ticks nothing
      KEYS.enter,
    ]);
    expect(skipped.reply).toEqual({ kind: "skip" });
    expect(skipped.screen).not.toMatch(/◉ Not sure|◯ Not sure/);
    const back = await answer(
      "collaboration_mechanisms",
      [...toSkip, KEYS.down, KEYS.enter],
      undefined,
      true,
    );
    expect(back.reply).toEqual({ kind: "back" });
    // "None of these" and the options exclude each other; `a` selects nothing; 2 ticks the
    // second option.
    const none = await answer("collaboration_mechanisms", [
      KEYS.space,
      ...Array(6).fill(KEYS.down),
      KEYS.space,
      KEYS.enter,
    ]);
    expect(none.reply).toEqual({ kind: "answer", value: [] });
    const keys = await answer("collaboration_mechanisms", ["a", KEYS.enter, "2", KEYS.enter]);
    expect(keys.screen).toContain("Select options with space, or “None of these”.");
    expect(keys.reply).toEqual({ kind: "answer", value: ["combined_pmo"] });
  });
});
