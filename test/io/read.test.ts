import { spawn } from "node:child_process";
import { existsSync, mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { UserError } from "../../src/io/errors.js";
import { readTextFile, readTextFileSync } from "../../src/io/read.js";

describe("reading input files", () => {
  it.skipIf(!existsSync("/dev/zero"))(
    "stops a device that never ends at the size limit instead of reading forever",
    async () => {
      expect(() => readTextFileSync("/dev/zero", 4096)).toThrow(UserError);
      await expect(readTextFile("/dev/zero", 4096)).rejects.toThrow(/over the 4096-byte limit/);
    },
  );

  it.skipIf(process.platform === "win32")(
    "reads a pipe, whose size reads as 0, as far as it goes",
    async () => {
      const dir = mkdtempSync(join(tmpdir(), "rolefit-pipe-"));
      const fifo = join(dir, "org.yaml");
      const made = spawn("mkfifo", [fifo]);
      await new Promise((resolve) => made.on("close", resolve));
      const text = `name: ${"x".repeat(200_000)}\n`;
      const source = join(dir, "source.yaml");
      writeFileSync(source, text);
      // A writer on the other end, as `--org <(…)` has; it needs nothing from this (blocked) process.
      const writer = spawn("sh", ["-c", `cat '${source}' > '${fifo}'`], { stdio: "ignore" });
      expect(readTextFileSync(fifo)).toBe(text);
      await new Promise((resolve) => writer.on("close", resolve));
    },
  );

  it("reads a file that grew after it was measured, up to the limit", () => {
    const file = join(mkdtempSync(join(tmpdir(), "rolefit-read-")), "a.yaml");
    writeFileSync(file, "a: 1\n");
    expect(readTextFileSync(file)).toBe("a: 1\n");
    writeFileSync(file, "a".repeat(5000));
    expect(() => readTextFileSync(file, 4096)).toThrow(/over the 4096-byte limit/);
  });
});
