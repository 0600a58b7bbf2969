import {
  Document,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  parseAllDocuments,
  visit,
} from "yaml";
import type { Diagnostic } from "./diagnostic.js";

export type Path = ReadonlyArray<string | number>;

/** A parsed YAML file that can say where any path in it sits. */
export interface SourceDocument {
  file: string;
  doc: Document;
  lineCounter: LineCounter;
  /** Plain data, or undefined when the YAML itself is broken. */
  data: unknown;
}

/** Aliases beyond this are treated as an expansion bomb, not as data. */
const MAX_ALIAS_COUNT = 100;

type Parsed = { source: SourceDocument; diagnostics: Diagnostic[] };

const PARSE_OPTIONS = {
  prettyErrors: false,
  uniqueKeys: true,
  merge: false,
  strict: true,
} as const;

/** Deeper nesting than this is refused before parsing: no rolefit file needs it, and it can exhaust the stack. */
export const MAX_NESTING = 64;

/** Where flow collections (`[`, `{`) first nest deeper than MAX_NESTING, or -1. Quoted text is skipped. */
function tooDeepFlow(text: string): number {
  let depth = 0;
  let quote = "";
  for (let i = 0; i < text.length; i++) {
    const char = text[i];
    if (quote) {
      if (char === quote || char === "\n") quote = "";
      else if (char === "\\" && quote === '"') i++;
    } else if (char === '"' || char === "'") quote = char;
    else if (char === "[" || char === "{") {
      if (++depth > MAX_NESTING) return i;
    } else if (char === "]" || char === "}") depth = Math.max(0, depth - 1);
  }
  return -1;
}

