import type { CompiledRubrics } from "../engine/compile.js";
import { CONFIDENCE } from "../engine/evaluate.js";
import { ROBUSTNESS } from "../engine/robustness.js";
import { applicableAnswers } from "../engine/score.js";
import type { AnswerChange, Assessment, Decided, Reason } from "../result/assessment.js";
import { isDecided } from "../result/assessment.js";
import { OUTCOMES, type Outcome } from "../rubric/outcomes.js";
import type { AnswerValue } from "../rubric/schema.js";
import { deepVisible } from "../text/visible.js";
import { describeNow, describeTarget } from "./statements.js";
import {
  describeAnswer,
  joinWords,
  OUTCOME_ACTION,
  OUTCOME_MEANING,
  requiredOutcomes,
  ruleTitle,
  wordingOf,
} from "./wording.js";

/**
 * The report's content, once: every sentence and label a reader sees, in reading order. Text,
 * Markdown and HTML lay out this one document, so no two formats can say different things.
 */
export type Block = (
  | { kind: "paragraph"; text: string }
  /** `ranked`: best first, so a short view may show only the first few. */
  | { kind: "list"; items: string[]; ranked?: boolean }
  | { kind: "checklist"; items: Array<{ text: string; done: boolean }> }
  | {
      kind: "table";
      head: string[];
      rows: string[][];
      numeric?: number[];
      ranked?: boolean;
      /** The figures of the chart before it, for formats that cannot draw. */
      ofChart?: boolean;
      /** Short name–value pairs that a page may set in columns (the answers appendix). */
      pairs?: boolean;
    }
  | { kind: "chart"; chart: Chart }
) & {
  /** Shown only in the short view (the terminal's) or only in the full one (the handouts). */
  view?: View;
};

/** The terminal shows the short view; Markdown and HTML handouts the full one. */
type View = "short" | "full";

export type Chart =
  | {
      kind: "scores";
      /** `note` says where the outcome stands; `mark` is its few words for beside a bar. */
      rows: Array<{
        outcome: Outcome;
        score: number;
        status: ScoreStatus;
        note: string;
        mark: string;
      }>;
    }
  | { kind: "contributions"; rows: Array<{ id: string; title: string; points: Scores }> }
  | {
      kind: "disagreement";
      rows: Array<{ id: string; label: string; spread: number; couldFlip: boolean }>;
    };

type Scores = Record<Outcome, number>;

/** Where an outcome stands: chosen, next best, set aside by a hard rule, or simply behind. */
type ScoreStatus = "recommended" | "runner-up" | "ruled-out" | "other";

interface Section {
  id: string;
  title: string;
  blocks: Block[];
  /** `full`: reference material the short view leaves out. */
  view?: View;
}

/** The verdict, as every format opens with it. */
interface Verdict {
  recommendation: Outcome | null;
  confidence: Assessment["confidence"];
  /** What must be read before the verdict: a rule conflict, or why there is none yet. */
  banner?: string;
  /** What the recommendation depends on: "an independent CISO reporting outside the technology line". */
  conditions?: string;
  /** "separate, 4.9 points behind"; absent without a recommendation. */
  runnerUp?: string;
  /** "92% answered; holds while rubric weights move up to ±30%". */
  standing: string;
  /** The unanswered questions, by label. */
  notAnswered: string[];
}

export interface ReportDocument {
  title: string;
  organization: string;
  source: string | null;
  verdict: Verdict;
  /** One paragraph for the top of a handout. */
  headline: string;
  sections: Section[];
  /** What a room needs on one screen (80×24): see report/summary.ts. */
  summary: Summary;
  /** The handout's cover: what a client expects on the first page. */
  cover: Cover;
  /** The sections a handout lists as its contents, in order. */
  contents: Array<{ id: string; title: string }>;
  /** Said at the foot of a handout. */
  footer: string;
}

/** What a handout says before anything else; the date comes from outside, the engine has no clock. */
export interface HandoutInfo {
  /** The day the report is made, `YYYY-MM-DD`. */
  date?: string;
  preparedFor?: string;
  preparedBy?: string;
}

export interface Cover extends HandoutInfo {
  organization: string;
  /** "Maturity stage 1.0.0, Consolidation triggers 1.0.0, Decision rights 1.0.0". */
  rubrics: string;
}

