import { type Dirent, readdirSync, type Stats, statSync } from "node:fs";
import { join, sep } from "node:path";

/** One input of a run, in the order given; `error` when the argument matched nothing readable. */
export interface Input {
  path: string;
  error?: string;
}

/** Plain files of one folder, in order: the folder's path prefix and the files' names. */
export interface FilesInFolder {
  prefix: string;
  names: readonly string[];
}

interface FileRun extends FilesInFolder {
  names: string[];
}

/**
 * The inputs of a run, in order, kept compact: a folder's plain files as its path prefix and
 * their names, anything else as an Input of its own. 100,000 files then take a few megabytes,
 * where as many path strings and objects held a batch's peak memory up by a fifth.
 */
export class InputList implements Iterable<Input> {
  private readonly parts: Array<Input | FileRun> = [];
  /** The index of each part's first input, for `at`. */
  private readonly starts: number[] = [];
  private count = 0;

  get length(): number {
    return this.count;
  }

  push(input: Input): void {
    this.starts.push(this.count);
    this.parts.push(input);
    this.count++;
  }

  /** A plain file found in a folder: its path is `prefix + name`. */
  pushFile(prefix: string, name: string): void {
    const last = this.parts[this.parts.length - 1];
    if (last && "names" in last && last.prefix === prefix) last.names.push(name);
    else {
      this.starts.push(this.count);
      this.parts.push({ prefix, names: [name] });
    }
    this.count++;
  }

  append(other: InputList): void {
    for (const [index, part] of other.parts.entries()) {
      this.starts.push(this.count + (other.starts[index] as number));
      this.parts.push(part);
    }
    this.count += other.count;
  }

  /** The input at this position (undefined past the end). */
  at(index: number): Input | undefined {
    if (index < 0 || index >= this.count) return undefined;
    // The last part starting at or before `index`.
    let low = 0;
    let high = this.starts.length - 1;
    while (low < high) {
      const middle = (low + high + 1) >> 1;
      if ((this.starts[middle] as number) <= index) low = middle;
      else high = middle - 1;
    }
    const part = this.parts[low] as Input | FileRun;
    if (!("names" in part)) return part;
    return { path: part.prefix + part.names[index - (this.starts[low] as number)] };
  }

  /** The plain files found in folders (no links), by folder, in order. */
  *plainFiles(): Generator<FilesInFolder> {
    for (const part of this.parts) if ("names" in part) yield part;
  }

  /** The inputs that are not a folder's plain files, in order. */
  *others(): Generator<Input> {
    for (const part of this.parts) if (!("names" in part)) yield part;
  }

  *[Symbol.iterator](): Iterator<Input> {
    for (const part of this.parts) {
      if (!("names" in part)) yield part;
      else for (const name of part.names) yield { path: part.prefix + name };
    }
  }
}

interface ExpandedInputs {
  inputs: InputList;
  /** True when the arguments can stand for more than one file: a folder, a glob, several args. */
  batch: boolean;
}

const YAML_FILE = /\.ya?ml$/i;
const GLOB_CHARS = /[*?[\]{}]/;

const byPath = (a: string, b: string) => (a < b ? -1 : a > b ? 1 : 0);

/**
 * A path's status, links followed, or undefined when there is nothing there. Synchronous: a
 * command line waits for it anyway, and the promise API's module costs every start to load.
 */
export function statOrUndefined(path: string): Stats | undefined {
  try {
    return statSync(path);
  } catch {
    return undefined;
  }
}

/** What a directory entry is, when it is not a regular file or a folder. */
export function oddKind(info: {
  isFIFO(): boolean;
  isSocket(): boolean;
  isCharacterDevice(): boolean;
  isBlockDevice(): boolean;
}): string {
  if (info.isFIFO()) return "a FIFO";
  if (info.isSocket()) return "a socket";
  if (info.isCharacterDevice() || info.isBlockDevice()) return "a device";
  return "not a regular file";
}

/**
 * Every *.yaml / *.yml file below a folder, sorted, without following links to folders. Only
 * regular files are taken: a FIFO, socket or device is listed as skipped, never opened (opening
 * a FIFO would wait forever for a writer).
 */
