import { createHash } from "node:crypto";
import { FAILSAFE_SCHEMA, loadAll, Type } from "js-yaml";
import { conditionHolds, conditionLeaves } from "./conditions.js";
import type { Diagnostic } from "./diagnostic.js";
import { OUTCOMES } from "./outcomes.js";
import { allowedValues, checkAnswer, numericDomain } from "./question.js";
import {
  type Answers,
  type AnswerValue,
  API_VERSION,
  type Condition,
  type LeafCondition,
  organizationSchema,
  type Question,
  type Rubric,
  type RubricTest,
  rubricSchema,
  rubricTestSchema,
} from "./schema.js";
import { didYouMean, listOf } from "./suggest.js";
import {
  locate,
  locateKey,
  type Path,
  parseYaml,
  parseYamlDocuments,
  type SourceDocument,
} from "./yaml.js";
import { diagnosticsFromZod } from "./zod-issues.js";

export interface LoadedRubric {
  rubric: Rubric;
  source: SourceDocument;
  /** SHA-256 of the rubric's content (not its comments or layout). */
  sha256: string;
}

/** JSON with sorted keys, so equal content always hashes alike. */
function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (value !== null && typeof value === "object") {
    const entries = Object.entries(value)
      .filter(([, v]) => v !== undefined)
      .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
    return `{${entries.map(([k, v]) => `${JSON.stringify(k)}:${canonicalJson(v)}`).join(",")}}`;
  }
  return JSON.stringify(value);
}

export function contentHash(value: unknown): string {
  return createHash("sha256").update(canonicalJson(value)).digest("hex");
}

export interface Organization {
  name: string;
  description?: string;
  respondent?: { name: string; role?: string | undefined };
  /** Only answered questions; a prototype-less map. */
  answers: Answers;
  /** The parsed YAML, kept for editing the file in place; absent after the fast path. */
  source?: SourceDocument;
}

type Parsed<T> = { value?: T; diagnostics: Diagnostic[] };

function parseKind(
  parsed: { source: SourceDocument; diagnostics: Diagnostic[] },
  kind: "Rubric" | "Organization" | "RubricTest",
) {
  const { source, diagnostics } = parsed;
  if (diagnostics.length > 0) return { source, diagnostics };
  const data = source.data;
  if (data === null || data === undefined) {
    return {
      source,
      diagnostics: [
        problem(
          source,
          [],
          "empty-file",
          `the file has no content; expected ${kind === "Organization" ? "an" : "a"} ${kind} document`,
        ),
      ],
    };
  }
  if (typeof data !== "object" || Array.isArray(data)) {
    const found = Array.isArray(data) ? "a list" : `a single value`;
    return {
      source,
      diagnostics: [
        problem(
          source,
          [],
          "not-a-mapping",
          `expected a mapping with apiVersion and kind: ${kind}, found ${found}`,
        ),
      ],
    };
  }
  const actual = (data as Record<string, unknown>).kind;
  if (
    typeof actual === "string" &&
    actual !== kind &&
    (actual === "Rubric" || actual === "Organization" || actual === "RubricTest")
  ) {
    return {
      source,
      diagnostics: [
        problem(source, ["kind"], "wrong-kind", `expected kind: ${kind}, found kind: ${actual}`),
      ],
    };
  }
  return { source, diagnostics: [] };
}

function problem(source: SourceDocument, path: Path, code: string, message: string): Diagnostic {
  return { ...locate(source, path), code, severity: "error", message };
}

/** YAML text → one rubric, or every problem found in it. Pure: never reads the disk. */
export function parseRubric(text: string, file: string): Parsed<LoadedRubric> {
  const { source, diagnostics } = parseKind(parseYaml(text, file), "Rubric");
  if (diagnostics.length > 0) return { diagnostics };
  const result = rubricSchema.safeParse(source.data);
  if (!result.success)
    return { diagnostics: diagnosticsFromZod(source, rubricSchema, result.error.issues) };
  return {
    value: { rubric: result.data, source, sha256: contentHash(result.data) },
    diagnostics: [],
  };
}

