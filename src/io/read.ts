import {
  closeSync,
  fstatSync,
  openSync,
  readdirSync,
  readSync,
  type Stats,
  statSync,
} from "node:fs";
import { join } from "node:path";
import { FileError, UserError } from "./errors.js";
import { oddKind, statOrUndefined } from "./inputs.js";

/** Files larger than this are refused before they are read into memory. */
const DEFAULT_MAX_FILE_SIZE = 1024 * 1024;

/** The limit for this run: `--max-file-size` sets it once, before any file is read. */
let maxFileSize = DEFAULT_MAX_FILE_SIZE;

export function setMaxFileSize(bytes: number): void {
  maxFileSize = bytes;
}

/** The limit in force, for worker threads that must apply the same. */
export const currentMaxFileSize = (): number => maxFileSize;

function describeFsError(path: string, error: unknown): FileError {
  const code = (error as NodeJS.ErrnoException).code;
  const why =
    code === "ENOENT"
      ? "no such file or folder"
      : code === "EACCES" || code === "EPERM"
        ? "permission denied"
        : code === "EISDIR"
          ? "is a folder, expected a file"
          : ((error as Error).message ?? String(error));
  return new FileError(path, why);
}

/** Bytes → text, refusing what is not UTF-8 text so the YAML parser only sees real text. */
/** One decoder for every file: each new one costs native memory until the collector runs. */
const UTF8 = new TextDecoder("utf-8", { fatal: true });

export function decodeText(bytes: Uint8Array, path: string, maxBytes = maxFileSize): string {
  if (bytes.length > maxBytes) {
    throw new FileError(path, `file is ${bytes.length} bytes, over the ${maxBytes}-byte limit`);
  }
  if (looksLikeUtf16(bytes))
    throw new FileError(path, "UTF-16 is not supported; save the file as UTF-8");
  const nul = bytes.indexOf(0);
  if (nul >= 0)
    throw new FileError(path, `contains a NUL byte at offset ${nul}; expected a YAML text file`);
  let text: string;
  try {
    text = UTF8.decode(bytes);
  } catch {
    const offset = firstInvalidUtf8(bytes);
    throw new FileError(
      path,
      `not valid UTF-8 (bad byte at offset ${offset}); save the file as UTF-8`,
    );
  }
  // Control characters other than tab and line breaks have no place in a YAML text file.
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is the point.
  const control = text.search(/[\u0001-\u0008\u000b\u000c\u000e-\u001f\u007f]/);
  if (control >= 0) {
    const code = text.charCodeAt(control).toString(16).toUpperCase().padStart(4, "0");
    const line = text.slice(0, control).split("\n").length;
    throw new FileError(
      path,
      `contains the control character U+${code} on line ${line}; expected a YAML text file`,
    );
  }
  // YAML 1.2 reads a lone carriage return as a line break; not every reader does. Refused, so
  // no two readers can see different lines.
  const loneCr = text.search(/\r(?!\n)/);
  if (loneCr >= 0) {
    const line = text.slice(0, loneCr).split("\n").length;
    throw new FileError(
      path,
      `line ${line} ends with a lone carriage return (old Mac line endings); save the file with LF or CRLF line endings`,
    );
  }
  return text;
}

/** A UTF-16 byte-order mark, or text whose every other byte is NUL (ASCII in UTF-16). */
function looksLikeUtf16(bytes: Uint8Array): boolean {
  if (bytes.length < 2) return false;
  if ((bytes[0] === 0xff && bytes[1] === 0xfe) || (bytes[0] === 0xfe && bytes[1] === 0xff))
    return true;
  const sample = Math.min(bytes.length - (bytes.length % 2), 64);
  let evenNuls = 0;
  let oddNuls = 0;
  for (let i = 0; i < sample; i += 2) {
    if (bytes[i] === 0) evenNuls++;
    if (bytes[i + 1] === 0) oddNuls++;
  }
  const pairs = sample / 2;
  return pairs >= 2 && (evenNuls === pairs || oddNuls === pairs);
}

