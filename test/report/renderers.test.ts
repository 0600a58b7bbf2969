import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { assess } from "../../src/narrate/assess.js";
import { buildReport, shownGap } from "../../src/narrate/document.js";
import { explainId } from "../../src/narrate/explain.js";
import { describeAnswer } from "../../src/narrate/wording.js";
import { renderExplanationText } from "../../src/report/explain.js";
import { renderHtml } from "../../src/report/html.js";
import { renderMarkdown } from "../../src/report/markdown.js";
import { renderSummary } from "../../src/report/summary.js";
import { renderText } from "../../src/report/text.js";
import type { Assessment } from "../../src/result/assessment.js";
import { answerLabel } from "../../src/rubric/question.js";
import { builtInCompiled, loadOrg, ROOT } from "../helpers/rubrics.js";

const org = loadOrg(join(ROOT, "examples", "northwind-payments.yaml"));
const assessment = assess(builtInCompiled, {
  organization: org.name,
  source: "northwind.yaml",
  answers: org.answers,
});
const doc = (a: Assessment) => buildReport(builtInCompiled, a);
const paragraphOf = (a: Assessment, id: string) =>
  doc(a)
    .sections.find((s) => s.id === id)
    ?.blocks.flatMap((b) => (b.kind === "paragraph" ? [b.text] : []))
    .join(" ") ?? "";
const scoreRows = (a: Assessment) => {
  const block = doc(a)
    .sections.find((s) => s.id === "scores")
    ?.blocks.find((b) => b.kind === "chart");
  return block?.kind === "chart" && block.chart.kind === "scores" ? block.chart.rows : [];
};

describe("report document", () => {
  it("has the sections a client reads, in order", () => {
    expect(doc(assessment).sections.map((s) => s.id)).toEqual([
      "summary",
      "scores",
      "rules",
      "reasons",
      "counter-reasons",
      "what-would-change",
      "triggers",
      "confidence",
      "mechanisms",
      "scorecard",
      "answers",
      "provenance",
    ]);
  });

  it("summarises the result, its confidence and the main reasons", () => {
    const text = paragraphOf(assessment, "summary");
    expect(text).toMatch(
      /^For Northwind Payments, rolefit recommends combining the CTO and CIO roles \(.*\), with high confidence\./,
    );
    expect(text).toMatch(/Combine scores 56\.5 against 46\.2 for separate/);
    expect(text).toMatch(/matrix is ruled out by a hard rule/);
  });
});

describe("labels", () => {
  it("name questions and answers as the rubric does, in reports and reviews", () => {
    const questions = new Map(
      builtInCompiled.questions.map(({ question }) => [
        question.id,
        { label: question.label ?? question.id, prompt: question.prompt },
      ]),
    );
    const markdown = renderMarkdown(doc(assessment));
    const first = assessment.reasons[0];
    if (!first) throw new Error("expected a reason");
    expect(markdown).toContain(
      `| ${questions.get(first.questionId)?.label}: ${describeAnswer(builtInCompiled.byId.get(first.questionId)?.question, first.answer, true)} |`,
    );
    expect(markdown).not.toMatch(/\| [a-z_]+_[a-z_]+: /);
    const stage = builtInCompiled.byId.get("digital_maturity")?.question;
    const pivot = builtInCompiled.byId.get("collaboration_mechanisms")?.question;
    if (!stage || !pivot) throw new Error("expected the built-in questions");
    expect(answerLabel(stage, 2)).toBe("2 repeatable");
    expect(answerLabel(pivot, ["combined_pmo", "steering_committee"])).toBe(
      "Cross-functional steering committee, Combined programme office",
    );
    const employees = builtInCompiled.byId.get("employees")?.question;
    const share = builtInCompiled.byId.get("digital_revenue_share")?.question;
    expect(describeAnswer(employees, 420, true)).toBe("420 (101–500)");
    expect(describeAnswer(share, 95, true)).toBe("95% (60–100%)");
    expect(describeAnswer(stage, 2, true)).toBe("2 repeatable");
    expect(describeAnswer(pivot, "combined_pmo")).toBe("Combined programme office");
    expect(describeAnswer(undefined, ["a", "b"])).toBe("a, b");
    expect(describeAnswer(stage, null)).toBe("unanswered");
  });
});