/** A line that opens a block scalar (`key: |`, `- >-`): the lines indented below it are text. */
const OPENS_BLOCK_SCALAR = /(?:^|[\s:-])[|>][-+0-9]*\s*(?:#.*)?$/;
/** The `- ` and `? ` marks that open a nested collection on the same line. */
const COMPACT_MARK = /^([-?])(?:[ \t]+|$)/;

/**
 * Where block collections (indentation, `- - -` on one line) first nest deeper than MAX_NESTING,
 * or -1: each line's indentation and its leading marks go on a stack of columns, popped as lines
 * come back out, so the scan stays linear. Text inside block scalars is skipped.
 */
function tooDeepBlock(text: string): number {
  const columns: number[] = [];
  let scalarIndent = -1;
  let offset = 0;
  for (const line of text.split("\n")) {
    const start = offset;
    offset += line.length + 1;
    const indent = line.length - line.trimStart().length;
    const body = line.slice(indent);
    if (body === "" || body.startsWith("#")) continue;
    if (scalarIndent >= 0) {
      if (indent > scalarIndent) continue;
      scalarIndent = -1;
    }
    while (columns.length > 0 && (columns[columns.length - 1] as number) >= indent) columns.pop();
    let column = indent;
    let rest = body;
    for (let mark = COMPACT_MARK.exec(rest); mark; mark = COMPACT_MARK.exec(rest)) {
      columns.push(column);
      if (columns.length > MAX_NESTING) return start + column;
      column += mark[0].length;
      rest = rest.slice(mark[0].length);
    }
    if (rest !== "") columns.push(column);
    if (columns.length > MAX_NESTING) return start + column;
    if (OPENS_BLOCK_SCALAR.test(rest)) scalarIndent = indent;
  }
  return -1;
}

/** Where nesting first goes deeper than MAX_NESTING, flow or block, or -1. */
function tooDeep(text: string): number {
  const flow = tooDeepFlow(text);
  return flow >= 0 ? flow : tooDeepBlock(text);
}

/** Every document of a YAML stream (`---` separated), each with its own located problems. */
export function parseYamlDocuments(text: string, file: string): Parsed[] {
  const lineCounter = new LineCounter();
  const deep = tooDeep(text);
  if (deep >= 0) {
    const before = text.slice(0, deep);
    const line = before.split("\n").length;
    const column = deep - before.lastIndexOf("\n");
    const message = `nested more than ${MAX_NESTING} levels deep; rolefit files need far fewer`;
    return [
      {
        source: { file, doc: new Document(null), lineCounter, data: undefined },
        diagnostics: [{ file, line, column, code: "too-deep", severity: "error", message }],
      },
    ];
  }
  const docs = parseAllDocuments(text, { ...PARSE_OPTIONS, lineCounter });
  if (!Array.isArray(docs) || docs.length === 0) {
    // An empty stream still parses as one empty document, so callers report "empty file".
    return [checkDocument(new Document(null), file, lineCounter)];
  }
  // A stray `---` at the end of a stream is an empty document, not an organisation.
  const filled = docs.filter((doc) => doc.contents !== null || doc.errors.length > 0);
  return (filled.length > 0 ? filled : docs.slice(0, 1)).map((doc) =>
    checkDocument(doc, file, lineCounter),
  );
}

/** One YAML document; a stream of several is an error here (rubric files hold one rubric). */
export function parseYaml(text: string, file: string): Parsed {
  const [first, ...rest] = parseYamlDocuments(text, file);
  const parsed = first as Parsed;
  const second = rest[0];
  if (second && parsed.diagnostics.length === 0) {
    const start = second.source.doc.range?.[0] ?? 0;
    parsed.diagnostics.push({
      ...spanAt(parsed.source, start, start),
      code: "multiple-documents",
      severity: "error",
      message: `expected one YAML document, found ${rest.length + 1}; put each in its own file`,
    });
  }
  return parsed;
}

function checkDocument(doc: Document, file: string, lineCounter: LineCounter): Parsed {
  const source: SourceDocument = { file, doc, lineCounter, data: undefined };
  const diagnostics: Diagnostic[] = [];
  for (const problem of [...doc.errors, ...doc.warnings]) {
    const [start, end] = problem.pos;
    diagnostics.push({
      ...spanAt(source, start, end),
      code: problem.code === "DUPLICATE_KEY" ? "duplicate-key" : "yaml-syntax",
      severity: "error",
      message: yamlMessage(problem.code, problem.message),
    });
  }
  // Converting to plain objects would turn a `__proto__` key into a prototype: refuse it first.
  visit(doc, {
    Pair(_, pair) {
      // A list or mapping as a key would reach the data as "[object Object]"-like text.
      if (isNode(pair.key) && !isScalar(pair.key)) {
        const range = pair.key.range ?? [0, 0];
        diagnostics.push({
          ...spanAt(source, range[0], range[1]),
          code: "invalid-key",
          severity: "error",
          message: "a key must be a plain word or number, not a list, mapping or alias",
        });
      } else if (isScalar(pair.key) && pair.key.value === "__proto__") {
        const range = pair.key.range ?? [0, 0];
        diagnostics.push({
          ...spanAt(source, range[0], range[1]),
          code: "unknown-key",
          severity: "error",
          message: 'key "__proto__" is not allowed in rolefit files',
        });
      }
    },
  });
  if (diagnostics.length > 0) return { source, diagnostics };
  try {
    source.data = doc.toJS({ maxAliasCount: MAX_ALIAS_COUNT });
  } catch (error) {
    diagnostics.push({
      ...spanAt(source, 0, 0),
      code: "yaml-alias-limit",
      severity: "error",
      message: `the YAML expands too much through aliases (${(error as Error).message})`,
    });
  }
  return { source, diagnostics };
}

function yamlMessage(code: string, message: string): string {
  // yaml's own text ends with a position suffix we already give in FILE:LINE:COL form.
  const text = message.replace(/ at line \d+, column \d+:?[\s\S]*$/, "");
  if (code === "DUPLICATE_KEY") return `${text}; each key may appear once`;
  if (code === "TAG_RESOLVE_FAILED") return `${text}; custom tags are not allowed`;
  return text;
}

type Span = Pick<Diagnostic, "file" | "line" | "column" | "endLine" | "endColumn">;

function spanAt(source: SourceDocument, start: number, end: number): Span {
  const from = source.lineCounter.linePos(start);
  const to = source.lineCounter.linePos(Math.max(start, end));
  return {
    file: source.file,
    line: from.line,
    column: from.col,
    endLine: to.line,
    endColumn: to.col,
  };
}

function spanOf(source: SourceDocument, node: Node | null | undefined): Span {
  const range = node?.range;
  if (!range) return spanAt(source, 0, 0);
  return spanAt(source, range[0], range[1]);
}

/**
 * The deepest node on `path`. When the path goes further than the document (a missing key),
 * the nearest existing ancestor stands in for it.
 */
function nodeAt(source: SourceDocument, path: Path): Node | null {
  let node: unknown = source.doc.contents;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = node.items.find(
        (item) => isScalar(item.key) && String(item.key.value) === String(segment),
      );
      if (!pair || !isNode(pair.value)) return node;
      node = pair.value;
    } else if (isSeq(node) && typeof segment === "number") {
      const item = node.items[segment];
      if (!isNode(item)) return node;
      node = item;
    } else {
      break;
    }
  }
  return isNode(node) ? node : null;
}

/** Where the value at `path` is. */
export function locate(source: SourceDocument, path: Path): Span {
  return spanOf(source, nodeAt(source, path));
}

/** Where the key `key` of the map at `path` is written (for unknown keys). */
export function locateKey(source: SourceDocument, path: Path, key: string): Span {
  const map = nodeAt(source, path);
  if (isMap(map)) {
    const pair = map.items.find(
      (item) => isPair(item) && isScalar(item.key) && String(item.key.value) === key,
    );
    if (pair && isNode(pair.key)) return spanOf(source, pair.key);
  }
  return spanOf(source, map);
}

/** `questions[2].answers[0].effect` — how a path reads in a message. */
export function pathLabel(path: Path): string {
  let label = "";
  for (const segment of path) {
    label += typeof segment === "number" ? `[${segment}]` : label === "" ? segment : `.${segment}`;
  }
  return label;
}
