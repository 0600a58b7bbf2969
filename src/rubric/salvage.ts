import type { z } from "zod";
import type { Diagnostic } from "./diagnostic.js";
import { contentHash } from "./hash.js";
import type { LoadedRubric } from "./parse.js";
import { rubricSchema } from "./schema.js";
import { locate, type Path, type SourceDocument } from "./yaml.js";

/** What a rubric with schema errors still lets the cross-file checks see. */
export interface Salvaged {
  rubric: LoadedRubric;
  /** Questions that stand in for broken ones: their ids resolve, their shape is unknown. */
  opaque: Set<string>;
  /** Where the broken parts are written: findings inside them are the schema's to report. */
  broken: Array<{ file: string; from: number; to: number }>;
}

const ID = /^[a-z][a-z0-9_-]*$/;

/**
 * Stand-ins for required top-level fields the schema refused, so the rest can still be checked;
 * any other refused field (order, guidance, families…) is dropped.
 */
const PLACEHOLDERS: Record<string, unknown> = {
  apiVersion: "rolefit/v1",
  kind: "Rubric",
  version: "0.0.0",
  title: "Rubric",
  description: "-",
  weight: 1,
  questions: [],
  rules: [],
};

/**
 * A rubric the schema refused, made checkable for the checks across files (duplicate ids,
 * references, families): each broken question or rule is replaced by a stand-in keeping its id
 * (so references to it resolve and duplicates are still found), broken top-level fields by
 * placeholders, unknown keys dropped. Undefined when even that does not parse.
 */
export function salvageRubric(
  source: SourceDocument,
  issues: readonly z.core.$ZodIssue[],
): Salvaged | undefined {
  const original = source.data;
  if (!original || typeof original !== "object" || Array.isArray(original)) return undefined;
  const data = structuredClone(original) as Record<string, unknown>;
  const opaque = new Set<string>();
  const broken: Salvaged["broken"] = [];
  const stubbed = new Set<string>();
  const markBroken = (path: Path) => {
    const span = locate(source, path);
    broken.push({ file: source.file, from: span.line, to: span.endLine ?? span.line });
  };

  for (const issue of issues) {
    const [top, index] = issue.path as Path;
    if (top === undefined) {
      if (issue.code === "unrecognized_keys") for (const key of issue.keys) delete data[key];
      continue;
    }
    const key = String(top);
    const list = data[key];
    if (
      (key === "questions" || key === "rules") &&
      typeof index === "number" &&
      Array.isArray(list)
    ) {
      if (stubbed.has(`${key}:${index}`)) continue;
      stubbed.add(`${key}:${index}`);
      markBroken([key, index]);
      const element = list[index] as Record<string, unknown> | undefined;
      const id = typeof element?.id === "string" && ID.test(element.id) ? element.id : undefined;
      if (key === "questions") {
        const stand = id ?? `unreadable-question-${index}`;
        if (id) opaque.add(id);
        list[index] = {
          id: stand,
          prompt: "-",
          help: "-",
          type: "boolean",
          ...(typeof element?.family === "string" && ID.test(element.family)
            ? { family: element.family }
            : {}),
          answers: [
            { value: true, effect: {}, reason: "-" },
            { value: false, effect: {}, reason: "-" },
          ],
        };
      } else {
        // A rule nobody can make fire: its own findings lie inside the broken range anyway.
        list[index] = {
          id: id ?? `unreadable-rule-${index}`,
          effect: "forbid",
          outcome: "combine",
          when: { question: "unreadable-question" },
          reason: "-",
        };
      }
      continue;
    }
    // A missing key has no place of its own: marking its parent would hide every finding.
    if (key in (original as Record<string, unknown>)) markBroken([key]);
    // Each file's stand-in id is its own, or two broken files would be "duplicates".
    if (key === "id") data.id = `unreadable-rubric-${contentHash(source.file).slice(0, 12)}`;
    else if (key in PLACEHOLDERS) data[key] = PLACEHOLDERS[key];
    else delete data[key];
  }
  const result = rubricSchema.safeParse(data);
  if (!result.success) return undefined;
  return {
    rubric: { rubric: result.data, source, sha256: contentHash(result.data) },
    opaque,
    broken,
  };
}

/** Whether a finding lies in a part the schema already refused (so it would say it twice). */
export const insideBroken = (diagnostic: Diagnostic, broken: Salvaged["broken"]): boolean =>
  // A stand-in keeps its id, so a duplicate id found on it is real.
  !diagnostic.code.startsWith("duplicate-") &&
  broken.some(
    (range) =>
      range.file === diagnostic.file &&
      diagnostic.line >= range.from &&
      diagnostic.line <= range.to,
  );