/** The few lines that fit one screen: each item is one sentence, strongest first. */
export interface Summary {
  /** "Why combine", or without a recommendation "Where the answers lean". */
  forTitle: string;
  for: SummaryItem[];
  /** "What points elsewhere"; empty without a recommendation. */
  against: SummaryItem[];
  /** "What leadership could change", or "What to answer first" without a recommendation. */
  nextTitle: string;
  next: string[];
}

export interface SummaryItem {
  /** "Roadmaps: Single", with "→ separate" for answers pointing elsewhere. */
  answer: string;
  points: string;
  text: string;
}

/** How many items of each kind the summary shows. */
const SUMMARY_ITEMS = 3;

function summaryOf(c: Context): Summary {
  const a = c.a;
  const item = (reason: Reason, towards: boolean): SummaryItem => ({
    answer: `${c.label(reason.questionId)}: ${c.answer(reason.questionId, reason.answer)}${towards ? ` → ${reason.outcome}` : ""}`,
    points: signed(reason.contribution),
    text: reason.text,
  });
  if (!isDecided(a)) {
    const leaning = [...a.reasons, ...a.counterReasons]
      .sort((x, y) => y.contribution - x.contribution)
      .slice(0, SUMMARY_ITEMS);
    return {
      forTitle: "Where the answers lean",
      for: leaning.map((reason) => item(reason, true)),
      against: [],
      nextTitle: "What to answer first",
      next: (a.undecided?.answerFirst ?? []).slice(0, SUMMARY_ITEMS).map((id) => {
        const question = c.compiled.byId.get(id)?.question;
        return question ? `${c.label(id)}: ${question.prompt}` : id;
      }),
    };
  }
  const levers = a.whatWouldChange.filter((change) => change.kind === "lever");
  return {
    forTitle: `Why ${a.recommendation}`,
    for: a.reasons.slice(0, SUMMARY_ITEMS).map((reason) => item(reason, false)),
    against: a.counterReasons.slice(0, SUMMARY_ITEMS).map((reason) => item(reason, true)),
    nextTitle: levers.length > 0 ? "What leadership could change" : "What would change it",
    next: (levers.length > 0 ? levers : a.whatWouldChange)
      .slice(0, SUMMARY_ITEMS)
      .map((change) => change.statement)
      .concat(
        a.whatWouldChange.length === 0
          ? a.changePairs.slice(0, 2).map((pair) => pair.statement)
          : [],
      ),
  };
}

const points = (value: number) => value.toFixed(1);
const signed = (value: number) => `${value >= 0 ? "+" : "−"}${Math.abs(value).toFixed(1)}`;
const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);
const lowerFirst = (text: string) => text.replace(/^./, (c) => c.toLowerCase());

/**
 * The outcomes the fired hard rules rule out, each with the rules that do it (by title): a rule
 * forbidding it, or one requiring another outcome. The recommendation is never listed, even when
 * rules that contradict each other left the scores to choose.
 */
export function ruledOut(a: Assessment, title: (id: string) => string): Map<Outcome, string[]> {
  const out = new Map<Outcome, string[]>();
  for (const rule of a.rules) {
    const targets =
      rule.effect === "forbid" ? [rule.outcome] : OUTCOMES.filter((o) => o !== rule.outcome);
    for (const outcome of targets) {
      if (outcome !== a.recommendation)
        out.set(outcome, [...(out.get(outcome) ?? []), title(rule.id)]);
    }
  }
  return out;
}

/** Open outcomes best first, then the ruled-out ones: the order a reader should meet them in. */
export function standing(a: Assessment, out: ReadonlyMap<Outcome, string[]>): Outcome[] {
  return [...OUTCOMES].sort(
    (x, y) => Number(out.has(x)) - Number(out.has(y)) || a.scores[y] - a.scores[x],
  );
}

/** How far one shown score is above another, from the scores exactly as shown (one decimal). */
export function shownGap(a: Assessment, from: Outcome, to: Outcome): number {
  const shown = (outcome: Outcome) => Number(points(a.scores[outcome]));
  return Math.round((shown(from) - shown(to)) * 10) / 10;
}

