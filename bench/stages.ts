// Where a batch's time goes, per file: each stage of `rolefit assess --org DIR --format jsonl`
// timed on its own over the same files, in one process. bench/run.js bundles this file from the
// sources and runs it on its generated files: `node stages.cjs DIR`.
import { closeSync, openSync, readdirSync, writeSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { loadRubricSet } from "../src/cli/load.js";
import { evaluate } from "../src/engine/evaluate.js";
import { readTextFileSync } from "../src/io/read.js";
import { assess } from "../src/narrate/assess.js";
import { renderRecord, renderSummaryRecord } from "../src/report/batch.js";
import type { Assessment } from "../src/result/assessment.js";
import { parseOrganizationsFast } from "../src/rubric/fast-organizations.js";
import { readFlatYaml } from "../src/rubric/flat-yaml.js";
import type { Answers } from "../src/rubric/schema.js";

const dir = process.argv[2] as string;
const files = readdirSync(dir)
  .filter((name) => /^\d+$/.test(name))
  .sort()
  .flatMap((sub) =>
    readdirSync(join(dir, sub))
      .sort()
      .map((name) => join(dir, sub, name)),
  );
const rubrics = await loadRubricSet([]);
const layout = { format: "jsonl" as const, nameWidth: 40, columns: [], detail: "full" as const };

const STAGES = [
  "read",
  "parse",
  "check",
  "evaluate (summary)",
  "encode (summary)",
  "assess (full)",
  "encode (full)",
  "write (full)",
];
const totals = new Map<string, number>();
/** Runs `work` timed under `stage`, adding to the stage's total. */
function timed<T>(stage: string, work: () => T): T {
  const start = process.hrtime.bigint();
  const result = work();
  totals.set(stage, (totals.get(stage) ?? 0) + Number(process.hrtime.bigint() - start) / 1000);
  return result;
}

// Two passes: the first is the one a run pays (warm-up included), the second the steady state.
for (const pass of ["first pass", "second pass"]) {
  totals.clear();
  const out = openSync(join(tmpdir(), `rolefit-stages-${process.pid}.jsonl`), "w");
  let assessed = 0;
  for (const file of files) {
    let text: string;
    try {
      text = timed("read", () => readTextFileSync(file));
    } catch {
      continue;
    }
    timed("parse", () => readFlatYaml(text));
    const orgs = timed("parse and check", () => parseOrganizationsFast(text, rubrics.index));
    for (const parsed of orgs ?? []) {
      if (!parsed.value) continue;
      const input = {
        organization: parsed.value.name,
        source: file,
        answers: parsed.value.answers as Answers,
      };
      const summary = timed("evaluate (summary)", () =>
        evaluate(rubrics.compiled, input, "summary"),
      );
      timed("encode (summary)", () => renderSummaryRecord(summary, undefined, "jsonl"));
      const whole: Assessment = timed("assess (full)", () =>
        assess(rubrics.compiled, { ...input, provenance: rubrics.provenance }),
      );
      const record = timed("encode (full)", () =>
        renderRecord({ ok: true, assessment: whole }, layout),
      );
      timed("write (full)", () => writeSync(out, record.text));
      assessed++;
    }
  }
  closeSync(out);
  // The flat reader again inside the fast parse: what is left is the checks of the answers.
  totals.set("check", (totals.get("parse and check") ?? 0) - (totals.get("parse") ?? 0));
  const perFile = STAGES.map(
    (stage) => `${stage} ${((totals.get(stage) ?? 0) / assessed).toFixed(0)}`,
  ).join(", ");
  console.log(`per file, ${pass} (µs): ${perFile}`);
}