/** Offset of the first byte that breaks UTF-8, for the error message; -1 if none. */
function firstInvalidUtf8(bytes: Uint8Array): number {
  let i = 0;
  while (i < bytes.length) {
    const lead = bytes[i] ?? 0;
    if (lead < 0x80) {
      i++;
      continue;
    }
    const length =
      lead >= 0xc2 && lead <= 0xdf
        ? 2
        : lead >= 0xe0 && lead <= 0xef
          ? 3
          : lead >= 0xf0 && lead <= 0xf4
            ? 4
            : 0;
    if (length === 0 || i + length > bytes.length) return i;
    const second = bytes[i + 1] ?? 0;
    // Overlong forms, UTF-16 surrogates and code points above U+10FFFF are invalid too.
    const secondMin = lead === 0xe0 ? 0xa0 : lead === 0xf0 ? 0x90 : 0x80;
    const secondMax = lead === 0xed ? 0x9f : lead === 0xf4 ? 0x8f : 0xbf;
    if (second < secondMin || second > secondMax) return i + 1;
    for (let k = 2; k < length; k++) {
      if (((bytes[i + k] ?? 0) & 0xc0) !== 0x80) return i + k;
    }
    i += length;
  }
  return -1;
}

/** A text file's content, checked: size limit, UTF-8, no NUL or control characters. */
export async function readTextFile(path: string, maxBytes = maxFileSize): Promise<string> {
  return readTextFileSync(path, maxBytes);
}

/**
 * Reads synchronously: a batch reads thousands of small files one after another, where one open,
 * fstat, read and close beat the promise machinery several times over. Reading stops one byte
 * past the limit whatever the file claims, so a device (/dev/zero) or a pipe (`<(…)`), whose
 * size reads as 0, is read as far as the limit and no further.
 */
export function readTextFileSync(path: string, maxBytes = maxFileSize): string {
  let fd: number;
  try {
    fd = openSync(path, "r");
  } catch (error) {
    throw describeFsError(path, error);
  }
  try {
    const info = fstatSync(fd);
    if (info.isDirectory()) throw Object.assign(new Error(), { code: "EISDIR" });
    if (info.size > maxBytes)
      throw new FileError(path, `file is ${info.size} bytes, over the ${maxBytes}-byte limit`);
    // One byte more than the limit, to notice a file that grew since fstat.
    let buffer = Buffer.allocUnsafe(
      info.isFile() ? Math.min(info.size, maxBytes) + 1 : Math.min(64 * 1024, maxBytes + 1),
    );
    let length = 0;
    for (;;) {
      if (length === buffer.length) {
        if (length > maxBytes) throw new FileError(path, `file is over the ${maxBytes}-byte limit`);
        // Only a file that grew, or one that does not know its size, gets here.
        const grown = Buffer.allocUnsafe(Math.min(buffer.length * 2, maxBytes + 1));
        buffer.copy(grown, 0, 0, length);
        buffer = grown;
      }
      const read = readSync(fd, buffer, length, buffer.length - length, null);
      if (read === 0) break;
      length += read;
    }
    return decodeText(buffer.subarray(0, length), path, maxBytes);
  } catch (error) {
    if (error instanceof UserError) throw error;
    throw describeFsError(path, error);
  } finally {
    closeSync(fd);
  }
}

export async function readStdin(maxBytes = maxFileSize): Promise<string> {
  const chunks: Buffer[] = [];
  let total = 0;
  for await (const chunk of process.stdin) {
    total += (chunk as Buffer).length;
    if (total > maxBytes)
      throw new FileError("-", `standard input is over the ${maxBytes}-byte limit`);
    chunks.push(chunk as Buffer);
  }
  return decodeText(Buffer.concat(chunks), "-", maxBytes);
}

/** A file as given, or every *.yaml / *.yml file of a folder, sorted by name. */
export async function expandYamlPath(path: string): Promise<string[]> {
  let info: Stats;
  try {
    info = statSync(path);
  } catch (error) {
    throw describeFsError(path, error);
  }
  if (!info.isDirectory()) return [path];
  let entries: string[];
  try {
    entries = readdirSync(path);
  } catch (error) {
    throw describeFsError(path, error);
  }
  const names = entries.filter((name) => /\.ya?ml$/i.test(name)).sort();
  if (names.length === 0) throw new FileError(path, "folder holds no .yaml or .yml files");
  // A FIFO would wait forever for a writer: only regular files are read from a folder.
  const files: string[] = [];
  for (const file of names.map((name) => join(path, name))) {
    const entry = statOrUndefined(file);
    if (entry?.isDirectory()) continue;
    if (entry && !entry.isFile())
      throw new FileError(file, `${oddKind(entry)}, not a regular file`);
    files.push(file);
  }
  return files;
}
