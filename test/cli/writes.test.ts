import { spawnSync } from "node:child_process";
import {
  chmodSync,
  closeSync,
  copyFileSync,
  existsSync,
  linkSync,
  lstatSync,
  mkdirSync,
  mkdtempSync,
  openSync,
  readdirSync,
  readFileSync,
  rmSync,
  statSync,
  symlinkSync,
  writeFileSync,
} from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { rolefit } from "../helpers/cli.js";
import { ROOT } from "../helpers/rubrics.js";

const EXAMPLE = join(ROOT, "examples", "product-scaleup.yaml");
const BIN = join(ROOT, "bin", "rolefit.js");
const dir = mkdtempSync(join(tmpdir(), "rolefit-writes-"));
const isRoot = process.getuid?.() === 0;

/** A small full file system, when this machine lets the test mount one (root only). */
function fullFileSystem(): string | undefined {
  if (!isRoot) return undefined;
  const mount = join(dir, "full");
  mkdirSync(mount);
  if (spawnSync("mount", ["-t", "tmpfs", "-o", "size=64k", "tmpfs", mount]).status !== 0)
    return undefined;
  // The old file is written first; then the disk is filled to the last byte.
  writeFileSync(join(mount, "out.jsonl"), "old\n");
  spawnSync("dd", ["if=/dev/zero", `of=${join(mount, "fill")}`, "bs=1k", "count=128"]);
  return mount;
}

afterAll(() => {
  spawnSync("umount", [join(dir, "full")]);
});

const temporaryFiles = (folder: string) => readdirSync(folder).filter((n) => n.endsWith(".tmp"));

