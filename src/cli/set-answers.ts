import { UsageError } from "../io/errors.js";
import { checkAnswers, type QuestionIndex } from "../rubric/answers.js";
import type { Answers, AnswerValue } from "../rubric/schema.js";
import { visible } from "../text/visible.js";

const NO_POSITION = () => ({ file: "--set", line: 0, column: 0 });

/** Checked `--set` overrides: a value per question, or null to clear that answer. */
export type Overrides = ReadonlyMap<string, AnswerValue | null>;

/**
 * `--set QUESTION=VALUE` flags, VALUE read as a YAML flow value and checked exactly like an
 * answer in an org file. Parsed once per run; later flags win over earlier ones.
 */
export async function parseSetFlags(
  flags: readonly string[],
  index: QuestionIndex,
): Promise<Overrides> {
  if (flags.length === 0) return new Map();
  // The YAML library is loaded only for runs that give --set: a plain run starts without it.
  const { parseDocument } = await import("yaml");
  const raw: Record<string, unknown> = Object.create(null);
  for (const flag of flags) {
    const at = flag.indexOf("=");
    if (at <= 0)
      throw new UsageError(
        `--set ${visible(flag)}: expected QUESTION=VALUE, e.g. --set employees=900`,
      );
    const id = flag.slice(0, at).trim();
    const doc = parseDocument(flag.slice(at + 1), { strict: true, merge: false, uniqueKeys: true });
    const notAValue = new UsageError(
      `--set ${visible(flag)}: the value is not valid YAML; write a word, a number, true/false or a list like [a,b]`,
    );
    if (doc.errors.length > 0 || doc.warnings.length > 0) throw notAValue;
    try {
      raw[id] = doc.toJS({ maxAliasCount: 0 });
    } catch {
      // `*a` parses, as an alias to nothing: still not a value --set can take.
      throw notAValue;
    }
  }
  const { answers, diagnostics } = checkAnswers(raw, index, NO_POSITION, NO_POSITION);
  if (diagnostics.length > 0)
    throw new UsageError(diagnostics.map((d) => `--set ${visible(d.message)}`).join("\n"));
  // `--set q=null` (or `~`) clears an answer, to ask "what if we did not know this?".
  return new Map(Object.keys(raw).map((id) => [id, answers[id] ?? null]));
}

/** The answers with the overrides applied; the answers passed in are not changed. */
export function applyOverrides(answers: Answers, overrides: Overrides): Answers {
  if (overrides.size === 0) return answers;
  const merged: Record<string, AnswerValue> = Object.assign(Object.create(null), answers);
  for (const [id, value] of overrides) {
    if (value === null) delete merged[id];
    else merged[id] = value;
  }
  return merged;
}
