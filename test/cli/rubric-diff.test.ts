import { cpSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { json, rolefit } from "../helpers/cli.js";
import { ROOT, RUBRICS_DIR, yamlFiles } from "../helpers/rubrics.js";

const EXAMPLES = join(ROOT, "examples");
/** Org files, listed, so the independent count below reads exactly the same ones. */
const CORPUS = [EXAMPLES, join(ROOT, "test", "fixtures", "calibration")].flatMap(yamlFiles);

/** The built-in rubrics with decision rights weighing five times as much. */
function heavierDecisionRights(): string {
  const dir = mkdtempSync(join(tmpdir(), "rolefit-rubric-diff-"));
  cpSync(RUBRICS_DIR, dir, { recursive: true });
  const file = join(dir, "decision-rights.yaml");
  writeFileSync(file, readFileSync(file, "utf8").replace(/^weight: .*$/m, "weight: 2"));
  return dir;
}

interface Flip {
  source: string;
  organization: string;
  from: string | null;
  to: string | null;
  causes: Array<{ kind: string }>;
}

describe("rolefit rubric diff", () => {
  it("finds the verdicts a change flips, as assessing each file under both sets does", () => {
    const changed = heavierDecisionRights();
    const report = json<{ organizations: number; flips: Flip[]; summary: { flipped: number } }>(
      rolefit(["rubric", "diff", "builtin", changed, "--corpus", ...CORPUS, "--format", "json"]),
    );
    // Counted independently: each org file assessed under each set.
    const expected: string[] = [];
    for (const file of CORPUS) {
      const verdict = (rubrics: string[]) =>
        json<{ recommendation: string | null }>(
          rolefit(["assess", "--org", file, ...rubrics, "--format", "json"]),
        ).recommendation;
      if (verdict([]) !== verdict(["--rubrics", changed])) expected.push(file);
    }
    expect(report.flips.map((flip) => flip.source).sort()).toEqual(expected.sort());
    expect(report.summary.flipped).toBe(expected.length);
    for (const flip of report.flips) {
      expect(flip.from).not.toBe(flip.to);
      expect(flip.causes.length).toBeGreaterThan(0);
    }
  }, 120_000);

  it("exits 1 on a flip only with --fail-on-flip, and speaks markdown and GitHub", () => {
    const changed = heavierDecisionRights();
    const same = rolefit([
      "rubric",
      "diff",
      "builtin",
      RUBRICS_DIR,
      "--corpus",
      EXAMPLES,
      "--fail-on-flip",
    ]);
    expect(same.status).toBe(0);
    expect(same.stdout).toContain("No verdict flips.");
    const diff = (...extra: string[]) =>
      rolefit(["rubric", "diff", "builtin", changed, "--corpus", ...CORPUS, ...extra]);
    const flips = json<{ flips: Flip[] }>(diff("--format", "json")).flips;
    expect(flips.length).toBeGreaterThan(0);
    expect(diff("--fail-on-flip").status).toBe(1);
    const markdown = diff("--format", "markdown");
    expect(markdown.stdout).toMatch(/^### Rubric change: \d+ flips? over \d+ organisations/);
    expect(markdown.stdout).toContain("| Organisation | File | Before | After | Because |");
    const github = diff("--format", "github");
    expect(github.stdout.split("\n").filter((line) => line.startsWith("::warning "))).toHaveLength(
      flips.length,
    );
    expect(github.stdout).toMatch(/::notice title=rolefit rubric diff::\d+ flip/);
  }, 60_000);

  it("names a rule that now fires as a flip's cause", () => {
    const dir = mkdtempSync(join(tmpdir(), "rolefit-rubric-diff-"));
    cpSync(RUBRICS_DIR, dir, { recursive: true });
    const file = join(dir, "maturity-stage.yaml");
    // The small-organisation rule, widened to every organisation under 5,000 people.
    writeFileSync(file, readFileSync(file, "utf8").replace(/atMost: 100\b/, "atMost: 5000"));
    const report = json<{ flips: Flip[] }>(
      rolefit(["rubric", "diff", "builtin", dir, "--corpus", EXAMPLES, "--format", "json"]),
    );
    const ruleCauses = report.flips.flatMap((flip) => flip.causes.filter((c) => c.kind === "rule"));
    expect(ruleCauses.length).toBeGreaterThan(0);
    expect(ruleCauses[0]).toMatchObject({ kind: "rule", change: "fires now" });
  });
});
