import type { Assessment, Reason } from "../engine/assess.js";
import { OUTCOMES, type Outcome } from "../rubric/outcomes.js";
import type { AnswerValue } from "../rubric/schema.js";
import { deepVisible } from "../text/visible.js";

/**
 * The report's content, once, as a small document model: Markdown and HTML render the same
 * sections, so the two handouts can never say different things.
 */
export type Block =
  | { kind: "paragraph"; text: string }
  | { kind: "list"; items: string[] }
  | { kind: "checklist"; items: Array<{ text: string; done: boolean }> }
  | { kind: "table"; head: string[]; rows: string[][]; numeric?: number[] }
  | { kind: "callout"; text: string }
  | { kind: "chart"; chart: "scores" | "contributions" | "disagreement" };

export interface Section {
  id: string;
  title: string;
  blocks: Block[];
}

export interface ReportDocument {
  title: string;
  organization: string;
  recommendation: Outcome;
  confidence: Assessment["confidence"];
  headline: string;
  sections: Section[];
  assessment: Assessment;
}

export const OUTCOME_MEANING: Record<Outcome, string> = {
  combine: "one executive owns both the CTO and the CIO remit",
  separate: "a CTO and a CIO with distinct mandates",
  matrix: "a CTO and a CIO with shared objectives, joint governance and cross-functional teams",
};

export function formatValue(value: AnswerValue | null): string {
  if (value === null) return "unanswered";
  if (Array.isArray(value)) return value.length === 0 ? "none" : value.join(", ");
  return String(value);
}

const points = (value: number) => value.toFixed(1);
const signed = (value: number) => `${value >= 0 ? "+" : "−"}${Math.abs(value).toFixed(1)}`;

const capitalize = (text: string) => text.charAt(0).toUpperCase() + text.slice(1);

/** What a report says of a question: a short label (the id when the rubric gives none) and its prompt. */
export type QuestionTexts = ReadonlyMap<string, { label: string; prompt: string }>;

/** An answer as a person reads it: by the rubric's label, and a number with its band or level. */
export function answerText(reason: Pick<Reason, "answer" | "answerLabel">): string {
  const value = formatValue(reason.answer);
  const label = reason.answerLabel;
  if (!label || label === value) return value;
  // A level named with its number ("2 repeatable") says both already.
  if (typeof reason.answer !== "number" || label.startsWith(`${value} `)) return label;
  return `${value} (${label})`;
}

/** The recommendation as an action, for sentences: "recommends combining the roles". */
export const OUTCOME_ACTION: Record<Outcome, string> = {
  combine: "combining the CTO and CIO roles",
  separate: "keeping the CTO and CIO roles separate",
  matrix: "running the CTO and CIO roles as a matrix",
};

/**
 * The outcomes the fired hard rules rule out, each with the rules that do it: a rule forbidding
 * it, or one requiring another outcome. The recommendation is never listed, even when rules that
 * contradict each other left the scores to choose.
 */
export function ruledOut(a: Assessment): Map<Outcome, string[]> {
  const out = new Map<Outcome, string[]>();
  for (const rule of a.rules) {
    const targets =
      rule.effect === "forbid" ? [rule.outcome] : OUTCOMES.filter((o) => o !== rule.outcome);
    for (const outcome of targets) {
      if (outcome !== a.recommendation) out.set(outcome, [...(out.get(outcome) ?? []), rule.id]);
    }
  }
  return out;
}

/** Open outcomes best first, then the ruled-out ones: the order a reader should meet them in. */
export function standing(a: Assessment): Outcome[] {
  const out = ruledOut(a);
  return [...OUTCOMES].sort(
    (x, y) => Number(out.has(x)) - Number(out.has(y)) || a.scores[y] - a.scores[x],
  );
}

/** How far one shown score is above another, from the scores as shown (one decimal). */
export function shownGap(a: Assessment, from: Outcome, to: Outcome): number {
  const shown = (outcome: Outcome) => Math.round(a.scores[outcome] * 10) / 10;
  return Math.round((shown(from) - shown(to)) * 10) / 10;
}

