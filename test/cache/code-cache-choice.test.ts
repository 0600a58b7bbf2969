import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { BATCH_WORKER } from "../../src/cli/batch/worker-flag.js";
import { codeCacheOf } from "../../src/launch/script.js";

describe("the code cache a run starts from", () => {
  const folder = mkdtempSync(join(tmpdir(), "rolefit-cache-choice-"));
  const file = join(folder, "unit.yaml");
  writeFileSync(file, "");
  const cacheFor = (...args: string[]) => codeCacheOf("/b/rolefit.cjs", args);

  it("is the single assessment's for one file, standard input and other commands", () => {
    expect(cacheFor("assess", "--org", file, "--format", "json")).toBe("/b/rolefit.cjs.cache");
    expect(cacheFor("assess", "--org", "-")).toBe("/b/rolefit.cjs.cache");
    expect(cacheFor("assess", "--org", join(folder, "missing.yaml"))).toBe("/b/rolefit.cjs.cache");
    expect(cacheFor("validate", folder)).toBe("/b/rolefit.cjs.cache");
    expect(cacheFor("explain", "--org", folder)).toBe("/b/rolefit.cjs.cache");
    expect(cacheFor()).toBe("/b/rolefit.cjs.cache");
  });

  it("is the batch's for a folder, a pattern, several files or a batch worker", () => {
    expect(cacheFor("assess", "--org", folder)).toBe("/b/rolefit.cjs.batch.cache");
    expect(cacheFor("--no-color", "assess", `--org=${folder}`)).toBe("/b/rolefit.cjs.batch.cache");
    expect(cacheFor("assess", "--org", file, file, "--format", "csv")).toBe(
      "/b/rolefit.cjs.batch.cache",
    );
    expect(cacheFor("assess", "--org", `${folder}/*.yaml`)).toBe("/b/rolefit.cjs.batch.cache");
    expect(cacheFor(BATCH_WORKER)).toBe("/b/rolefit.cjs.batch.cache");
  });
});
