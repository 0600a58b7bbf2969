import { readdirSync, readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { json, rolefit } from "../helpers/cli.js";
import { ROOT } from "../helpers/rubrics.js";

const EXAMPLES = join(ROOT, "examples");
const files = readdirSync(EXAMPLES)
  .filter((name) => name.endsWith(".yaml"))
  .sort();

interface Result {
  recommendation: string;
  runnerUp: string;
  confidence: string;
  scores: Record<string, number>;
  margin: number;
  rules: Array<{ id: string }>;
  unanswered: string[];
  reasons: Array<{ questionId: string }>;
}

/**
 * Golden results for the shipped examples: a change to the rubrics or the engine that moves any of
 * them shows up here, to be reviewed and accepted with `npx vitest -u`.
 */
describe("examples", () => {
  it("cover all three outcomes", () => {
    const outcomes = new Set(
      files.map(
        (file) =>
          json<Result>(rolefit(["assess", "--org", join(EXAMPLES, file), "--format", "json"]))
            .recommendation,
      ),
    );
    expect([...outcomes].sort()).toEqual(["combine", "matrix", "separate"]);
  });

  it.each(files)("%s", (file) => {
    const result = json<Result>(
      rolefit(["assess", "--org", join("examples", file), "--format", "json"]),
    );
    // The example's own comment says which structure it depicts.
    const stated = readFileSync(join(EXAMPLES, file), "utf8")
      .match(/expect (COMBINE|SEPARATE|MATRIX)/i)?.[1]
      ?.toLowerCase();
    if (stated) expect(result.recommendation).toBe(stated);
    expect({
      recommendation: result.recommendation,
      runnerUp: result.runnerUp,
      confidence: result.confidence,
      scores: result.scores,
      margin: result.margin,
      rules: result.rules.map((rule) => rule.id),
      unanswered: result.unanswered,
      topReasons: result.reasons.slice(0, 3).map((reason) => reason.questionId),
    }).toMatchSnapshot();
  });

  it("renders the text report the same way", () => {
    const run = rolefit(["assess", "--org", "examples/digital-insurer-matrix.yaml"], {
      env: { COLUMNS: "100" },
    });
    expect(run.status).toBe(0);
    expect(run.stdout).toMatchSnapshot();
  });
});
