import { readFileSync } from "node:fs";
import { join } from "node:path";
import { beforeAll, describe, expect, it } from "vitest";
import { type Job, processJobs } from "../../src/cli/batch/job.js";
import { loadRubricSet, type RubricSet } from "../../src/cli/load.js";
import type { RecordLayout } from "../../src/report/batch.js";
import { ROOT } from "../helpers/rubrics.js";

/** The line of a job's text on which `needle` first appears. */
const lineOf = (job: Job | undefined, needle: string) =>
  (job?.text ?? "").split("\n").findIndex((line) => line.includes(needle)) + 1;

const example = (name: string) => readFileSync(join(ROOT, "examples", name), "utf8");

/** Inputs of every kind a batch meets, in one block. */
function mixedJobs(): Job[] {
  const seed = example("seed-startup.yaml");
  const bank = example("regulated-bank.yaml");
  // Anchors send a file past the flat reader and js-yaml's fast path to the careful parser.
  const anchored = `${seed.replace("stage: startup", "stage: &s startup")}\n`;
  const badAnswer = seed.replace("stage: startup", "stage: teenager");
  return [
    { path: "gone.yaml", error: "no such file or folder" },
    { path: "two.yaml", text: `${seed}\n---\n${badAnswer}` },
    { path: "anchored.yaml", text: anchored },
    { path: "bank.yaml", text: bank },
    { path: "broken.yaml", text: "apiVersion: rolefit/v1\nkind: Organization\nname: [\n" },
  ];
}

describe("a batch's block of inputs", () => {
  let rubrics: RubricSet;
  beforeAll(async () => {
    rubrics = await loadRubricSet([]);
  });

  const layouts: RecordLayout[] = [
    { format: "jsonl", nameWidth: 40, columns: [], detail: "summary" },
    { format: "jsonl", nameWidth: 40, columns: [], detail: "full" },
  ];

  for (const layout of layouts) {
    it(`renders each input's records in order, as one at a time would (${layout.detail})`, async () => {
      const jobs = mixedJobs();
      const together = await processJobs(jobs, rubrics, new Map(), layout);
      const alone = await Promise.all(
        jobs.map(async (job) => (await processJobs([job], rubrics, new Map(), layout))[0]),
      );
      expect(together).toEqual(alone);

      expect(together.map((records) => records.length)).toEqual([1, 2, 1, 1, 1]);
      const parsed = together.map((records) =>
        records.map((record) => JSON.parse(record.text) as Record<string, unknown>),
      );
      const [gone, two, anchored, bank, broken] = parsed as Array<Array<Record<string, unknown>>>;
      expect(gone?.[0]).toMatchObject({
        source: "gone.yaml",
        error: { message: "no such file or folder" },
      });
      expect(two?.[0]).toMatchObject({
        organization: "Ledgerline",
        document: 1,
        recommendation: "combine",
      });
      expect(two?.[1]).toMatchObject({
        source: "two.yaml",
        document: 2,
        error: { line: lineOf(jobs[1], "teenager") },
      });
      expect(anchored?.[0]).toMatchObject({
        organization: "Ledgerline",
        recommendation: "combine",
      });
      expect(anchored?.[0]).not.toHaveProperty("document");
      expect(bank?.[0]?.recommendation).toEqual(expect.any(String));
      expect(broken?.[0]).toMatchObject({
        source: "broken.yaml",
        error: { line: expect.any(Number) },
      });
      expect(together.flat().map((record) => record.outcome)).toEqual([
        "failed",
        "combine",
        "failed",
        "combine",
        bank?.[0]?.recommendation,
        "failed",
      ]);
    });
  }
});