/** "separate, 4.9 points behind", or why a higher-scoring runner-up is not the recommendation. */
export function runnerUpText(a: Assessment): string {
  const gap = shownGap(a, a.recommendation, a.runnerUp);
  const rules = ruledOut(a).get(a.runnerUp);
  const by = rules ? ` ruled out by ${joinWords(rules)}` : "";
  if (gap < 0)
    return `${a.runnerUp}, ${points(-gap)} points ahead on score but${by || " set aside by the hard rules"}`;
  return `${a.runnerUp}${rules ? ` (${by.trim()})` : ""}, ${points(gap)} points behind`;
}

function joinWords(items: readonly string[]): string {
  if (items.length <= 1) return items.join("");
  return `${items.slice(0, -1).join(", ")} and ${items[items.length - 1]}`;
}

/** The paragraph a client reads first: the result, how sure, and the main reasons each way. */
export function summaryParagraph(a: Assessment): string {
  const sentences: string[] = [];
  sentences.push(
    `For ${a.organization}, rolefit recommends ${OUTCOME_ACTION[a.recommendation]} (${OUTCOME_MEANING[a.recommendation]}), with ${a.confidence} confidence.`,
  );
  const excluded = [...ruledOut(a).keys()];
  const gap = shownGap(a, a.recommendation, a.runnerUp);
  const lead =
    gap >= 0
      ? `${capitalize(a.recommendation)} scores ${points(a.scores[a.recommendation])} against ${points(a.scores[a.runnerUp])} for ${a.runnerUp}, a lead of ${points(gap)} points on a 0–100 scale where 50 is neutral`
      : `${capitalize(a.runnerUp)} scores higher, but the hard rules leave ${a.recommendation} as the fit`;
  sentences.push(
    `${lead}${excluded.length > 0 ? `; ${joinWords(excluded)} ${excluded.length > 1 ? "are" : "is"} ruled out by a hard rule` : ""}.`,
  );
  for (const rule of a.rules.filter((r) => r.effect === "require")) {
    sentences.push(
      `The hard rule ${rule.id} requires ${rule.outcome}: ${rule.reason.replace(/^./, (c) => c.toLowerCase())}`,
    );
  }
  const top = a.reasons
    .slice(0, 2)
    .map((reason) => reason.text.replace(/\.$/, "").replace(/^./, (c) => c.toLowerCase()));
  if (top.length > 0) sentences.push(`Above all: ${top.join("; ")}.`);
  const against = a.counterReasons[0];
  if (against)
    sentences.push(`Pointing the other way: ${against.text.replace(/^./, (c) => c.toLowerCase())}`);
  if (a.unanswered.length > 0) {
    sentences.push(
      `${a.unanswered.length} question${a.unanswered.length === 1 ? " was" : "s were"} not answered; answering ${a.unanswered.length === 1 ? "it" : "them"} would make the result firmer.`,
    );
  }
  return sentences.join(" ");
}

