import {
  chmodSync,
  lstatSync,
  mkdtempSync,
  readFileSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parseDocument } from "yaml";
import {
  AnswersFile,
  defaultAnswersPath,
  resumeCommand,
} from "../../src/cli/interview/answers-file.js";
import {
  type Prompter,
  planInterview,
  type Reply,
  type ReviewChoice,
  runInterview,
  type Step,
} from "../../src/interview/flow.js";
import { parseOrganization } from "../../src/rubric/parse.js";
import type { Answers, AnswerValue } from "../../src/rubric/schema.js";
import { builtInCompiled, builtInIndex } from "../helpers/rubrics.js";

const steps = planInterview(builtInCompiled);

/** A prompter that replays a script and records what it was asked. */
class ScriptedPrompter implements Prompter {
  asked: string[] = [];
  reviews: string[] = [];
  constructor(
    private readonly replies: Record<string, Array<Reply>>,
    private readonly reviewChoices: ReviewChoice[] = [],
  ) {}
  async ask(step: Step, _current: AnswerValue | undefined, canGoBack: boolean): Promise<Reply> {
    this.asked.push(`${step.question.id}${canGoBack ? "" : "!"}`);
    const queue = this.replies[step.question.id];
    return queue?.shift() ?? { kind: "skip" };
  }
  async review(
    _steps: readonly Step[],
    _answers: Answers,
    purpose: "revise" | "final",
  ): Promise<ReviewChoice> {
    this.reviews.push(purpose);
    return this.reviewChoices.shift() ?? { kind: "done" };
  }
  async settled(): Promise<"stop" | "go-on"> {
    return "stop";
  }
}

const none = (): Answers => Object.create(null);

describe("planInterview", () => {
  it("orders rubrics for the interview and counts progress per rubric and overall", () => {
    expect(steps).toHaveLength(28);
    expect(steps[0]).toMatchObject({
      rubricTitle: "Maturity stage",
      inRubric: 1,
      rubricSize: 7,
      overall: 1,
      total: 28,
    });
    expect(steps.map((s) => s.rubricTitle).filter((t, i, all) => all.indexOf(t) === i)).toEqual([
      "Maturity stage",
      "Consolidation triggers",
      "Decision rights",
    ]);
    expect(steps[27]).toMatchObject({
      rubricTitle: "Decision rights",
      inRubric: 9,
      rubricSize: 9,
      overall: 28,
    });
  });

  it("asks a question that depends on a later one right after it", () => {
    const order = steps.map((s) => s.question.id);
    expect(order.indexOf("role_conflict")).toBe(order.indexOf("current_structure") + 1);
    expect(order.indexOf("incident_root_cause")).toBe(order.indexOf("major_incidents_12m") + 1);
  });
});

