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
    .replace(/^-+|-+$/g, "")
    .slice(0, 60);
  return `${slug || "organisation"}.yaml`;
}

export function resumeCommand(path: string): string {
  const quoted = /^[\w./-]+$/.test(path) ? path : `'${path.replace(/'/g, "'\\''")}'`;
  return `rolefit assess --org ${quoted} --interactive`;
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