function confidenceItems(a: Assessment): string[] {
  const f = a.confidenceFactors;
  const items = [
    f.decidedByRule
      ? "The hard rules leave only this structure open, so the score margin does not decide."
      : `Lead over the runner-up: ${points(shownGap(a, a.recommendation, a.runnerUp))} points (high confidence needs 6 or more; under 2 is low).`,
    `Questions answered: ${Math.round(f.answeredShare * 100)}% (high confidence needs 80% or more).`,
    f.weightTolerance >= 1
      ? "The result holds whatever the rubric weights."
      : `The result holds while every rubric weight moves by up to ±${Math.round(f.weightTolerance * 100)}% at once${f.holdsUnderWeightSwing ? "" : " — less than the ±25% a robust result should survive"}.`,
  ];
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

/** Each respondent's own result, and the questions the room answered differently. */
function roomSections(
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
          text: "The result above is for the room's consensus: the most common answer, the median number, or the options most picked. Each person's own answers would give:",
        },
        {
          kind: "table",
          head: ["respondent", "role", "own recommendation"],
          rows: respondents.map((r) => [r.name, r.role ?? "", r.recommendation]),
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
                    ? `On ${flips} question${flips === 1 ? "" : "s"} one person's answer would change the recommendation, so confidence is lowered; settle ${flips === 1 ? "it" : "these"} first.`
                    : "No single person's answer would change the recommendation.",
              },
              { kind: "chart", chart: "disagreement" },
              {
                kind: "table",
                head: ["question", "answers", "spread", "could change it"],
                numeric: [2],
                rows: disagreement.map((entry) => [
                  entry.questionId,
                  Object.entries(entry.answers)
                    .map(([name, value]) => `${name}: ${formatValue(value)}`)
                    .join("; "),
                  `${Math.round(entry.spread * 100)}%`,
                  entry.couldFlip ? "yes" : "no",
                ]),
              },
            ],
    },
  ];
}