/** Everything the sentences of one report need: the assessment, its rubrics' words, and ruled-out outcomes. */
interface Context {
  a: Assessment;
  compiled: CompiledRubrics;
  label: (id: string) => string;
  /** An answer by the rubric's labels; `withBand`: a number with its band, "420 (101–500)". */
  answer: (id: string, value: AnswerValue | null, withBand?: boolean) => string;
  title: (id: string) => string;
  out: Map<Outcome, string[]>;
}

/** "separate, 4.9 points behind", or why a higher-scoring runner-up is not the recommendation. */
function runnerUpText(c: Context, a: Decided): string {
  const gap = shownGap(a, a.recommendation, a.runnerUp);
  const rules = c.out.get(a.runnerUp);
  const by = rules ? ` ruled out by ${joinWords(rules)}` : "";
  if (gap < 0)
    return `${a.runnerUp}, ${points(-gap)} points ahead on score but${by || " set aside by the hard rules"}`;
  return `${a.runnerUp}${rules ? ` (${by.trim()})` : ""}, ${points(gap)} points behind`;
}

/** ", with an independent CISO reporting outside the technology line", or nothing. */
export function withConditions(a: Pick<Assessment, "conditions">): string {
  return a.conditions.length > 0
    ? `, with ${joinWords(a.conditions.map((condition) => condition.mechanism))}`
    : "";
}

/** The paragraph a client reads first: the result, how sure, and the main reasons each way. */
function summaryParagraph(c: Context, a: Decided): string {
  const sentences: string[] = [];
  sentences.push(
    `For ${a.organization}, rolefit recommends ${OUTCOME_ACTION[a.recommendation]}${withConditions(a)} (${OUTCOME_MEANING[a.recommendation]}), with ${a.confidence} confidence.`,
  );
  for (const condition of a.conditions)
    sentences.push(
      `The recommendation depends on ${condition.mechanism}: ${lowerFirst(condition.reason)}`,
    );
  const excluded = [...c.out.keys()];
  const gap = shownGap(a, a.recommendation, a.runnerUp);
  const versus = `${points(a.scores[a.recommendation])} against ${points(a.scores[a.runnerUp])} for ${a.runnerUp}`;
  if (a.confidenceFactors.rulesConflict) {
    const required = requiredOutcomes(a.rules);
    sentences.push(
      required.length === 1
        ? `The hard rules conflict, and the rule requiring ${a.recommendation} stands whatever the scores say.`
        : required.length > 1
          ? `The hard rules require ${joinWords(required)} at once, so the scores decide between them: ${a.recommendation} scores ${versus}.`
          : `Between them the hard rules rule out all three structures, so the scores decide: ${a.recommendation} scores ${versus}.`,
    );
  } else {
    const lead =
      gap >= 0
        ? `${capitalize(a.recommendation)} scores ${versus}, a lead of ${points(gap)} points on a 0–100 scale where 50 is neutral`
        : `${capitalize(a.runnerUp)} scores higher, but the hard rules leave ${a.recommendation} as the fit`;
    sentences.push(
      `${lead}${excluded.length > 0 ? `; ${joinWords(excluded)} ${excluded.length > 1 ? "are" : "is"} ruled out by a hard rule` : ""}.`,
    );
  }
  for (const rule of a.rules.filter((r) => r.effect === "require")) {
    sentences.push(
      `The hard rule “${rule.title}” requires ${rule.outcome}: ${lowerFirst(rule.reason)}`,
    );
  }
  const top = a.reasons.slice(0, 2).map((reason) => lowerFirst(reason.text.replace(/\.$/, "")));
  if (top.length > 0) sentences.push(`Above all: ${top.join("; ")}.`);
  const against = a.counterReasons[0];
  if (against) sentences.push(`Pointing the other way: ${lowerFirst(against.text)}`);
  if (a.unanswered.length > 0) {
    sentences.push(
      `${a.unanswered.length} question${a.unanswered.length === 1 ? " was" : "s were"} not answered; answering ${a.unanswered.length === 1 ? "it" : "them"} would make the result firmer.`,
    );
  }
  return sentences.join(" ");
}

/** How the result stands against the rubric weights, in the few words of the verdict. */
function standingText(a: Assessment): string {
  const f = a.confidenceFactors;
  const answered = `${Math.round(f.answeredShare * 100)}% answered`;
  if (!isDecided(a)) return answered;
  if (f.rulesConflict) return `${answered}; the hard rules conflict, so the scores decided`;
  if (f.decidedByRule) return `${answered}; decided by hard rules`;
  if (f.weightTolerance >= 1) return `${answered}; holds at any rubric weights`;
  return `${answered}; ${robustnessText(a)}`;
}

