import { z } from "zod";
import { allowedValues, describeDomain, numericDomain } from "./question.js";
import { organizationSchema, type Question, rubricSchema, rubricTestSchema } from "./schema.js";

type JsonSchema = Record<string, unknown>;

const SCHEMA_BASE = "https://rolefit.dev/schema";

/** The JSON Schema of rubric files, from the same zod schema the loader uses. */
export function rubricJsonSchema(): JsonSchema {
  return {
    ...z.toJSONSchema(rubricSchema, { io: "input" }),
    $id: `${SCHEMA_BASE}/rubric.schema.json`,
    title: "rolefit rubric",
  };
}

/** The JSON Schema of RubricTest files (`rolefit test`). */
export function rubricTestJsonSchema(): JsonSchema {
  return {
    ...z.toJSONSchema(rubricTestSchema, { io: "input" }),
    $id: `${SCHEMA_BASE}/rubric-test.schema.json`,
    title: "rolefit rubric test",
  };
}

/** What one answer may be, so an editor knows every question's type and allowed values. */
function answerSchema(question: Question): JsonSchema {
  const base = { description: `${question.prompt} Allowed: ${describeDomain(question)}.` };
  switch (question.type) {
    case "choice":
    case "scale":
      return { ...base, anyOf: [{ enum: allowedValues(question) }, { type: "null" }] };
    case "boolean":
      return {
        ...base,
        anyOf: [
          { type: ["boolean", "null"] },
          // The words checkAnswer reads as true and false, in any case.
          {
            type: "string",
            pattern: "^([Yy]([Ee][Ss])?|[Nn][Oo]?|[Tt][Rr][Uu][Ee]|[Ff][Aa][Ll][Ss][Ee])$",
          },
        ],
      };
    case "multi":
      return {
        ...base,
        anyOf: [
          { type: "array", items: { enum: allowedValues(question) }, uniqueItems: true },
          { type: "null" },
        ],
      };
    case "integer":
    case "percent": {
      const { min, max } = numericDomain(question);
      const bounds = { minimum: min, ...(Number.isFinite(max) ? { maximum: max } : {}) };
      const number = { type: question.type === "integer" ? "integer" : "number", ...bounds };
      // A share may also be written "45%".
      const text =
        question.type === "percent" ? [{ type: "string", pattern: "^-?\\d+(\\.\\d+)?\\s*%$" }] : [];
      return { ...base, anyOf: [number, ...text, { type: "null" }] };
    }
  }
}

/** The JSON Schema of org files for these questions (in interview order): every question id, type and allowed value. */
export function orgJsonSchema(questions: readonly Question[]): JsonSchema {
  const schema = z.toJSONSchema(organizationSchema, { io: "input" }) as JsonSchema & {
    properties: Record<string, JsonSchema>;
  };
  const properties = Object.fromEntries(
    questions.map((question) => [question.id, answerSchema(question)]),
  );
  return {
    ...schema,
    $id: `${SCHEMA_BASE}/org.schema.json`,
    title: "rolefit organisation",
    properties: {
      ...schema.properties,
      answers: {
        anyOf: [{ type: "object", properties, additionalProperties: false }, { type: "null" }],
      },
    },
  };
}