/** Assessment → the report's sections, in reading order. Pure. */
export function buildReport(input: Assessment, texts: QuestionTexts = new Map()): ReportDocument {
  // Input text is shown, never obeyed: the Markdown and HTML writers escape it further.
  const a = deepVisible(input);
  const questions = deepVisible(texts);
  const label = (id: string) => questions.get(id)?.label ?? id;
  const sections: Section[] = [];
  const rec = a.recommendation;
  sections.push({
    id: "summary",
    title: "Summary",
    blocks: [
      ...a.warnings.map((text) => ({ kind: "callout" as const, text })),
      { kind: "paragraph", text: summaryParagraph(a) },
    ],
  });

  if (a.respondents && a.disagreement)
    sections.push(...roomSections(a.respondents, a.disagreement));

  sections.push({
    id: "scores",
    title: "Scores",
    blocks: [
      { kind: "chart", chart: "scores" },
      {
        kind: "table",
        head: ["structure", "score", "status"],
        numeric: [1],
        rows: standing(a).map((outcome) => {
          const rules = ruledOut(a).get(outcome);
          return [
            outcome,
            points(a.scores[outcome]),
            outcome === rec
              ? "recommended"
              : rules
                ? `ruled out by ${joinWords(rules)}`
                : outcome === a.runnerUp
                  ? "runner-up"
                  : "",
          ];
        }),
      },
      {
        kind: "paragraph",
        text: "Scores run from 0 to 100; 50 is neutral. Each rubric adds or takes away points for each structure:",
      },
      { kind: "chart", chart: "contributions" },
      {
        kind: "table",
        head: ["rubric", "weight", ...OUTCOMES],
        numeric: [1, 2, 3, 4],
        rows: a.contributions.map((c) => [
          c.title,
          String(a.rubrics.find((r) => r.id === c.rubricId)?.weight ?? ""),
          ...OUTCOMES.map((o) => signed(c.points[o])),
        ]),
      },
    ],
  });

  if (a.rules.length > 0) {
    sections.push({
      id: "rules",
      title: "Hard rules that fired",
      blocks: [
        {
          kind: "list",
          items: a.rules.map(
            (rule) =>
              `${rule.id} ${rule.effect}s ${rule.outcome} (${rule.because}): ${rule.reason}`,
          ),
        },
      ],
    });
  }

  const reasonRows = (list: Assessment["reasons"], withOutcome: boolean) =>
    list
      .slice(0, 8)
      .map((r) => [
        `${label(r.questionId)}: ${answerText(r)}`,
        ...(withOutcome ? [r.outcome] : []),
        signed(r.contribution),
        r.text,
      ]);
  sections.push({
    id: "reasons",
    title: `Why ${rec} rather than ${a.runnerUp}`,
    blocks:
      a.reasons.length > 0
        ? [
            {
              kind: "table",
              head: ["answer", "points", "reason"],
              numeric: [1],
              rows: reasonRows(a.reasons, false),
            },
          ]
        : [
            {
              kind: "paragraph",
              text: "No answer favours it over the runner-up: the hard rules decided.",
            },
          ],
  });
  if (a.counterReasons.length > 0) {
    sections.push({
      id: "counter-reasons",
      title: "What points elsewhere",
      blocks: [
        {
          kind: "table",
          head: ["answer", "towards", "points", "reason"],
          numeric: [2],
          rows: reasonRows(a.counterReasons, true),
        },
      ],
    });
  }

  const changeBlocks: Block[] = [];
  if (a.whatWouldChange.length > 0) {
    changeBlocks.push({
      kind: "paragraph",
      text: "Each of these single changes, found by re-scoring, would change the recommendation:",
    });
    changeBlocks.push({ kind: "list", items: a.whatWouldChange.map((change) => change.statement) });
  } else if (a.changePairs.length > 0) {
    changeBlocks.push({
      kind: "paragraph",
      text: "No single answer changes the recommendation. The smallest pairs of changes that do:",
    });
    changeBlocks.push({ kind: "list", items: a.changePairs.map((pair) => pair.statement) });
  } else {
    changeBlocks.push({
      kind: "paragraph",
      text: "No single answer, and no pair of answers, changes the recommendation.",
    });
  }
  sections.push({ id: "what-would-change", title: "What would change it", blocks: changeBlocks });

  sections.push({
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
  });

  sections.push({
    id: "confidence",
    title: `Confidence: ${a.confidence}`,
    blocks: [
      { kind: "list", items: confidenceItems(a) },
      {
        kind: "paragraph",
        text: "Each rubric's weight, moved alone, keeps the recommendation within these limits:",
      },
      {
        kind: "table",
        head: ["rubric", "weight", "recommendation holds for"],
        numeric: [1],
        rows: a.stability.rubrics.map((r) => [
          a.rubrics.find((x) => x.id === r.id)?.title ?? r.id,
          String(r.weight),
          weightRange(r),
        ]),
      },
    ],
  });

  sections.push({
    id: "mechanisms",
    title: `To make ${rec} work`,
    blocks: [
      {
        kind: "checklist",
        items: a.mechanisms.map((m) => ({ text: m.text, done: m.status === "in-place" })),
      },
    ],
  });
  const sideName = { cto: "CTO side", cio: "CIO side", shared: "shared" } as const;
  sections.push({
    id: "scorecard",
    title: "Blended scorecard",
    blocks: [
      {
        kind: "table",
        head: ["side", "metric", "what it measures"],
        rows: a.metrics.map((m) => [sideName[m.side], m.name, m.description]),
      },
    ],
  });

  if (a.unanswered.length > 0) {
    sections.push({
      id: "unanswered",
      title: `Unanswered questions (${a.unanswered.length})`,
      blocks: [
        {
          kind: "list",
          items: a.unanswered.map((id) => {
            const question = questions.get(id);
            return question ? `${question.label}: ${question.prompt}` : id;
          }),
        },
      ],
    });
  }
  sections.push({
    id: "answers",
    title: "Appendix: answers",
    blocks: [
      {
        kind: "table",
        head: ["question", "answer"],
        rows: Object.entries(a.answers).map(([id, value]) => [label(id), formatValue(value)]),
      },
    ],
  });
  const provenance = a.provenance;
  sections.push({
    id: "provenance",
    title: "Provenance",
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

  const runner = `runner-up ${runnerUpText(a)}`;
  return {
    title: `Technology leadership structure: ${a.organization}`,
    organization: a.organization,
    recommendation: rec,
    confidence: a.confidence,
    headline: `Recommendation: ${rec} (${OUTCOME_MEANING[rec]}). Confidence ${a.confidence}; ${runner}.`,
    sections,
    assessment: a,
  };
}
