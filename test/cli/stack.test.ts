import { readFileSync } from "node:fs";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { sourceMapped } from "../../src/cli/stack.js";
import { ROOT } from "../helpers/rubrics.js";

describe("--debug stack traces", () => {
  it("point at src/ through the bundle's source map", () => {
    const bundle = join(ROOT, "dist", "rolefit.cjs");
    const text = readFileSync(bundle, "utf8");
    // A place in the bundle known to come from src/cli/main.ts.
    const at = text.indexOf("internal error");
    const before = text.slice(0, at);
    const line = before.split("\n").length;
    const column = at - before.lastIndexOf("\n");
    const mapped = sourceMapped(`Error: boom\n    at exitCodeFor (${bundle}:${line}:${column})`);
    expect(mapped).toMatch(/at exitCodeFor \(src\/cli\/main\.ts:\d+:\d+\)$/);
    // Lines of other files are left as they are.
    expect(sourceMapped("    at f (node:internal/x.js:1:2)")).toBe(
      "    at f (node:internal/x.js:1:2)",
    );
  });
});
