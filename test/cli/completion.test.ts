import { execFileSync } from "node:child_process";
import { mkdtempSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rolefit } from "../helpers/cli.js";
import { ROOT } from "../helpers/rubrics.js";
import { TmuxSession } from "../helpers/tmux.js";

const dir = mkdtempSync(join(tmpdir(), "rolefit-completion-"));
const script = (shell: string) => {
  const run = rolefit(["completion", shell]);
  expect(run.status).toBe(0);
  const path = join(dir, `rolefit.${shell}`);
  writeFileSync(path, run.stdout);
  return path;
};

/** What bash offers for a command line split into words, the last being the one completed. */
function bashOffers(path: string, words: string[]): string[] {
  const harness = `source "$1"; compopt() { :; }; shift
COMP_WORDS=("$@"); COMP_CWORD=$((\${#COMP_WORDS[@]}-1)); COMPREPLY=(); _rolefit
printf '%s\\n' "\${COMPREPLY[@]}"`;
  const out = execFileSync("bash", ["-c", harness, "bash", path, ...words], {
    cwd: ROOT,
    encoding: "utf8",
  });
  return out.split("\n").filter(Boolean);
}

describe("rolefit completion bash", () => {
  let path: string;
  beforeAll(() => {
    path = script("bash");
  });

  it("completes commands, a command's flags and the format names of that command", () => {
    expect(bashOffers(path, ["rolefit", "as"])).toEqual(["assess"]);
    expect(bashOffers(path, ["rolefit", "rubric", ""])).toEqual(["diff"]);
    expect(bashOffers(path, ["rolefit", "assess", "--det"])).toEqual(["--detail", "--details"]);
    expect(bashOffers(path, ["rolefit", "assess", "--format", ""])).toEqual(
      expect.arrayContaining(["json", "jsonl", "csv", "xlsx", "html"]),
    );
    expect(bashOffers(path, ["rolefit", "validate", "--format", ""])).toContain("sarif");
    expect(bashOffers(path, ["rolefit", "rubric", "diff", "--format", ""])).toContain("github");
    // bash splits --format=js at "=".
    expect(bashOffers(path, ["rolefit", "assess", "--format", "=", "js"])).toEqual([
      "json",
      "jsonl",
    ]);
  });

  it("completes question ids for --set, then the values of the question typed", () => {
    expect(bashOffers(path, ["rolefit", "assess", "--set", "major"])).toEqual([
      "major_incidents_12m=",
    ]);
    expect(bashOffers(path, ["rolefit", "assess", "--set", "stage", "=", ""])).toEqual(
      expect.arrayContaining(["startup", "growth", "enterprise"]),
    );
  });

  it("completes question and rule ids for explain, and files for --org", () => {
    expect(bashOffers(path, ["rolefit", "explain", "major"])).toEqual(["major_incidents_12m"]);
    expect(bashOffers(path, ["rolefit", "explain", "independent-ov"])).toEqual([
      "independent-oversight",
    ]);
    expect(bashOffers(path, ["rolefit", "assess", "--org", "exam"])).toEqual(["examples"]);
    expect(bashOffers(path, ["rolefit", "completion", ""])).toEqual(["bash", "zsh", "fish"]);
  });
});

describe.runIf(hasShell("fish"))("rolefit completion fish", () => {
  const offers = (path: string, line: string) =>
    execFileSync("fish", ["-c", `source $argv[1]; complete -C $argv[2]`, path, line], {
      cwd: ROOT,
      encoding: "utf8",
    })
      .split("\n")
      .filter(Boolean)
      .map((entry) => entry.split("\t")[0]);

  it("completes commands, formats, --set ids and values, and explain ids", () => {
    const path = script("fish");
    expect(offers(path, "rolefit ")).toEqual(expect.arrayContaining(["assess", "validate"]));
    expect(offers(path, "rolefit assess --format ")).toContain("xlsx");
    expect(offers(path, "rolefit diff --format ")).not.toContain("xlsx");
    expect(offers(path, "rolefit assess --set stage=")).toContain("stage=growth");
    expect(offers(path, "rolefit explain major")).toEqual(["major_incidents_12m"]);
  });
});

describe.runIf(hasShell("zsh"))("rolefit completion zsh", () => {
  let session: TmuxSession | undefined;
  afterAll(() => session?.kill());

  it("completes the values of a question after --set id= in a real zsh", async () => {
    const path = script("zsh");
    const bin = join(dir, "bin");
    execFileSync("mkdir", ["-p", bin]);
    symlinkSync(join(ROOT, "bin", "rolefit.js"), join(bin, "rolefit"));
    session = new TmuxSession(`PATH=${bin}:$PATH zsh -f -i`, { cwd: ROOT, width: 120 });
    session.type(`autoload -U compinit && compinit -u && source ${path} && PS1='ready%% '\n`);
    await session.waitFor(/ready%/);
    session.type("rolefit assess --set stage=gr");
    session.send("Tab");
    await session.waitFor(/--set stage=growth/);
  });
});

function hasShell(name: string): boolean {
  try {
    execFileSync("sh", ["-c", `command -v ${name}`]);
    return true;
  } catch {
    return false;
  }
}