export interface QuestionEntry {
  question: Question;
  rubricId: string;
}
export type QuestionIndex = ReadonlyMap<string, QuestionEntry>;

export function indexQuestions(rubrics: ReadonlyArray<{ rubric: Rubric }>): QuestionIndex {
  const index = new Map<string, QuestionEntry>();
  for (const { rubric } of rubrics) {
    for (const question of rubric.questions) {
      if (!index.has(question.id)) index.set(question.id, { question, rubricId: rubric.id });
    }
  }
  return index;
}

/** An organisation read the careful way, with its YAML document for located messages and edits. */
export type LocatedOrganization = Organization & { source: SourceDocument };

/** YAML text → one organisation with answers checked against the rubrics' questions. */
export function parseOrganization(
  text: string,
  file: string,
  questions: QuestionIndex,
): Parsed<LocatedOrganization> {
  return organizationFrom(parseYaml(text, file), questions);
}

/** Every organisation in a YAML stream, one result per `---` document, in order. */
export function parseOrganizations(
  text: string,
  file: string,
  questions: QuestionIndex,
): Array<Parsed<LocatedOrganization>> {
  return parseYamlDocuments(text, file).map((parsed) => organizationFrom(parsed, questions));
}

/**
 * Text the fast parser may take: no anchors, aliases, tags, merge keys or `__proto__`, where the
 * two parsers could disagree or where limits apply. Anything else goes the careful way.
 */
const NEEDS_CAREFUL_PARSE = /[&*!]|<<|__proto__|\t|^%/m;

const NOWHERE = () => ({ file: "", line: 0, column: 0 });

// The YAML 1.2 core schema's numbers, as the careful parser reads them. js-yaml's own core schema
// also takes `0b11`, `1_000` and `+0x10`, which the careful parser reads as text.
const CORE_INT = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/;
const CORE_FLOAT =
  /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

const coreInt = new Type("tag:yaml.org,2002:int", {
  kind: "scalar",
  resolve: (text: string | null) => text !== null && CORE_INT.test(text),
  construct: (text: string) =>
    text.startsWith("0o")
      ? Number.parseInt(text.slice(2), 8)
      : text.startsWith("0x")
        ? Number.parseInt(text.slice(2), 16)
        : Number.parseInt(text, 10),
});

const coreFloat = new Type("tag:yaml.org,2002:float", {
  kind: "scalar",
  resolve: (text: string | null) => text !== null && CORE_FLOAT.test(text) && !CORE_INT.test(text),
  construct: (text: string) =>
    /inf/i.test(text)
      ? text.startsWith("-")
        ? Number.NEGATIVE_INFINITY
        : Number.POSITIVE_INFINITY
      : /nan/i.test(text)
        ? Number.NaN
        : Number(text),
});

const coreNull = new Type("tag:yaml.org,2002:null", {
  kind: "scalar",
  resolve: (text: string | null) => text === null || /^(?:~|null|Null|NULL|)$/.test(text),
  construct: () => null,
});

const coreBool = new Type("tag:yaml.org,2002:bool", {
  kind: "scalar",
  resolve: (text: string | null) =>
    text !== null && /^(?:true|True|TRUE|false|False|FALSE)$/.test(text),
  construct: (text: string) => /^t/i.test(text),
});

/** The YAML 1.2 core schema exactly, for js-yaml: both readers take the same scalars. */
const STRICT_CORE_SCHEMA = FAILSAFE_SCHEMA.extend({
  implicit: [coreNull, coreBool, coreInt, coreFloat],
});

/**
 * The same as parseOrganizations, faster for a batch of well-formed files: js-yaml reads the
 * happy path several times faster; any file it rejects, or that fails validation, is parsed
 * again the careful way so its problems come with lines and columns.
 */
