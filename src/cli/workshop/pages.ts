import { html, raw } from "hono/html";
import type { HtmlEscapedString } from "hono/utils/html";
import type { Step } from "../../interview/flow.js";
import type { Wording } from "../../narrate/conditions.js";
import type { Assessment } from "../../result/assessment.js";
import { answerLabel, numericDomain } from "../../rubric/question.js";
import type { AnswerValue } from "../../rubric/schema.js";
import type { Recheck } from "../../workshop/room.js";

/** A fragment made by `html`: every value put in it is escaped unless it is a fragment too. */
type Fragment = HtmlEscapedString | Promise<HtmlEscapedString>;

/**
 * The room's pages: server-rendered, readable without JavaScript (there is none), styled by one
 * stylesheet served from the room, so the Content-Security-Policy can forbid everything else.
 */
export function page(
  base: string,
  title: string,
  body: Fragment,
  options: { refresh?: number; wide?: boolean } = {},
): Fragment {
  return html`<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="referrer" content="no-referrer">
${options.refresh ? html`<meta http-equiv="refresh" content="${options.refresh}">` : ""}
<title>${title}</title>
<link rel="stylesheet" href="${base}/style.css">
</head>
<body class="${options.wide ? "wide" : "phone"}">
<main>
${body}
</main>
</body>
</html>`;
}

export function joinPage(
  base: string,
  organization: string,
  csrf: string,
  error?: string,
): Fragment {
  return page(
    base,
    `Join · ${organization}`,
    html`<h1>${organization}</h1>
<p class="lead">Answer on your own, before you hear the others: nobody sees your answers until the facilitator reveals the room's result.</p>
${error ? html`<p class="error" role="alert">${error}</p>` : ""}
<form method="post" action="${base}/join">
<input type="hidden" name="csrf" value="${csrf}">
<label for="name">Your name</label>
<input id="name" name="name" required maxlength="80" autocomplete="name">
<label for="role">Your role <span class="hint">(optional: CTO, CIO, CFO, head of risk&hellip;)</span></label>
<input id="role" name="role" maxlength="80" autocomplete="organization-title">
<button type="submit">Join the room</button>
</form>`,
  );
}

export interface QuestionView {
  step: Step;
  current: AnswerValue | undefined;
  notSure: boolean;
  reason: string;
  position: number;
  total: number;
  round: number;
  csrf: string;
  back?: string;
  recheck?: Recheck;
  error?: string;
}

export function questionPage(base: string, organization: string, view: QuestionView): Fragment {
  const { step, round } = view;
  const { question } = step;
  const heading =
    round > 1
      ? `Round ${round} · question ${view.position} of ${view.total}`
      : `Question ${view.position} of ${view.total}`;
  return page(
    base,
    `${question.label ?? question.id} · ${organization}`,
    html`<p class="progress"><progress max="${view.total}" value="${view.position - 1}"></progress> ${heading}</p>
<h1>${question.prompt}</h1>
<p class="help">${question.help}</p>
${view.recheck ? recheckBlock(view.recheck) : ""}
${view.error ? html`<p class="error" role="alert">${view.error}</p>` : ""}
<form method="post" action="${base}/q/${question.id}">
<input type="hidden" name="csrf" value="${view.csrf}">
${answerInputs(view)}
<label for="reason">Why, in one line <span class="hint">(optional; shown without your name if the room discusses this question)</span></label>
<input id="reason" name="reason" maxlength="200" value="${view.reason}">
<div class="actions">
<button type="submit" name="action" value="answer">${round > 1 ? "Confirm" : "Next"}</button>
<button type="submit" name="action" value="not-sure" class="secondary" formnovalidate>Not sure</button>
</div>
</form>
${view.back ? html`<p><a href="${view.back}">&larr; Back to the previous question</a></p>` : ""}`,
  );
}

/** How the room answered a question asked again, without names. */
function recheckBlock(recheck: Recheck): Fragment {
  const most = Math.max(1, ...recheck.answers.map((a) => a.count));
  return html`<section class="recheck">
<h2>How the room answered</h2>
<ul class="spread">
${recheck.answers.map(
  (a) =>
    html`<li><span class="label">${a.label}</span> <progress max="${most}" value="${a.count}"></progress> <span class="count">${a.count}</span></li>`,
)}
</ul>
${
  recheck.reasons.length > 0
    ? html`<h2>Reasons given</h2><ul class="reasons">${recheck.reasons.map((r) => html`<li>${r}</li>`)}</ul>`
    : ""
}
</section>`;
}

