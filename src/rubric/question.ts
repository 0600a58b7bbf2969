import { keyed } from "../cache/memo.js";
import type {
  AnswerValue,
  Band,
  Effect,
  NumericQuestion,
  Precondition,
  Question,
  ReasonText,
} from "./schema.js";
import { didYouMean, listOf } from "./suggest.js";
import type { Path } from "./yaml.js";

/** The numeric range a question accepts; bands start at `min` unless it is set lower. */
export function numericDomain(question: NumericQuestion): { min: number; max: number } {
  const min = question.min ?? question.bands[0]?.from ?? 0;
  const max = question.max ?? (question.type === "percent" ? 100 : Number.POSITIVE_INFINITY);
  return { min, max };
}

/**
 * The band a number falls in: the last band whose `from` it reaches. A binary search, as the
 * bands of a valid rubric start in increasing order (a rubric may have thousands).
 */
export function bandFor(question: NumericQuestion, value: number): Band | undefined {
  const { bands } = question;
  let found: Band | undefined;
  let low = 0;
  let high = bands.length - 1;
  while (low <= high) {
    const middle = (low + high) >> 1;
    const band = bands[middle] as Band;
    if (value >= band.from) {
      found = band;
      low = middle + 1;
    } else high = middle - 1;
  }
  return found;
}

/** Where a band ends (exclusive), or undefined for the last one. */
function bandEnd(question: NumericQuestion, band: Band): number | undefined {
  return question.bands[positionOf(question.bands, band) + 1]?.from;
}

/** Each list's items by identity → their index, made once per list. */
const positions = keyed(
  "positions in a list",
  (list: readonly object[]) => new Map<object, number>(list.map((entry, i) => [entry, i])),
);

const positionOf = <T extends object>(list: readonly T[], item: T): number =>
  positions(list).get(item) ?? -1;

type ValueEntry = {
  value: AnswerValue;
  label?: string | undefined;
  effect: Effect;
  precondition?: Precondition | undefined;
  reason: ReasonText;
};

/** A closed question's answers or options by value, with their place, made once per question. */
const entryIndex = keyed(
  "a question's answers by value",
  (question: Question): Map<unknown, { index: number; entry: ValueEntry }> => {
    const list: readonly ValueEntry[] =
      question.type === "multi"
        ? question.options
        : question.type === "integer" || question.type === "percent"
          ? []
          : question.answers;
    const index = new Map<unknown, { index: number; entry: ValueEntry }>();
    list.forEach((entry, i) => {
      if (!index.has(entry.value)) index.set(entry.value, { index: i, entry });
    });
    return index;
  },
);

/** The entry of an answer value, found without scanning the list. */
const entryOf = (question: Question, value: unknown): ValueEntry | undefined =>
  entryIndex(question).get(value)?.entry;

/** The chosen options of a several-of question, in the rubric's order. */
function chosenOptions(question: Question, chosen: readonly unknown[]): ValueEntry[] {
  const index = entryIndex(question);
  return chosen
    .map((value) => index.get(value))
    .filter((found) => found !== undefined)
    .sort((a, b) => a.index - b.index)
    .map((found) => found.entry);
}

/** Options in the rubric's order: to sort a changed selection without scanning every option. */
export function optionOrder(question: Question): (a: string, b: string) => number {
  const index = entryIndex(question);
  return (a, b) => (index.get(a)?.index ?? -1) - (index.get(b)?.index ?? -1);
}

/** `101–500`, `10 001 or more`: a band as a person reads it. */
export function bandLabel(question: NumericQuestion, band: Band): string {
  return bandLabels(question).get(band) ?? makeBandLabel(question, band);
}

/** One string per band, made once: every organisation in a batch shows the same few labels. */
const bandLabels = keyed(
  "band labels",
  (question: NumericQuestion) =>
    new Map(question.bands.map((band) => [band, makeBandLabel(question, band)])),
);

function makeBandLabel(question: NumericQuestion, band: Band): string {
  const end = bandEnd(question, band);
  const unit = question.type === "percent" ? "%" : "";
  const { max } = numericDomain(question);
  if (end === undefined) {
    return Number.isFinite(max) && max !== band.from
      ? `${band.from}–${max}${unit}`
      : `${band.from}${unit} or more`;
  }
  if (question.type === "integer")
    return end - 1 === band.from ? `${band.from}` : `${band.from}–${end - 1}`;
  return `${band.from}% to under ${end}%`;
}

