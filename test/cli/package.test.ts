import { spawnSync } from "node:child_process";
import { mkdtempSync, readFileSync, statSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { ROOT } from "../helpers/rubrics.js";

describe("the packed package", () => {
  it("runs from an unpacked tarball and uses its built-in rubric cache", {
    timeout: 120_000,
  }, () => {
    const dir = mkdtempSync(join(tmpdir(), "rolefit-pack-"));
    // --ignore-scripts: packing must not rebuild dist/ under the other tests' feet.
    const pack = spawnSync("npm", ["pack", "--ignore-scripts", "--pack-destination", dir], {
      cwd: ROOT,
      encoding: "utf8",
    });
    expect(pack.status, pack.stderr).toBe(0);
    const tarball = join(dir, pack.stdout.trim().split("\n").pop() as string);
    expect(spawnSync("tar", ["-xzf", tarball, "-C", dir]).status).toBe(0);
    const installed = join(dir, "package");
    // npm stamps every file with the same old time, so a cache keyed by times would never hit.
    expect(statSync(join(installed, "rubrics", "maturity-stage.yaml")).mtime.getFullYear()).toBe(
      1985,
    );
    // Proof that the cache is read: a title changed only in the cache shows in the result.
    const cacheFile = join(installed, "dist", "rubrics.cache.json");
    writeFileSync(
      cacheFile,
      readFileSync(cacheFile, "utf8").replace('"title":"Maturity stage"', '"title":"Cached stage"'),
    );
    const run = spawnSync(
      process.execPath,
      [
        join(installed, "bin", "rolefit.js"),
        "assess",
        "--org",
        join(installed, "examples", "product-scaleup.yaml"),
        "--format",
        "json",
      ],
      { encoding: "utf8" },
    );
    expect(run.status, run.stderr).toBe(0);
    const result = JSON.parse(run.stdout);
    expect(result.rubrics.map((rubric: { title: string }) => rubric.title)).toContain(
      "Cached stage",
    );
  });
});
