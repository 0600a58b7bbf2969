import { dirname, relative } from "node:path";
import type { Assessment } from "../result/assessment.js";
import { OUTCOMES, type Outcome } from "../rubric/outcomes.js";
import type { AnswerValue } from "../rubric/schema.js";
import { markdownText } from "../text/markdown-escape.js";
import { escapeMarkup } from "../text/markup-escape.js";
import type { FailedRecord } from "./batch.js";

/** A unit is borderline below this margin, in score points (the engine's low-confidence line). */
const BORDERLINE_MARGIN = 2;
/** How many rules and levers the portfolio lists. */
const TOP = 8;

type Verdict = Outcome | "undecided";

interface Unit {
  id: string;
  assessment: Assessment;
  folder: string;
  verdict: Verdict;
  borderline: boolean;
  /** Per outcome, the share of units scoring lower (0–100): where it stands, not an average. */
  percentiles: Record<Outcome, number>;
}

/** The rubrics' words for what the portfolio names. */
export interface PortfolioWords {
  rule(id: string): string;
  question(id: string): string;
  answer(id: string, value: AnswerValue): string;
}

/** Everything the portfolio shows, worked out once for both layouts. */
export interface Portfolio {
  units: Unit[];
  failures: readonly FailedRecord[];
  counts: Array<{ folder: string; total: number; byVerdict: Record<Verdict, number> }>;
  /** Per outcome: min, quartiles and max of the units' scores. */
  spread: Record<Outcome, [number, number, number, number, number]>;
  watched: Array<{ ruleId: string; title: string; units: number }>;
  levers: Array<{ questionId: string; to: string; units: number; towards: string }>;
}

const VERDICTS: readonly Verdict[] = [...OUTCOMES, "undecided"];

function quantile(sorted: readonly number[], q: number): number {
  if (sorted.length === 0) return 0;
  const at = (sorted.length - 1) * q;
  const low = Math.floor(at);
  const high = Math.ceil(at);
  return (
    (sorted[low] as number) + ((sorted[high] as number) - (sorted[low] as number)) * (at - low)
  );
}

const round1 = (value: number) => Math.round(value * 10) / 10;

/** The units grouped and ranked: borderline first, then by folder and name. */
export function buildPortfolio(
  assessments: readonly Assessment[],
  failures: readonly FailedRecord[],
  /** Rules, questions and answers by the rubrics' words. */
  words: PortfolioWords,
): Portfolio {
  const sources = assessments.map((a) => a.source ?? ".");
  const root = sources.length > 0 ? commonFolder(sources) : ".";
  const scores = Object.fromEntries(
    OUTCOMES.map((o) => [o, assessments.map((a) => a.scores[o]).sort((x, y) => x - y)]),
  ) as Record<Outcome, number[]>;
  const percentile = (outcome: Outcome, value: number) => {
    const list = scores[outcome];
    return list.length <= 1
      ? 50
      : Math.round((100 * list.filter((s) => s < value).length) / (list.length - 1));
  };
  const units: Unit[] = assessments.map((assessment, i) => ({
    id: `unit-${i + 1}`,
    assessment,
    folder: relative(root, dirname(assessment.source ?? ".")) || ".",
    verdict: assessment.recommendation ?? "undecided",
    borderline:
      assessment.recommendation === null ||
      assessment.confidence === "low" ||
      Math.abs(assessment.margin) < BORDERLINE_MARGIN,
    percentiles: Object.fromEntries(
      OUTCOMES.map((o) => [o, percentile(o, assessment.scores[o])]),
    ) as Record<Outcome, number>,
  }));
  units.sort(
    (a, b) =>
      Number(b.borderline) - Number(a.borderline) ||
      (a.borderline ? Math.abs(a.assessment.margin) - Math.abs(b.assessment.margin) : 0) ||
      a.folder.localeCompare(b.folder) ||
      a.assessment.organization.localeCompare(b.assessment.organization),
  );
  const folders = [...new Set(units.map((u) => u.folder))].sort();
  const tally = (group: readonly Unit[], folder: string) => ({
    folder,
    total: group.length,
    byVerdict: Object.fromEntries(
      VERDICTS.map((v) => [v, group.filter((u) => u.verdict === v).length]),
    ) as Record<Verdict, number>,
  });
  const counts = [
    tally(units, "(all)"),
    ...(folders.length > 1
      ? folders.map((f) =>
          tally(
            units.filter((u) => u.folder === f),
            f,
          ),
        )
      : []),
  ];
  const watched = new Map<string, { title: string; units: Set<string> }>();
  const levers = new Map<
    string,
    { questionId: string; to: string; towards: Set<string>; units: Set<string> }
  >();
  for (const unit of units) {
    for (const watch of unit.assessment.rulesToWatch) {
      const entry = watched.get(watch.ruleId) ?? {
        title: words.rule(watch.ruleId),
        units: new Set(),
      };
      entry.units.add(unit.id);
      watched.set(watch.ruleId, entry);
    }
    for (const change of unit.assessment.whatWouldChange) {
      if (change.kind !== "lever") continue;
      const to = words.answer(change.questionId, change.to);
      const key = `${change.questionId}=${to}`;
      const entry = levers.get(key) ?? {
        questionId: words.question(change.questionId),
        to,
        towards: new Set(),
        units: new Set(),
      };
      entry.units.add(unit.id);
      entry.towards.add(change.recommendation);
      levers.set(key, entry);
    }
  }
  return {
    units,
    failures,
    counts,
    spread: Object.fromEntries(
      OUTCOMES.map((o) => [o, [0, 0.25, 0.5, 0.75, 1].map((q) => round1(quantile(scores[o], q)))]),
    ) as Portfolio["spread"],
    watched: [...watched]
      .map(([ruleId, { title, units: hit }]) => ({ ruleId, title, units: hit.size }))
      .sort((a, b) => b.units - a.units || a.ruleId.localeCompare(b.ruleId))
      .slice(0, TOP),
    levers: [...levers.values()]
      .map(({ questionId, to, towards, units: hit }) => ({
        questionId,
        to,
        units: hit.size,
        towards: [...towards].sort().join(" or "),
      }))
      .sort((a, b) => b.units - a.units || a.questionId.localeCompare(b.questionId))
      .slice(0, TOP),
  };
}