export function parseOrganizationsFast(
  text: string,
  file: string,
  questions: QuestionIndex,
): Array<Parsed<Organization>> {
  if (NEEDS_CAREFUL_PARSE.test(text)) return parseOrganizations(text, file, questions);
  let documents: unknown[];
  try {
    documents = loadAll(text, undefined, { schema: STRICT_CORE_SCHEMA, json: false });
  } catch {
    return parseOrganizations(text, file, questions);
  }
  const orgs: Organization[] = [];
  for (const data of documents) {
    const plain = plainOrganization(data);
    if (!plain) return parseOrganizations(text, file, questions);
    // An unknown key is a problem the careful parse words with its place: go there at once.
    for (const id in plain.answers)
      if (!questions.has(id)) return parseOrganizations(text, file, questions);
    const { answers, diagnostics } = checkAnswers(plain.answers, questions, NOWHERE, NOWHERE);
    if (diagnostics.length > 0) return parseOrganizations(text, file, questions);
    const org: Organization = { name: plain.name, answers };
    if (plain.description !== undefined) org.description = plain.description;
    if (plain.respondent !== undefined) org.respondent = plain.respondent;
    orgs.push(org);
  }
  if (orgs.length === 0) return parseOrganizations(text, file, questions);
  return orgs.map((value) => ({ value, diagnostics: [] }));
}

const ORGANIZATION_KEYS = new Set([
  "apiVersion",
  "kind",
  "name",
  "description",
  "respondent",
  "answers",
]);

const isRecord = (value: unknown): value is Record<string, unknown> =>
  typeof value === "object" && value !== null && !Array.isArray(value);

const nonEmptyText = (value: unknown): string | undefined => {
  const trimmed = typeof value === "string" ? value.trim() : "";
  return trimmed === "" ? undefined : trimmed;
};

/**
 * What organizationSchema accepts, checked by hand for the batch's happy path (zod costs more
 * than the assessment's own checks there). Anything unusual is undefined: the careful parse then
 * decides, and words the problem.
 */
function plainOrganization(data: unknown): PlainOrganization | undefined {
  if (!isRecord(data) || data.apiVersion !== API_VERSION || data.kind !== "Organization") return;
  for (const key of Object.keys(data)) if (!ORGANIZATION_KEYS.has(key)) return;
  const name = nonEmptyText(data.name);
  const { description, respondent, answers = null } = data;
  if (name === undefined || (description !== undefined && typeof description !== "string")) return;
  if (answers !== null && !isRecord(answers)) return;
  const org: PlainOrganization = { name, answers: answers ?? {} };
  if (description !== undefined) org.description = description;
  if (respondent !== undefined) {
    if (
      !isRecord(respondent) ||
      !Object.keys(respondent).every((k) => k === "name" || k === "role")
    )
      return;
    const respondentName = nonEmptyText(respondent.name);
    const role = respondent.role === undefined ? undefined : nonEmptyText(respondent.role);
    if (respondentName === undefined || (respondent.role !== undefined && role === undefined))
      return;
    org.respondent = role === undefined ? { name: respondentName } : { name: respondentName, role };
  }
  return org;
}

interface PlainOrganization {
  name: string;
  description?: string;
  respondent?: { name: string; role?: string };
  answers: Record<string, unknown>;
}

/** Every RubricTest in a YAML stream, checked against the test schema, one result per document. */
export function parseRubricTests(text: string, file: string): Array<Parsed<RubricTest>> {
  return parseYamlDocuments(text, file).map((parsed) => {
    const { source, diagnostics } = parseKind(parsed, "RubricTest");
    if (diagnostics.length > 0) return { diagnostics };
    const result = rubricTestSchema.safeParse(source.data);
    if (!result.success)
      return { diagnostics: diagnosticsFromZod(source, rubricTestSchema, result.error.issues) };
    return { value: result.data, diagnostics: [] };
  });
}