function answerInputs(view: QuestionView): Fragment {
  const { question } = view.step;
  const current = view.notSure ? undefined : view.current;
  switch (question.type) {
    case "integer":
    case "percent": {
      const { min, max } = numericDomain(question);
      const unit = question.type === "percent" ? "%" : (question.unit ?? "");
      return html`<label for="number">Your answer${unit ? html` <span class="hint">(${unit})</span>` : ""}</label>
<p class="hint">${Number.isFinite(max) ? `From ${min} to ${max}` : `${min} or more`}${unit ? ` ${unit}` : ""}; digits, e.g. 1200 or 1,200.</p>
<input id="number" name="number" inputmode="${question.type === "percent" ? "decimal" : "numeric"}" required value="${typeof current === "number" ? String(current) : ""}" autocomplete="off">`;
    }
    case "multi": {
      const chosen = Array.isArray(current) ? current : [];
      return html`<fieldset><legend>Select every one that applies</legend>
${question.options.map(
  (option) =>
    html`<label class="choice"><input type="checkbox" name="option" value="${option.value}"${chosen.includes(option.value) ? raw(" checked") : ""}> ${option.label ?? option.value}</label>`,
)}
<label class="choice"><input type="checkbox" name="none" value="1"${Array.isArray(current) && current.length === 0 ? raw(" checked") : ""}> None of these</label>
</fieldset>`;
    }
    default:
      return html`<fieldset><legend>Choose one</legend>
${question.answers.map(
  (answer) =>
    html`<label class="choice"><input type="radio" name="value" value="${String(answer.value)}" required${current === answer.value ? raw(" checked") : ""}> ${answer.label ?? String(answer.value)}</label>`,
)}
</fieldset>`;
  }
}

export interface DoneView {
  name: string;
  round: number;
  answers: Array<{ step: Step; value: AnswerValue | undefined; notSure: boolean }>;
  revealed: boolean;
}

/** All answered: the person's own answers, to change any, while the room waits for the reveal. */
export function donePage(base: string, organization: string, view: DoneView): Fragment {
  return page(
    base,
    `Thank you · ${organization}`,
    html`<h1>Thank you, ${view.name}</h1>
<p class="lead">${
      view.revealed
        ? "The facilitator has revealed the room's result: it is on the shared screen."
        : view.round > 1
          ? `You have answered round ${view.round}. This page moves on by itself if the facilitator starts another round.`
          : "Your answers are saved. This page moves on by itself when the facilitator starts a second round."
    }</p>
<h2>Your answers</h2>
<table class="answers">
${view.answers.map(
  ({ step, value, notSure }) =>
    html`<tr><th scope="row">${step.question.label ?? step.question.id}</th><td>${notSure ? "Not sure" : value === undefined ? "—" : answerLabel(step.question, value)}</td><td><a href="${base}/q/${step.question.id}">change</a></td></tr>`,
)}
</table>`,
    { refresh: 10 },
  );
}

export interface ScreenView {
  organization: string;
  url: string;
  qrSvg: string;
  round: number;
  revealed: boolean;
  progress: Array<{ name: string; role?: string; done: number; total: number }>;
  result?: Assessment;
  /** Questions asked again this round, by label. */
  recheck: string[];
  stopRule?: string;
  /** Questions and answers by the rubrics' labels. */
  wording: Wording;
}

/** The projector's page: who has answered how much (never what) until the reveal; then the result. */
export function screenPage(base: string, view: ScreenView): Fragment {
  return page(
    base,
    `${view.organization} · rolefit workshop`,
    html`<header><h1>${view.organization}</h1><p class="round">Round ${view.round} &middot; ${view.revealed ? "revealed" : "answers hidden until the reveal"}</p></header>
<div class="screen">
<section class="join">
<div class="qr">${raw(view.qrSvg)}</div>
<p class="url">${view.url}</p>
</section>
<section class="people">
<h2>Participants (${view.progress.length})</h2>
${
  view.progress.length === 0
    ? html`<p>Nobody has joined yet: scan the code or open the address.</p>`
    : html`<ul class="people">${view.progress.map(
        (p) =>
          html`<li><span class="label">${p.name}${p.role ? html` <span class="hint">${p.role}</span>` : ""}</span> <progress max="${Math.max(1, p.total)}" value="${p.done}"></progress> <span class="count">${p.done}/${p.total}</span></li>`,
      )}</ul>`
}
${view.recheck.length > 0 ? html`<p>Asked again this round: ${view.recheck.join(", ")}.</p>` : ""}
</section>
</div>
${view.revealed && view.result ? resultBlock(view.result, view.wording, view.stopRule) : ""}`,
    { refresh: 3, wide: true },
  );
}