describe("runInterview", () => {
  it("asks every question in order, saves after each answer, and skipped ones stay unanswered", async () => {
    const saves: number[] = [];
    const prompter = new ScriptedPrompter({
      stage: [{ kind: "answer", value: "startup" }],
      employees: [{ kind: "answer", value: 20 }],
    });
    const answers = await runInterview(steps, none(), prompter, {
      reviseFirst: false,
      save: async (a) => void saves.push(Object.keys(a).length),
    });
    // Friction and forums between two leaders, and the incidents' cause, wait for answers that
    // say they apply.
    expect(prompter.asked).toHaveLength(25);
    expect(prompter.asked[0]).toBe("stage!");
    expect({ ...answers }).toEqual({ stage: "startup", employees: 20 });
    // Each answer is saved, and so is each "not sure" (recorded as null in the file).
    expect(saves.slice(0, 2)).toEqual([1, 2]);
    expect(saves).toHaveLength(25);
    expect(prompter.reviews).toEqual(["final"]);
  });

  it("records not sure, and asks it again on resuming only with askSkipped", async () => {
    const unknown = new Set<string>();
    const first = new ScriptedPrompter({ stage: [{ kind: "skip" }] });
    await runInterview(steps, none(), first, {
      reviseFirst: false,
      unknown,
      save: async () => {},
    });
    expect(unknown.has("stage")).toBe(true);
    const again = new ScriptedPrompter({});
    await runInterview(steps, none(), again, { reviseFirst: false, unknown, save: async () => {} });
    expect(again.asked).not.toContain("stage!");
    expect(again.asked).not.toContain("stage");
    const asked = new ScriptedPrompter({});
    await runInterview(steps, none(), asked, {
      reviseFirst: false,
      unknown,
      askSkipped: true,
      save: async () => {},
    });
    expect(asked.asked[0]).toBe("stage!");
  });

  it("writes not sure as null, and reads it back as not sure", async () => {
    const path = join(mkdtempSync(join(tmpdir(), "rolefit-unknown-")), "unknown.yaml");
    const file = AnswersFile.create(path, "Acme", steps);
    await file.save(Object.assign(Object.create(null), { employees: 40 }), new Set(["stage"]));
    const text = readFileSync(path, "utf8");
    expect(text).toMatch(/stage: null/);
    const reread = AnswersFile.fromDocument(path, parseDocument(text), steps);
    expect([...reread.unknown()]).toEqual(["stage"]);
  });

  it("goes back to the previous question and lets it be changed", async () => {
    const prompter = new ScriptedPrompter({
      stage: [
        { kind: "answer", value: "startup" },
        { kind: "answer", value: "growth" },
      ],
      employees: [{ kind: "back" }, { kind: "answer", value: 900 }],
    });
    const answers = await runInterview(steps, none(), prompter, {
      reviseFirst: false,
      save: async () => {},
    });
    expect(prompter.asked.slice(0, 4)).toEqual(["stage!", "employees", "stage!", "employees"]);
    expect(answers.stage).toBe("growth");
    expect(answers.employees).toBe(900);
  });

  it("asks only what is unanswered when resuming, after an optional revision", async () => {
    const initial: Answers = Object.assign(
      Object.create(null),
      Object.fromEntries(steps.slice(0, 25).map((s) => [s.question.id, "x"])),
    );
    const prompter = new ScriptedPrompter({ stage: [{ kind: "answer", value: "mature" }] }, [
      { kind: "change", questionId: "stage" },
      { kind: "done" },
      { kind: "done" },
    ]);
    const answers = await runInterview(steps, initial, prompter, {
      reviseFirst: true,
      save: async () => {},
    });
    expect(prompter.reviews).toEqual(["revise", "revise", "final"]);
    // Forums between two leaders do not apply: the current structure ("x") names none.
    expect(prompter.asked).toEqual(["stage!", "roadmap_alignment!", "escalation_path"]);
    expect(answers.stage).toBe("mature");
    expect(initial.stage).toBe("x");
  });

  it("lets the final review change any answer, including back to unanswered", async () => {
    const initial: Answers = Object.assign(Object.create(null), { stage: "startup" });
    const prompter = new ScriptedPrompter({ stage: [{ kind: "clear" }] }, [
      { kind: "change", questionId: "stage" },
      { kind: "done" },
    ]);
    const answers = await runInterview(steps.slice(0, 1), initial, prompter, {
      reviseFirst: false,
      save: async () => {},
    });
    expect(answers.stage).toBeUndefined();
  });

  it("keeps an answer when the question is skipped while editing it", async () => {
    const initial: Answers = Object.assign(Object.create(null), { stage: "startup" });
    const saves: number[] = [];
    const prompter = new ScriptedPrompter({ stage: [{ kind: "skip" }] }, [
      { kind: "change", questionId: "stage" },
      { kind: "done" },
    ]);
    const answers = await runInterview(steps.slice(0, 1), initial, prompter, {
      reviseFirst: false,
      save: async (a) => void saves.push(Object.keys(a).length),
    });
    expect(answers.stage).toBe("startup");
    expect(saves).toEqual([]);
  });
});