/** The deepest folder every source is in. */
function commonFolder(paths: readonly string[]): string {
  const split = paths.map((p) => dirname(p).split(/[/\\]/));
  const first = split[0] ?? [];
  let depth = 0;
  while (depth < first.length && split.every((parts) => parts[depth] === first[depth])) depth++;
  return first.slice(0, depth).join("/") || ".";
}

const COLOURS: Record<Verdict, string> = {
  combine: "#0b7285",
  separate: "#9c36b5",
  matrix: "#d9480f",
  undecided: "#868e96",
};

/** A box plot of one outcome's scores across the units, on the 0–100 score axis. */
function spreadSvg(outcome: Outcome, [min, q1, median, q3, max]: readonly number[]): string {
  const x = (score: number) => 10 + (Math.max(0, Math.min(100, score)) / 100) * 280;
  return `<svg class="spread" viewBox="0 0 300 24" role="img" aria-label="${outcome} scores: minimum ${min}, median ${median}, maximum ${max}"><line x1="${x(min as number)}" x2="${x(max as number)}" y1="12" y2="12" stroke="#868e96"/><rect x="${x(q1 as number)}" y="4" width="${Math.max(1, x(q3 as number) - x(q1 as number))}" height="16" fill="${COLOURS[outcome]}" opacity="0.35"/><line x1="${x(median as number)}" x2="${x(median as number)}" y1="2" y2="22" stroke="${COLOURS[outcome]}" stroke-width="3"/><line x1="${x(50)}" x2="${x(50)}" y1="0" y2="24" stroke="#adb5bd" stroke-dasharray="2 2"/></svg>`;
}