/** "combine under 82% of plausible weightings", or "under every plausible weighting". */
function robustnessText(a: Decided): string {
  const share = a.robustness[a.recommendation];
  return share >= 1
    ? `${a.recommendation} under every plausible weighting`
    : `${a.recommendation} under ${Math.round(share * 100)}% of plausible weightings`;
}

function confidenceItems(a: Decided): string[] {
  const f = a.confidenceFactors;
  const items = [
    f.decidedByRule
      ? "The hard rules leave only this structure open, so the score margin does not decide."
      : `Lead over the runner-up: ${points(shownGap(a, a.recommendation, a.runnerUp))} points (high confidence needs ${CONFIDENCE.highMargin} or more; under ${CONFIDENCE.lowMargin} is low).`,
    `Questions answered: ${Math.round(f.answeredShare * 100)}% (high confidence needs ${Math.round(CONFIDENCE.highCoverage * 100)}% or more).`,
    f.decidedByRule
      ? "Decided by hard rules: the rubric weights do not change it."
      : f.weightTolerance >= 1
        ? "The result holds whatever the rubric weights."
        : `The result holds while every rubric weight moves by up to ±${Math.round(f.weightTolerance * 100)}% at once${f.holdsUnderWeightSwing ? "" : ` — less than the ±${Math.round(CONFIDENCE.weightSwing * 100)}% a robust result should survive`}.`,
  ];
  if (!f.decidedByRule)
    items.push(
      `${capitalize(robustnessText(a).replace(" under ", " wins under "))} (each rubric weight anywhere within ±${Math.round(ROBUSTNESS.spread * 100)}% of its own; high confidence needs ${Math.round(CONFIDENCE.highRobustness * 100)}%).`,
    );
  if (f.unansweredCouldFlip)
    items.push("Answering one of the open questions could change the recommendation.");
  if (f.rulesConflict)
    items.push("The hard rules that fired contradict each other; the scores decided.");
  return items;
}

function weightRange(range: Assessment["stability"]["rubrics"][number]): string {
  if (range.min <= 0 && range.max === null) return "any weight";
  if (range.max === null) return `above ${range.min.toFixed(2)}`;
  if (range.min <= 0) return `below ${range.max.toFixed(2)}`;
  return `between ${range.min.toFixed(2)} and ${range.max.toFixed(2)}`;
}

const NO_RECOMMENDATION = "no recommendation yet";

/** Each respondent's own result, and the questions the room answered differently. */
function roomSections(
  c: Context,
  respondents: NonNullable<Assessment["respondents"]>,
  disagreement: NonNullable<Assessment["disagreement"]>,
): Section[] {
  const flips = disagreement.filter((entry) => entry.couldFlip).length;
  return [
    {
      id: "respondents",
      title: `Respondents (${respondents.length})`,
      blocks: [
        {
          kind: "paragraph",
          text: "The result is for the room's consensus: the most common answer, the median number, or the options most picked. Each person's own answers would give:",
        },
        {
          kind: "table",
          head: ["respondent", "role", "own recommendation"],
          rows: respondents.map((r) => [
            r.name,
            r.role ?? "",
            r.recommendation ?? NO_RECOMMENDATION,
          ]),
        },
      ],
    },
    {
      id: "disagreement",
      title: "Where the room disagrees",
      blocks:
        disagreement.length === 0
          ? [
              {
                kind: "paragraph",
                text: "Everyone gave the same answers (or answers that score alike).",
              },
            ]
          : [
              {
                kind: "paragraph",
                text:
                  flips > 0
                    ? `On ${flips} question${flips === 1 ? "" : "s"} one person's answer would change the recommendation, so confidence is lowered; settle ${flips === 1 ? "it" : "these"} first. Spread is the share of the room away from the consensus.`
                    : "No single person's answer would change the recommendation. Spread is the share of the room away from the consensus.",
              },
              {
                kind: "chart",
                chart: {
                  kind: "disagreement",
                  rows: disagreement.map((entry) => ({
                    id: entry.questionId,
                    label: c.label(entry.questionId),
                    spread: entry.spread,
                    couldFlip: entry.couldFlip,
                  })),
                },
              },
              {
                kind: "table",
                head: ["question", "answers", "spread", "could change it"],
                numeric: [2],
                ranked: true,
                rows: disagreement.map((entry) => [
                  c.label(entry.questionId),
                  Object.entries(entry.answers)
                    .map(([name, value]) => `${name}: ${c.answer(entry.questionId, value)}`)
                    .join("; "),
                  `${Math.round(entry.spread * 100)}%`,
                  entry.couldFlip ? "yes" : "no",
                ]),
              },
            ],
    },
  ];
}

