import type { Block, Chart, ReportDocument } from "../narrate/document.js";
import { OUTCOMES, type Outcome } from "../rubric/outcomes.js";
import { escapeMarkup } from "../text/markup-escape.js";

const COLORS: Record<Outcome, string> = {
  combine: "#0b7285",
  separate: "#9c36b5",
  matrix: "#d9480f",
};

const escapeHtml = escapeMarkup;

const fixed = (value: number) => value.toFixed(1);

/** The accent of a report without a recommendation: no structure's colour. */
const UNDECIDED = "#59636e";

/**
 * The axis a score chart needs: from 5 points below the lowest score to 5 above the highest, in
 * steps of 5 and never under 20 points wide, so a lead of under a point still shows.
 */
function scoreAxis(scores: readonly number[]): { low: number; high: number; ticks: number[] } {
  let low = Math.max(0, Math.floor((Math.min(...scores) - 5) / 5) * 5);
  let high = Math.min(100, Math.ceil((Math.max(...scores) + 5) / 5) * 5);
  while (high - low < 20) {
    if (low > 0) low -= 5;
    if (high - low < 20 && high < 100) high += 5;
  }
  const step = high - low > 50 ? 10 : 5;
  const ticks: number[] = [];
  for (let tick = low; tick <= high; tick += step) ticks.push(tick);
  return { low, high, ticks };
}

/**
 * Three horizontal bars on an axis zoomed to the scores (labelled, with the neutral 50 marked
 * where it falls), the runner-up's distance said beside it, and a ruled-out outcome hatched.
 */
