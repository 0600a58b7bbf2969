import { dirname, resolve } from "node:path";
import type { z } from "zod";
import { checkAnswers, type QuestionIndex } from "./answers.js";
import type { Diagnostic } from "./diagnostic.js";
import { contentHash } from "./hash.js";
import type { Outcome } from "./outcomes.js";
import {
  type Answers,
  type AnswerValue,
  organizationSchema,
  type Rubric,
  type RubricTest,
  rubricSchema,
  rubricTestSchema,
} from "./schema.js";
import {
  locate,
  locateKey,
  type Path,
  parseYaml,
  parseYamlDocuments,
  type SourceDocument,
} from "./yaml.js";
import { diagnosticsFromZod } from "./zod-issues.js";

/*
 * YAML text → rubrics, organisations and rubric tests, checked against their schemas, with every
 * problem placed at its line and column. Pure: nothing here reads the disk.
 */

export interface LoadedRubric {
  rubric: Rubric;
  source: SourceDocument;
  /** SHA-256 of the rubric's content (not its comments or layout). */
  sha256: string;
}

export interface Organization {
  name: string;
  description?: string;
  respondent?: { name: string; role?: string | undefined };
  /** For a handout's cover. */
  preparedFor?: string;
  preparedBy?: string;
  /** The verdicts a firm expects, for calibration. */
  expect?: ReadonlyArray<Outcome | "undecided">;
  /** Only answered questions; a prototype-less map. */
  answers: Answers;
  /** The parsed YAML, kept for editing the file in place; absent after the fast path. */
  source?: SourceDocument;
}

export type Parsed<T> = { value?: T; diagnostics: Diagnostic[] };

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

/** A problem at a path of a parsed document. */
export function problem(
  source: SourceDocument,
  path: Path,
  code: string,
  message: string,
): Diagnostic {
  return { ...locate(source, path), code, severity: "error", message };
}

/**
 * YAML text → one rubric, or every problem found in it. Pure: never reads the disk. A rubric the
 * schema refuses is handed to `refused` with the schema's issues (validate still checks what it
 * can of it).
 */
export function parseRubric(
  text: string,
  file: string,
  refused?: (source: SourceDocument, issues: readonly z.core.$ZodIssue[]) => void,
): Parsed<LoadedRubric> {
  const { source, diagnostics } = parseKind(parseYaml(text, file), "Rubric");
  if (diagnostics.length > 0) return { diagnostics };
  const result = rubricSchema.safeParse(source.data);
  if (!result.success) {
    refused?.(source, result.error.issues);
    return { diagnostics: diagnosticsFromZod(source, rubricSchema, result.error.issues) };
  }
  return {
    value: { rubric: result.data, source, sha256: contentHash(result.data) },
    diagnostics: [],
  };
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

/** Every RubricTest in a YAML stream, checked against the test schema, one result per document. */
export function parseRubricTests(
  text: string,
  file: string,
): Array<Parsed<RubricTest> & { source: SourceDocument }> {
  return parseYamlDocuments(text, file).map((parsed) => {
    const { source, diagnostics } = parseKind(parsed, "RubricTest");
    if (diagnostics.length > 0) return { diagnostics, source };
    const result = rubricTestSchema.safeParse(source.data);
    if (!result.success)
      return {
        diagnostics: diagnosticsFromZod(source, rubricTestSchema, result.error.issues),
        source,
      };
    return { value: result.data, diagnostics: [], source };
  });
}

/**
 * A test's answers, checked against the rubrics' questions and located in its file: its org
 * file's (read by `readOrg`) or its inline `answers`, then its `set` overrides. The same check
 * for `validate` and `test`, so they agree on what a valid test is.
 */
export async function rubricTestAnswers(
  test: RubricTest,
  source: SourceDocument,
  questions: QuestionIndex,
  readOrg: (path: string) => Promise<string>,
): Promise<{ answers?: Answers; diagnostics: Diagnostic[] }> {
  const inThis = (key: "answers" | "set") => ({
    key: (id: string) => locateKey(source, [key], id),
    value: (id: string) => locate(source, [key, id]),
  });
  let answers: Answers;
  if (test.org !== undefined) {
    const path = resolve(dirname(source.file), test.org);
    let text: string;
    try {
      text = await readOrg(path);
    } catch (error) {
      return {
        diagnostics: [
          problem(
            source,
            ["org"],
            "unreadable",
            `org: cannot read ${path}: ${error instanceof Error ? error.message : String(error)}`,
          ),
        ],
      };
    }
    const parsed = parseOrganization(text, path, questions);
    if (!parsed.value) return { diagnostics: parsed.diagnostics };
    answers = parsed.value.answers;
  } else {
    const at = inThis("answers");
    const checked = checkAnswers(test.answers ?? {}, questions, at.key, at.value);
    if (checked.diagnostics.length > 0) return { diagnostics: checked.diagnostics };
    answers = checked.answers;
  }
  const at = inThis("set");
  const set = checkAnswers(test.set ?? {}, questions, at.key, at.value);
  if (set.diagnostics.length > 0) return { diagnostics: set.diagnostics };
  const merged: Record<string, AnswerValue> = Object.assign(Object.create(null), answers);
  for (const [id, value] of Object.entries(set.answers)) merged[id] = value as AnswerValue;
  // `null` in `set` unanswers, as `--set id=null` does.
  for (const [id, value] of Object.entries(test.set ?? {})) if (value === null) delete merged[id];
  return { answers: merged, diagnostics: [] };
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
  if (result.data.preparedFor !== undefined) org.preparedFor = result.data.preparedFor;
  if (result.data.preparedBy !== undefined) org.preparedBy = result.data.preparedBy;
  if (result.data.expect !== undefined) {
    const wanted = result.data.expect.recommendation;
    org.expect = Array.isArray(wanted) ? wanted : [wanted];
  }
  return { value: org, diagnostics: [] };
}