function scoreStatus(
  c: Context,
  outcome: Outcome,
): { status: ScoreStatus; note: string; mark: string } {
  const { a } = c;
  const rules = c.out.get(outcome);
  if (rules)
    return { status: "ruled-out", note: `ruled out by ${joinWords(rules)}`, mark: "ruled out" };
  if (!isDecided(a)) return { status: "other", note: "", mark: "" };
  if (outcome === a.recommendation)
    return a.confidenceFactors.rulesConflict
      ? {
          status: "recommended",
          note: "recommended by the scores; the hard rules conflict",
          mark: "the scores' choice",
        }
      : { status: "recommended", note: "recommended", mark: "recommended" };
  if (outcome === a.runnerUp) {
    // The margin said beside the bar, so a close call reads as one even where bars look alike.
    const gap = shownGap(a, a.recommendation, outcome);
    return {
      status: "runner-up",
      note: "runner-up",
      mark: gap >= 0 ? `runner-up, ${points(gap)} behind` : "runner-up",
    };
  }
  return { status: "other", note: "", mark: "" };
}

function scoresSection(c: Context): Section {
  const { a } = c;
  const rows = standing(a, c.out).map((outcome) => ({
    outcome,
    score: a.scores[outcome],
    ...scoreStatus(c, outcome),
  }));
  const weights = new Map(a.rubrics.map((r) => [r.id, r.weight]));
  return {
    id: "scores",
    title: "Scores",
    blocks: [
      { kind: "chart", chart: { kind: "scores", rows } },
      {
        kind: "table",
        head: ["structure", "score", "status"],
        numeric: [1],
        ofChart: true,
        rows: rows.map((row) => [row.outcome, points(row.score), row.note]),
      },
      {
        kind: "paragraph",
        text: "Scores run from 0 to 100; 50 is neutral. Each rubric adds or takes away points for each structure:",
      },
      {
        kind: "chart",
        chart: {
          kind: "contributions",
          rows: a.contributions.map((entry) => ({
            id: entry.rubricId,
            title: entry.title,
            points: entry.points,
          })),
        },
      },
      {
        kind: "table",
        head: ["rubric", "weight", ...OUTCOMES],
        numeric: [1, 2, 3, 4],
        ofChart: true,
        rows: a.contributions.map((entry) => [
          entry.title,
          String(weights.get(entry.rubricId) ?? ""),
          ...OUTCOMES.map((o) => signed(entry.points[o])),
        ]),
      },
    ],
  };
}

function rulesSection(a: Assessment): Section[] {
  if (a.rules.length === 0) return [];
  return [
    {
      id: "rules",
      title: "Hard rules that fired",
      blocks: [
        {
          kind: "list",
          items: a.rules.map(
            (rule) =>
              `${rule.title} ${rule.effect}s ${rule.outcome} (${rule.because}): ${rule.reason}`,
          ),
        },
      ],
    },
  ];
}

/** answer | (towards) | points | reason, one row per scored answer. */
function reasonRows(c: Context, list: readonly Reason[], withOutcome: boolean): string[][] {
  return list.map((r) => [
    `${c.label(r.questionId)}: ${c.answer(r.questionId, r.answer, true)}`,
    ...(withOutcome ? [r.outcome] : []),
    signed(r.contribution),
    r.text,
  ]);
}

/** Without a recommendation: where each answer so far leans, strongest first. */
function leaningSection(c: Context): Section[] {
  const leaning = [...c.a.reasons, ...c.a.counterReasons].sort(
    (x, y) => y.contribution - x.contribution,
  );
  if (leaning.length === 0) return [];
  return [
    {
      id: "leaning",
      title: "Where the answers lean",
      blocks: [
        {
          kind: "table",
          head: ["answer", "towards", "points", "reason"],
          numeric: [2],
          ranked: true,
          rows: reasonRows(c, leaning, true),
        },
      ],
    },
  ];
}

