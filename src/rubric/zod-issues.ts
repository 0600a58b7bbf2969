import type { z } from "zod";
import type { Diagnostic } from "./diagnostic.js";
import { didYouMean, listOf } from "./suggest.js";
import { locate, locateKey, type Path, pathLabel, type SourceDocument } from "./yaml.js";

type Def = { type: string; [key: string]: unknown };

function defOf(schema: unknown): Def | undefined {
  return (schema as { _zod?: { def?: Def } } | undefined)?._zod?.def;
}

/** Object keys a schema accepts, merged over union branches, so "did you mean" can suggest them. */
function keysOf(schema: unknown, depth = 0): string[] {
  const def = defOf(schema);
  if (!def || depth > 8) return [];
  switch (def.type) {
    case "object":
      return Object.keys(def.shape as object);
    case "union":
      return [
        ...new Set((def.options as unknown[]).flatMap((option) => keysOf(option, depth + 1))),
      ];
    case "lazy":
      return keysOf((def.getter as () => unknown)(), depth + 1);
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
      return keysOf(def.innerType, depth + 1);
    case "pipe":
      return keysOf(def.in, depth + 1);
    default:
      return [];
  }
}

/** The schema that validates the value at `path`, following the data through unions. */
function schemaAt(schema: unknown, path: Path, data: unknown): unknown {
  let current = schema;
  let value = data;
  for (const segment of path) {
    current = childSchema(current, segment, value);
    value = (value as Record<string | number, unknown> | undefined)?.[segment];
    if (current === undefined) return undefined;
  }
  return current;
}

function childSchema(
  schema: unknown,
  segment: string | number,
  value: unknown,
  depth = 0,
): unknown {
  const def = defOf(schema);
  if (!def || depth > 8) return undefined;
  switch (def.type) {
    case "object":
      return (def.shape as Record<string, unknown>)[String(segment)];
    case "array":
      return def.element;
    case "record":
      return def.valueType;
    case "union": {
      const options = def.options as unknown[];
      const discriminator = def.discriminator as string | undefined;
      const chosen =
        discriminator && value && typeof value === "object"
          ? options.find((option) => {
              const literal = defOf(
                (defOf(option)?.shape as Record<string, unknown>)?.[discriminator],
              );
              return (literal?.values as unknown[] | undefined)?.includes(
                (value as Record<string, unknown>)[discriminator],
              );
            })
          : undefined;
      for (const option of chosen ? [chosen] : options) {
        const child = childSchema(option, segment, value, depth + 1);
        if (child !== undefined) return child;
      }
      return undefined;
    }
    case "lazy":
      return childSchema((def.getter as () => unknown)(), segment, value, depth + 1);
    case "optional":
    case "nullable":
    case "default":
    case "prefault":
      return childSchema(def.innerType, segment, value, depth + 1);
    case "pipe":
      return childSchema(def.in, segment, value, depth + 1);
    default:
      return undefined;
  }
}

function describeValue(value: unknown): string {
  if (value === undefined) return "nothing";
  if (value === null) return "an empty value";
  if (Array.isArray(value)) return "a list";
  if (typeof value === "object") return "a mapping";
  if (typeof value === "string") return `"${value.length > 40 ? `${value.slice(0, 40)}…` : value}"`;
  return String(value);
}

function valueAt(data: unknown, path: Path): unknown {
  let value = data;
  for (const segment of path) {
    if (value === null || typeof value !== "object") return undefined;
    value = Object.hasOwn(value, segment)
      ? (value as Record<string | number, unknown>)[segment]
      : undefined;
  }
  return value;
}

const TYPE_NAMES: Record<string, string> = {
  object: "a mapping",
  array: "a list",
  string: "a text",
  number: "a number",
  boolean: "true or false",
};

function issueMessage(issue: z.core.$ZodIssue, found: unknown): string {
  switch (issue.code) {
    case "invalid_type":
      if (found === undefined)
        return `is required (${TYPE_NAMES[issue.expected] ?? issue.expected})`;
      return `expected ${TYPE_NAMES[issue.expected] ?? issue.expected}, found ${describeValue(found)}`;
    case "invalid_value":
      return `expected ${issue.values.length === 1 ? JSON.stringify(issue.values[0]) : `one of ${listOf(issue.values)}`}, found ${describeValue(found)}`;
    case "invalid_union":
      if ("discriminator" in issue && issue.discriminator) {
        const options = (issue as { options?: unknown[] }).options ?? [];
        const given = typeof found === "string" ? didYouMean(found, options.map(String)) : "";
        return `expected one of ${listOf(options)}, found ${describeValue(found)}${given}`;
      }
      {
        // A value-or-list union: say what the plain value may be, the usual thing to write.
        const first = (issue as { errors?: z.core.$ZodIssue[][] }).errors?.[0]?.[0];
        if (first?.code === "invalid_value") {
          const given =
            typeof found === "string" ? didYouMean(found, first.values.map(String)) : "";
          return `expected one of ${listOf(first.values)} (or a list of them), found ${describeValue(found)}${given}`;
        }
        return `is not a valid entry (found ${describeValue(found)})`;
      }
    case "too_small":
    case "too_big": {
      const small = issue.code === "too_small";
      const bound = small ? issue.minimum : issue.maximum;
      if (issue.origin === "array") {
        return `expected ${small ? "at least" : "at most"} ${bound} item${Number(bound) === 1 ? "" : "s"}, found ${Array.isArray(found) ? found.length : 0}`;
      }
      if (issue.origin === "string") return issue.message;
      const comparison = small
        ? issue.inclusive
          ? "at least"
          : "above"
        : issue.inclusive
          ? "at most"
          : "below";
      return `expected a number ${comparison} ${bound}, found ${describeValue(found)}`;
    }
    case "invalid_format":
      return `${issue.message}, found ${describeValue(found)}`;
    default:
      return issue.message;
  }
}

/** zod issues → located diagnostics, each saying what failed, what is allowed and what was found. */
export function diagnosticsFromZod(
  source: SourceDocument,
  schema: z.ZodType,
  issues: readonly z.core.$ZodIssue[],
): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const issue of issues) {
    const path = issue.path as Path;
    if (issue.code === "unrecognized_keys") {
      const allowed = keysOf(schemaAt(schema, path, source.data));
      for (const key of issue.keys) {
        const where = path.length > 0 ? ` in ${pathLabel(path)}` : "";
        diagnostics.push({
          ...locateKey(source, path, key),
          code: "unknown-key",
          severity: "error",
          message: `unknown key "${key}"${where}${didYouMean(key, allowed)}; allowed: ${listOf(allowed, 20)}`,
        });
      }
      continue;
    }
    const found = valueAt(source.data, path);
    const label = pathLabel(path);
    diagnostics.push({
      ...locate(source, path),
      code: found === undefined && issue.code === "invalid_type" ? "missing-key" : "invalid-value",
      severity: "error",
      message: `${label || "document"}: ${issueMessage(issue, found)}`,
    });
  }
  return diagnostics;
}
