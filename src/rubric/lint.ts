import { indexQuestions, type QuestionEntry, type QuestionIndex } from "./answers.js";
import { conditionHolds, conditionLeaves, questionsTestedBy } from "./conditions.js";
import type { Diagnostic } from "./diagnostic.js";
import { questionMaxPoints } from "./max-points.js";
import { OUTCOMES } from "./outcomes.js";
import { type LoadedRubric, problem } from "./parse.js";
import { allowedValues, numericDomain, scoredEntries } from "./question.js";
import type { AnswerValue, Condition, LeafCondition, Question, Rubric } from "./schema.js";
import { didYouMean, listOf } from "./suggest.js";
import type { Path, SourceDocument } from "./yaml.js";

/*
 * The rubric set's lint: what the schema of one file cannot see, across files and beyond types.
 */

/**
 * Checks that only make sense across files or beyond the schema: duplicate ids, bands that do
 * not tile their range, and rules that name questions or answers that do not exist. Pass
 * `complete: false` when some rubric files failed to parse.
 */
export function checkRubricSet(
  rubrics: readonly LoadedRubric[],
  {
    complete = true,
    opaque = new Set<string>(),
  }: {
    complete?: boolean;
    /** Questions whose shape is unknown (stand-ins for broken ones): references are not checked. */
    opaque?: ReadonlySet<string>;
  } = {},
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  const report = (
    source: SourceDocument,
    path: Path,
    code: string,
    message: string,
    severity: Diagnostic["severity"] = "error",
  ) => diagnostics.push({ ...problem(source, path, code, message), severity });

  const rubricIds = new Map<string, string>();
  const questionHome = new Map<string, string>();
  const ruleIds = new Map<string, string>();
  for (const { rubric, source } of rubrics) {
    const seenRubric = rubricIds.get(rubric.id);
    if (seenRubric)
      report(
        source,
        ["id"],
        "duplicate-rubric-id",
        `rubric id "${rubric.id}" is also used in ${seenRubric}`,
      );
    else rubricIds.set(rubric.id, source.file);

    rubric.questions.forEach((question, q) => {
      const seen = questionHome.get(question.id);
      if (seen) {
        report(
          source,
          ["questions", q, "id"],
          "duplicate-question-id",
          `question id "${question.id}" is also defined in ${seen}; question ids must be unique across all rubrics`,
        );
      } else {
        questionHome.set(question.id, source.file);
      }
      checkQuestion(question, (path, code, message, severity) =>
        report(source, ["questions", q, ...path], code, message, severity),
      );
    });
    rubric.rules.forEach((rule, r) => {
      const seen = ruleIds.get(rule.id);
      if (seen)
        report(
          source,
          ["rules", r, "id"],
          "duplicate-rule-id",
          `rule id "${rule.id}" is also used in ${seen}`,
        );
      else ruleIds.set(rule.id, source.file);
    });
  }

  // With a file missing, a rule naming its questions would be reported as unknown by mistake.
  if (!complete) return diagnostics;
  // A stand-in's id is known to exist, but not what answers it has: references to it pass.
  const index = withOpaque(indexQuestions(rubrics), opaque);
  for (const { rubric, source } of rubrics) {
    rubric.rules.forEach((rule, r) => {
      const before = diagnostics.length;
      checkCondition(rule.when, index, ["rules", r, "when"], (path, code, message) =>
        report(source, path, code, message),
      );
      const testsOpaque = questionsTestedBy(rule.when).some((id) => opaque.has(id));

      if (diagnostics.length === before && !testsOpaque && canHold(rule.when, index) === false) {
        report(
          source,
          ["rules", r, "when"],
          "rule-never-fires",
          `rule ${rule.id} can never fire: no answers satisfy its condition`,
          "warning",
        );
      }
    });
    checkApplicability(rubric, index, (path, code, message, severity) =>
      report(source, path, code, message, severity),
    );
    checkFamilies(rubric, (path, code, message, severity) =>
      report(source, path, code, message, severity),
    );
    rubric.questions.forEach((question, q) => {
      for (const { path, entry } of scoredEntries(question)) {
        const { reason } = entry;
        if (typeof reason === "string") continue;
        reason.forEach((variant, v) => {
          if (variant.when)
            checkCondition(
              variant.when,
              index,
              ["questions", q, ...path, "reason", v, "when"],
              (at, code, message) => report(source, at, code, message),
            );
        });
      }
    });
    for (const outcome of ["combine", "separate", "matrix"] as const) {
      rubric.guidance?.[outcome]?.mechanisms.forEach((mechanism, m) => {
        if (!mechanism.inPlaceWhen) return;
        const path = ["guidance", outcome, "mechanisms", m, "inPlaceWhen"];
        checkCondition(mechanism.inPlaceWhen, index, path, (at, code, message) =>
          report(source, at, code, message),
        );
      });
    }
  }
  return diagnostics;
}