/** The portfolio as one self-contained page: no script, details open and close without one. */
export function renderPortfolioHtml(portfolio: Portfolio, title: string): string {
  const e = escapeMarkup;
  const { units } = portfolio;
  const distribution = portfolio.counts
    .map(
      (c) =>
        `<tr><th scope="row">${e(c.folder)}</th><td>${c.total}</td>${VERDICTS.map((v) => `<td>${c.byVerdict[v]}</td>`).join("")}<td><div class="stack">${VERDICTS.filter(
          (v) => c.byVerdict[v] > 0,
        )
          .map(
            (v) =>
              `<span class="seg ${v}" style="flex-grow:${c.byVerdict[v]}">${c.byVerdict[v]}</span>`,
          )
          .join("")}</div></td></tr>`,
    )
    .join("");
  const rows = units
    .map(
      (u) =>
        `<tr${u.borderline ? ' class="borderline"' : ""}><td><a href="#${u.id}">${e(u.assessment.organization)}</a></td><td>${e(u.folder)}</td><td class="verdict ${u.verdict}">${u.verdict}</td><td>${u.assessment.confidence}</td><td class="num">${u.assessment.margin.toFixed(1)}</td>${OUTCOMES.map((o) => `<td class="num">${u.assessment.scores[o].toFixed(1)} <span class="pct">p${u.percentiles[o]}</span></td>`).join("")}</tr>`,
    )
    .join("");
  const details = units
    .map((u) => {
      const a = u.assessment;
      const reasons = a.reasons
        .slice(0, 3)
        .map((r) => `<li>${e(r.text)}</li>`)
        .join("");
      const changes = a.whatWouldChange
        .slice(0, 3)
        .map((c) => `<li>${e(c.statement)}</li>`)
        .join("");
      const rules = a.rules
        .map((r) => `<li>${e(r.title)}: ${e(r.effect)}s ${e(r.outcome)}</li>`)
        .join("");
      return `<details id="${u.id}"><summary><strong>${e(a.organization)}</strong> — ${u.verdict}, confidence ${a.confidence}, margin ${a.margin.toFixed(1)} <span class="src">${e(a.source ?? "")}</span></summary>${reasons ? `<h4>Why</h4><ul>${reasons}</ul>` : ""}${rules ? `<h4>Hard rules</h4><ul>${rules}</ul>` : ""}${changes ? `<h4>What would change it</h4><ul>${changes}</ul>` : ""}</details>`;
    })
    .join("\n");
  const list = (items: string[], empty: string) =>
    items.length > 0 ? `<ol>${items.join("")}</ol>` : `<p>${empty}</p>`;
  const failures = portfolio.failures
    .map(
      (f) =>
        `<li>${e(f.source)}${f.error.line === null ? "" : `:${f.error.line}:${f.error.column}`}: ${e(f.error.message)}</li>`,
    )
    .join("");
  return `<!doctype html>
<html lang="en"><head><meta charset="utf-8"><meta name="viewport" content="width=device-width, initial-scale=1">
<title>${e(title)}</title>
<style>
body{font:15px/1.45 system-ui,-apple-system,"Segoe UI",sans-serif;color:#1d2433;margin:0;background:#f6f7fa}
main{max-width:72rem;margin:0 auto;padding:1.5rem 2rem 3rem;background:#fff}
h1{font-size:1.6rem;margin:.2rem 0 1rem}h2{font-size:1.15rem;margin:1.6rem 0 .5rem;border-bottom:1px solid #e3e6ec;padding-bottom:.2rem}
table{border-collapse:collapse;width:100%}th,td{text-align:left;padding:.3rem .45rem;border-bottom:1px solid #eceef2;vertical-align:top}
.num{text-align:right;font-variant-numeric:tabular-nums}.pct{color:#6c7483;font-size:.8em}
.verdict{font-weight:600}.combine{color:${COLOURS.combine}}.separate{color:${COLOURS.separate}}.matrix{color:${COLOURS.matrix}}.undecided{color:${COLOURS.undecided}}
tr.borderline td:first-child{border-left:4px solid #f59f00}
.stack{display:flex;min-width:12rem;height:1.1rem}.seg{color:#fff;font-size:.75rem;text-align:center;flex:1 1 0}
.seg.combine{background:${COLOURS.combine}}.seg.separate{background:${COLOURS.separate}}.seg.matrix{background:${COLOURS.matrix}}.seg.undecided{background:${COLOURS.undecided}}
svg.spread{width:100%;max-width:300px;height:24px}
details{border:1px solid #e3e6ec;border-radius:.4rem;margin:.4rem 0;padding:.3rem .7rem}summary{cursor:pointer}.src{color:#6c7483;font-size:.85em}
h4{margin:.6rem 0 .2rem}
@media print{body{background:#fff}details{break-inside:avoid}details>*{display:block}}
</style></head>
<body><main>
<h1>${e(title)}</h1>
<p>${units.length} organisation${units.length === 1 ? "" : "s"} assessed${portfolio.failures.length > 0 ? `, ${portfolio.failures.length} could not be read` : ""}; ${units.filter((u) => u.borderline).length} borderline (low confidence, no recommendation, or a margin under ${BORDERLINE_MARGIN} points), listed first.</p>
<h2>Recommendations</h2>
<table><thead><tr><th>Folder</th><th>Units</th>${VERDICTS.map((v) => `<th class="${v}">${v}</th>`).join("")}<th>Share</th></tr></thead><tbody>${distribution}</tbody></table>
<h2>Where the scores lie</h2>
<table><thead><tr><th>Outcome</th><th>Spread across units (box: middle half; line: median; dashed: neutral 50)</th><th>Min</th><th>Median</th><th>Max</th></tr></thead><tbody>${OUTCOMES.map((o) => `<tr><th scope="row" class="${o}">${o}</th><td>${spreadSvg(o, portfolio.spread[o])}</td><td class="num">${portfolio.spread[o][0]}</td><td class="num">${portfolio.spread[o][2]}</td><td class="num">${portfolio.spread[o][4]}</td></tr>`).join("")}</tbody></table>
<h2>Hard rules most often one answer from firing</h2>
${list(
  portfolio.watched.map(
    (w) => `<li>${e(w.title)} — ${w.units} unit${w.units === 1 ? "" : "s"}</li>`,
  ),
  "No hard rule is one answer from firing anywhere.",
)}
<h2>Levers that would move the most units</h2>
${list(
  portfolio.levers.map(
    (l) =>
      `<li>${e(l.questionId)} → ${e(l.to)}: ${l.units} unit${l.units === 1 ? "" : "s"} (towards ${e(l.towards)})</li>`,
  ),
  "No single lever moves any unit.",
)}
<h2>Units</h2>
<table><thead><tr><th>Organisation</th><th>Folder</th><th>Result</th><th>Confidence</th><th class="num">Margin</th>${OUTCOMES.map((o) => `<th class="num">${o} (percentile)</th>`).join("")}</tr></thead><tbody>${rows}</tbody></table>
<h2>Details</h2>
${details}
${failures ? `<h2>Could not be read</h2><ul>${failures}</ul>` : ""}
</main></body></html>
`;
}