function resultBlock(result: Assessment, wording: Wording, stopRule: string | undefined): Fragment {
  const scores = Object.entries(result.scores) as Array<[string, number]>;
  return html`<section class="result">
<h2>${result.recommendation ? html`Recommendation: <strong>${result.recommendation}</strong>` : "No recommendation yet"}</h2>
<p>Confidence ${result.confidence}${result.runnerUp ? html` &middot; runner-up ${result.runnerUp}, ${result.margin.toFixed(1)} points behind` : ""}</p>
<svg class="scores" viewBox="0 0 400 ${scores.length * 28}" role="img" aria-label="Scores">
${scores.map(
  ([outcome, score], i) =>
    html`<g transform="translate(0 ${i * 28})"><text x="0" y="18">${outcome}</text><rect x="90" y="4" height="18" width="${Math.max(0, Math.min(100, score)) * 2.6}" class="${outcome === result.recommendation ? "top" : "bar"}"></rect><text x="${96 + Math.max(0, Math.min(100, score)) * 2.6}" y="18">${score.toFixed(1)}</text></g>`,
)}
</svg>
${
  result.respondents && result.respondents.length > 0
    ? html`<h2>Each person's own answers would give</h2><ul class="plain">${result.respondents.map((r) => html`<li>${r.name}: ${r.recommendation ?? "no recommendation yet"}</li>`)}</ul>`
    : ""
}
${
  result.disagreement && result.disagreement.length > 0
    ? html`<h2>Where the room disagrees</h2><table class="answers">${result.disagreement.map(
        (d) =>
          html`<tr><th scope="row">${wording.question(d.questionId)}${d.couldFlip ? html` <span class="flip">could flip it</span>` : ""}</th><td>${Object.entries(
            d.answers,
          )
            .map(([who, value]) => `${who}: ${wording.answer(d.questionId, value)}`)
            .join(" · ")}</td></tr>`,
      )}</table>`
    : html`<p>The room agrees on every question.</p>`
}
${stopRule ? html`<p class="lead">${stopRule}</p>` : ""}
</section>`;
}

export const STYLESHEET = `
:root { color-scheme: light; --ink: #1d2433; --muted: #5b6476; --accent: #1f5fbf; --line: #d7dce5; }
* { box-sizing: border-box; }
body { margin: 0; font: 18px/1.45 system-ui, -apple-system, "Segoe UI", sans-serif; color: var(--ink); background: #f6f7fa; }
main { max-width: 40rem; margin: 0 auto; padding: 1rem 1.1rem 3rem; background: #fff; min-height: 100vh; }
body.wide main { max-width: 72rem; }
h1 { font-size: 1.45rem; line-height: 1.25; margin: 0.6rem 0; }
h2 { font-size: 1.1rem; margin: 1.2rem 0 0.4rem; }
.lead { font-size: 1.05rem; }
.help, .hint { color: var(--muted); }
.hint { font-size: 0.9rem; font-weight: normal; }
label { display: block; margin: 0.9rem 0 0.3rem; font-weight: 600; }
input:not([type]), input[inputmode] { width: 100%; font: inherit; padding: 0.6rem 0.7rem; border: 1px solid var(--line); border-radius: 0.4rem; }
fieldset { border: 0; padding: 0; margin: 0.5rem 0; }
legend { font-weight: 600; margin-bottom: 0.3rem; }
label.choice { display: flex; gap: 0.7rem; align-items: center; font-weight: normal; margin: 0.35rem 0; padding: 0.75rem 0.8rem; border: 1px solid var(--line); border-radius: 0.5rem; }
label.choice input { width: 1.3rem; height: 1.3rem; flex: none; }
.actions { display: flex; gap: 0.8rem; margin-top: 1.2rem; }
button { font: inherit; font-weight: 600; padding: 0.75rem 1.3rem; border-radius: 0.5rem; border: 0; background: var(--accent); color: #fff; }
button.secondary { background: #e6e9ef; color: var(--ink); }
.error { color: #a4161a; font-weight: 600; }
.progress { color: var(--muted); font-size: 0.95rem; display: flex; gap: 0.6rem; align-items: center; }
progress { width: 8rem; height: 0.8rem; }
.spread, .reasons, ul.people, ul.plain { list-style: none; padding: 0; }
.spread li, ul.people li { display: grid; grid-template-columns: minmax(8rem, 1fr) 7rem 3rem; gap: 0.6rem; align-items: center; margin: 0.35rem 0; }
.spread progress, ul.people progress { width: 100%; }
.reasons li { border-left: 3px solid var(--line); padding-left: 0.6rem; margin: 0.4rem 0; }
.recheck { background: #f2f5fb; padding: 0.4rem 0.9rem 0.8rem; border-radius: 0.5rem; }
table.answers { border-collapse: collapse; width: 100%; }
table.answers th, table.answers td { text-align: left; padding: 0.45rem 0.3rem; border-bottom: 1px solid var(--line); vertical-align: top; }
table.answers th { font-weight: 600; }
.screen { display: flex; gap: 2.5rem; flex-wrap: wrap; align-items: flex-start; }
.qr svg { width: 15rem; height: 15rem; }
.url { font-family: ui-monospace, monospace; font-size: 0.95rem; word-break: break-all; max-width: 15rem; }
.round { color: var(--muted); }
.result { border-top: 2px solid var(--line); margin-top: 1.5rem; }
.result strong { text-transform: uppercase; color: var(--accent); }
svg.scores { width: 100%; max-width: 36rem; font: 14px system-ui, sans-serif; }
svg.scores rect.bar { fill: #9aa5b8; }
svg.scores rect.top { fill: #1f5fbf; }
.flip { font-size: 0.8rem; background: #fde8e8; color: #a4161a; padding: 0.1rem 0.4rem; border-radius: 0.3rem; }
@media print { body { background: #fff; } }
`;
