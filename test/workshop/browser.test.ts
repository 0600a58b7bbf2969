import { existsSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { type Browser, chromium, type Page } from "playwright-core";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { json, rolefit } from "../helpers/cli.js";
import { ROOT } from "../helpers/rubrics.js";
import { TmuxSession } from "../helpers/tmux.js";
import { FACTS } from "../helpers/workshop.js";

const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((path) =>
  existsSync(path),
);
const SHOTS = join(ROOT, "test-output");
const BIN = `${process.execPath} ${join(ROOT, "bin", "rolefit.js")}`;
const PHONE = { width: 390, height: 844 };

/**
 * Answers every question a participant's page shows, through the page as a person would: taps a
 * choice (the `pick`-th), ticks options, types numbers. Returns what was entered, by question.
 */
async function answerAll(page: Page, pick: number): Promise<Record<string, unknown>> {
  const entered: Record<string, unknown> = {};
  for (let step = 0; step < 60; step++) {
    await page.waitForLoadState();
    if (page.url().endsWith("/done")) break;
    const action = await page.locator("form").getAttribute("action");
    const id = action?.split("/q/")[1] as string;
    const radios = page.locator('input[type="radio"]');
    const boxes = page.locator('input[name="option"]');
    if ((await radios.count()) > 0) {
      const radio = radios.nth((pick + step) % (await radios.count()));
      await radio.check();
      entered[id] = await radio.getAttribute("value");
    } else if ((await boxes.count()) > 0) {
      const box = boxes.nth((pick + step) % (await boxes.count()));
      await box.check();
      entered[id] = [await box.getAttribute("value")];
    } else {
      const percent = (await page.content()).includes("(%)");
      const value = String(percent ? 20 + pick * 10 : 100 + pick * 50);
      await page.fill("#number", value);
      entered[id] = Number(value);
    }
    await page.fill("#reason", `Reason ${pick} for ${id}`);
    await Promise.all([page.waitForNavigation(), page.click('button[value="answer"]')]);
  }
  return entered;
}

const asEntered = (value: unknown, entered: unknown) =>
  typeof entered === "string" ? String(value) : value;

describe.skipIf(!CHROMIUM)("a workshop room in real browsers", () => {
  let browser: Browser;
  let terminal: TmuxSession | undefined;
  beforeAll(async () => {
    browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(async () => {
    await browser?.close();
    terminal?.kill();
  });

  it("three people answer at once on phones; reveal, a second round, and the handout", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rolefit-room-"));
    writeFileSync(join(dir, "acme.yaml"), FACTS);
    terminal = new TmuxSession(`${BIN} workshop --org acme.yaml --host 127.0.0.1 --port 0`, {
      cwd: dir,
      width: 100,
      height: 45,
    });
    const opened = await terminal.waitFor(/Join: +(http:\/\/\S+)/);
    const url = opened.match(/Join: +(http:\/\/\S+)/)?.[1] as string;

    const people = ["Dana Okafor", "Ravi Patel", "Mia Schmidt"];
    const roles = ["CTO", "CIO", "CFO"];
    const pages = await Promise.all(
      people.map(async () => (await browser.newContext({ viewport: PHONE })).newPage()),
    );
    const entered = await Promise.all(
      pages.map(async (page, i) => {
        await page.goto(url);
        await page.fill("#name", people[i] as string);
        await page.fill("#role", roles[i] as string);
        await Promise.all([page.waitForNavigation(), page.click("button")]);
        if (i === 0) await page.screenshot({ path: join(SHOTS, "workshop-question.png") });
        return answerAll(page, i);
      }),
    );
    // Independence: the terminal says how much, never what.
    // Whatever order they joined in, all three are done.
    const waiting = await terminal.waitFor(/(: (\d+)\/\2 ✔[\s\S]*){3}/, 15_000, true);
    for (const [i, person] of people.entries())
      expect(waiting).toMatch(new RegExp(`${person} \\(${roles[i]}\\): (\\d+)/\\1 ✔`));
    expect(waiting).not.toMatch(/Reason \d/);
    const screen = await browser.newPage({ viewport: { width: 1280, height: 800 } });
    await screen.goto(`${url}/screen`);
    expect(await screen.content()).not.toContain("Recommendation");
    expect(await screen.locator("svg").count()).toBeGreaterThan(0); // the QR code to join

    // Each person's file holds exactly what their browser entered.
    const state = JSON.parse(readFileSync(join(dir, "acme.room", "room.json"), "utf8"));
    for (const [i, person] of people.entries()) {
      const record = state.participants.find((p: { name: string }) => p.name === person);
      const file = parse(readFileSync(join(dir, "acme.room", record.file), "utf8"));
      expect(file.respondent).toEqual({ name: person, role: roles[i] });
      for (const [id, value] of Object.entries(entered[i] as Record<string, unknown>))
        expect(asEntered(file.answers[id], value), `${person}: ${id}`).toEqual(value);
    }

    terminal.send("r");
    const revealed = await terminal.waitFor(/Room result: /);
    await screen.reload();
    await screen.waitForSelector(".result");
    await screen.screenshot({ path: join(SHOTS, "workshop-screen.png"), fullPage: true });
    const files = state.participants.map((p: { file: string }) => join(dir, "acme.room", p.file));
    const room = json<{ recommendation: string; disagreement: Array<{ couldFlip: boolean }> }>(
      rolefit(["assess", "--respondents", ...files, "--format", "json"]),
    );
    expect(revealed).toContain(`Room result: ${room.recommendation.toUpperCase()}`);
    expect(await screen.locator(".result strong").textContent()).toBe(room.recommendation);

    terminal.send("n");
    const flips = room.disagreement.filter((d) => d.couldFlip).length;
    if (flips > 0) {
      await terminal.waitFor(/Round 2: \d+ question\(s\) asked again/);
      // The second round shows the first answers' spread and the reasons, without names.
      await pages[0]?.goto(`${url}/next`);
      await pages[0]?.waitForSelector(".recheck");
      const recheck = (await pages[0]?.locator(".recheck").textContent()) ?? "";
      expect(recheck).toMatch(/Reason \d for/);
      for (const person of people) expect(recheck).not.toContain(person);
      await pages[0]?.screenshot({ path: join(SHOTS, "workshop-round-2.png"), fullPage: true });
      await Promise.all(
        pages.map(async (page) => {
          await page.goto(`${url}/next`);
          for (let step = 0; step < 20 && !page.url().endsWith("/done"); step++)
            await Promise.all([page.waitForNavigation(), page.click('button[value="answer"]')]);
        }),
      );
      await terminal.waitFor(/round 2/);
    } else {
      await terminal.waitFor(/the rounds stop here/);
    }
    terminal.send("f");
    const finished = await terminal.waitFor(/EXIT=0/);
    expect(finished).toContain("The workshop's handout is written to acme.workshop.html");
    const handout = readFileSync(join(dir, "acme.workshop.html"), "utf8");
    expect(handout).toContain("Dana Okafor");
  }, 120_000);
});