function organizationFrom(
  parsed: { source: SourceDocument; diagnostics: Diagnostic[] },
  questions: QuestionIndex,
): Parsed<LocatedOrganization> {
  const { source, diagnostics } = parseKind(parsed, "Organization");
  if (diagnostics.length > 0) return { diagnostics };
  const result = organizationSchema.safeParse(source.data);
  if (!result.success)
    return { diagnostics: diagnosticsFromZod(source, organizationSchema, result.error.issues) };
  const raw = result.data.answers ?? {};
  const { answers, diagnostics: answerProblems } = checkAnswers(
    raw,
    questions,
    (id) => locateKey(source, ["answers"], id),
    (id) => locate(source, ["answers", id]),
  );
  // The locators place each problem in this file already.
  if (answerProblems.length > 0) return { diagnostics: answerProblems };
  const org: LocatedOrganization = { name: result.data.name, answers, source };
  if (result.data.description !== undefined) org.description = result.data.description;
  if (result.data.respondent !== undefined) org.respondent = result.data.respondent;
  return { value: org, diagnostics: [] };
}

type Locator = (
  questionId: string,
) => Pick<Diagnostic, "file" | "line" | "column" | "endLine" | "endColumn">;

/** How many unknown question ids of one file get a "did you mean". */
const MAX_SUGGESTIONS = 100;

/**
 * Raw answers → a prototype-less answer map, or a diagnostic per bad answer.
 * Shared by org files and `--set`, so both accept exactly the same values.
 */
export function checkAnswers(
  raw: Readonly<Record<string, unknown>>,
  questions: QuestionIndex,
  locateId: Locator,
  locateValue: Locator,
): { answers: Answers; diagnostics: Diagnostic[] } {
  const answers: Record<string, AnswerValue> = Object.create(null);
  const diagnostics: Diagnostic[] = [];
  let known: string[] | undefined;
  let unknown = 0;
  for (const id of Object.keys(raw)) {
    const entry = questions.get(id);
    if (!entry) {
      known ??= [...questions.keys()];
      // Typos come a few at a time; a file of thousands of unknown keys gets no suggestions
      // past the first ones, so it is reported in linear time.
      const hint = unknown++ < MAX_SUGGESTIONS ? didYouMean(id, known) : "";
      diagnostics.push({
        ...locateId(id),
        code: "unknown-question",
        severity: "error",
        message: `unknown question "${id}"${hint}; run \`rolefit rubrics\` to list the questions`,
      });
      continue;
    }
    const checked = checkAnswer(entry.question, raw[id]);
    if (!checked.ok) {
      diagnostics.push({
        ...locateValue(id),
        code: "invalid-answer",
        severity: "error",
        message: checked.message,
      });
    } else if (checked.value !== null) {
      answers[id] = checked.value;
    }
  }
  return { answers, diagnostics };
}

/**
 * Checks that only make sense across files or beyond the schema: duplicate ids, bands that do
 * not tile their range, and rules that name questions or answers that do not exist. Pass
 * `complete: false` when some rubric files failed to parse.
 */
export function checkRubricSet(
  rubrics: readonly LoadedRubric[],
  { complete = true } = {},
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
  const index = indexQuestions(rubrics);
  for (const { rubric, source } of rubrics) {
    rubric.rules.forEach((rule, r) => {
      const before = diagnostics.length;
      checkCondition(rule.when, index, ["rules", r, "when"], (path, code, message) =>
        report(source, path, code, message),
      );
      if (diagnostics.length === before && canHold(rule.when, index) === false) {
        report(
          source,
          ["rules", r, "when"],
          "rule-never-fires",
          `rule ${rule.id} can never fire: no answers satisfy its condition`,
          "warning",
        );
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
  ).map(({ effect }) => OUTCOMES.map((outcome) => effect[outcome] ?? 0).join());
  const zero = OUTCOMES.map(() => 0).join();
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

function checkLeaf(
  condition: LeafCondition,
  index: QuestionIndex,
  path: Path,
  report: Reporter,
): void {
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