/**
 * `appliesWhen` tests known answers, and only of questions that always apply: whether a question
 * counts must not hang on another that may itself not count.
 */
function checkApplicability(rubric: Rubric, index: QuestionIndex, report: Reporter): void {
  rubric.questions.forEach((question, q) => {
    if (!question.appliesWhen) return;
    const path = ["questions", q, "appliesWhen"];
    checkCondition(question.appliesWhen, index, path, report);
    for (const { leaf, path: inner } of conditionLeaves(question.appliesWhen)) {
      const tested = index.get(leaf.question)?.question;
      if (leaf.question === question.id)
        report(
          [...path, ...inner, "question"],
          "applies-when-self",
          `question ${question.id} cannot decide whether it applies itself`,
        );
      else if (tested?.appliesWhen)
        report(
          [...path, ...inner, "question"],
          "applies-when-chain",
          `question ${question.id} applies depending on ${leaf.question}, which has an appliesWhen of its own; test only questions that always apply`,
        );
    }
  });
}

/** Families: declared ones used, no family of one, and no cap that lets a family count twice. */
function checkFamilies(rubric: Rubric, report: Reporter): void {
  const members = new Map<string, Question[]>();
  for (const question of rubric.questions)
    if (question.family)
      members.set(question.family, [...(members.get(question.family) ?? []), question]);
  rubric.families.forEach((family, f) => {
    const list = members.get(family.id) ?? [];
    if (list.length === 0)
      report(
        ["families", f, "id"],
        "family-unused",
        `family ${family.id} has no member questions`,
        "warning",
      );
    const most = Math.max(0, ...list.map(questionMaxPoints));
    if (family.cap !== undefined && list.length > 0 && family.cap > most)
      report(
        ["families", f, "cap"],
        "family-double-counts",
        `family ${family.id} is capped at ${family.cap}, more than any one member can give (${most}): its members can count the same fact more than once`,
        "warning",
      );
  });
  for (const [id, list] of members)
    if (list.length === 1) {
      const q = rubric.questions.indexOf(list[0] as Question);
      report(
        ["questions", q, "family"],
        "family-of-one",
        `family ${id} has only question ${list[0]?.id}; a family counts several questions once`,
        "warning",
      );
    }
}

/** Values worth trying for a question when looking for answers that satisfy a condition. */
function probeValues(question: Question, condition: Condition): Array<AnswerValue | undefined> {
  switch (question.type) {
    case "integer":
    case "percent": {
      const { min, max } = numericDomain(question);
      const points = new Set<number>([min, ...question.bands.map((band) => band.from)]);
      for (const { leaf } of conditionLeaves(condition)) {
        if (leaf.question !== question.id) continue;
        for (const t of [leaf.atLeast, leaf.atMost])
          if (t !== undefined) for (const v of [t - 1, t, t + 1]) points.add(v);
      }
      if (Number.isFinite(max)) points.add(max);
      return [undefined, ...[...points].filter((v) => v >= min && v <= max)];
    }
    case "multi": {
      const options = question.options.map((option) => option.value);
      // Every selection when there are few options; otherwise none, each one alone, and all.
      const subsets =
        options.length <= 8
          ? Array.from({ length: 2 ** options.length }, (_, mask) =>
              options.filter((_, i) => (mask >> i) & 1),
            )
          : [[], ...options.map((o) => [o]), options];
      return [undefined, ...subsets];
    }
    default:
      return [undefined, ...allowedValues(question)];
  }
}

/** Most answer combinations tried for one rule before giving up on proving it can fire. */
const MAX_PROBES = 200_000;

/** Whether some answers make the condition hold; undefined when there are too many to try. */
function canHold(condition: Condition, index: QuestionIndex): boolean | undefined {
  const ids = [...new Set([...conditionLeaves(condition)].map(({ leaf }) => leaf.question))];
  const domains = ids.map((id) =>
    probeValues((index.get(id) as QuestionEntry).question, condition),
  );
  if (domains.reduce((product, domain) => product * domain.length, 1) > MAX_PROBES)
    return undefined;
  const answers: Record<string, AnswerValue> = Object.create(null);
  const search = (depth: number): boolean => {
    if (depth === ids.length) return conditionHolds(condition, answers);
    for (const value of domains[depth] ?? []) {
      if (value === undefined) delete answers[ids[depth] as string];
      else answers[ids[depth] as string] = value;
      if (search(depth + 1)) return true;
    }
    return false;
  };
  return search(0);
}

type Reporter = (
  path: Path,
  code: string,
  message: string,
  severity?: Diagnostic["severity"],
) => void;