function scoresChart(chart: Extract<Chart, { kind: "scores" }>): string {
  const [left, barMax, rowHeight, top] = [110, 400, 34, 26];
  const { low, high, ticks: marks } = scoreAxis(chart.rows.map((row) => row.score));
  const x = (score: number) =>
    left + ((Math.max(low, Math.min(high, score)) - low) / (high - low)) * barMax;
  const height = top + chart.rows.length * rowHeight + 10;
  const bars = chart.rows
    .map((row, i) => {
      const y = top + i * rowHeight;
      const recommended = row.status === "recommended";
      const ruledOut = row.status === "ruled-out";
      const note = row.mark === "" ? "" : recommended ? ` ▶ ${row.mark}` : ` ${row.mark}`;
      return [
        `<text x="${left - 10}" y="${y + 17}" text-anchor="end" class="label${recommended ? " strong" : ""}">${row.outcome}</text>`,
        `<rect class="bar" data-outcome="${row.outcome}" x="${left}" y="${y + 4}" width="${(x(row.score) - left).toFixed(1)}" height="20" rx="3" fill="${ruledOut ? `url(#hatch-${row.outcome})` : COLORS[row.outcome]}" fill-opacity="${ruledOut ? 1 : recommended ? 1 : 0.7}"${ruledOut ? ' stroke-dasharray="4 3" stroke="#495057"' : ""}/>`,
        `<text x="${x(row.score) + 8}" y="${y + 19}" class="value">${fixed(row.score)}${escapeHtml(note)}</text>`,
      ].join("");
    })
    .join("");
  const ticks = marks
    .map(
      (tick) =>
        `<line x1="${x(tick)}" x2="${x(tick)}" y1="${top - 4}" y2="${height - 8}" class="${tick === 50 ? "neutral" : "grid"}"/><text x="${x(tick)}" y="${top - 10}" text-anchor="middle" class="tick">${tick}</text>`,
    )
    .join("");
  // Diagonal stripes in the outcome's colour: a ruled-out bar never reads as a plain one.
  const hatches = chart.rows
    .filter((row) => row.status === "ruled-out")
    .map(
      (row) =>
        `<pattern id="hatch-${row.outcome}" width="6" height="6" patternUnits="userSpaceOnUse" patternTransform="rotate(45)"><rect width="6" height="6" fill="#fff"/><rect width="3" height="6" fill="${COLORS[row.outcome]}" fill-opacity="0.55"/></pattern>`,
    )
    .join("");
  const label = `Scores: ${chart.rows.map((row) => `${row.outcome} ${fixed(row.score)}${row.status === "ruled-out" ? " (ruled out)" : ""}`).join(", ")}; axis from ${low} to ${high}; 50 is neutral`;
  return `<svg class="chart" data-chart="scores" role="img" aria-label="${escapeHtml(label)}" viewBox="0 0 680 ${height}" width="680" height="${height}"><title>${escapeHtml(label)}</title>${hatches ? `<defs>${hatches}</defs>` : ""}${ticks}${bars}</svg>`;
}

/** Each rubric's points for each structure, as bars either side of zero. */
function contributionsChart(chart: Extract<Chart, { kind: "contributions" }>): string {
  const [left, half, barHeight, groupGap, top] = [190, 220, 14, 16, 30];
  const largest = Math.max(
    1,
    ...chart.rows.flatMap((c) => OUTCOMES.map((o) => Math.abs(c.points[o]))),
  );
  const zero = left + half;
  const scale = (value: number) => (value / largest) * (half - 40);
  let y = top;
  const groups = chart.rows
    .map((contribution) => {
      const label = `<text x="${left - 12}" y="${y + barHeight * 1.5 + 5}" text-anchor="end" class="label">${escapeHtml(contribution.title)}</text>`;
      const bars = OUTCOMES.map((outcome, i) => {
        const value = contribution.points[outcome];
        const width = Math.abs(scale(value));
        const barX = value >= 0 ? zero : zero - width;
        const barY = y + i * barHeight;
        const textX = value >= 0 ? zero + width + 6 : zero - width - 6;
        return `<rect class="bar" data-rubric="${escapeHtml(contribution.id)}" data-outcome="${outcome}" x="${barX.toFixed(1)}" y="${barY}" width="${Math.max(1, width).toFixed(1)}" height="${barHeight - 2}" fill="${COLORS[outcome]}"/><text x="${textX.toFixed(1)}" y="${barY + barHeight - 4}" text-anchor="${value >= 0 ? "start" : "end"}" class="small">${value >= 0 ? "+" : "−"}${fixed(Math.abs(value))}</text>`;
      }).join("");
      y += OUTCOMES.length * barHeight + groupGap;
      return label + bars;
    })
    .join("");
  const height = y + 4;
  const legend = OUTCOMES.map(
    (outcome, i) =>
      `<rect x="${left + i * 110}" y="4" width="12" height="12" fill="${COLORS[outcome]}"/><text x="${left + i * 110 + 18}" y="15" class="small">${outcome}</text>`,
  ).join("");
  const axis = `<line x1="${zero}" x2="${zero}" y1="${top - 6}" y2="${height - 4}" class="neutral"/>`;
  const label = `Points per rubric: ${chart.rows.map((c) => `${c.title} ${OUTCOMES.map((o) => `${o} ${fixed(c.points[o])}`).join(", ")}`).join("; ")}`;
  return `<svg class="chart" data-chart="contributions" role="img" aria-label="${escapeHtml(label)}" viewBox="0 0 680 ${height}" width="680" height="${height}"><title>${escapeHtml(label)}</title>${legend}${axis}${groups}</svg>`;
}

/** Per question, the share of the room away from the consensus; questions that could flip it in red. */
function disagreementChart(chart: Extract<Chart, { kind: "disagreement" }>): string {
  const entries = chart.rows.slice(0, 12);
  const [left, barMax, rowHeight, top] = [230, 330, 26, 10];
  const height = top + entries.length * rowHeight + 8;
  const rows = entries
    .map((entry, i) => {
      const y = top + i * rowHeight;
      const width = Math.max(2, entry.spread * barMax);
      return `<text x="${left - 10}" y="${y + 15}" text-anchor="end" class="label">${escapeHtml(entry.label)}</text><rect class="bar" data-question="${escapeHtml(entry.id)}" x="${left}" y="${y + 3}" width="${width.toFixed(1)}" height="16" rx="3" fill="${entry.couldFlip ? "#cf222e" : "#8c959f"}"/><text x="${left + width + 8}" y="${y + 16}" class="value">${Math.round(entry.spread * 100)}%${entry.couldFlip ? " could change it" : ""}</text>`;
    })
    .join("");
  const label = `Disagreement by question: ${entries.map((e) => `${e.label} ${Math.round(e.spread * 100)}%`).join(", ")}`;
  return `<svg class="chart" data-chart="disagreement" role="img" aria-label="${escapeHtml(label)}" viewBox="0 0 680 ${height}" width="680" height="${height}"><title>${escapeHtml(label)}</title>${rows}</svg>`;
}

function drawChart(chart: Chart): string {
  switch (chart.kind) {
    case "scores":
      return scoresChart(chart);
    case "contributions":
      return contributionsChart(chart);
    case "disagreement":
      return disagreementChart(chart);
  }
}

function renderBlock(block: Block): string {
  switch (block.kind) {
    case "paragraph":
      return `<p>${escapeHtml(block.text)}</p>`;
    case "list":
      return `<ul>${block.items.map((item) => `<li>${escapeHtml(item)}</li>`).join("")}</ul>`;
    case "checklist":
      return `<ul class="checklist">${block.items.map((item) => `<li class="${item.done ? "done" : "todo"}"><span class="mark">${item.done ? "✓" : "○"}</span> ${escapeHtml(item.text)}${item.done ? ' <span class="muted">(in place)</span>' : ""}</li>`).join("")}</ul>`;
    case "table": {
      // Name–value pairs flow in two columns where the page is wide enough.
      if (block.pairs)
        return `<dl class="pairs">${block.rows.map(([name = "", value = ""]) => `<div><dt>${escapeHtml(name)}</dt><dd>${escapeHtml(value)}</dd></div>`).join("")}</dl>`;
      const align = (i: number) => (block.numeric?.includes(i) ? ' class="num"' : "");
      const head = block.head.map((h, i) => `<th${align(i)}>${escapeHtml(h)}</th>`).join("");
      const rows = block.rows
        .map(
          (row) => `<tr>${row.map((c, i) => `<td${align(i)}>${escapeHtml(c)}</td>`).join("")}</tr>`,
        )
        .join("");
      return `<table${block.ofChart ? ' class="of-chart"' : ""}><thead><tr>${head}</tr></thead><tbody>${rows}</tbody></table>`;
    }
    case "chart":
      return `<figure>${drawChart(block.chart)}</figure>`;
  }
}

const STYLE = `
:root { --ink: #1f2328; --muted: #59636e; --line: #d0d7de; --accent: ACCENT; }
* { box-sizing: border-box; }
body { margin: 0; font: 17px/1.5 system-ui, -apple-system, "Segoe UI", Roboto, "Helvetica Neue", Arial, sans-serif; color: var(--ink); background: #fff; }
main { max-width: 60rem; margin: 0 auto; padding: 2rem 1.5rem 4rem; }
h1 { font-size: 1.9rem; line-height: 1.2; margin: 0 0 1rem; }
h2 { font-size: 1.3rem; margin: 2.2rem 0 0.7rem; padding-bottom: 0.25rem; border-bottom: 2px solid var(--line); }
.headline { border-left: 8px solid var(--accent); background: #f6f8fa; padding: 1rem 1.25rem; border-radius: 6px; }
.headline .outcome { font-size: 2.2rem; font-weight: 800; color: var(--accent); text-transform: uppercase; letter-spacing: 0.04em; }
.headline .confidence { display: inline-block; margin-left: 0.8rem; padding: 0.1rem 0.6rem; border-radius: 999px; font-weight: 600; font-size: 0.95rem; border: 2px solid currentColor; }
.confidence.high { color: #1a7f37; } .confidence.medium { color: #9a6700; } .confidence.low { color: #cf222e; }
table { border-collapse: collapse; width: 100%; margin: 0.5rem 0 1rem; font-size: 0.92rem; }
th, td { text-align: left; vertical-align: top; padding: 0.35rem 0.6rem; border-bottom: 1px solid var(--line); }
th { background: #f6f8fa; font-weight: 600; }
td.num, th.num { text-align: right; white-space: nowrap; font-variant-numeric: tabular-nums; }
figure { margin: 0.5rem 0 1rem; }
svg.chart { max-width: 100%; height: auto; font-family: inherit; }
svg .label { font-size: 14px; fill: var(--ink); } svg .strong { font-weight: 700; }
svg .value { font-size: 14px; fill: var(--ink); font-weight: 600; } svg .tick, svg .small { font-size: 12px; fill: var(--muted); }
svg .grid { stroke: #eaeef2; } svg .neutral { stroke: #8c959f; stroke-dasharray: 4 3; }
.callout { border: 2px solid #bf8700; background: #fff8c5; padding: 0.6rem 0.9rem; border-radius: 6px; }
.checklist { list-style: none; padding-left: 0; } .checklist li { margin: 0.3rem 0; }
.checklist .mark { display: inline-block; width: 1.4rem; font-weight: 700; } .done .mark { color: #1a7f37; } .todo .mark { color: #9a6700; }
.muted, footer { color: var(--muted); } footer { margin-top: 3rem; font-size: 0.85rem; word-break: break-all; }
.cover { display: grid; grid-template-columns: max-content 1fr; gap: 0.15rem 1rem; margin: 0 0 1.2rem; font-size: 0.95rem; }
.cover dt { color: var(--muted); } .cover dd { margin: 0; }
dl.pairs { columns: 2 20rem; column-gap: 2rem; font-size: 0.92rem; margin: 0.5rem 0 1rem; }
dl.pairs div { break-inside: avoid; display: flex; gap: 0.6rem; padding: 0.2rem 0; border-bottom: 1px solid var(--line); }
dl.pairs dt { color: var(--muted); flex: 0 0 45%; } dl.pairs dd { margin: 0; }
nav.contents { margin: 1.2rem 0 0; font-size: 0.95rem; } nav.contents ol { margin: 0.3rem 0; padding-left: 1.4rem; columns: 2; }
nav.contents a { color: inherit; text-decoration: none; } nav.contents a:hover { text-decoration: underline; }
@media print {
  @page { size: A4; margin: 15mm 13mm 14mm; @top-left { content: RUNNING; font-size: 8pt; color: #59636e; } @bottom-right { content: "Page " counter(page) " of " counter(pages); font-size: 8pt; color: #59636e; } }
  a { color: inherit; text-decoration: none; }
  body { font-size: 9.2pt; line-height: 1.38; -webkit-print-color-adjust: exact; print-color-adjust: exact; }
  main { max-width: none; padding: 0; }
  h1 { font-size: 17pt; margin-bottom: 0.5rem; }
  h2 { font-size: 12pt; margin: 1.1rem 0 0.4rem; break-after: avoid; }
  .headline { padding: 0.6rem 0.9rem; } .headline .outcome { font-size: 20pt; }
  table { font-size: 8.5pt; margin: 0.3rem 0 0.6rem; } th, td { padding: 0.2rem 0.45rem; }
  svg.chart { max-height: 55mm; width: auto; }
  /* On paper the chart says it; its figures stay in the page for screen readers and copying. */
  table.of-chart { display: none; }
  dl.pairs { font-size: 8pt; column-gap: 1.2rem; } dl.pairs div { padding: 0.05rem 0; } dl.pairs dt { flex-basis: 50%; }
  #provenance, #scorecard table, #confidence table { font-size: 8pt; }
  li { margin: 0.1rem 0; } p { margin: 0.35rem 0; }
  /* Long tables may break between rows, never inside one; a heading keeps its first lines. */
  tr, figure, .headline, li, .cover { break-inside: avoid; }
  section { break-inside: auto; }
  footer { margin-top: 1rem; }
}
`;

/** A CSS string: quotes, backslashes and line ends escaped, and `<` so no text ends the style. */
const cssString = (text: string) =>
  `"${text.replace(/\\/g, "\\\\").replace(/"/g, '\\"').replace(/\n/g, "\\A ").replace(/</g, "\\3C ")}"`;

/** The cover: who the report is about and for, who made it, when, and with which rubrics. */
function coverBlock(doc: ReportDocument): string {
  const { cover } = doc;
  const rows: Array<[string, string | undefined]> = [
    ["Organisation", cover.organization],
    ["Prepared for", cover.preparedFor],
    ["Prepared by", cover.preparedBy],
    ["Date", cover.date],
    ["Rubrics", cover.rubrics],
  ];
  return `<dl class="cover">${rows
    .filter((row): row is [string, string] => row[1] !== undefined && row[1] !== "")
    .map(([term, value]) => `<dt>${term}</dt><dd>${escapeHtml(value)}</dd>`)
    .join("")}</dl>`;
}

function contentsList(doc: ReportDocument): string {
  return `<nav class="contents" aria-label="Contents"><strong>Contents</strong><ol>${doc.contents
    .map((entry) => `<li><a href="#${entry.id}">${escapeHtml(entry.title)}</a></li>`)
    .join("")}</ol></nav>`;
}

/** One self-contained HTML file: inline CSS and SVG, no script, nothing fetched. */
export function renderHtml(doc: ReportDocument): string {
  const sections = doc.sections
    .map(
      (section) =>
        `<section id="${section.id}"><h2>${escapeHtml(section.title)}</h2>${section.blocks
          .filter((block) => block.view !== "short")
          .map(renderBlock)
          .join("\n")}</section>`,
    )
    .join("\n");
  const { recommendation, confidence, banner } = doc.verdict;
  const style = STYLE.replace(
    "ACCENT",
    recommendation ? COLORS[recommendation] : UNDECIDED,
  ).replace("RUNNING", cssString(doc.title));
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<link rel="icon" href="data:,">
<meta http-equiv="Content-Security-Policy" content="default-src 'none'; style-src 'unsafe-inline'; img-src data:">
<title>${escapeHtml(doc.title)}</title>
<style>${style}</style>
</head>
<body>
<main>
<h1>${escapeHtml(doc.title)}</h1>
${coverBlock(doc)}
${banner ? `<p class="callout"><strong>Warning:</strong> ${escapeHtml(banner)}</p>\n` : ""}<div class="headline"><span class="outcome">${recommendation ?? "No recommendation yet"}</span><span class="confidence ${confidence}">confidence ${confidence}</span>${doc.verdict.conditions ? `<p class="conditions">Only with ${escapeHtml(doc.verdict.conditions)}</p>` : ""}<p>${escapeHtml(doc.headline)}</p></div>
${contentsList(doc)}
${sections}
<footer>${escapeHtml(doc.footer)}</footer>
</main>
</body>
</html>
`;
}
