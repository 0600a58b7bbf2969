/*
 * A reader for the plainest org files, as most of a batch is: top-level `key: value` lines, one
 * level of nested mappings (`answers:`, `respondent:`), plain or simply quoted scalars, flow
 * lists of plain scalars, and comments. It reads them as a YAML 1.2 core-schema parser does;
 * whatever it is not sure of, it refuses (undefined), and a full parser reads the file instead.
 */

// The YAML 1.2 core schema's scalars, as the careful parser reads them.
export const CORE_NULL = /^(?:~|null|Null|NULL|)$/;
export const CORE_BOOL = /^(?:true|True|TRUE|false|False|FALSE)$/;
export const CORE_INT = /^(?:[-+]?[0-9]+|0o[0-7]+|0x[0-9a-fA-F]+)$/;
export const CORE_FLOAT =
  /^(?:[-+]?(?:\.[0-9]+|[0-9]+(?:\.[0-9]*)?)(?:[eE][-+]?[0-9]+)?|[-+]?\.(?:inf|Inf|INF)|\.(?:nan|NaN|NAN))$/;

export const coreInt = (text: string): number =>
  text.startsWith("0o")
    ? Number.parseInt(text.slice(2), 8)
    : text.startsWith("0x")
      ? Number.parseInt(text.slice(2), 16)
      : Number.parseInt(text, 10);

export const coreFloat = (text: string): number =>
  /inf/i.test(text)
    ? text.startsWith("-")
      ? Number.NEGATIVE_INFINITY
      : Number.POSITIVE_INFINITY
    : /nan/i.test(text)
      ? Number.NaN
      : Number(text);

export const coreBool = (text: string): boolean => /^t/i.test(text);

/** A plain scalar's value under the core schema. */
function coreScalar(text: string): unknown {
  // Most answers are words: a letter no null, boolean or number starts with is text at once.
  if (text !== "" && !MAYBE_NOT_TEXT.has(text.charCodeAt(0))) return text;
  if (CORE_NULL.test(text)) return null;
  if (CORE_BOOL.test(text)) return coreBool(text);
  if (CORE_INT.test(text)) return coreInt(text);
  if (CORE_FLOAT.test(text)) return coreFloat(text);
  return text;
}

/**
 * Where the key of the line from `start` to `end` of `text` ends (at its `:`), for a line
 * `key:` alone or `key: value`, where a key is `[A-Za-z_][A-Za-z0-9_-]*`; -1 for any other line.
 * Scanned by hand, in place: a regular expression's match, or a string per line, made for every
 * line of every file, cost a batch more than the scan.
 */
function keyEnd(text: string, start: number, end: number): number {
  const first = text.charCodeAt(start);
  if (!(isLetter(first) || first === 95)) return -1;
  let at = start + 1;
  while (at < end) {
    const code = text.charCodeAt(at);
    if (isLetter(code) || isDigit(code) || code === 95 || code === 45) at++;
    else break;
  }
  if (at === end || text.charCodeAt(at) !== 58) return -1;
  // After the colon: nothing, or a space (then the value).
  if (at + 1 < end && text.charCodeAt(at + 1) !== 32) return -1;
  return at;
}