/** The same portfolio in Markdown: tables, and a section per unit. */
export function renderPortfolioMarkdown(portfolio: Portfolio, title: string): string {
  const m = markdownText;
  const lines = [
    `# ${m(title)}`,
    "",
    `${portfolio.units.length} organisations assessed; borderline units (low confidence, no recommendation, or a margin under ${BORDERLINE_MARGIN} points) first.`,
    "",
    "## Recommendations",
    "",
    `| Folder | Units | ${VERDICTS.join(" | ")} |`,
    `| --- | ---: | ${VERDICTS.map(() => "---:").join(" | ")} |`,
    ...portfolio.counts.map(
      (c) => `| ${m(c.folder)} | ${c.total} | ${VERDICTS.map((v) => c.byVerdict[v]).join(" | ")} |`,
    ),
    "",
    "## Where the scores lie",
    "",
    "| Outcome | Min | 25% | Median | 75% | Max |",
    "| --- | ---: | ---: | ---: | ---: | ---: |",
    ...OUTCOMES.map((o) => `| ${o} | ${portfolio.spread[o].join(" | ")} |`),
    "",
    "## Hard rules most often one answer from firing",
    "",
    ...(portfolio.watched.length > 0
      ? portfolio.watched.map((w, i) => `${i + 1}. ${m(w.title)} — ${w.units} units`)
      : ["None."]),
    "",
    "## Levers that would move the most units",
    "",
    ...(portfolio.levers.length > 0
      ? portfolio.levers.map(
          (l, i) =>
            `${i + 1}. ${m(l.questionId)} → ${m(l.to)}: ${l.units} units (towards ${l.towards})`,
        )
      : ["None."]),
    "",
    "## Units",
    "",
    `| Organisation | Folder | Result | Confidence | Margin | ${OUTCOMES.map((o) => `${o} (pct)`).join(" | ")} |`,
    `| --- | --- | --- | --- | ---: | ${OUTCOMES.map(() => "---:").join(" | ")} |`,
    ...portfolio.units.map(
      (u) =>
        `| ${u.borderline ? "⚠ " : ""}${m(u.assessment.organization)} | ${m(u.folder)} | ${u.verdict} | ${u.assessment.confidence} | ${u.assessment.margin.toFixed(1)} | ${OUTCOMES.map((o) => `${u.assessment.scores[o].toFixed(1)} (p${u.percentiles[o]})`).join(" | ")} |`,
    ),
    ...(portfolio.failures.length > 0
      ? [
          "",
          "## Could not be read",
          "",
          ...portfolio.failures.map((f) => `- ${m(f.source)}: ${m(f.error.message)}`),
        ]
      : []),
  ];
  return `${lines.join("\n")}\n`;
}
