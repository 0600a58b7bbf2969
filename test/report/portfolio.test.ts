import { existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { chromium } from "playwright-core";
import { beforeAll, describe, expect, it } from "vitest";
import { rolefit } from "../helpers/cli.js";
import { ROOT } from "../helpers/rubrics.js";

const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((path) =>
  existsSync(path),
);
const SHOTS = join(ROOT, "test-output");
const EXAMPLES = join(ROOT, "examples");

describe("the portfolio report for several organisations", () => {
  const dir = mkdtempSync(join(tmpdir(), "rolefit-portfolio-"));
  const html = join(dir, "portfolio.html");
  beforeAll(() => {
    const run = rolefit(["assess", "--org", EXAMPLES, "--format", "html", "--out", html]);
    expect(run.status).toBe(0);
  });

  it("is one self-contained page: the distribution by folder, borderline units first, rules, levers, spread", () => {
    const page = readFileSync(html, "utf8");
    expect(page).not.toMatch(/<script|src="http|href="http/);
    expect(page).toContain("<h2>Recommendations</h2>");
    expect(page).toContain("respondents"); // the folder grouping the respondents' files
    expect(page).toContain("Hard rules most often one answer from firing");
    expect(page).toContain("Levers that would move the most units");
    expect(page.match(/<svg class="spread"/g)).toHaveLength(3);
    const rows = [...page.matchAll(/<tr( class="borderline")?><td><a href="#unit-\d+">/g)];
    expect(rows.length).toBe(14);
    // Borderline units come first.
    const firstPlain = rows.findIndex((row) => !row[1]);
    expect(rows.slice(firstPlain).every((row) => !row[1])).toBe(true);
  });

  it("speaks Markdown with the same sections", () => {
    const run = rolefit(["assess", "--org", EXAMPLES, "--format", "markdown"]);
    expect(run.status).toBe(0);
    for (const heading of [
      "# Portfolio: 14 organisations",
      "## Recommendations",
      "## Where the scores lie",
      "## Units",
    ])
      expect(run.stdout).toContain(heading);
  });

  it.skipIf(!CHROMIUM)(
    "opens each unit's detail from its row in Chromium, without JavaScript",
    async () => {
      const browser = await chromium.launch({ executablePath: CHROMIUM, args: ["--no-sandbox"] });
      try {
        mkdirSync(SHOTS, { recursive: true });
        const context = await browser.newContext({
          javaScriptEnabled: false,
          viewport: { width: 1280, height: 900 },
        });
        const page = await context.newPage();
        const requests: string[] = [];
        page.on("request", (request) => requests.push(request.url()));
        await page.goto(`file://${html}`);
        await page.screenshot({ path: join(SHOTS, "portfolio.png"), fullPage: true });
        expect(await page.locator("details").count()).toBe(14);
        const first = page.locator("details").first();
        expect(await first.getAttribute("open")).toBeNull();
        await first.locator("summary").click();
        expect(await first.getAttribute("open")).not.toBeNull();
        expect(await first.locator("li").count()).toBeGreaterThan(0);
        expect(requests.filter((url) => !url.startsWith("file:"))).toEqual([]);
      } finally {
        await browser.close();
      }
    },
  );
});
