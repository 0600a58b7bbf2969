import { Document, isMap, isScalar, type YAMLMap } from "yaml";
import type { Step } from "../../interview/flow.js";
import { writeFileAtomic } from "../../io/write.js";
import type { Answers } from "../../rubric/schema.js";

/** `Northwind Payments` → `northwind-payments.yaml`: the default answers file for an interview. */
export function defaultAnswersPath(name: string): string {
  const slug = name
    .normalize("NFKD")
    .replace(/[\u0300-\u036f]/g, "")
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, "-")
    .replace(/^-+|-+$/g, "");
  return `${cutAtWord(slug, 60) || "organisation"}.yaml`;
}

/** At most `limit` characters of a slug, ending at a word boundary where there is one. */
function cutAtWord(slug: string, limit: number): string {
  if (slug.length <= limit) return slug;
  const end = slug.slice(0, limit + 1).lastIndexOf("-");
  return end > 0 ? slug.slice(0, end) : slug.slice(0, limit);
}

/** A path as a POSIX shell word: as it is when safe, else in single quotes. */
export const shellQuote = (path: string): string =>
  /^[\w./-]+$/.test(path) ? path : `'${path.replace(/'/g, "'\\''")}'`;

export function resumeCommand(path: string): string {
  return `rolefit assess --org ${shellQuote(path)} --interactive`;
}

/**
 * The org file an interview writes after every answer. It edits the YAML document it was loaded
 * from, so comments and layout in a file a client sent survive, and it always stays a valid org
 * file that `rolefit assess --org` runs as is.
 */
export class AnswersFile {
  private constructor(
    readonly path: string,
    private readonly doc: Document,
    private readonly steps: readonly Step[],
  ) {}

  static create(
    path: string,
    name: string,
    steps: readonly Step[],
    respondent?: string,
  ): AnswersFile {
    const header = {
      apiVersion: "rolefit/v1",
      kind: "Organization",
      name,
      ...(respondent ? { respondent: { name: respondent } } : {}),
    };
    const doc = new Document({ ...header, answers: {} });
    doc.commentBefore = ` Answers recorded by rolefit's interview.\n Resume with: ${resumeCommand(path)}`;
    return new AnswersFile(path, doc, steps);
  }

  static fromDocument(path: string, doc: Document, steps: readonly Step[]): AnswersFile {
    return new AnswersFile(path, doc.clone(), steps);
  }

  async save(answers: Answers): Promise<void> {
    let map = this.doc.get("answers", true);
    if (!isMap(map)) {
      map = this.doc.createNode({});
      this.doc.set("answers", map);
    }
    const entries = map as YAMLMap;
    for (const { question } of this.steps) {
      const value = answers[question.id];
      const existing = entries.get(question.id, true);
      if (value === undefined) entries.delete(question.id);
      // Changing a scalar in place keeps the comment written next to it.
      else if (isScalar(existing) && !Array.isArray(value)) existing.value = value;
      else entries.set(question.id, this.doc.createNode(value, { flow: true }));
    }
    await writeFileAtomic(this.path, this.doc.toString({ lineWidth: 0 }));
  }
}