/** Counter-reasons a handout shows: at least the strongest few, then those worth a point or more. */
const COUNTER_REASONS = { least: 3, minPoints: 1.5 } as const;

function reasonSections(c: Context, a: Decided): Section[] {
  const sections: Section[] = [
    {
      id: "reasons",
      title: `Why ${a.recommendation} rather than ${a.runnerUp}`,
      blocks:
        a.reasons.length > 0
          ? [
              {
                kind: "table",
                head: ["answer", "points", "reason"],
                numeric: [1],
                ranked: true,
                rows: reasonRows(c, a.reasons, false),
              },
            ]
          : [
              {
                kind: "paragraph",
                text:
                  a.rules.length > 0
                    ? "No answer favours it over the runner-up: the hard rules decided."
                    : "No single answer favours it over the runner-up: it leads on the sum of all answers.",
              },
            ],
    },
  ];
  if (a.counterReasons.length > 0) {
    // The answers that matter, not a long tail of slight leanings: the JSON lists every one.
    const shown = a.counterReasons.filter(
      (reason, i) => i < COUNTER_REASONS.least || reason.contribution >= COUNTER_REASONS.minPoints,
    );
    const rest = a.counterReasons.length - shown.length;
    sections.push({
      id: "counter-reasons",
      title: "What points elsewhere",
      blocks: [
        {
          kind: "table",
          head: ["answer", "towards", "points", "reason"],
          numeric: [2],
          ranked: true,
          rows: reasonRows(c, shown, true),
        },
        ...(rest > 0
          ? [
              {
                kind: "paragraph" as const,
                text: `${rest} more answer${rest === 1 ? " leans" : "s lean"} elsewhere, each by under ${COUNTER_REASONS.minPoints} points (the JSON result lists every one).`,
              },
            ]
          : []),
      ],
    });
  }
  return sections;
}

/**
 * Changes one line per question, nearest first: "Decision rights (now Documented): Contested →
 * combine; Informal → separate". Found by re-scoring, as each change's statement says in JSON.
 */
function changesByQuestion(c: Context, changes: readonly AnswerChange[]): string[] {
  const byQuestion = new Map<string, AnswerChange[]>();
  for (const change of changes)
    byQuestion.set(change.questionId, [...(byQuestion.get(change.questionId) ?? []), change]);
  return [...byQuestion].map(([id, list]) => {
    const question = c.compiled.byId.get(id)?.question;
    const first = list[0];
    if (!question || !first) return list.map((change) => change.statement).join(" ");
    const targets = list.map(
      (change) =>
        `${describeTarget(question, change.from, change.to, change.range)} → ${change.recommendation}`,
    );
    return `${c.label(id)} (${describeNow(question, first.from)}): ${targets.join("; ")}`;
  });
}

function changeSections(c: Context, a: Decided): Section[] {
  const changeBlocks: Block[] = [];
  const levers = a.whatWouldChange.filter((change) => change.kind === "lever");
  const circumstances = a.whatWouldChange.filter((change) => change.kind !== "lever");
  if (levers.length > 0)
    changeBlocks.push(
      {
        kind: "paragraph",
        text: `Changes leadership can make that would change the recommendation from ${a.recommendation}, found by re-scoring (answer → new recommendation):`,
      },
      { kind: "list", ranked: true, items: changesByQuestion(c, levers) },
    );
  if (circumstances.length > 0)
    changeBlocks.push(
      {
        kind: "paragraph",
        text:
          levers.length > 0
            ? "It would also change if circumstances moved (within reach of today):"
            : `No change leadership can make alone would change it. It would change from ${a.recommendation} if circumstances moved (within reach of today; answer → new recommendation):`,
      },
      { kind: "list", ranked: true, items: changesByQuestion(c, circumstances) },
    );
  if (a.whatWouldChange.length === 0 && a.changePairs.length > 0) {
    changeBlocks.push(
      {
        kind: "paragraph",
        text: "No single answer changes the recommendation. The smallest pairs of changes that do:",
      },
      { kind: "list", items: a.changePairs.map((pair) => pair.statement) },
    );
  } else if (a.whatWouldChange.length === 0) {
    changeBlocks.push({
      kind: "paragraph",
      text: "No single answer within reach, and no pair of answers, changes the recommendation.",
    });
  }
  return [
    { id: "what-would-change", title: "What would change it", blocks: changeBlocks },
    {
      id: "triggers",
      title: "Triggers to watch",
      blocks:
        a.rulesToWatch.length > 0
          ? [
              {
                kind: "paragraph",
                text: "Hard rules one answer away from firing; check them before the next review:",
              },
              { kind: "list", items: a.rulesToWatch.map((watch) => watch.statement) },
            ]
          : [{ kind: "paragraph", text: "No hard rule is one answer away from firing." }],
    },
  ];
}

