import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { parse } from "yaml";
import { json, rolefit } from "../helpers/cli.js";
import { ROOT, RUBRICS_DIR } from "../helpers/rubrics.js";

const PROFILES = join(ROOT, "rubric-tests", "consultant-profiles.yaml");
const tmp = () => mkdtempSync(join(tmpdir(), "rolefit-calibrate-"));

interface Report {
  cases: number;
  before: { agreement: number };
  after: { agreement: number };
  leaveOneOut: { agreement: number };
  confusion: Record<string, Record<string, number>>;
  weights: Array<{ rubricId: string; from: number; to: number }>;
  wrong: Array<{ name: string; got: string }>;
}

/** The built-in rubrics with decision rights weighing far too much. */
function skewed(): string {
  const dir = tmp();
  cpSync(RUBRICS_DIR, dir, { recursive: true });
  const file = join(dir, "decision-rights.yaml");
  writeFileSync(file, readFileSync(file, "utf8").replace(/^weight: .*$/m, "weight: 3"));
  return dir;
}

/** The calibration fixtures as org files that carry their expected verdict. */
function judgedOrgs(count: number): { dir: string; files: string[] } {
  const source = join(ROOT, "test", "fixtures", "calibration");
  const expected = parse(readFileSync(join(source, "expected.yaml"), "utf8")) as Record<
    string,
    { expect: string[] }
  >;
  const dir = tmp();
  const files = Object.entries(expected)
    .slice(0, count)
    .map(([file, { expect: outcomes }]) => {
      const text = readFileSync(join(source, file), "utf8");
      const path = join(dir, file);
      writeFileSync(
        path,
        `${text.trimEnd()}\nexpect: { recommendation: [${outcomes.join(", ")}] }\n`,
      );
      return path;
    });
  return { dir, files };
}

/** `rolefit calibrate` on the consultant profiles, as JSON, with the flags given. */
const calibrate = <T = Report>(...flags: string[]) =>
  json<T>(rolefit(["calibrate", "--cases", PROFILES, ...flags, "--format", "json"]));

describe("rolefit calibrate", () => {
  it("fits the built-in consultant profiles and reports the leave-one-out figure", () => {
    const out = join(tmp(), "fitted");
    const report = calibrate<Report>("--out", out);
    expect(report.cases).toBe(24);
    for (const figure of [report.before, report.after, report.leaveOneOut]) {
      expect(figure.agreement).toBeGreaterThanOrEqual(0);
      expect(figure.agreement).toBeLessThanOrEqual(1);
    }
    expect(report.after.agreement).toBeGreaterThanOrEqual(report.before.agreement);
    expect(report.leaveOneOut.agreement).toBeGreaterThanOrEqual(0.75);
    const total = Object.values(report.confusion)
      .flatMap(Object.values)
      .reduce((a, b) => a + b, 0);
    expect(total).toBe(24);
    // The fitted set is valid rubric files, stamped with how they were fitted.
    expect(rolefit(["validate", out]).status).toBe(0);
    const fitted = parse(readFileSync(join(out, "decision-rights.yaml"), "utf8"));
    expect(fitted.calibration).toMatchObject({ cases: 24 });
    expect(fitted.calibration.casesSha256).toMatch(/^[0-9a-f]{64}$/);
    // Never over an existing folder, nor over the rubrics it fits.
    const again = rolefit(["calibrate", "--cases", PROFILES, "--out", out]);
    expect(again.status).toBe(2);
    expect(again.stderr).toContain("is not empty");
  }, 60_000);

  it("moves skewed weights back until the profiles agree, and rubric diff shows what moved", () => {
    const rubrics = skewed();
    const out = join(tmp(), "fitted");
    const report = calibrate<Report>("--rubrics", rubrics, "--out", out);
    expect(report.before.agreement).toBeLessThan(1);
    expect(report.after.agreement).toBeGreaterThan(report.before.agreement);
    const rights = report.weights.find((w) => w.rubricId === "decision-rights");
    expect(rights?.to).toBeLessThan(rights?.from ?? 0);
    const diff = json<{ flips: unknown[] }>(
      rolefit([
        "rubric",
        "diff",
        rubrics,
        out,
        "--corpus",
        join(ROOT, "examples"),
        "--format",
        "json",
      ]),
    );
    expect(Array.isArray(diff.flips)).toBe(true);
  }, 60_000);

  it("with --effects, moves answer effects within the bounds each rubric states", () => {
    const dir = tmp();
    cpSync(RUBRICS_DIR, dir, { recursive: true });
    for (const name of ["maturity-stage", "consolidation-triggers", "decision-rights"]) {
      const file = join(dir, `${name}.yaml`);
      let text = readFileSync(file, "utf8").replace(/^(weight: .*)$/m, "$1\nfit: { effects: 2 }");
      // The triggers' effects with combine and separate swapped: wrong beyond what weights mend.
      if (name === "consolidation-triggers")
        text = text.replace(
          /effect: \{([^}]*)\}/g,
          (_, inner: string) =>
            `effect: {${inner
              .replace(/combine/g, "TMP")
              .replace(/separate/g, "combine")
              .replace(/TMP/g, "separate")}}`,
        );
      writeFileSync(file, text);
    }
    const weightsOnly = calibrate<Report>("--rubrics", dir, "--out", join(tmp(), "w"));
    const out = join(tmp(), "e");
    const report = json<Report & { effects: Array<{ from: number; to: number }> }>(
      rolefit([
        "calibrate",
        "--cases",
        PROFILES,
        "--rubrics",
        dir,
        "--out",
        out,
        "--effects",
        "--format",
        "json",
      ]),
    );
    expect(report.after.agreement).toBeGreaterThanOrEqual(weightsOnly.after.agreement);
    expect(report.effects.length).toBeGreaterThan(0);
    for (const change of report.effects)
      expect(Math.abs(change.to - change.from)).toBeLessThanOrEqual(2);
    expect(rolefit(["validate", out]).status).toBe(0);
    // Without bounds stated in the rubrics, --effects has nothing it may move.
    const unbounded = rolefit([
      "calibrate",
      "--cases",
      PROFILES,
      "--out",
      join(tmp(), "u"),
      "--effects",
    ]);
    expect(unbounded.status).toBe(2);
    expect(unbounded.stderr).toContain("fit: { effects: 1 }");
  }, 120_000);

  it("takes org files with expect:, and its leave-one-out matches refits made without each case", () => {
    const { files } = judgedOrgs(8);
    const rubrics = skewed();
    const report = json<Report>(
      rolefit([
        "calibrate",
        "--cases",
        ...files,
        "--rubrics",
        rubrics,
        "--out",
        join(tmp(), "f"),
        "--format",
        "json",
      ]),
    );
    expect(report.cases).toBe(8);
    // Independently: fit without each case, then assess that case under the fit.
    let right = 0;
    for (const [i, file] of files.entries()) {
      const out = join(tmp(), "refit");
      const others = files.filter((_, j) => j !== i);
      json(
        rolefit([
          "calibrate",
          "--cases",
          ...others,
          "--rubrics",
          rubrics,
          "--out",
          out,
          "--format",
          "json",
        ]),
      );
      const expected = parse(readFileSync(file, "utf8")).expect.recommendation as string[];
      const got = json<{ recommendation: string | null }>(
        rolefit(["assess", "--org", file, "--rubrics", out, "--format", "json"]),
      ).recommendation;
      if (expected.includes(got ?? "undecided")) right++;
    }
    expect(report.leaveOneOut.agreement).toBeCloseTo(right / files.length, 3);
  }, 120_000);
});
