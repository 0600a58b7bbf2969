import { Document, isMap, isScalar, isSeq, type Node, type YAMLMap } from "yaml";
import type { Step } from "../../interview/flow.js";
import { writeFileAtomic } from "../../io/stream.js";
import type { Answers } from "../../rubric/schema.js";
import { shellQuote } from "../shell.js";

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

/** ` --rubrics DIR` for each folder given: a command shown to the user runs on the same rubrics. */
export const rubricFlags = (rubrics: readonly string[]) =>
  rubrics.map((dir) => ` --rubrics ${shellQuote(dir)}`).join("");

/** The command that resumes an interview: the file, and the rubric folders it was answered on. */
export function resumeCommand(path: string, rubrics: readonly string[] = []): string {
  return `rolefit assess --org ${shellQuote(path)} --interactive${rubricFlags(rubrics)}`;
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
    /** The answers the file on disk holds already; saving these again writes nothing. */
    private onDisk?: string,
  ) {}

  static create(
    path: string,
    name: string,
    steps: readonly Step[],
    respondent?: { name: string; role?: string | undefined },
    rubrics: readonly string[] = [],
  ): AnswersFile {
    const header = {
      apiVersion: "rolefit/v1",
      kind: "Organization",
      name,
      ...(respondent
        ? { respondent: respondent.role ? respondent : { name: respondent.name } }
        : {}),
    };
    const doc = new Document({ ...header, answers: {} });
    doc.commentBefore = ` Answers recorded by rolefit's interview.\n Resume with: ${resumeCommand(path, rubrics)}`;
    return new AnswersFile(path, doc, steps);
  }

  /** Edits a file read from disk; `current` are its answers when `path` is that same file. */
  static fromDocument(
    path: string,
    doc: Document,
    steps: readonly Step[],
    current?: Answers,
  ): AnswersFile {
    const file = new AnswersFile(path, doc.clone(), steps);
    if (current) file.onDisk = saveKey(current, file.unknown());
    return file;
  }

  /** The questions the file marks "not sure": present, with `null`. */
  unknown(): Set<string> {
    const map = this.doc.get("answers", true);
    const ids = new Set<string>();
    if (isMap(map))
      for (const pair of (map as YAMLMap).items) {
        const key = isScalar(pair.key) ? String(pair.key.value) : String(pair.key);
        if (pair.value === null || (isScalar(pair.value) && pair.value.value === null))
          ids.add(key);
      }
    return ids;
  }

  /**
   * Writes the answers into the file, unless they are the ones it already holds; questions in
   * `unknown` are written as `null`, "not sure". `adaptive` records what an adaptive interview
   * left open, and why (`null` removes it); without it, questions answered since drop out of
   * the record.
   */
  async save(
    answers: Answers,
    marked?: ReadonlySet<string>,
    adaptive?: AdaptiveRecord | null,
  ): Promise<void> {
    // Without a say, the file's own "not sure" marks stand.
    const unknown = marked ?? this.unknown();
    const key = saveKey(answers, unknown, adaptive);
    if (key === this.onDisk) return;
    this.recordAdaptive(answers, adaptive);
    let map = this.doc.get("answers", true);
    if (!isMap(map)) {
      map = this.doc.createNode({});
      this.doc.set("answers", map);
    }
    const entries = map as YAMLMap;
    for (const { question } of this.steps) {
      const value = answers[question.id];
      const existing = entries.get(question.id, true) as Node | undefined;
      if (existing === undefined) {
        if (value !== undefined)
          entries.set(question.id, this.doc.createNode(value, { flow: true }));
        else if (unknown.has(question.id)) entries.set(question.id, this.doc.createNode(null));
        continue;
      }
      // Unanswered stays as `null` and answers change in place, so the comments a client wrote
      // next to a key, a null or a flow list all survive.
      const wanted = value === undefined ? null : value;
      if (isScalar(existing) && !Array.isArray(wanted)) {
        if (existing.value !== wanted) existing.value = wanted;
      } else if (isSeq(existing) && Array.isArray(wanted)) {
        const same =
          existing.items.length === wanted.length &&
          existing.items.every((item, i) => isScalar(item) && item.value === wanted[i]);
        if (!same) existing.items = wanted.map((item) => this.doc.createNode(item));
      } else {
        const node = this.doc.createNode(wanted, { flow: true }) as Node;
        node.comment = existing.comment;
        node.commentBefore = existing.commentBefore;
        entries.set(question.id, node);
      }
    }
    await writeFileAtomic(this.path, this.doc.toString({ lineWidth: 0 }));
    this.onDisk = key;
  }

  /** Sets, removes, or brings up to date the `adaptive` block, placed before the answers. */
  private recordAdaptive(answers: Answers, adaptive: AdaptiveRecord | null | undefined): void {
    if (adaptive === null) {
      this.doc.delete("adaptive");
      return;
    }
    if (adaptive) {
      this.doc.delete("adaptive");
      const node = this.doc.createNode(adaptive);
      const root = this.doc.contents as YAMLMap;
      const at = root.items.findIndex((pair) => isScalar(pair.key) && pair.key.value === "answers");
      root.items.splice(at < 0 ? root.items.length : at, 0, this.doc.createPair("adaptive", node));
      return;
    }
    const block = this.doc.get("adaptive", true);
    const list = isMap(block) ? (block as YAMLMap).get("leftOpen", true) : undefined;
    if (!isSeq(list)) return;
    list.items = list.items.filter(
      (item) => !(isScalar(item) && answers[String(item.value)] !== undefined),
    );
    if (list.items.length === 0) this.doc.delete("adaptive");
  }
}

/** What an adaptive interview left open, as the org file's `adaptive` block holds it. */
export interface AdaptiveRecord {
  settledAfter: number;
  questions: number;
  leftOpen: string[];
  why: string;
}

/** What a save would write, as a key: the same key, the same file. */
function saveKey(
  answers: Answers,
  unknown: ReadonlySet<string>,
  adaptive?: AdaptiveRecord | null,
): string {
  const record = adaptive === undefined ? "" : JSON.stringify(adaptive);
  return `${answersKey(answers)}|${[...unknown].sort().join()}|${record}`;
}

/** The answers in a form that compares equal whatever their order. */
function answersKey(answers: Answers): string {
  return JSON.stringify(
    Object.keys(answers)
      .sort()
      .map((id) => [id, answers[id]]),
  );
}