function checkQuestion(question: Question, report: Reporter): void {
  const vectors = (
    question.type === "multi"
      ? [...question.options, ...(question.none ? [question.none] : [])]
      : question.type === "integer" || question.type === "percent"
        ? question.bands
        : question.answers
  ).map(({ effect, precondition }) =>
    OUTCOMES.map((outcome) => `${effect[outcome] ?? 0}×${precondition?.[outcome] ?? 1}`).join(),
  );
  const zero = OUTCOMES.map(() => "0×1").join();
  const inert =
    question.type === "multi" ? vectors.every((v) => v === zero) : new Set(vectors).size <= 1;
  if (inert) {
    report(
      [],
      "question-without-effect",
      `every answer of ${question.id} has the same effect, so it cannot change any result`,
      "warning",
    );
  }
  const values =
    question.type === "multi"
      ? question.options
      : question.type === "integer" || question.type === "percent"
        ? []
        : question.answers;
  const seen = new Set<unknown>();
  values.forEach((answer, a) => {
    if (seen.has(answer.value)) {
      report(
        [question.type === "multi" ? "options" : "answers", a, "value"],
        "duplicate-answer",
        `answer "${String(answer.value)}" is listed twice in question ${question.id}`,
      );
    }
    seen.add(answer.value);
  });
  if (question.type === "boolean" && !(seen.has(true) && seen.has(false))) {
    report(
      ["answers"],
      "boolean-answers",
      `a boolean question needs one answer for true and one for false`,
    );
  }
  if (question.type === "integer" || question.type === "percent") {
    const { min, max } = numericDomain(question);
    if (min > max) report(["min"], "empty-range", `min (${min}) is above max (${max})`);
    const first = question.bands[0];
    if (first && question.min !== undefined && first.from !== question.min) {
      report(
        ["bands", 0, "from"],
        "band-gap",
        `the first band must start at min (${question.min}), found ${first.from}`,
      );
    }
    question.bands.forEach((band, b) => {
      const previous = question.bands[b - 1];
      if (previous && band.from <= previous.from) {
        report(
          ["bands", b, "from"],
          "band-order",
          `bands must start in increasing order: ${band.from} does not follow ${previous.from}`,
        );
      }
      if (band.from > max)
        report(
          ["bands", b, "from"],
          "band-out-of-range",
          `band starts at ${band.from}, above max (${max})`,
        );
    });
  }
}

function checkCondition(
  condition: Condition,
  index: QuestionIndex,
  at: Path,
  report: Reporter,
): void {
  for (const { leaf, path: inner } of conditionLeaves(condition))
    checkLeaf(leaf, index, [...at, ...inner], report);
}

/** Stand-ins for broken questions, marked so that tests of them are not checked. */
const OPAQUE = Symbol("opaque");
type CheckedIndex = QuestionIndex & { [OPAQUE]?: ReadonlySet<string> };

function withOpaque(index: QuestionIndex, opaque: ReadonlySet<string>): CheckedIndex {
  return Object.assign(index, { [OPAQUE]: opaque });
}

function checkLeaf(
  condition: LeafCondition,
  index: CheckedIndex,
  path: Path,
  report: Reporter,
): void {
  if (index[OPAQUE]?.has(condition.question)) return;
  const entry = index.get(condition.question);
  if (!entry) {
    report(
      [...path, "question"],
      "unknown-question",
      `unknown question "${condition.question}"${didYouMean(condition.question, [...index.keys()])}`,
    );
    return;
  }
  const { question } = entry;
  const isNumeric =
    question.type === "integer" || question.type === "percent" || question.type === "scale";
  const allowed = allowedValues(question);
  for (const test of ["in", "notIn"] as const) {
    const listed = condition[test];
    if (!listed) continue;
    if (question.type === "multi" || question.type === "integer" || question.type === "percent") {
      report(
        [...path, test],
        "invalid-test",
        `\`${test}\` does not apply to ${question.type} question ${question.id}; use ${question.type === "multi" ? "includes/excludes" : "atLeast/atMost"}`,
      );
      continue;
    }
    listed.forEach((value, i) => {
      if (!allowed.includes(value)) {
        report(
          [...path, test, i],
          "unknown-answer",
          `"${String(value)}" is not an answer of ${question.id}${didYouMean(String(value), allowed.map(String))}; allowed: ${listOf(allowed)}`,
        );
      }
    });
  }
  for (const test of ["atLeast", "atMost"] as const) {
    if (condition[test] !== undefined && !isNumeric) {
      report(
        [...path, test],
        "invalid-test",
        `\`${test}\` needs a numeric question; ${question.id} is ${question.type}`,
      );
    }
  }
  for (const test of ["includes", "excludes", "countAtLeast", "countAtMost"] as const) {
    if (condition[test] === undefined) continue;
    if (question.type !== "multi") {
      report(
        [...path, test],
        "invalid-test",
        `\`${test}\` needs a multi question; ${question.id} is ${question.type}`,
      );
      continue;
    }
    if (test === "includes" || test === "excludes") {
      condition[test]?.forEach((value, i) => {
        if (!allowed.includes(value)) {
          report(
            [...path, test, i],
            "unknown-answer",
            `"${value}" is not an option of ${question.id}${didYouMean(value, allowed.map(String))}; allowed: ${listOf(allowed)}`,
          );
        }
      });
    }
  }
}
