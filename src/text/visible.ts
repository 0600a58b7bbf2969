/**
 * Text from input (names, paths, keys, values, rubric prose) made safe to show to a person: every
 * character that could move the cursor, recolour or clear a terminal, reorder a line (bidi
 * controls) or start a new line is shown as a visible escape instead (`\e`, `\n`, `\x9b`,
 * `\u202e`). Applied where input meets output, never to the tool's own formatting.
 */

// C0 and C1 controls, DEL, the bidi embedding/override/isolate marks, line and paragraph
// separators and the byte-order mark (built from a string: the ranges are the point).
const UNSAFE_CLASS =
  "[\\u0000-\\u001f\\u007f-\\u009f\\u061c\\u200e\\u200f\\u2028\\u2029\\u202a-\\u202e\\u2066-\\u2069\\ufeff]";
const UNSAFE = new RegExp(UNSAFE_CLASS, "g");
const HAS_UNSAFE = new RegExp(UNSAFE_CLASS);

const NAMED: Record<string, string> = {
  "\u001b": "\\e",
  "\n": "\\n",
  "\r": "\\r",
  "\t": "\\t",
  "\0": "\\0",
};

function escapeOne(char: string): string {
  const named = NAMED[char];
  if (named) return named;
  const code = char.charCodeAt(0);
  return code <= 0xff
    ? `\\x${code.toString(16).padStart(2, "0")}`
    : `\\u${code.toString(16).padStart(4, "0")}`;
}

/** `text` with every unsafe character shown as an escape; safe text is returned as it is. */
export function visible(text: string): string {
  return HAS_UNSAFE.test(text) ? text.replace(UNSAFE, escapeOne) : text;
}

/** The escapes visible() writes, so a cut can step around them. */
const ESCAPE_AT_END = /\\(?:x[0-9a-f]{0,1}|u[0-9a-f]{0,3})?$/;

/**
 * At most `width` characters of already-visible text, ending in `…` when cut. A cut never splits
 * an escape such as `\x9b` in half: the partial escape goes with the rest.
 */
export function cut(text: string, width: number): string {
  if (text.length <= width) return text;
  let head = text.slice(0, Math.max(0, width - 1));
  const partial = ESCAPE_AT_END.exec(head);
  if (partial && isEscapeStart(text, partial.index)) head = head.slice(0, partial.index);
  return `${head}…`;
}

/** Whether the backslash at `at` begins one of visible()'s escapes (not one escaped itself). */
function isEscapeStart(text: string, at: number): boolean {
  return /^\\(?:e|n|r|t|0|x[0-9a-f]{2}|u[0-9a-f]{4})/.test(text.slice(at, at + 6));
}

/**
 * A copy of `value` with every string in it (and every key) made visible(): for renderers that
 * print whatever a result holds. Values without unsafe text come back as they are.
 */
export function deepVisible<T>(value: T): T {
  if (typeof value === "string") return visible(value) as T;
  if (Array.isArray(value)) {
    const items = value.map(deepVisible);
    return (items.every((item, i) => item === value[i]) ? value : items) as T;
  }
  if (value instanceof Map) {
    let changed = false;
    const entries = [...value].map(([k, v]) => {
      const entry = [deepVisible(k), deepVisible(v)] as const;
      if (entry[0] !== k || entry[1] !== v) changed = true;
      return entry;
    });
    return (changed ? new Map(entries) : value) as T;
  }
  if (value !== null && typeof value === "object") {
    let changed = false;
    const copy: Record<string, unknown> = Object.create(Object.getPrototypeOf(value));
    for (const [k, v] of Object.entries(value)) {
      const key = visible(k);
      const item = deepVisible(v);
      if (key !== k || item !== v) changed = true;
      copy[key] = item;
    }
    return (changed ? copy : value) as T;
  }
  return value;
}

// JSON escapes C0 controls itself; the rest of the class it leaves raw.
const JSON_UNSAFE = new RegExp(UNSAFE_CLASS.replace("\\u0000-\\u001f", ""), "g");

/**
 * JSON text with the controls JSON.stringify leaves raw (DEL, C1, bidi marks, line separators)
 * written as \u escapes: the same JSON once parsed, and no raw control byte for a terminal.
 */
export function safeJson(json: string): string {
  return json.replace(
    JSON_UNSAFE,
    (char) => `\\u${char.charCodeAt(0).toString(16).padStart(4, "0")}`,
  );
}

/** A value as an indented JSON document for output, with safeJson's escapes. */
export const jsonDocument = (value: unknown): string =>
  `${safeJson(JSON.stringify(value, null, 2))}\n`;