describe("writing results", () => {
  it("writes to a character device directly, never replacing it", () => {
    const run = rolefit(["assess", "--org", EXAMPLE, "--out", "/dev/null"]);
    expect(run.status).toBe(0);
    expect(statSync("/dev/null").isCharacterDevice()).toBe(true);
  });

  it("writes /dev/stdout through to standard output, and a file under /dev/shm atomically", () => {
    const run = rolefit(["assess", "--org", EXAMPLE, "--format", "json", "--out", "/dev/stdout"]);
    expect(run.status, run.stderr).toBe(0);
    expect(JSON.parse(run.stdout).recommendation).toBe("combine");
    if (!existsSync("/dev/shm")) return;
    const shm = join("/dev/shm", `rolefit-${process.pid}.json`);
    writeFileSync(shm, "old\n");
    chmodSync(shm, 0o600);
    expect(rolefit(["assess", "--org", EXAMPLE, "--format", "json", "--out", shm]).status).toBe(0);
    expect(statSync(shm).mode & 0o777).toBe(0o600);
    expect(JSON.parse(readFileSync(shm, "utf8")).recommendation).toBe("combine");
    rmSync(shm);
  });

  it("writes to a FIFO directly, for a single result and a batch", () => {
    const fifo = join(dir, "fifo");
    spawnSync("mkfifo", [fifo]);
    for (const org of [EXAMPLE, join(ROOT, "examples")]) {
      const received = join(dir, "received");
      // sh -c takes its arguments after the script's name.
      const shell = spawnSync(
        "sh",
        [
          "-c",
          'cat "$1" > "$2" & node "$3" assess --org "$4" --format json --out "$1"; s=$?; wait; exit $s',
          "sh",
          fifo,
          received,
          BIN,
          org,
        ],
        { encoding: "utf8", timeout: 30_000 },
      );
      expect(shell.status, shell.stderr).toBe(0);
      expect(lstatSync(fifo).isFIFO()).toBe(true);
      expect(readFileSync(received, "utf8")).toMatch(/"recommendation"/);
    }
  });

  it("reports a full device as one line and exit 1, for --out and for standard output", () => {
    const out = rolefit(["assess", "--org", EXAMPLE, "--out", "/dev/full"]);
    expect(out.status).toBe(1);
    expect(out.stderr).toBe("rolefit: /dev/full: cannot write: no space left on device\n");
    for (const args of [
      ["assess", "--org", EXAMPLE],
      ["assess", "--org", join(ROOT, "examples"), "--format", "jsonl"],
    ]) {
      const full = openSync("/dev/full", "w");
      const run = spawnSync(process.execPath, [BIN, ...args], {
        stdio: ["ignore", full, "pipe"],
        encoding: "utf8",
      });
      closeSync(full);
      expect(run.status).toBe(1);
      expect(run.stderr).toBe(
        "rolefit: cannot write to standard output: no space left on device\n",
      );
    }
  });

  it.skipIf(fullFileSystem() === undefined)(
    "leaves the old file and no temporary file when the disk is full",
    () => {
      const mount = join(dir, "full");
      const target = join(mount, "out.jsonl");
      for (const args of [
        ["assess", "--org", join(ROOT, "examples"), "--format", "jsonl"],
        ["assess", "--org", EXAMPLE, "--format", "html"],
      ]) {
        const run = rolefit([...args, "--out", target]);
        expect(run.status).toBe(1);
        expect(run.stderr).toBe(`rolefit: ${target}: cannot write: no space left on device\n`);
        expect(readFileSync(target, "utf8")).toBe("old\n");
        expect(temporaryFiles(mount)).toEqual([]);
      }
    },
  );

  it("refuses --out naming an input, before reading or writing anything", () => {
    const folder = join(dir, "inputs");
    mkdirSync(folder);
    const org = join(folder, "a.yaml");
    copyFileSync(EXAMPLE, org);
    symlinkSync(org, join(dir, "link-to-a.yaml"));
    symlinkSync(folder, join(dir, "link-to-inputs"));
    const before = readFileSync(org, "utf8");
    for (const args of [
      ["assess", "--org", org, "--out", org],
      ["assess", "--org", org, "--out", join(dir, "link-to-a.yaml")],
      ["assess", "--org", join(dir, "link-to-a.yaml"), "--out", org],
      ["assess", "--org", EXAMPLE, join(dir, "link-to-a.yaml"), "--format", "jsonl", "--out", org],
      ["assess", "--org", folder, "--format", "jsonl", "--out", org],
      ["assess", "--org", `${folder}/*.yaml`, "--format", "csv", "--out", org],
      ["assess", "--org", join(dir, "link-to-inputs"), "--format", "jsonl", "--out", org],
      [
        "assess",
        "--org",
        folder,
        "--format",
        "jsonl",
        "--out",
        join(dir, "link-to-inputs", "a.yaml"),
      ],
      ["assess", "--respondents", org, EXAMPLE, "--out", org],
      ["diff", EXAMPLE, org, "--out", org],
    ]) {
      const run = rolefit(args);
      expect(run.status, args.join(" ")).toBe(2);
      expect(run.stderr).toMatch(/is also an input/);
      expect(readFileSync(org, "utf8")).toBe(before);
    }
  });

  it("replaces a hard link to an input, leaving the input as it was", () => {
    const folder = join(dir, "linked-inputs");
    mkdirSync(folder);
    const org = join(folder, "a.yaml");
    copyFileSync(EXAMPLE, org);
    const other = join(dir, "other-name-of-a.yaml");
    linkSync(org, other);
    const before = readFileSync(org, "utf8");
    const run = rolefit(["assess", "--org", folder, "--format", "jsonl", "--out", other]);
    expect(run.status).toBe(0);
    expect(readFileSync(org, "utf8")).toBe(before);
    expect(JSON.parse(readFileSync(other, "utf8")).source).toBe(org);
  });

  it("keeps the target's permission bits and writes through a symbolic link", () => {
    const target = join(dir, "kept.md");
    writeFileSync(target, "old\n");
    chmodSync(target, 0o640);
    const link = join(dir, "kept-link.md");
    symlinkSync(target, link);
    const run = rolefit(["assess", "--org", EXAMPLE, "--format", "markdown", "--out", link]);
    expect(run.status, run.stderr).toBe(0);
    expect(lstatSync(link).isSymbolicLink()).toBe(true);
    expect(statSync(target).mode & 0o777).toBe(0o640);
    expect(readFileSync(target, "utf8")).toMatch(/^# /);
    // A link to a file that does not exist yet creates that file.
    const dangling = join(dir, "dangling.md");
    symlinkSync(join(dir, "created.md"), dangling);
    expect(rolefit(["assess", "--org", EXAMPLE, "--out", dangling]).status).toBe(0);
    expect(lstatSync(dangling).isSymbolicLink()).toBe(true);
    expect(readFileSync(join(dir, "created.md"), "utf8")).toMatch(/Recommendation/);
    expect(temporaryFiles(dir)).toEqual([]);
  });

  it.skipIf(isRoot)("refuses a target the user may not write, as cp would", () => {
    const target = join(dir, "read-only.json");
    writeFileSync(target, "old\n");
    chmodSync(target, 0o444);
    const run = rolefit(["assess", "--org", EXAMPLE, "--format", "json", "--out", target]);
    expect(run.status).toBe(1);
    expect(run.stderr).toBe(`rolefit: ${target}: cannot write: permission denied\n`);
    expect(readFileSync(target, "utf8")).toBe("old\n");
  });
});