/** An answer by the rubric's labels, for people: "High", "Steering committee, Blended scorecard", "420". */
export function answerLabel(question: Question, value: AnswerValue): string {
  switch (question.type) {
    case "multi": {
      const chosen = Array.isArray(value) ? value : [];
      if (chosen.length === 0) return "None";
      return chosenOptions(question, chosen)
        .map((option) => option.label ?? String(option.value))
        .join(", ");
    }
    case "integer":
    case "percent":
      return `${value}${question.type === "percent" ? "%" : ""}`;
    default:
      return entryOf(question, value)?.label ?? String(value);
  }
}

/** Whether a question takes one answer from a list (a choice, a scale, yes or no). */
export const takesOneAnswer = (
  question: Question,
): question is Extract<Question, { type: "choice" | "scale" | "boolean" }> =>
  question.type === "choice" || question.type === "scale" || question.type === "boolean";

/** Every value a closed question accepts, in the rubric's order. */
// Answers are checked for every organisation of a batch: each question's list is made once.
export const allowedValues: (question: Question) => readonly AllowedValue[] = keyed(
  "allowed values",
  (question: Question) =>
    Object.freeze(
      takesOneAnswer(question)
        ? question.answers.map((answer) => answer.value)
        : question.type === "multi"
          ? question.options.map((option) => option.value)
          : [],
    ),
);

type AllowedValue = string | number | boolean;

/** What the question accepts, for messages and `rolefit rubrics`. */
export function describeDomain(question: Question): string {
  switch (question.type) {
    case "choice":
      return `one of ${listOf(allowedValues(question))}`;
    case "scale":
      return `one of ${listOf(allowedValues(question))} (${question.answers.map((answer) => answer.label ?? String(answer.value)).join(", ")})`;
    case "boolean":
      return "true or false (or yes or no)";
    case "multi":
      return `a list of ${listOf(allowedValues(question))} (or [] for none)`;
    case "integer":
    case "percent": {
      const { min, max } = numericDomain(question);
      const kind = question.type === "integer" ? "a whole number" : "a percentage";
      return Number.isFinite(max) ? `${kind} from ${min} to ${max}` : `${kind} of at least ${min}`;
    }
  }
}

type CheckedAnswer = { ok: true; value: AnswerValue | null } | { ok: false; message: string };

function render(value: unknown): string {
  if (typeof value === "string") return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  if (Array.isArray(value)) return "a list";
  if (value !== null && typeof value === "object") return "a mapping";
  return String(value);
}

function numberFrom(raw: unknown, percent: boolean): number | undefined {
  if (typeof raw === "number") return raw;
  // "45%" is how people write a share; accept it for percent questions only.
  if (percent && typeof raw === "string" && /^-?\d+(\.\d+)?\s*%$/.test(raw.trim())) {
    return Number.parseFloat(raw);
  }
  return undefined;
}

const YES_NO = new Map<string, boolean>([
  ["yes", true],
  ["y", true],
  ["true", true],
  ["no", false],
  ["n", false],
  ["false", false],
]);

/** Checks one raw answer against its question; null means "not answered". */
export function checkAnswer(question: Question, raw: unknown): CheckedAnswer {
  if (raw === null || raw === undefined) return { ok: true, value: null };
  const fail = (message: string): CheckedAnswer => ({
    ok: false,
    message: `${question.id}: ${message}; allowed: ${describeDomain(question)}`,
  });
  switch (question.type) {
    case "choice":
    case "scale":
    case "boolean": {
      const values = allowedValues(question);
      if (values.includes(raw as string | number | boolean))
        return { ok: true, value: raw as AnswerValue };
      // YAML 1.2 reads `yes` and `no` as words; for a yes/no question they mean true and false.
      const spoken =
        question.type === "boolean" ? YES_NO.get(String(raw).toLowerCase()) : undefined;
      if (spoken !== undefined && values.includes(spoken)) return { ok: true, value: spoken };
      // An answer may be written as the rubric labels it ("3 defined", "Independent CISO").
      const labelled =
        typeof raw === "string" && question.type !== "boolean"
          ? question.answers.find(
              (answer) => answer.label?.toLowerCase() === raw.trim().toLowerCase(),
            )
          : undefined;
      if (labelled) return { ok: true, value: labelled.value };
      const hint = typeof raw === "string" ? didYouMean(raw, values.map(String)) : "";
      return fail(`${render(raw)} is not an allowed answer${hint}`);
    }
    case "multi": {
      const list = Array.isArray(raw) ? raw : typeof raw === "string" ? [raw] : undefined;
      if (!list) return fail(`expected a list, found ${render(raw)}`);
      const values = allowedValues(question).map(String);
      const seen = new Set<string>();
      for (const item of list) {
        if (typeof item !== "string" || !values.includes(item)) {
          const hint = typeof item === "string" ? didYouMean(item, values) : "";
          return fail(`${render(item)} is not an allowed option${hint}`);
        }
        if (seen.has(item)) return fail(`"${item}" is listed twice`);
        seen.add(item);
      }
      // Stored in the rubric's order so equal selections compare and print alike.
      return { ok: true, value: values.filter((value) => seen.has(value)) };
    }
    case "integer":
    case "percent": {
      const value = numberFrom(raw, question.type === "percent");
      if (value === undefined || !Number.isFinite(value))
        return fail(`expected a number, found ${render(raw)}`);
      if (question.type === "integer" && !Number.isInteger(value))
        return fail(`expected a whole number, found ${value}`);
      const { min, max } = numericDomain(question);
      if (value < min || value > max) return fail(`${value} is out of range`);
      return { ok: true, value };
    }
  }
}

