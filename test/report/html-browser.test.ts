import { execFile } from "node:child_process";
import { existsSync, mkdirSync, mkdtempSync, readFileSync } from "node:fs";
import { createServer, type IncomingMessage } from "node:http";
import type { AddressInfo } from "node:net";
import { tmpdir } from "node:os";
import { join } from "node:path";
import type { Duplex } from "node:stream";
import { promisify } from "node:util";
import { afterAll, beforeAll, describe, expect, it } from "vitest";
import { rolefit } from "../helpers/cli.js";
import { countColor, decodePng } from "../helpers/png.js";
import { ROOT } from "../helpers/rubrics.js";

const run = promisify(execFile);
const CHROMIUM = ["/usr/bin/chromium", "/usr/bin/chromium-browser"].find((path) =>
  existsSync(path),
);
const SHOTS = join(ROOT, "test-output");

/** Hosts of Chromium's own services, whose background requests are not the page's. */
const BROWSER_SERVICES =
  /(^|\.)(googleapis\.com|gvt1\.com|gvt2\.com|google\.com|gstatic\.com|googleusercontent\.com|chrome\.com|chromium\.org|googlezip\.net)$/i;

/**
 * The HTML report in a real browser. The page is served from a local server that is also the
 * browser's proxy, so every request the page makes, to any host, arrives here and is counted.
 */
describe.skipIf(!CHROMIUM)("HTML report in headless Chromium", () => {
  const requests: string[] = [];
  let html = "";
  let port = 0;
  const server = createServer((request: IncomingMessage, response) => {
    const url = request.url ?? "";
    if (url.endsWith("/report.html") || url.endsWith("/control.html")) {
      response.writeHead(200, { "content-type": "text/html; charset=utf-8" });
      response.end(
        url.endsWith("/report.html")
          ? html
          : '<link rel="icon" href="data:,"><img src="http://elsewhere.test/pixel.png">',
      );
      return;
    }
    count(url, request.headers.referer);
    response.writeHead(404);
    response.end();
  });
  // HTTPS goes through the proxy as CONNECT: counted the same way, then refused.
  server.on("connect", (request: IncomingMessage, socket: Duplex) => {
    count(`https://${request.url ?? ""}`, request.headers.referer);
    socket.destroy();
  });

  /**
   * Chromium's own background traffic (component updates, safe browsing, field trials) goes to
   * Google's service hosts without the page as referrer; it is not the report's doing. The flags
   * below switch most of it off, and what remains is not counted.
   */
  function count(url: string, referer: string | undefined) {
    const host = /^[a-z]+:\/\/([^/:]+)/i.exec(url)?.[1] ?? "";
    const fromPage = referer?.startsWith("http://report.test:") === true;
    if (!fromPage && BROWSER_SERVICES.test(host)) return;
    requests.push(url);
  }

  beforeAll(async () => {
    const result = rolefit([
      "assess",
      "--org",
      "examples/northwind-payments.yaml",
      "--format",
      "html",
    ]);
    expect(result.status).toBe(0);
    html = result.stdout;
    await new Promise<void>((resolve) => server.listen(0, "127.0.0.1", resolve));
    port = (server.address() as AddressInfo).port;
    mkdirSync(SHOTS, { recursive: true });
  });
  afterAll(() => server.close());

  const chromium = (...args: string[]) => browse("report.html", ...args);
  const browse = (page: string, ...args: string[]) =>
    run(
      CHROMIUM as string,
      [
        "--headless",
        "--no-sandbox",
        "--disable-gpu",
        "--disable-background-networking",
        "--disable-component-update",
        "--disable-sync",
        "--disable-client-side-phishing-detection",
        "--disable-default-apps",
        "--disable-extensions",
        "--disable-domain-reliability",
        "--safebrowsing-disable-auto-update",
        "--no-pings",
        "--metrics-recording-only",
        // Chromium's own clock check, hints and translation would otherwise go out as well.
        "--disable-features=NetworkTimeServiceQuerying,OptimizationHints,Translate,MediaRouter,CertificateTransparencyComponentUpdater,AutofillServerCommunication",
        "--no-first-run",
        "--hide-scrollbars",
        `--user-data-dir=${mkdtempSync(join(tmpdir(), "rolefit-chromium-"))}`,
        `--proxy-server=http://127.0.0.1:${port}`,
        "--proxy-bypass-list=<-loopback>",
        ...args,
        `http://report.test:${port}/${page}`,
      ],
      { timeout: 60_000, maxBuffer: 16 * 1024 * 1024 },
    );

  it("would notice a page that fetches something (control)", async () => {
    await browse("control.html", "--dump-dom");
    expect(requests.splice(0)).toEqual(["http://elsewhere.test/pixel.png"]);
  });

  it("draws the charts and requests nothing from the network", async () => {
    const shot = join(SHOTS, "report.png");
    await chromium("--window-size=1100,1600", `--screenshot=${shot}`);
    const image = decodePng(readFileSync(shot));
    expect(image.width).toBe(1100);
    // The recommended structure's bar (combine, #0b7285) and the other bars are painted.
    expect(countColor(image, [0x0b, 0x72, 0x85])).toBeGreaterThan(2000);
    expect(countColor(image, [0x9c, 0x36, 0xb5])).toBeGreaterThan(1000);
    expect(requests).toEqual([]);
  });

  it("renders every section, and the charts as SVG with real bars", async () => {
    const { stdout: dom } = await chromium("--dump-dom");
    for (const id of [
      "summary",
      "scores",
      "reasons",
      "what-would-change",
      "triggers",
      "confidence",
      "mechanisms",
      "scorecard",
      "answers",
      "provenance",
    ]) {
      expect(dom).toContain(`<section id="${id}">`);
    }
    const bars = [...dom.matchAll(/<rect class="bar" data-outcome="(\w+)"[^>]*width="([\d.]+)"/g)];
    expect(bars.length).toBe(3);
    // On an axis zoomed to the scores every bar is drawn, the highest the longest.
    const widths = bars.map(([, , width]) => Number(width));
    for (const width of widths) expect(width).toBeGreaterThan(0);
    expect(Math.max(...widths)).toBeGreaterThan(200);
    expect(dom).toMatch(/data-chart="contributions"/);
    expect(requests).toEqual([]);
  });

  it("prints to A4", async () => {
    const pdf = join(SHOTS, "report.pdf");
    await chromium("--no-pdf-header-footer", `--print-to-pdf=${pdf}`);
    const text = readFileSync(pdf, "latin1");
    // A4 is 595 × 842 points.
    const boxes = [...text.matchAll(/\/MediaBox \[0 0 ([\d.]+) ([\d.]+)\]/g)];
    expect(boxes.length).toBeGreaterThan(1);
    for (const [, width, height] of boxes) {
      expect(Math.round(Number(width))).toBe(595);
      expect(Math.round(Number(height))).toBe(842);
    }
    // A typical organisation's handout, cover to provenance, on at most four pages.
    expect(boxes.length).toBeLessThanOrEqual(4);
  });
});