function adviceSections(a: Decided): Section[] {
  const titles = new Map(a.rubrics.map((r) => [r.id, r.title]));
  const sideName = { cto: "CTO side", cio: "CIO side", shared: "shared" } as const;
  return [
    {
      id: "confidence",
      title: `Confidence: ${a.confidence}`,
      blocks: [
        { kind: "list", items: confidenceItems(a) },
        {
          kind: "paragraph",
          view: "full",
          text: "Each rubric's weight, moved alone, keeps the recommendation within these limits:",
        },
        {
          kind: "table",
          view: "full",
          head: ["rubric", "weight", "recommendation holds for"],
          numeric: [1],
          rows: a.stability.rubrics.map((r) => [
            titles.get(r.id) ?? r.id,
            String(r.weight),
            weightRange(r),
          ]),
        },
      ],
    },
    {
      id: "mechanisms",
      title: `To make ${a.recommendation} work`,
      blocks: [
        {
          kind: "checklist",
          items: a.mechanisms.map((m) => ({ text: m.text, done: m.status === "in-place" })),
        },
      ],
    },
    {
      id: "scorecard",
      title: "Blended scorecard",
      blocks: [
        {
          kind: "list",
          view: "short",
          items: (["cto", "cio", "shared"] as const)
            .map((side) => [side, a.metrics.filter((m) => m.side === side)] as const)
            .filter(([, metrics]) => metrics.length > 0)
            .map(
              ([side, metrics]) =>
                `${capitalize(sideName[side])}: ${metrics.map((m) => m.name).join(" · ")}`,
            ),
        },
        {
          kind: "table",
          view: "full",
          head: ["side", "metric", "what it measures"],
          rows: a.metrics.map((m) => [sideName[m.side], m.name, m.description]),
        },
      ],
    },
  ];
}

function referenceSections(c: Context): Section[] {
  const { a, compiled } = c;
  const sections: Section[] = [];
  if (a.unanswered.length > 0) {
    sections.push({
      id: "unanswered",
      title: `Unanswered questions (${a.unanswered.length})`,
      view: "full",
      blocks: [
        {
          kind: "list",
          items: a.unanswered.map((id) => {
            const question = compiled.byId.get(id)?.question;
            return question ? `${c.label(id)}: ${question.prompt}` : id;
          }),
        },
      ],
    });
  }
  const counting = applicableAnswers(c.compiled, a.answers);
  sections.push({
    id: "answers",
    title: "Appendix: answers",
    view: "full",
    blocks: [
      {
        kind: "table",
        pairs: true,
        head: ["question", "answer"],
        rows: Object.entries(a.answers).map(([id, value]) => [
          c.label(id),
          // An answer to a question that does not apply is kept, but said not to count.
          counting[id] === undefined
            ? `${c.answer(id, value)} (does not apply here; not counted)`
            : c.answer(id, value),
        ]),
      },
    ],
  });
  const provenance = a.provenance;
  sections.push({
    id: "provenance",
    title: "Provenance",
    view: "full",
    blocks: provenance
      ? [
          {
            kind: "paragraph",
            text: `Made by rolefit ${provenance.rolefitVersion} from ${a.source ?? "an interview"}. Rubric set SHA-256: ${provenance.rubricSetSha256}.`,
          },
          {
            kind: "table",
            head: ["rubric", "version", "SHA-256"],
            rows: provenance.rubrics.map((r) => [r.id, r.version, r.sha256]),
          },
        ]
      : [
          {
            kind: "paragraph",
            text: `Made from ${a.source ?? "an interview"} with rubrics ${a.rubrics.map((r) => `${r.id} ${r.version}`).join(", ")}.`,
          },
        ],
  });
  return sections;
}

