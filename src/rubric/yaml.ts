import {
  Document,
  isMap,
  isNode,
  isPair,
  isScalar,
  isSeq,
  LineCounter,
  type Node,
  type Pair,
  parseAllDocuments,
  visit,
  type YAMLMap,
} from "yaml";
import { keyed } from "../cache/memo.js";
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
  // Checked below in one pass: the library's own check compares each key with every other.
  uniqueKeys: false,
  merge: false,
  strict: true,
  // Always the 1.2 core schema, whatever a `%YAML` directive says (other versions are refused).
  schema: "core",
} as const;

/** Deeper nesting than this is refused before parsing: no rolefit file needs it, and it can exhaust the stack. */
export const MAX_NESTING = 64;

const TOO_DEEP_MESSAGE = `nested more than ${MAX_NESTING} levels deep; rolefit files need far fewer`;

/** A key and its colon at the start of a block line, so the value after it can be found. */
const BLOCK_KEY = /^(?:[^\s#'"[{][^#\n]*?|"(?:[^"\\]|\\.)*"|'(?:[^']|'')*'):(?= |$)\s*/;

/**
 * Where nesting first goes deeper than MAX_NESTING, or -1, in one linear pass over the text:
 * block collections (indentation, and `- - -` or `? ` on one line) on a stack of columns, flow
 * collections (`[`, `{`) as a count. Quoted scalars (which may span lines), comments, and plain
 * or block scalars (`|`, `>`) with the more-indented lines under them are text, not nesting.
 */
function tooDeep(text: string): number {
  const blocks: number[] = [];
  let flow = 0;
  let quote = "";
  // At 0 or more: lines indented more than this belong to a block or plain scalar above.
  let scalarAbove = -1;
  const depth = () => Math.max(0, blocks.length - 1) + flow;
  for (let lineStart = 0; lineStart <= text.length; ) {
    let end = text.indexOf("\n", lineStart);
    if (end < 0) end = text.length;
    let p = lineStart;
    while (p < end && text[p] === " ") p++;
    const indent = p - lineStart;
    const blank = p === end || text[p] === "\r" || (text[p] === "#" && !quote);
    if (scalarAbove >= 0 && !quote) {
      if (blank || indent > scalarAbove) {
        lineStart = end + 1;
        continue;
      }
      scalarAbove = -1;
    }
    if (!quote && flow === 0) {
      if (blank) {
        lineStart = end + 1;
        continue;
      }
      if (indent === 0 && (text.startsWith("---", p) || text.startsWith("...", p)))
        blocks.length = 0;
      while (blocks.length > 0 && (blocks[blocks.length - 1] as number) > indent) blocks.pop();
      // Every `- ` or `? ` opens a node one level deeper, on the same line.
      for (;;) {
        if (blocks[blocks.length - 1] !== p - lineStart) {
          blocks.push(p - lineStart);
          if (depth() > MAX_NESTING) return p;
        }
        const mark = (text[p] === "-" || text[p] === "?") && (p + 1 === end || text[p + 1] === " ");
        if (!mark) break;
        p++;
        while (p < end && text[p] === " ") p++;
        if (p === end || text[p] === "#") break;
      }
    }
    let column = blocks[blocks.length - 1] ?? 0;
    let valueAt = -1;
    if (!quote && flow === 0) {
      const key = BLOCK_KEY.exec(text.slice(p, end));
      valueAt = key ? p + key[0].length : p;
      // After a key, `? ? ? x` or `- - x` nests on the same line as well.
      while (
        valueAt > p &&
        (text[valueAt] === "-" || text[valueAt] === "?") &&
        (valueAt + 1 === end || text[valueAt + 1] === " ")
      ) {
        column = valueAt - lineStart;
        blocks.push(column);
        if (depth() > MAX_NESTING) return valueAt;
        valueAt++;
        while (valueAt < end && text[valueAt] === " ") valueAt++;
      }
    }
    for (let q = p; q < end; q++) {
      const char = text[q];
      if (quote) {
        if (char === quote) {
          if (quote === "'" && text[q + 1] === "'") q++;
          else quote = "";
        } else if (char === "\\" && quote === '"') q++;
        continue;
      }
      if (char === "#" && (q === lineStart || text[q - 1] === " ")) break;
      // A closing bracket ends a flow collection wherever it stands, even right after a value.
      if ((char === "]" || char === "}") && flow > 0) {
        flow--;
        continue;
      }
      // Quotes and brackets count only where a token starts, not inside a plain word.
      const before = q === lineStart ? " " : text[q - 1];
      const tokenStart =
        before === " " ||
        before === "[" ||
        before === "{" ||
        before === "," ||
        (before === ":" && flow > 0);
      if (!tokenStart && q !== valueAt) continue;
      if (char === '"' || char === "'") quote = char;
      else if (char === "[" || char === "{") {
        flow++;
        if (depth() > MAX_NESTING) return q;
      } else if (flow === 0 && q === valueAt && char !== "&" && char !== "!" && char !== "*") {
        // A block or plain scalar: the rest of the line and the lines indented under it are text.
        scalarAbove = column;
        break;
      }
    }
    lineStart = end + 1;
  }
  return -1;
}

/** Documents one file may hold: far more than a 1 MiB file of real organisations can. */
const MAX_DOCUMENTS = 10_000;

/** Where the document past MAX_DOCUMENTS starts (its `---`), or -1. */
function tooManyDocuments(text: string): number {
  const marker = /^---(?=[ \t\r\n]|$)/gm;
  let count = 0;
  for (let found = marker.exec(text); found; found = marker.exec(text))
    if (++count > MAX_DOCUMENTS) return found.index;
  return -1;
}

/** A file refused by a scan before the parser sees it: one finding, no document. */
function refusedBeforeParsing(
  file: string,
  lineCounter: LineCounter,
  finding: Pick<Diagnostic, "line" | "column" | "code" | "message">,
): Parsed {
  return {
    source: { file, doc: new Document(null), lineCounter, data: undefined },
    diagnostics: [{ file, severity: "error", ...finding }],
  };
}

/** Every document of a YAML stream (`---` separated), each with its own located problems. */
export function parseYamlDocuments(text: string, file: string): Parsed[] {
  const lineCounter = new LineCounter();
  const deep = tooDeep(text);
  if (deep >= 0) {
    const before = text.slice(0, deep);
    const line = before.split("\n").length;
    const column = deep - before.lastIndexOf("\n");
    const message = TOO_DEEP_MESSAGE;
    return [refusedBeforeParsing(file, lineCounter, { line, column, code: "too-deep", message })];
  }
  const many = tooManyDocuments(text);
  if (many >= 0) {
    const line = text.slice(0, many).split("\n").length;
    return [
      refusedBeforeParsing(file, lineCounter, {
        line,
        column: 1,
        code: "too-many-documents",
        message: `more than ${MAX_DOCUMENTS} documents in one file; split it into several files`,
      }),
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
    checkDocument(doc, file, lineCounter, text),
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

function checkDocument(doc: Document, file: string, lineCounter: LineCounter, text = ""): Parsed {
  const source: SourceDocument = { file, doc, lineCounter, data: undefined };
  const diagnostics: Diagnostic[] = [];
  const problems = [...doc.errors, ...doc.warnings];
  // The library gave up on nesting the depth scan did not foresee: one finding, not hundreds.
  const exhausted = problems.find((problem) => problem.code === "RESOURCE_EXHAUSTION");
  // One syntax error is reported once, where it is: what the parser says after it is about the
  // confusion it caused (as ESLint reports one parse error). Duplicate keys each stand alone.
  const syntax = problems
    .filter((problem) => problem.code !== "DUPLICATE_KEY")
    .sort((a, b) => a.pos[0] - b.pos[0])
    .slice(0, 1);
  const reported = exhausted
    ? [exhausted]
    : [...syntax, ...problems.filter((problem) => problem.code === "DUPLICATE_KEY")];
  for (const problem of reported) {
    const [start, end] = problem.pos;
    diagnostics.push({
      ...spanAt(source, start, end),
      code:
        problem.code === "DUPLICATE_KEY" ? "duplicate-key" : exhausted ? "too-deep" : "yaml-syntax",
      severity: "error",
      message: exhausted ? TOO_DEEP_MESSAGE : yamlMessage(problem.code, problem.message),
    });
  }
  const version = doc.directives?.yaml;
  if (version?.explicit && version.version !== "1.2") {
    // The directive stands before the document it governs.
    const at = Math.max(0, text.lastIndexOf("%YAML", doc.range?.[0] ?? 0));
    diagnostics.push({
      ...spanAt(source, at, at),
      code: "yaml-syntax",
      severity: "error",
      message: `YAML ${version.version} is not supported; rolefit reads YAML 1.2: remove the %YAML line`,
    });
  }
  const keyProblem = (key: Node, code: string, message: string) => {
    const range = key.range ?? [0, 0];
    diagnostics.push({ ...spanAt(source, range[0], range[1]), code, severity: "error", message });
  };
  // Checked before the YAML becomes objects: a `__proto__` key would become a prototype, and a
  // list or mapping as a key would become "[object Object]"-like text.
  const keysSeen = new WeakMap<object, Set<string>>();
  visit(doc, {
    Pair(_, pair, path) {
      const map = path[path.length - 1];
      if (isNode(pair.key) && !isScalar(pair.key))
        keyProblem(
          pair.key,
          "invalid-key",
          "a key must be a plain word or number, not a list, mapping or alias",
        );
      if (!isScalar(pair.key) || !map) return;
      if (pair.key.value === "__proto__")
        keyProblem(pair.key, "unknown-key", 'key "__proto__" is not allowed in rolefit files');
      const seen = keysSeen.get(map) ?? new Set<string>();
      keysSeen.set(map, seen);
      const key = `${typeof pair.key.value}:${String(pair.key.value)}`;
      if (seen.has(key))
        keyProblem(pair.key, "duplicate-key", "Map keys must be unique; each key may appear once");
      seen.add(key);
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

/** Each map's pairs by key, made once per map: finding every key of a big map stays linear. */
const pairsByKey = keyed("YAML pairs by key", (map: YAMLMap) => {
  const pairs = new Map<string, Pair>();
  for (const item of map.items)
    if (isPair(item) && isScalar(item.key)) {
      const name = String(item.key.value);
      if (!pairs.has(name)) pairs.set(name, item);
    }
  return pairs;
});

const pairOf = (map: YAMLMap, key: string): Pair | undefined => pairsByKey(map).get(key);

/**
 * The deepest node on `path`. When the path goes further than the document (a missing key),
 * the nearest existing ancestor stands in for it.
 */
function nodeAt(source: SourceDocument, path: Path): Node | null {
  let node: unknown = source.doc.contents;
  for (const segment of path) {
    if (isMap(node)) {
      const pair = pairOf(node, String(segment));
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
    const pair = pairOf(map, key);
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
