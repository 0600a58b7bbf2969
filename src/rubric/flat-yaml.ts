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
  if (!MAYBE_NOT_TEXT.test(text)) return text;
  if (CORE_NULL.test(text)) return null;
  if (CORE_BOOL.test(text)) return coreBool(text);
  if (CORE_INT.test(text)) return coreInt(text);
  if (CORE_FLOAT.test(text)) return coreFloat(text);
  return text;
}

/**
 * Where a line's key ends (at its `:`), for a line `key:` alone or `key: value`, where a key is
 * `[A-Za-z_][A-Za-z0-9_-]*`; -1 for any other line. Scanned by hand: a regular expression's
 * match, made for every line of every file, cost a batch more than the scan.
 */
function keyEnd(line: string): number {
  const first = line.charCodeAt(0);
  if (!(isLetter(first) || first === 95)) return -1;
  let at = 1;
  for (;;) {
    const code = line.charCodeAt(at);
    if (isLetter(code) || isDigit(code) || code === 95 || code === 45) at++;
    else break;
  }
  if (line.charCodeAt(at) !== 58) return -1;
  // After the colon: nothing, or a space (then the value). A line or paragraph separator ends a
  // line for some readers: refused, as the pattern this scan replaced refused it.
  if (at + 1 < line.length && line.charCodeAt(at + 1) !== 32) return -1;
  return line.includes("\u2028") || line.includes("\u2029") ? -1 : at;
}

const isLetter = (code: number) => (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
const isDigit = (code: number) => code >= 48 && code <= 57;
/** Characters that may not open a plain scalar here (`-` may, before a non-space: `-20`). */
const INDICATOR = /^[?:,[\]{}#&*!|>'"%@`]|^-(?:\s|$)/;
/** Inside a block plain scalar: `: ` or a final `:` would be a mapping. */
const MAPPING_INSIDE = /:(?:\s|$)/;
/** Inside a flow list item: the flow indicators too. */
const FLOW_INSIDE = /[:,[\]{}'"]/;
const DOUBLE_QUOTED = /^"([\x20\x21\x23-\x5b\x5d-\x7e\u00a0-\ud7ff\ue000-\ufffd]*)"$/;
const SINGLE_QUOTED = /^'([\x20-\x26\x28-\x7e\u00a0-\ud7ff\ue000-\ufffd]*)'$/;
/** Printable text this reader takes (no controls, no characters outside the basic plane). */
const PRINTABLE = /^[\x20-\x7e\u00a0-\ud7ff\ue000-\ufffd]*$/;

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

/** What could read as other than text: empty, or starting as a null, boolean or number does. */
const MAYBE_NOT_TEXT = /^(?:$|[-+.0-9~nNtTfF])/;

/** The value after `key: `, its comment cut; undefined when unsure. */
function scalarValue(raw: string): unknown {
  // A comment starts at a `#` after a space; `a#b` is text.
  const comment = raw.indexOf(" #");
  const text = trimSpaces(comment >= 0 ? raw.slice(0, comment) : raw);
  if (text === "") return null;
  if (!PRINTABLE.test(text)) return undefined;
  const first = text.charAt(0);
  if (first === '"') return DOUBLE_QUOTED.exec(text)?.[1];
  if (first === "'") return SINGLE_QUOTED.exec(text)?.[1];
  if (first === "[") {
    if (!text.endsWith("]")) return undefined;
    const inner = trimSpaces(text.slice(1, -1));
    if (inner === "") return [];
    const items = inner.split(",").map(trimSpaces);
    for (const item of items)
      if (item === "" || INDICATOR.test(item) || FLOW_INSIDE.test(item) || item.includes("#"))
        return undefined;
    return items.map(coreScalar);
  }
  if (INDICATOR.test(text) || MAPPING_INSIDE.test(text)) return undefined;
  return coreScalar(text);
}

/**
 * The one document of a flat org file as plain data; undefined for anything else (several
 * documents, block lists, multi-line or escaped strings, deeper nesting, duplicate keys).
 */
export function readFlatYaml(text: string): Record<string, unknown> | undefined {
  // A byte-order mark, or a carriage return that does not end a line, is for a full parser.
  if (text.charCodeAt(0) === 0xfeff || LONE_CR.test(text)) return undefined;
  const top: Record<string, unknown> = {};
  /** The mapping being filled under a top-level key, and its indentation once known. */
  let nested: Record<string, unknown> | undefined;
  let indent = 0;
  let start = 0;
  while (start < text.length) {
    let end = text.indexOf("\n", start);
    if (end < 0) end = text.length;
    let line = text.slice(start, end);
    start = end + 1;
    if (line.endsWith("\r")) line = line.slice(0, -1);
    let lead = 0;
    while (line.charCodeAt(lead) === 32) lead++;
    const content = lead === 0 ? line : line.slice(lead);
    if (content === "" || content.charAt(0) === "#") continue;
    if (lead === 0) nested = undefined;
    else if (!nested || (indent !== 0 && lead !== indent)) return undefined;
    const colon = keyEnd(content);
    if (colon < 0) return undefined;
    const key = content.slice(0, colon);
    // `true:` or `null:` is a key that is not text.
    if (CORE_BOOL.test(key) || CORE_NULL.test(key)) return undefined;
    const target = nested ?? top;
    if (Object.hasOwn(target, key)) return undefined;
    const rest = trimSpaces(content.slice(colon + 1));
    if (lead === 0 && (rest === "" || rest.charAt(0) === "#")) {
      // Nothing after the key: a nested mapping follows, or the value is null.
      nested = {};
      indent = 0;
      top[key] = nested;
      continue;
    }
    if (lead > 0) indent = lead;
    const value = scalarValue(rest);
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