/** With no recommendation yet: which questions to answer first. */
function answerFirstSection(c: Context): Section[] {
  const first = c.a.undecided?.answerFirst ?? [];
  if (first.length === 0) return [];
  return [
    {
      id: "answer-first",
      title: "What to answer first",
      blocks: [
        {
          kind: "paragraph",
          text: "Each of these open questions could decide the result; the most decisive first:",
        },
        {
          kind: "list",
          ranked: true,
          items: first.map((id) => {
            const question = c.compiled.byId.get(id)?.question;
            return question ? `${c.label(id)}: ${question.prompt}` : id;
          }),
        },
      ],
    },
  ];
}

/** Assessment → the report's document, in reading order. Pure. */
export function buildReport(
  compiled: CompiledRubrics,
  a: Assessment,
  handout: HandoutInfo = {},
): ReportDocument {
  // Input text is shown, never obeyed. Org files and rubric files both reach the document (names,
  // labels, prompts, titles), so the finished document is escaped once; every layout then escapes
  // it further for its own format.
  const doc = composeReport(compiled, a);
  const cover: Cover = {
    organization: a.organization,
    rubrics: a.rubrics.map((rubric) => `${rubric.title} ${rubric.version}`).join(", "),
    ...handout,
  };
  const contents = doc.sections
    .filter((section) => section.blocks.some((block) => block.view !== "short"))
    .map(({ id, title }) => ({ id, title }));
  return deepVisible({ ...doc, cover, contents });
}

function composeReport(
  compiled: CompiledRubrics,
  a: Assessment,
): Omit<ReportDocument, "cover" | "contents"> {
  const wording = wordingOf(compiled);
  const title = (id: string) => ruleTitle(compiled, id);
  const c: Context = {
    a,
    compiled,
    label: (id) => wording.question(id),
    answer: (id, value, withBand) =>
      describeAnswer(compiled.byId.get(id)?.question, value, withBand),
    title,
    out: ruledOut(a, title),
  };
  const conflict = a.warnings[0];
  const room =
    a.respondents && a.disagreement ? roomSections(c, a.respondents, a.disagreement) : [];
  const verdict: Verdict = {
    recommendation: a.recommendation,
    confidence: a.confidence,
    ...(a.conditions.length > 0
      ? { conditions: joinWords(a.conditions.map((condition) => condition.mechanism)) }
      : {}),
    standing: standingText(a),
    notAnswered: a.unanswered.map(c.label),
  };
  const footer = `Generated by rolefit${a.provenance ? ` ${a.provenance.rolefitVersion}` : ""}. Every “what would change it” statement was checked by re-scoring.`;
  const docTitle = `Technology leadership structure: ${a.organization}`;
  if (!isDecided(a)) {
    const statement = a.undecided?.statement ?? "No recommendation yet.";
    return {
      title: docTitle,
      organization: a.organization,
      source: a.source,
      verdict: { ...verdict, banner: statement },
      summary: summaryOf(c),
      headline: `The answers so far do not settle it. Scores stand at ${OUTCOMES.map((o) => `${o} ${points(a.scores[o])}`).join(", ")}, on a 0–100 scale where 50 is neutral.`,
      sections: [
        ...answerFirstSection(c),
        ...leaningSection(c),
        ...room,
        scoresSection(c),
        ...rulesSection(a),
        ...referenceSections(c),
      ],
      footer,
    };
  }
  const runnerUp = runnerUpText(c, a);
  const rec = a.recommendation;
  return {
    title: docTitle,
    organization: a.organization,
    source: a.source,
    verdict: { ...verdict, runnerUp, ...(conflict ? { banner: conflict } : {}) },
    summary: summaryOf(c),
    headline: `Recommendation: ${rec}${withConditions(a)} (${OUTCOME_MEANING[rec]}). Confidence ${a.confidence}; runner-up ${runnerUp}.`,
    sections: [
      {
        id: "summary",
        title: "Summary",
        view: "full",
        blocks: [{ kind: "paragraph", text: summaryParagraph(c, a) }],
      },
      ...room,
      scoresSection(c),
      ...rulesSection(a),
      ...reasonSections(c, a),
      ...changeSections(c, a),
      ...adviceSections(a),
      ...referenceSections(c),
    ],
    footer,
  };
}