const isLetter = (code: number) => (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
const isDigit = (code: number) => code >= 48 && code <= 57;
/** Characters that may not open a plain scalar here (`-` may, before a non-space: `-20`). */
const INDICATORS = new Set([..."?:,[]{}#&*!|>'\"%@`"].map((char) => char.charCodeAt(0)));
const opensWithIndicator = (text: string): boolean => {
  const first = text.charCodeAt(0);
  if (INDICATORS.has(first)) return true;
  // Within a line, and with tabs refused, white space after a `-` is a space.
  return first === 45 && (text.length === 1 || text.charCodeAt(1) === 32);
};
/** Inside a block plain scalar: `: ` or a final `:` would be a mapping. */
function mappingInside(text: string): boolean {
  for (let at = text.indexOf(":"); at >= 0; at = text.indexOf(":", at + 1))
    if (at + 1 === text.length || text.charCodeAt(at + 1) === 32) return true;
  return false;
}
/** Inside a flow list item: the flow indicators too. */
const FLOW_INSIDE = /[:,[\]{}'"]/;
const DOUBLE_QUOTED = /^"([\x20\x21\x23-\x5b\x5d-\x7e\u00a0-\ud7ff\ue000-\ufffd]*)"$/;
const SINGLE_QUOTED = /^'([\x20-\x26\x28-\x7e\u00a0-\ud7ff\ue000-\ufffd]*)'$/;
/**
 * A character this reader does not take anywhere in a file: controls (but line ends),
 * characters outside the basic plane, and the line and paragraph separators, which end a line
 * for some readers. Checked once per file, comments included.
 */
const UNPRINTABLE = /[^\n\r\x20-\x7e\u00a0-\u2027\u202a-\ud7ff\ue000-\ufffd]/;

/** A carriage return that does not end a line. */
const LONE_CR = /\r(?!\n)/;

/** YAML's white space is spaces (tabs never reach here); JavaScript's trim takes more. */
function trimSpaces(text: string): string {
  let start = 0;
  let end = text.length;
  while (start < end && text.charCodeAt(start) === 32) start++;
  while (end > start && text.charCodeAt(end - 1) === 32) end--;
  return start === 0 && end === text.length ? text : text.slice(start, end);
}

/** First characters of what could read as other than text: a null, boolean or number. */
const MAYBE_NOT_TEXT = new Set([..."-+.0123456789~nNtTfF"].map((char) => char.charCodeAt(0)));

/** The value after `key: `, its comment cut; undefined when unsure. */
function scalarValue(raw: string): unknown {
  // A comment starts at a `#` after a space; `a#b` is text.
  const comment = raw.indexOf(" #");
  const text = trimSpaces(comment >= 0 ? raw.slice(0, comment) : raw);
  if (text === "") return null;
  const first = text.charAt(0);
  if (first === '"') return DOUBLE_QUOTED.exec(text)?.[1];
  if (first === "'") return SINGLE_QUOTED.exec(text)?.[1];
  if (first === "[") {
    if (!text.endsWith("]")) return undefined;
    const inner = trimSpaces(text.slice(1, -1));
    if (inner === "") return [];
    const items = inner.split(",").map(trimSpaces);
    for (const item of items)
      if (item === "" || opensWithIndicator(item) || FLOW_INSIDE.test(item) || item.includes("#"))
        return undefined;
    return items.map(coreScalar);
  }
  if (opensWithIndicator(text) || mappingInside(text)) return undefined;
  return coreScalar(text);
}

/**
 * The one document of a flat org file as plain data; undefined for anything else (several
 * documents, block lists, multi-line or escaped strings, deeper nesting, duplicate keys).
 */
export function readFlatYaml(text: string): Record<string, unknown> | undefined {
  // A byte-order mark, a carriage return that does not end a line, or a character this reader
  // does not take, is for a full parser.
  if (text.charCodeAt(0) === 0xfeff || LONE_CR.test(text) || UNPRINTABLE.test(text))
    return undefined;
  const top: Record<string, unknown> = {};
  /** The mapping being filled under a top-level key, and its indentation once known. */
  let nested: Record<string, unknown> | undefined;
  let indent = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    const next = end + 1;
    if (end > start && text.charCodeAt(end - 1) === 13) end--;
    let at = start;
    while (at < end && text.charCodeAt(at) === 32) at++;
    const lead = at - start;
    start = next;
    if (at === end || text.charCodeAt(at) === 35) continue;
    if (lead === 0) nested = undefined;
    else if (!nested || (indent !== 0 && lead !== indent)) return undefined;
    const colon = keyEnd(text, at, end);
    if (colon < 0) return undefined;
    const key = text.slice(at, colon);
    // `true:` or `null:` is a key that is not text.
    if (MAYBE_NOT_TEXT.has(key.charCodeAt(0)) && (CORE_BOOL.test(key) || CORE_NULL.test(key)))
      return undefined;
    const target = nested ?? top;
    if (Object.hasOwn(target, key)) return undefined;
    let valueStart = colon + 1;
    while (valueStart < end && text.charCodeAt(valueStart) === 32) valueStart++;
    let valueEnd = end;
    while (valueEnd > valueStart && text.charCodeAt(valueEnd - 1) === 32) valueEnd--;
    if (lead === 0 && (valueStart === valueEnd || text.charCodeAt(valueStart) === 35)) {
      // Nothing after the key: a nested mapping follows, or the value is null.
      nested = Object.create(null);
      indent = 0;
      top[key] = nested;
      continue;
    }
    if (lead > 0) indent = lead;
    const value = scalarValue(text.slice(valueStart, valueEnd));
    if (value === undefined) return undefined;
    target[key] = value;
  }
  // No keys at all is an empty document (null): not this reader's to say.
  if (Object.keys(top).length === 0) return undefined;
  for (const key of Object.keys(top)) {
    const value = top[key];
    // A key whose nested mapping never got a key was null (`answers:` alone).
    if (typeof value === "object" && value !== null && !Array.isArray(value))
      if (Object.keys(value).length === 0) top[key] = null;
  }
  return top;
}
