import { readdirSync, readFileSync } from "node:fs";
import { join, relative } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { assess } from "../../src/narrate/assess.js";
import { buildReport } from "../../src/narrate/document.js";
import { describeTarget } from "../../src/narrate/statements.js";
import { renderHtml } from "../../src/report/html.js";
import { renderMarkdown } from "../../src/report/markdown.js";
import { renderText } from "../../src/report/text.js";
import type { Assessment } from "../../src/result/assessment.js";
import { summaryRecord } from "../../src/result/lean.js";
import { resultJsonSchema } from "../../src/result/schema.js";
import type { Answers, Question } from "../../src/rubric/schema.js";
import { builtInCompiled, loadOrg, ROOT, yamlFiles } from "../helpers/rubrics.js";

const run = (organization: string, answers: Answers) =>
  assess(builtInCompiled, { organization, source: null, answers });

const examples = yamlFiles(join(ROOT, "examples")).map((file) => {
  const org = loadOrg(file);
  return run(org.name, org.answers);
});
const northwind = loadOrg(join(ROOT, "examples", "northwind-payments.yaml"));
/** Every outcome vetoed: a failing run side, a pivot, and a matrix without readiness. */
const conflicting = run("Conflicted Co", {
  ...northwind.answers,
  strategic_pivot: true,
  regulatory_complexity: "high",
  major_incidents_12m: 7,
  incident_root_cause: "controls",
});
const empty = run("Blank Ltd", {});
const cases = [...examples, conflicting, empty];

/** Every format of one result, with line breaks and wrapping undone so sentences compare. */
function formats(a: Assessment) {
  const doc = buildReport(builtInCompiled, a);
  const flat = (text: string) => text.replace(/\s+/g, " ");
  return {
    text: renderText(doc, { color: false, width: 100 }),
    flatText: flat(renderText(doc, { color: false, width: 400 }).replace(/[│┌┐└┘─┬┴]/g, " ")),
    markdown: renderMarkdown(doc),
    html: renderHtml(doc),
  };
}

describe("one voice: every format says the same", () => {
  it.each(cases.map((a) => [a.organization, a] as const))("%s", (_, a) => {
    const { text, flatText, markdown, html } = formats(a);
    if (a.recommendation === null) {
      expect(a.undecided?.answerFirst.length).toBeGreaterThan(0);
      expect(text).toMatch(/Recommendation {2}none yet/);
      for (const format of [flatText, markdown, html])
        expect(format).toContain("No recommendation yet");
      for (const format of [markdown, html])
        expect(format).not.toMatch(/recommended|Recommendation: /);
    } else {
      expect(text).toContain(`Recommendation  ${a.recommendation.toUpperCase()}`);
      expect(markdown).toContain(`**Recommendation: ${a.recommendation}`);
      expect(html).toContain(`<span class="outcome">${a.recommendation}</span>`);
      // What would change it, one line per question with each answer → its recommendation: all
      // in the handouts, the first five questions on screen.
      const questions = [...new Set(a.whatWouldChange.map((change) => change.questionId))];
      for (const change of a.whatWouldChange) {
        const question = builtInCompiled.byId.get(change.questionId)?.question;
        const target = `${describeTarget(question as Question, change.from, change.to, change.range)} → ${change.recommendation}`;
        const line = (format: string) =>
          format.split("\n").find((l) => l.includes(`${question?.label} (`) && l.includes(target));
        expect(line(markdown.replace(/\\/g, "")), target).toBeDefined();
        if (questions.indexOf(change.questionId) < 5) expect(flatText).toContain(target);
      }
      for (const rule of a.rules) {
        expect(flatText).toContain(`${rule.title} ${rule.effect}s ${rule.outcome}`);
        expect(markdown).toContain(`${rule.title} ${rule.effect}s ${rule.outcome}`);
      }
    }
    // Questions by their labels, never by ids, wherever a person reads them.
    expect(markdown).not.toMatch(/\| [a-z]+(_[a-z0-9]+)+ \|/);
  });

  it("opens every format with a rule conflict, and keeps confidence low", () => {
    expect(conflicting.confidence).toBe("low");
    const banner = conflicting.warnings[0] ?? "";
    expect(banner).toMatch(
      /^The hard rules conflict: A failing run side needs its own executive forbids combine, A pivot needs one agenda forbids separate and A matrix needs ready governance forbids matrix; the scores decide between all three\.$/,
    );
    const { text, markdown, html } = formats(conflicting);
    const firstWords = banner.slice(0, 40);
    const lines = text.split("\n");
    expect(lines.findIndex((line) => line.includes(firstWords))).toBe(2);
    expect(lines.findIndex((line) => line.includes("Recommendation"))).toBeGreaterThan(2);
    // After the title and the cover, before anything else.
    expect(markdown.split("\n\n")[2]).toContain(`> **Warning:** ${firstWords}`);
    expect(html.indexOf(firstWords)).toBeLessThan(html.indexOf('class="headline"'));
    // The scores' choice is never marked plainly "recommended" beside the rules it breaks.
    expect(markdown).toContain("recommended by the scores; the hard rules conflict");
  });

  it("gives no verdict on an empty file, and says what to answer first", () => {
    expect(empty.recommendation).toBeNull();
    expect(empty.runnerUp).toBeNull();
    expect(empty.undecided?.reason).toBe("too-little-answered");
    expect(empty.whatWouldChange).toEqual([]);
    const { markdown } = formats(empty);
    const first = builtInCompiled.byId.get(empty.undecided?.answerFirst[0] ?? "")?.question;
    expect(markdown).toContain("## What to answer first");
    expect(markdown).toContain(`- ${first?.label}: `);
  });
});

