import { FAILSAFE_SCHEMA, loadAll, Type } from "js-yaml";
import { checkAnswers, type QuestionIndex } from "./answers.js";
import { API_VERSION } from "./api-version.js";
import {
  CORE_BOOL,
  CORE_FLOAT,
  CORE_INT,
  CORE_NULL,
  coreBool,
  coreFloat,
  coreInt,
  readFlatYaml,
} from "./flat-yaml.js";
import type { Organization, Parsed } from "./parse.js";

/*
 * The batch's fast path for organisation files: a reader for flat files, else js-yaml, and a hand
 * check that mirrors organizationSchema (schema.ts). Whatever it is unsure of goes to the careful
 * parse (parse.ts).
 */

/**
 * Text the fast parser may take: no anchors, aliases, tags, merge keys or `__proto__`, where the
 * two parsers could disagree or where limits apply. Anything else goes the careful way. An `&`,
 * `*` or `!` is an anchor, alias or tag only where a node can start (a line's start, after a
 * `:`, `-`, `?` or flow indicator, spaces between): inside text, as in `Müller & Søn`, it is text
 * to every parser, and such names sent a batch's files the careful way (0.85 ms each).
 */
const NEEDS_CAREFUL_PARSE = /(?:^|[-:?,[\]{}])[ \t]*[&*!]|<<|__proto__|\t|^%/m;

const NOWHERE = () => ({ file: "", line: 0, column: 0 });

// The YAML 1.2 core schema's numbers, as the careful parser reads them. js-yaml's own core schema
// also takes `0b11`, `1_000` and `+0x10`, which the careful parser reads as text.
const intType = new Type("tag:yaml.org,2002:int", {
  kind: "scalar",
  resolve: (text: string | null) => text !== null && CORE_INT.test(text),
  construct: coreInt,
});

const floatType = new Type("tag:yaml.org,2002:float", {
  kind: "scalar",
  resolve: (text: string | null) => text !== null && CORE_FLOAT.test(text) && !CORE_INT.test(text),
  construct: coreFloat,
});

const nullType = new Type("tag:yaml.org,2002:null", {
  kind: "scalar",
  resolve: (text: string | null) => text === null || CORE_NULL.test(text),
  construct: () => null,
});

const boolType = new Type("tag:yaml.org,2002:bool", {
  kind: "scalar",
  resolve: (text: string | null) => text !== null && CORE_BOOL.test(text),
  construct: coreBool,
});

/** The YAML 1.2 core schema exactly, for js-yaml: both readers take the same scalars. */
const STRICT_CORE_SCHEMA = FAILSAFE_SCHEMA.extend({
  implicit: [nullType, boolType, intType, floatType],
});

/**
 * What parseOrganizations gives for a well-formed file, faster, or undefined for any file it is
 * not sure of (unusual YAML, a problem to report): the caller then parses it the careful way,
 * so problems come with lines and columns. It never loads the careful parser itself, which
 * builds its schemas on loading: a single assessment of a plain file then never pays for them.
 */
export function parseOrganizationsFast(
  text: string,
  questions: QuestionIndex,
): Array<Parsed<Organization>> | undefined {
  if (NEEDS_CAREFUL_PARSE.test(text)) return undefined;
  // The plainest files need no YAML parser at all; the rest go to js-yaml first.
  const flat = readFlatYaml(text);
  let documents: unknown[];
  try {
    documents = flat
      ? [flat]
      : loadAll(text, undefined, { schema: STRICT_CORE_SCHEMA, json: false });
  } catch {
    return undefined;
  }
  const orgs: Organization[] = [];
  for (const data of documents) {
    const plain = plainOrganization(data);
    if (!plain) return undefined;
    // An unknown key is a problem the careful parse words with its place: go there at once.
    for (const id in plain.answers) if (!questions.has(id)) return undefined;
    const { answers, diagnostics } = checkAnswers(plain.answers, questions, NOWHERE, NOWHERE);
    if (diagnostics.length > 0) return undefined;
    const org: Organization = { name: plain.name, answers };
    if (plain.description !== undefined) org.description = plain.description;
    if (plain.respondent !== undefined) org.respondent = plain.respondent;
    orgs.push(org);
  }
  if (orgs.length === 0) return undefined;
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