function walk(dir: string, matches: (path: string) => boolean, into: InputList): void {
  let entries: Dirent[];
  try {
    entries = readdirSync(dir, { withFileTypes: true });
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    into.push({
      path: dir,
      error:
        code === "EACCES" || code === "EPERM"
          ? "permission denied"
          : `cannot read folder: ${(error as Error).message}`,
    });
    return;
  }
  // Every path below starts with the folder's own, joined once: `join` per entry builds each
  // path afresh, several times the memory over 100,000 files. An entry's name holds no `/`
  // and is never `.` or `..`, so joining it to the prefix is what `join` would give.
  const prefix = dir === "." ? "" : join(dir, "_").slice(0, -1);
  for (const entry of entries.sort((a, b) => byPath(a.name, b.name))) {
    const path = prefix + entry.name;
    if (entry.isDirectory()) walk(path, matches, into);
    else if (!matches(path)) continue;
    else if (entry.isFile()) into.pushFile(prefix, entry.name);
    else if (entry.isSymbolicLink()) {
      const target = statOrUndefined(path);
      if (!target) into.push({ path, error: "skipped: a link to nothing" });
      else if (target.isFile()) into.push({ path });
      else if (!target.isDirectory())
        into.push({ path, error: `skipped: links to ${oddKind(target)}, not a regular file` });
    } else into.push({ path, error: `skipped: ${oddKind(entry)}, not a regular file` });
  }
}

/** `*`, `?`, `**`, `[abc]`, `{a,b}` → a regular expression over the whole path. */
function globToRegExp(pattern: string): RegExp {
  let out = "";
  for (let i = 0; i < pattern.length; i++) {
    const char = pattern[i] as string;
    if (char === "*") {
      if (pattern[i + 1] === "*") {
        const slash = pattern[i + 2] === "/";
        out += slash ? "(?:.*/)?" : ".*";
        i += slash ? 2 : 1;
      } else {
        out += "[^/]*";
      }
    } else if (char === "?") out += "[^/]";
    else if (char === "[") {
      const end = pattern.indexOf("]", i + 1);
      if (end < 0) out += "\\[";
      else {
        const body = pattern
          .slice(i + 1, end)
          .replace(/^!/, "^")
          .replace(/\\/g, "\\\\");
        out += `[${body}]`;
        i = end;
      }
    } else if (char === "{") {
      const end = pattern.indexOf("}", i + 1);
      if (end < 0) out += "\\{";
      else {
        out += `(?:${pattern
          .slice(i + 1, end)
          .split(",")
          .map((part) => part.replace(/[.+^$()|\\]/g, "\\$&").replace(/\*/g, "[^/]*"))
          .join("|")})`;
        i = end;
      }
    } else out += char.replace(/[.+^$()|\\]/g, "\\$&");
  }
  // dotAll: a name may hold a line break, and `.*` must still cross it.
  return new RegExp(`^${out}$`, "s");
}

function expandGlob(pattern: string): InputList {
  const normalized = pattern.split(sep).join("/");
  const segments = normalized.split("/");
  const firstGlob = segments.findIndex((segment) => GLOB_CHARS.test(segment));
  const base = segments.slice(0, firstGlob).join("/") || (normalized.startsWith("/") ? "/" : ".");
  const regex = globToRegExp(normalized.replace(/^\.\//, ""));
  const found = new InputList();
  walk(base, (path) => regex.test(path.split(sep).join("/").replace(/^\.\//, "")), found);
  return found;
}

/**
 * `--org` arguments → the files to read, in order: a file as given, a folder as every YAML file
 * below it (sorted), a glob as the files it matches (sorted), `-` as standard input. An argument
 * that matches nothing stays in the list with an error, so it is reported in its place.
 */
export function expandInputs(args: readonly string[]): ExpandedInputs {
  const inputs = new InputList();
  let batch = args.length > 1;
  for (const arg of args) {
    if (arg === "-") {
      inputs.push({ path: "-" });
      continue;
    }
    const info = statOrUndefined(arg);
    if (info?.isDirectory()) {
      batch = true;
      const files = new InputList();
      walk(arg, (path) => YAML_FILE.test(path), files);
      if (files.length === 0)
        inputs.push({ path: arg, error: "folder holds no .yaml or .yml files" });
      inputs.append(files);
    } else if (info) {
      inputs.push({ path: arg });
    } else if (GLOB_CHARS.test(arg)) {
      batch = true;
      const files = expandGlob(arg);
      if (files.length === 0) inputs.push({ path: arg, error: "no file matches this pattern" });
      inputs.append(files);
    } else {
      inputs.push({ path: arg, error: "no such file or folder" });
    }
  }
  return { inputs, batch };
}