describe("the results' JSON Schema", () => {
  const ajv = new Ajv2020.default({ allErrors: true, strict: false });
  const validate = ajv.compile(resultJsonSchema());

  it("is committed as generated (run `rolefit schema result --out schema/result.schema.json`)", () => {
    const committed = JSON.parse(readFileSync(join(ROOT, "schema", "result.schema.json"), "utf8"));
    expect(committed).toEqual(resultJsonSchema());
  });

  it("accepts every result: decided, conflicting and undecided", () => {
    for (const a of cases)
      expect(validate(JSON.parse(JSON.stringify(a))), ajv.errorsText(validate.errors)).toBe(true);
  });

  it("accepts every summary record, each at least five times smaller than the full one", () => {
    let full = 0;
    let brief = 0;
    for (const a of cases) {
      const summary = JSON.parse(JSON.stringify(summaryRecord(a)));
      expect(validate(summary), ajv.errorsText(validate.errors)).toBe(true);
      // No rubric prose: no reason texts, labels or statements.
      expect(JSON.stringify(summary)).not.toMatch(/"(text|answerLabel|statement|title|because)":"/);
      full += JSON.stringify(a).length;
      brief += JSON.stringify(summary).length;
    }
    expect(full / brief).toBeGreaterThanOrEqual(5);
  });
});

describe("layers", () => {
  const imports = (folder: string) =>
    readdirSync(join(ROOT, "src", folder), { recursive: true })
      .map(String)
      .filter((name) => name.endsWith(".ts"))
      .flatMap((name) => {
        const file = join(ROOT, "src", folder, name);
        const text = readFileSync(file, "utf8");
        return [...text.matchAll(/from "([^"]+)"/g)].map((m) => ({
          file: relative(ROOT, file),
          target: join(file, "..", m[1] as string),
        }));
      });
  const into = (target: string, folders: string[]) =>
    folders.some((folder) => target.startsWith(join(ROOT, "src", folder)));

  it("keep the engine to facts: it imports nothing that words, lays out or runs a command", () => {
    const wrong = imports("engine").filter((i) =>
      into(i.target, ["narrate", "report", "cli", "result"]),
    );
    expect(wrong).toEqual([]);
  });

  it("keep narration free of layout and commands", () => {
    const wrong = imports("narrate").filter((i) => into(i.target, ["report", "cli"]));
    expect(wrong).toEqual([]);
  });

  it("have one condition describer", () => {
    const sources = readdirSync(join(ROOT, "src"), { recursive: true })
      .map(String)
      .filter((name) => name.endsWith(".ts"));
    const describers = sources.filter((name) =>
      /function describe(Condition|Holding|Tests|Leaf)\b/.test(
        readFileSync(join(ROOT, "src", name), "utf8"),
      ),
    );
    expect(describers).toEqual(["narrate/conditions.ts"]);
  });
});

describe("grounds", () => {
  it("lets a hard rule decide on few answers only when no other rule could still change it", () => {
    const small = run("Small Co", { employees: 40 });
    expect(small.recommendation).toBe("combine");
    expect(small.confidenceFactors.decidedByRule).toBe(true);
    const open = run("Open Co", { employees: 400, security_owner: "cio" });
    expect(open.recommendation).toBeNull();
  });

  it("shows where the answers lean when the scores tie", () => {
    // Consolidation triggers alone, with no regulation (+2 combine, −2 separate) against two
    // distinct estates (−1 combine, +3 separate, −2 matrix) and every other answer neutral.
    const a = run("Tied Co", {
      regulatory_complexity: "none",
      growth_rate: 20,
      major_incidents_12m: 1,
      incident_root_cause: "unknown",
      velocity_stability_conflict: "occasional",
      strategic_pivot: false,
      duplicated_initiatives: "none",
      exec_bandwidth: "adequate",
      ma_activity: "occasional",
      strategy_focus: "balanced",
      shared_platform_dependency: "low",
    });
    expect(a.undecided?.reason).toBe("tied");
    expect(a.reasons.length + a.counterReasons.length).toBeGreaterThan(0);
    const { markdown } = formats(a);
    expect(markdown).toContain("## Where the answers lean");
    expect(markdown).not.toMatch(/Why \w+ rather than/);
  });

  it("never lists a change that would leave no recommendation", () => {
    const few = run("Few Co", { employees: 50, security_owner: "ciso", escalation_path: "ad_hoc" });
    for (const change of few.whatWouldChange) {
      const after = run("Few Co", {
        employees: 50,
        security_owner: "ciso",
        escalation_path: "ad_hoc",
        [change.questionId]: change.to,
      });
      expect(after.recommendation, change.statement).toBe(change.recommendation);
    }
  });
});
