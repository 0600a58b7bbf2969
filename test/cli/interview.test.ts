import { execFileSync } from "node:child_process";
import { copyFileSync, existsSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { json, rolefit } from "../helpers/cli.js";
import { ROOT } from "../helpers/rubrics.js";
import { TmuxSession } from "../helpers/tmux.js";

const BIN = `${process.execPath} ${join(ROOT, "bin", "rolefit.js")}`;
const hasTmux = (() => {
  try {
    execFileSync("tmux", ["-V"]);
    return true;
  } catch {
    return false;
  }
})();

/** What a question screen says is left, e.g. 12 of `12 to go`. */
const progress = (screen: string) => screen.match(/ (\d+) to go\n/)?.[1];

describe.skipIf(!hasTmux)("the interview in a real terminal", () => {
  let session: TmuxSession | undefined;
  afterEach(() => session?.kill());

  it("saves every answer, survives Ctrl-C, resumes, and ends with the file-driven result", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rolefit-interview-"));
    session = new TmuxSession(`${BIN} assess`, { cwd: dir });
    await session.waitFor(/Which organisation are we assessing\?/);
    session.type("Acme Test");
    session.send("Enter");
    await session.waitFor(/Which stage best describes/);
    session.send("Enter"); // startup, the first choice
    await session.waitFor(/How many people does the organisation employ\?/);
    session.type("250");
    session.send("Enter");
    await session.waitFor(/engineering and IT together/);
    session.type("x");
    session.send("Enter");
    await session.waitFor(/Enter a whole number of at least 0/);
    session.send("BSpace");
    session.type("40");
    session.send("Enter");
    await session.waitFor(/How mature are the organisation's technology practices\?/);
    session.send("C-c");
    const stopped = await session.waitFor(/EXIT=130/);
    expect(stopped).toContain("Interview stopped. 3 answers are saved in acme-test.yaml.");
    expect(stopped).toContain("Resume with: rolefit assess --org acme-test.yaml --interactive");
    session.kill();

    const saved = parse(readFileSync(join(dir, "acme-test.yaml"), "utf8"));
    expect(saved).toMatchObject({
      kind: "Organization",
      name: "Acme Test",
      answers: { stage: "startup", employees: 250, tech_staff: 40 },
    });

    session = new TmuxSession(`${BIN} assess --org acme-test.yaml --interactive`, { cwd: dir });
    await session.waitFor(/3 of 25 questions are answered\. Review or change them/);
    session.type("n");
    session.send("Enter");
    // Answer the rest: a number where a number is asked, otherwise the first choice.
    // Three answered: 22 of the 25 questions that apply so far are left.
    let screen = await session.waitFor(/ 22 to go\n/);
    for (let step = 0; step < 40 && !/Score it/.test(screen); step++) {
      const before = progress(session.screen());
      const current = session.screen();
      if (/s to skip/.test(current)) {
        session.type("5");
      } else if (/None of these/.test(current)) {
        session.send("Space"); // a checkbox list: select the first option
      } else if (/❯ Not sure — skip this question/.test(current)) {
        session.send("Up"); // an unanswered yes/no starts on skip: take "no" above it
      }
      session.send("Enter");
      const deadline = Date.now() + 10_000;
      do {
        await new Promise((resolve) => setTimeout(resolve, 100));
        screen = session.screen();
      } while (progress(screen) === before && !/Score it/.test(screen) && Date.now() < deadline);
    }
    expect(screen).toMatch(/Review the answers before scoring · 26\/26 answered/);
    session.send("Enter");
    // The result screen: the verdict on screen above the menu, never scrolled away.
    const result = await session.waitFor(/What next\?/);
    const shown = result.match(/Recommendation\s+(COMBINE|SEPARATE|MATRIX)/)?.[1]?.toLowerCase();
    // Questions and answers by the rubric's labels, never by ids such as `digital_maturity: 4`.
    expect(result).not.toMatch(/\b[a-z]+(_[a-z0-9]+)+: /);
    session.send("Down");
    session.send("Down");
    session.send("Enter");
    await session.waitFor(/Report written to acme-test\.report\.md/);
    session.send("Enter"); // Finish is the default after a report
    await session.waitFor(/EXIT=0/);

    const fileDriven = json<{ recommendation: string; unanswered: string[] }>(
      rolefit(["assess", "--org", join(dir, "acme-test.yaml"), "--format", "json"]),
    );
    expect(fileDriven.unanswered).toEqual([]);
    expect(shown).toBe(fileDriven.recommendation);
    expect(existsSync(join(dir, "acme-test.report.md"))).toBe(true);
  });

  it("says how to write the report later when Ctrl-C declines it", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rolefit-interview-"));
    copyFileSync(join(ROOT, "examples", "seed-startup.yaml"), join(dir, "seed.yaml"));
    session = new TmuxSession(`${BIN} assess --org seed.yaml --interactive`, { cwd: dir });
    // Every question is answered, so the interview opens on the final review.
    await session.waitFor(/Score it/);
    session.send("Enter");
    await session.waitFor(/What next\?/);
    session.send("C-c");
    const stopped = await session.waitFor(/EXIT=130/);
    expect(stopped).toContain("No report written; every answer is saved. To write it later:");
    expect(stopped).toContain(
      "rolefit assess --org seed.yaml --format markdown --out seed.report.md",
    );
    expect(stopped).not.toContain("Resume with");
  });

  it("opens a result with a summary that fits 80×24, then details, a report or finish", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rolefit-result-"));
    copyFileSync(join(ROOT, "examples", "regulated-bank.yaml"), join(dir, "bank.yaml"));
    session = new TmuxSession(`${BIN} assess --org bank.yaml`, {
      cwd: dir,
      width: 80,
      height: 24,
    });
    const screen = await session.waitFor(/What next\?/);
    const rows = screen.split("\n");
    expect(rows[0]).toBe("Harbourgate Bank");
    expect(screen).toMatch(/Recommendation +SEPARATE +confidence/);
    expect(screen).toMatch(/Runner-up +matrix/);
    expect(screen).toContain("Why separate");
    expect(screen).toContain("Pointing elsewhere");
    for (const row of rows) expect(row.length).toBeLessThanOrEqual(80);
    session.send("Enter"); // See the details: the full report, paged
    const details = await session.waitFor(/Scores/);
    expect(details).toContain("Harbourgate Bank");
    session.send("q");
    await session.waitFor(/What next\?[\s\S]*What next\?|What next\?\s*\n❯ See the details/);
    session.send("Down");
    session.send("Enter"); // the HTML report
    await session.waitFor(/Report written to bank\.report\.html/);
    expect(existsSync(join(dir, "bank.report.html"))).toBe(true);
    session.send("Enter");
    await session.waitFor(/EXIT=0/);
  });

  it("uses a projector's 160×40 for the whole summary, the menu still on screen", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rolefit-result-"));
    copyFileSync(join(ROOT, "examples", "regulated-bank.yaml"), join(dir, "bank.yaml"));
    session = new TmuxSession(`${BIN} assess --org bank.yaml`, {
      cwd: dir,
      width: 160,
      height: 40,
    });
    const screen = await session.waitFor(/What next\?[\s\S]*Finish/);
    expect(screen.split("\n")[0]).toBe("Harbourgate Bank");
    // Three reasons each way and the changes, none dropped to fit.
    const reasons = screen.split("\n").filter((row) => /^ {2,3}\+\d/.test(row));
    expect(reasons).toHaveLength(6);
    expect(screen).toMatch(/What would change it\n {2}• /);
    session.send("Up");
    session.send("Enter");
    await session.waitFor(/EXIT=0/);
  });

  it("stops an adaptive interview once the verdict is settled, and says how it was proved", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rolefit-adaptive-"));
    writeFileSync(
      join(dir, "tiny.yaml"),
      "apiVersion: rolefit/v1\nkind: Organization\nname: Tiny Co\nanswers: {}\n",
    );
    session = new TmuxSession(`${BIN} assess --org tiny.yaml --interactive --adaptive`, {
      cwd: dir,
      width: 80,
      height: 24,
    });
    await session.waitFor(
      /Which stage best describes[\s\S]*at most 25 to go|at most 25 to go[\s\S]*Which stage/,
    );
    session.send("Enter"); // startup
    await session.waitFor(/How many people does the organisation employ\?/);
    session.type("12");
    session.send("Enter");
    await session.waitFor(/engineering and IT together/);
    session.type("3");
    session.send("Enter");
    const settled = await session.waitFor(/What next\?[\s\S]*Go on with the 22 open questions/);
    expect(settled).toContain("Verdict settled after 3 of 25 questions: combine.");
    expect(settled).toMatch(
      /Proved by the engine: the hard rule “A small organisation has one\s+leader”/,
    );
    for (const row of settled.split("\n")) expect(row.length).toBeLessThanOrEqual(80);
    session.send("Enter"); // stop here
    await session.waitFor(/Review the answers before scoring · 3\/25 answered/);
    session.send("Enter"); // score it
    const result = await session.waitFor(/What next\?[\s\S]*Finish/);
    expect(result).toMatch(/Recommendation +COMBINE/);
    session.send("Up");
    session.send("Enter");
    await session.waitFor(/EXIT=0/);
    const saved = parse(readFileSync(join(dir, "tiny.yaml"), "utf8"));
    expect(saved.adaptive).toMatchObject({ settledAfter: 3, questions: 25 });
    expect(saved.adaptive.leftOpen).toHaveLength(22);
    expect(saved.adaptive.why).toMatch(
      /^Verdict settled after 3 of 25 questions: combine\. Proved/,
    );
    expect(
      json(rolefit(["assess", "--org", join(dir, "tiny.yaml"), "--format", "json"])),
    ).toMatchObject({
      recommendation: "combine",
    });
  });

  it("asks an adaptive interview on a projector, and its verdict is the file's", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rolefit-adaptive-"));
    session = new TmuxSession(`${BIN} assess --adaptive --answers acme.yaml`, {
      cwd: dir,
      width: 160,
      height: 40,
    });
    await session.waitFor(/Which organisation are we assessing\?/);
    session.type("Acme");
    session.send("Enter");
    let screen = await session.waitFor(/at most \d+ to go/);
    // Answer as a mid-sized firm would: numbers in the hundreds, otherwise the first choice.
    for (let step = 0; step < 40 && !/Verdict settled|Score it/.test(screen); step++) {
      const before = screen;
      if (/\(0–100%;/.test(screen)) session.type("30");
      else if (/s to skip/.test(screen)) session.type("600");
      else if (/None of these/.test(screen)) session.send("Space");
      else if (/❯ Not sure — skip this question/.test(screen)) session.send("Up");
      session.send("Enter");
      const deadline = Date.now() + 10_000;
      do {
        await new Promise((resolve) => setTimeout(resolve, 100));
        screen = session.screen();
      } while (screen === before && Date.now() < deadline);
    }
    const settled = screen.match(/Verdict settled after (\d+) of (\d+) questions: (\w+)\./);
    expect(settled, screen).not.toBeNull();
    const [, asked, total, verdict] = settled as RegExpMatchArray;
    expect(Number(asked)).toBeLessThan(Number(total));
    expect(screen).toContain("Proved by the engine");
    session.send("Enter");
    await session.waitFor(/Review the answers before scoring/);
    session.send("Enter");
    const result = await session.waitFor(/What next\?[\s\S]*Finish/);
    expect(result).toContain(`Recommendation  ${String(verdict).toUpperCase()}`);
    session.send("Up");
    session.send("Enter");
    await session.waitFor(/EXIT=0/);
    expect(
      json(rolefit(["assess", "--org", join(dir, "acme.yaml"), "--format", "json"])),
    ).toMatchObject({
      recommendation: verdict,
    });
  });

  it("says how to resume the whole room when a respondent's interview stops", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rolefit-room-"));
    session = new TmuxSession(`${BIN} assess --respondent Dana --respondent Ravi`, { cwd: dir });
    await session.waitFor(/Which organisation are we assessing\?/);
    session.type("Acme");
    session.send("Enter");
    await session.waitFor(/Which stage best describes/);
    session.send("Enter");
    await session.waitFor(/How many people does the organisation employ\?/);
    session.send("C-c");
    const stopped = await session.waitFor(/EXIT=130/);
    expect(stopped).toContain("Interview stopped. 1 answer is saved in acme-dana.yaml.");
    expect(stopped).toContain("Resume with: rolefit assess --respondent Dana --respondent Ravi");
    expect(stopped).toContain("name the organisation Acme again");
  });

  it("refuses --adaptive and --ask-skipped outside an interview", () => {
    const run = rolefit(["assess", "--adaptive", "--org", "examples/seed-startup.yaml"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toContain("--adaptive shapes the interview: add --interactive");
  });

  it("exits 2 without a terminal and says how to pass a file", () => {
    const run = rolefit(["assess", "--interactive", "--org", "examples/seed-startup.yaml"]);
    expect(run.status).toBe(2);
    expect(run.stderr).toMatch(
      /--interactive needs a terminal; pass an org file: rolefit assess --org FILE/,
    );
  });
});