/** The effect and reason of an answer (for multi: of one selected option, or of the empty list). */
interface AnswerEffect {
  /** The answer, option or band this entry stands for, as shown to people. */
  answer: AnswerValue;
  label: string;
  effect: Effect;
  precondition?: Precondition | undefined;
  reason: ReasonText;
}

/**
 * Whether a single answer (not a several-of selection) scores: an allowed value, or a number in
 * a band. effectsOf gives it one entry exactly then; this says so without making the entry.
 */
export function singleAnswerScores(question: Question, value: AnswerValue): boolean {
  if (question.type === "multi") return false;
  if (question.type === "integer" || question.type === "percent")
    return typeof value === "number" && bandFor(question, value) !== undefined;
  return entryOf(question, value) !== undefined;
}

/** The scoring entries an answer produces: one for most types, one per option for multi. */
export function effectsOf(question: Question, value: AnswerValue): AnswerEffect[] {
  switch (question.type) {
    case "choice":
    case "scale":
    case "boolean": {
      const answer = entryOf(question, value);
      return answer
        ? [
            {
              answer: value,
              label: answer.label ?? String(value),
              effect: answer.effect,
              precondition: answer.precondition,
              reason: answer.reason,
            },
          ]
        : [];
    }
    case "multi": {
      const selected = Array.isArray(value) ? value : [];
      if (selected.length === 0) {
        return question.none
          ? [
              {
                answer: [],
                label: "none",
                effect: question.none.effect,
                precondition: question.none.precondition,
                reason: question.none.reason,
              },
            ]
          : [];
      }
      return chosenOptions(question, selected).map((option) => ({
        answer: option.value,
        label: option.label ?? String(option.value),
        effect: option.effect,
        precondition: option.precondition,
        reason: option.reason,
      }));
    }
    case "integer":
    case "percent": {
      if (typeof value !== "number") return [];
      const band = bandFor(question, value);
      return band
        ? [
            {
              answer: value,
              label: bandLabel(question, band),
              effect: band.effect,
              precondition: band.precondition,
              reason: band.reason,
            },
          ]
        : [];
    }
  }
}

/**
 * What the user typed, as a number where it reads as one: digits with an optional sign and
 * decimals, thousands grouped by commas, spaces or underscores ("1,200"). Exponents, hex and
 * the like stay text, so the check refuses them; "45%" stays text for the percent check.
 */
export function readTypedNumber(text: string): unknown {
  const trimmed = text.trim();
  if (!/^-?(\d{1,3}([,_ ]\d{3})+|\d+)(\.\d+)?$/.test(trimmed)) return trimmed;
  return Number(trimmed.replace(/[,_ ]/g, ""));
}

/** What an answer, option, band or `none` carries: its effect, precondition and reason. */
export interface ScoredEntry {
  effect: Effect;
  precondition?: Precondition | undefined;
  reason: ReasonText;
}

/** Every scored entry of a question (answers, options, `none`, bands) with its path in it. */
export function scoredEntries(question: Question): Array<{ path: Path; entry: ScoredEntry }> {
  switch (question.type) {
    case "multi":
      return [
        ...question.options.map((entry, i) => ({ path: ["options", i], entry })),
        ...(question.none ? [{ path: ["none"], entry: question.none }] : []),
      ];
    case "integer":
    case "percent":
      return question.bands.map((entry, i) => ({ path: ["bands", i], entry }));
    default:
      return question.answers.map((entry, i) => ({ path: ["answers", i], entry }));
  }
}