describe("ruled-out outcomes and shown numbers", () => {
  const pivot = loadOrg(join(ROOT, "examples", "scaleup-mid-pivot.yaml"));
  const decided = assess(builtInCompiled, {
    organization: pivot.name,
    source: null,
    answers: pivot.answers,
  });

  it("names the rules that rule each outcome out, by title, and lists open outcomes first", () => {
    const rows = scoreRows(decided);
    expect(rows.map((row) => [row.outcome, row.note])).toEqual([
      ["combine", "recommended"],
      [
        "matrix",
        "ruled out by A matrix needs ready governance and Open conflict rules out a matrix",
      ],
      ["separate", "ruled out by A pivot needs one agenda"],
    ]);
    expect(doc(decided).verdict.runnerUp).toMatch(
      /^matrix \(ruled out by A matrix needs ready governance and Open conflict rules out a matrix\), /,
    );
  });

  it("says a higher-scoring runner-up was set aside, with the rule", () => {
    const payments = loadOrg(
      join(ROOT, "test", "fixtures", "holdout", "h10-payments-no-ciso.yaml"),
    );
    const overruled = assess(builtInCompiled, {
      organization: payments.name,
      source: null,
      answers: payments.answers,
    });
    if (overruled.margin >= 0) throw new Error("expected a rule to overrule the scores");
    expect(doc(overruled).verdict.runnerUp).toMatch(
      /points ahead on score but ruled out by A failing run side needs its own executive/,
    );
    const text = renderText(doc(overruled), { color: false, width: 80 });
    const scoreLines = text.split("\n").filter((line) => /^ {2}[▶ ] \w+ +[█▒]/.test(line));
    expect(scoreLines[0]).toMatch(/^ {2}▶/);
    expect(scoreLines.slice(1).some((line) => line.includes("▒"))).toBe(true);
  });

  it("derives the gap it shows from the scores it shows", () => {
    const a = {
      ...assessment,
      scores: { combine: 61.14, separate: 56.24, matrix: 40 },
      margin: 4.9,
      recommendation: "combine",
      runnerUp: "separate",
      rules: [],
    } as typeof assessment;
    expect(shownGap(a, "combine", "separate")).toBe(4.9);
    expect(doc(a).verdict.runnerUp).toBe("separate, 4.9 points behind");
    const b = { ...a, scores: { ...a.scores, combine: 61.16, separate: 56.24 } };
    // 61.2 − 56.2 on screen: the gap reads 5.0, not the 4.9 of the unrounded difference.
    expect(shownGap(b, "combine", "separate")).toBe(5);
  });
});

describe("renderMarkdown", () => {
  const markdown = renderMarkdown(doc(assessment));
  it("renders every section with tables and checklists", () => {
    expect(markdown.startsWith("# Technology leadership structure: Northwind Payments\n")).toBe(
      true,
    );
    for (const title of [
      "## Summary",
      "## Scores",
      "## What would change it",
      "## Triggers to watch",
      "## Confidence: high",
      "## To make combine work",
      "## Blended scorecard",
      "## Appendix: answers",
      "## Provenance",
    ]) {
      expect(markdown).toContain(title);
    }
    expect(markdown).toMatch(/\| structure \| score \| status \|\n\| --- \| ---: \| --- \|/);
    expect(markdown).toMatch(/- \[x\] Security and technology-risk oversight .* \*\(in place\)\*/);
    for (const change of assessment.whatWouldChange)
      expect(markdown).toContain(`→ ${change.recommendation}`);
  });

  it("escapes pipes inside table cells", () => {
    const tricky = { ...assessment, answers: { note: "a | b" } } as typeof assessment;
    expect(renderMarkdown(doc(tricky))).toContain("| note | a \\| b |");
  });
});

