import { describe, expect, it } from "vitest";
import { allowedValues, numericDomain } from "../../src/rubric/question.js";
import { builtIn, builtInIndex, builtInProblems } from "../helpers/rubrics.js";

/** SPEC.md's core question vocabulary (v1): these ids, rubrics, types and values must never change. */
const CORE: Array<
  [string, string, string, Array<string | number> | { min: number; max?: number }]
> = [
  ["stage", "maturity-stage", "choice", ["startup", "scaleup", "growth", "mature", "enterprise"]],
  ["employees", "maturity-stage", "integer", { min: 1 }],
  ["tech_staff", "maturity-stage", "integer", { min: 0 }],
  ["digital_maturity", "maturity-stage", "scale", [1, 2, 3, 4, 5]],
  ["digital_revenue_share", "maturity-stage", "percent", { min: 0, max: 100 }],
  ["geographies", "maturity-stage", "integer", { min: 1 }],
  ["business_units", "maturity-stage", "integer", { min: 1 }],
  [
    "regulatory_complexity",
    "consolidation-triggers",
    "choice",
    ["none", "low", "moderate", "high", "extreme"],
  ],
  ["growth_rate", "consolidation-triggers", "percent", { min: -100, max: 1000 }],
  ["major_incidents_12m", "consolidation-triggers", "integer", { min: 0 }],
  [
    "incident_root_cause",
    "consolidation-triggers",
    "choice",
    ["controls", "handoffs", "capacity", "unknown"],
  ],
  [
    "velocity_stability_conflict",
    "consolidation-triggers",
    "choice",
    ["none", "occasional", "persistent"],
  ],
  ["strategic_pivot", "consolidation-triggers", "boolean", []],
  ["duplicated_initiatives", "consolidation-triggers", "choice", ["none", "some", "many"]],
  ["exec_bandwidth", "consolidation-triggers", "choice", ["overloaded", "adequate", "ample"]],
  ["ma_activity", "consolidation-triggers", "choice", ["none", "occasional", "active"]],
  ["strategy_focus", "consolidation-triggers", "choice", ["cost", "balanced", "growth"]],
  ["role_conflict", "consolidation-triggers", "choice", ["none", "some", "severe"]],
  ["shared_platform_dependency", "consolidation-triggers", "choice", ["low", "moderate", "high"]],
  [
    "current_structure",
    "decision-rights",
    "choice",
    ["combined", "separate", "matrix", "cto_only", "cio_only", "neither"],
  ],
  ["decision_rights_clarity", "decision-rights", "choice", ["documented", "informal", "contested"]],
  ["product_platform_owner", "decision-rights", "choice", ["cto", "cio", "shared", "unclear"]],
  ["enterprise_systems_owner", "decision-rights", "choice", ["cto", "cio", "shared", "unclear"]],
  [
    "data_governance_owner",
    "decision-rights",
    "choice",
    ["cto", "cio", "cdo", "shared", "unclear"],
  ],
  ["security_owner", "decision-rights", "choice", ["cto", "cio", "ciso", "shared", "unclear"]],
  [
    "roadmap_alignment",
    "decision-rights",
    "choice",
    ["single", "aligned", "separate", "conflicting"],
  ],
  [
    "collaboration_mechanisms",
    "decision-rights",
    "multi",
    [
      "steering_committee",
      "combined_pmo",
      "shared_risk_framework",
      "quarterly_strategy_review",
      "monthly_execution_review",
      "blended_scorecard",
    ],
  ],
  ["escalation_path", "decision-rights", "choice", ["defined", "ad_hoc", "none"]],
];

describe("built-in rubrics", () => {
  it("load without problems", () => {
    expect(builtInProblems).toEqual([]);
    expect(builtIn.map((entry) => entry.rubric.id).sort()).toEqual([
      "consolidation-triggers",
      "decision-rights",
      "maturity-stage",
    ]);
  });

  it.each(CORE)("ask %s in %s as %s with exactly the core values", (id, rubricId, type, values) => {
    const entry = builtInIndex.get(id);
    expect(entry?.rubricId).toBe(rubricId);
    expect(entry?.question.type).toBe(type);
    const question = entry?.question;
    if (!question) return;
    if (question.type === "integer" || question.type === "percent") {
      const domain = numericDomain(question);
      const expected = values as { min: number; max?: number };
      expect(domain.min).toBe(expected.min);
      expect(domain.max).toBe(expected.max ?? Number.POSITIVE_INFINITY);
    } else if (question.type === "boolean") {
      expect([...allowedValues(question)].sort()).toEqual([false, true]);
    } else {
      expect(allowedValues(question)).toEqual(values);
    }
  });

  it("give every question a prompt, help and a reason for every answer or band", () => {
    for (const { rubric } of builtIn) {
      for (const question of rubric.questions) {
        expect(question.prompt.length).toBeGreaterThan(10);
        expect(question.help.length).toBeGreaterThan(10);
        const entries =
          question.type === "multi"
            ? question.options
            : question.type === "integer" || question.type === "percent"
              ? question.bands
              : question.answers;
        for (const entry of entries) {
          const texts =
            typeof entry.reason === "string" ? [entry.reason] : entry.reason.map((v) => v.text);
          for (const text of texts) expect(text.length).toBeGreaterThan(20);
        }
      }
      for (const rule of rubric.rules) expect(rule.reason.length).toBeGreaterThan(40);
    }
  });

  it("give each outcome mechanisms and metrics on both sides", () => {
    for (const outcome of ["combine", "separate", "matrix"] as const) {
      const guidance = builtIn.flatMap(({ rubric }) =>
        [rubric.guidance?.[outcome]].filter((g) => g !== undefined),
      );
      expect(guidance.flatMap((g) => g.mechanisms).length).toBeGreaterThanOrEqual(4);
      const sides = new Set(guidance.flatMap((g) => g.metrics.map((m) => m.side)));
      expect([...sides].sort()).toEqual(["cio", "cto", "shared"]);
    }
  });
});