describe("AnswersFile", () => {
  const dir = mkdtempSync(join(tmpdir(), "rolefit-answers-"));

  it("names the file after the organisation", () => {
    expect(defaultAnswersPath("Northwind Payments")).toBe("northwind-payments.yaml");
    expect(defaultAnswersPath("Société Générale & Co.")).toBe("societe-generale-co.yaml");
    expect(defaultAnswersPath("!!!")).toBe("organisation.yaml");
    expect(resumeCommand("my answers.yaml")).toBe(
      "rolefit assess --org 'my answers.yaml' --interactive",
    );
    // The rubric folders come along; a path with control characters is quoted $'…', visibly.
    expect(resumeCommand("a\u001b[2J.yaml", ["firm rubrics"])).toBe(
      "rolefit assess --org $'a\\e[2J.yaml' --interactive --rubrics 'firm rubrics'",
    );
  });

  it("writes a valid org file after every save, in question order", async () => {
    const path = join(dir, "acme.yaml");
    const file = AnswersFile.create(path, "Acme", steps);
    await file.save(
      Object.assign(Object.create(null), {
        employees: 40,
        stage: "startup",
        collaboration_mechanisms: ["combined_pmo"],
      }),
    );
    const text = readFileSync(path, "utf8");
    expect(text).toContain("Resume with: rolefit assess --org");
    expect(text.indexOf("stage:")).toBeLessThan(text.indexOf("employees:"));
    const org = parseOrganization(text, path, builtInIndex);
    expect(org.diagnostics).toEqual([]);
    expect({ ...org.value?.answers }).toEqual({
      stage: "startup",
      employees: 40,
      collaboration_mechanisms: ["combined_pmo"],
    });
  });

  it("records who answered when the interview runs per respondent", async () => {
    const path = join(dir, "acme-dana.yaml");
    await AnswersFile.create(path, "Acme", steps, { name: "Dana" }).save(
      Object.assign(Object.create(null), { stage: "growth" }),
    );
    const org = parseOrganization(readFileSync(path, "utf8"), path, builtInIndex);
    expect(org.value?.respondent).toEqual({ name: "Dana" });
    expect(defaultAnswersPath("Acme Dana")).toBe("acme-dana.yaml");
    // Cut near 60 characters at a word boundary, never leaving a hyphen at the end.
    const long = defaultAnswersPath(`${"a".repeat(59)} Holdings International`);
    expect(long).toBe(`${"a".repeat(59)}.yaml`);
    expect(defaultAnswersPath("x".repeat(100))).toBe(`${"x".repeat(60)}.yaml`);
  });

  it("keeps the comments of a file a client sent and unanswers cleared answers", async () => {
    const path = join(dir, "client.yaml");
    const text =
      "# Sent by the client\napiVersion: rolefit/v1\nkind: Organization\nname: Client\nanswers:\n  stage: growth # their view\n  employees: 900\n";
    const file = AnswersFile.fromDocument(path, parseDocument(text), steps);
    await file.save(
      Object.assign(Object.create(null), { stage: "growth", regulatory_complexity: "high" }),
    );
    const saved = readFileSync(path, "utf8");
    expect(saved).toContain("# Sent by the client");
    expect(saved).toContain("# their view");
    expect(saved).toContain("employees: null");
    expect(saved).toContain("regulatory_complexity: high");
  });

  it("writes through a symbolic link to the real file, keeping its permissions", async () => {
    const real = join(dir, "real.yaml");
    const text =
      "apiVersion: rolefit/v1\nkind: Organization\nname: Linked\nanswers:\n  stage: growth\n";
    writeFileSync(real, text);
    chmodSync(real, 0o600);
    const link = join(dir, "link.yaml");
    symlinkSync(real, link);
    const initial = Object.assign(Object.create(null), { stage: "growth" });
    const file = AnswersFile.fromDocument(link, parseDocument(text), steps, initial);
    await file.save(Object.assign(Object.create(null), { stage: "mature" }));
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(readFileSync(real, "utf8")).toContain("stage: mature");
    expect(statSync(real).mode & 0o777).toBe(0o600);
  });

  it("keeps comments on unanswered keys and flow lists, and writes only when an answer changes", async () => {
    const path = join(dir, "flow.yaml");
    const text = [
      "apiVersion: rolefit/v1",
      "kind: Organization",
      "name: Client",
      "answers:",
      "  # asked the CFO, no answer yet",
      "  employees: null # see the HR export",
      "  collaboration_mechanisms: [steering_committee] # as of March",
      "  stage: growth",
      "",
    ].join("\n");
    writeFileSync(path, text);
    const initial = Object.assign(Object.create(null), {
      collaboration_mechanisms: ["steering_committee"],
      stage: "growth",
    });
    const file = AnswersFile.fromDocument(path, parseDocument(text), steps, initial);
    await file.save({ ...initial });
    // Saving the answers the file holds already leaves it untouched, byte for byte.
    expect(readFileSync(path, "utf8")).toBe(text);
    await file.save(
      Object.assign(Object.create(null), {
        ...initial,
        collaboration_mechanisms: ["steering_committee", "combined_pmo"],
      }),
    );
    const saved = readFileSync(path, "utf8");
    expect(saved).toContain("# asked the CFO, no answer yet");
    expect(saved).toContain("employees: null # see the HR export");
    expect(saved).toContain("[ steering_committee, combined_pmo ] # as of March");
    expect(saved).toContain("stage: growth");
  });
});