describe("renderHtml", () => {
  const html = renderHtml(doc(assessment));
  it("is one self-contained page: inline style, SVG charts, no script, no external reference", () => {
    expect(html).toMatch(/^<!doctype html>/);
    expect(html).toContain('<svg class="chart" data-chart="scores"');
    expect(html).toContain('<svg class="chart" data-chart="contributions"');
    // url(#…) names a pattern inside the page; nothing else may be referenced.
    expect(html).not.toMatch(
      /<script|<link rel="stylesheet"|src="http|href="http|@import|url\((?!#)/i,
    );
    expect(html).toContain("@media print");
    expect(html).toContain("@page { size: A4;");
  });

  it("escapes what came from files", () => {
    const hostile = { ...assessment, organization: '<img src=x onerror="alert(1)">' };
    const page = renderHtml(doc(hostile));
    expect(page).not.toContain("<img src=x");
    expect(page).toContain("&lt;img src=x onerror=&quot;alert(1)&quot;&gt;");
  });
});

describe("renderText", () => {
  it("shows statements, triggers and per-rubric points, and no colour when asked", () => {
    const text = renderText(doc(assessment), { color: false, width: 100 });
    expect(text).toContain("What would change it\n  No single answer changes the recommendation.");
    expect(text).toContain("Triggers to watch");
    expect(text).toMatch(/structure:\n {4}Maturity stage +combine +\+5\.4/);
    const streaming = loadOrg(join(ROOT, "examples", "streaming-platform.yaml"));
    const levers = renderText(
      doc(assess(builtInCompiled, { organization: "S", source: null, answers: streaming.answers })),
      { color: false, width: 100 },
    );
    expect(levers).toContain(
      "What would change it\n  Changes leadership can make that would change the recommendation",
    );
    expect(levers).toContain("  • Decision rights (now Documented): Contested → combine");
    expect(text).not.toContain("\u001b[");
    for (const line of text.split("\n")) expect(line.length).toBeLessThanOrEqual(100);
  });

  it("keeps every line within 80 columns", () => {
    for (const line of renderText(doc(assessment), { color: false, width: 80 }).split("\n"))
      expect(line.length).toBeLessThanOrEqual(80);
  });
});

describe("the score chart", () => {
  it("shows a lead under a point, says the runner-up's distance, and hatches what is ruled out", () => {
    const close = {
      ...assessment,
      scores: { combine: 55.4, separate: 54.5, matrix: 40 },
      margin: 0.9,
      recommendation: "combine",
      runnerUp: "separate",
      rules: [],
    } as typeof assessment;
    const html = renderHtml(doc(close));
    const width = (outcome: string) =>
      Number(html.match(new RegExp(`data-outcome="${outcome}"[^>]*width="([\\d.]+)"`))?.[1]);
    expect(width("combine") - width("separate")).toBeGreaterThan(10);
    expect(html).toContain("runner-up, 0.9 behind");
    const pivot = loadOrg(join(ROOT, "examples", "scaleup-mid-pivot.yaml"));
    const ruled = renderHtml(
      doc(assess(builtInCompiled, { organization: "P", source: null, answers: pivot.answers })),
    );
    expect(ruled).toMatch(/data-outcome="separate"[^>]*fill="url\(#hatch-separate\)"/);
  });
});

describe("renderSummary", () => {
  it("opens with the verdict and keeps to the rows it is given, dropping items to fit", () => {
    const full = renderSummary(doc(assessment), { color: false, width: 80 });
    expect(full.split("\n")[2]).toMatch(/^ {2}Recommendation {2}COMBINE/);
    for (const height of [24, 18, 14]) {
      const fitted = renderSummary(doc(assessment), { color: false, width: 80, height });
      expect(fitted.trimEnd().split("\n").length).toBeLessThanOrEqual(height);
      expect(fitted).toContain("Why combine");
    }
  });

  it("says first that there is no recommendation yet, and what to answer first", () => {
    const open = assess(builtInCompiled, { organization: "Open", source: null, answers: {} });
    const text = renderSummary(doc(open), { color: false, width: 80 });
    expect(text).toMatch(/^Open\n\n {2}⚠ No recommendation yet/);
    expect(text).toContain("What to answer first");
  });
});

describe("explain", () => {
  it("explains a question's effects in score points and names the rules that test it", () => {
    const explanation = explainId(builtInCompiled, "major_incidents_12m", new Map());
    expect(explanation?.kind).toBe("question");
    const text = renderExplanationText(explanation as NonNullable<typeof explanation>, 100);
    expect(text).toMatch(/6 or more +−2\.05 +\+2\.05 +−1\.03/);
    expect(text).toContain("Hard rules that test it: run-side-in-crisis");
    const cause = explainId(builtInCompiled, "incident_root_cause", new Map());
    const causeText = renderExplanationText(cause as NonNullable<typeof cause>, 100);
    expect(causeText).toContain("Precondition: separate points in favour ×0.7.");
    expect(causeText).toMatch(/Applies only when major_incidents_12m: 1 or more;/);
    expect(text).toContain("Sources:");
  });

  it("explains a rule's condition in words", () => {
    const explanation = explainId(
      builtInCompiled,
      "run-side-in-crisis",
      new Map([["run-side-in-crisis", "consolidation-triggers"]]),
    );
    expect(explanation).toMatchObject({
      kind: "rule",
      effect: "forbid",
      outcome: "combine",
      rubric: "consolidation-triggers",
    });
    expect(renderExplanationText(explanation as NonNullable<typeof explanation>, 100)).toContain(
      "When: regulatory_complexity: high or extreme; major_incidents_12m: 6 or more;",
    );
    const condition = explainId(
      builtInCompiled,
      "independent-oversight",
      new Map([["independent-oversight", "consolidation-triggers"]]),
    );
    expect(condition).toMatchObject({
      effect: "condition",
      mechanism: "an independent CISO reporting outside the technology line",
    });
    expect(renderExplanationText(condition as NonNullable<typeof condition>, 100)).toContain(
      "combine only with an independent CISO reporting outside the technology line",
    );
  });
});
