import { constants, promises as fsp, realpathSync, type Stats, statSync } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { basename, dirname, join, resolve, sep } from "node:path";
import { visible } from "../text/visible.js";
import { FileError, UsageError } from "./errors.js";
import type { FilesInFolder } from "./inputs.js";

/** Why a write failed, in the system's words rather than an errno. */
export function writeFailure(error: unknown, path: string): string {
  const code = (error as NodeJS.ErrnoException).code;
  switch (code) {
    case "ENOENT":
      return `folder ${visible(dirname(path))} does not exist`;
    case "EACCES":
    case "EPERM":
      return "permission denied";
    case "ENOSPC":
      return "no space left on device";
    case "EDQUOT":
      return "disk quota exceeded";
    case "EIO":
      return "input/output error";
    case "EROFS":
      return "read-only file system";
    case "EISDIR":
      return "is a folder";
    case "ENOTDIR":
      return "a part of the path is not a folder";
    case "EFBIG":
      return "file too large";
    default:
      return (error as Error).message ?? String(error);
  }
}

/** `target` is the file actually written, when links lead elsewhere: its folder is the one named. */
export function cannotWrite(path: string, error: unknown, target = path): FileError {
  return new FileError(path, `cannot write: ${writeFailure(error, target)}`);
}

/**
 * Where a write goes. A regular file (or a new path) is replaced through a temporary twin renamed
 * over it; anything else — a device, a FIFO, /dev/stdout, a process substitution — is written to
 * directly, since renaming over it would replace the device or pipe itself.
 */
interface WriteTarget {
  /** As the user gave it, for messages. */
  given: string;
  /** The file that is replaced, links resolved; the path itself when written directly. */
  path: string;
  direct: boolean;
  /** The open descriptor a path such as /dev/stdout stands for: written as it is, never opened. */
  fd?: number;
  /** The existing file's permission bits and owner, which the new file keeps. */
  existing?: { mode: number; uid: number; gid: number };
}

/** The file a chain of symbolic links ends at, even when that file does not exist yet. */
async function followLinks(path: string): Promise<string> {
  let current = resolve(path);
  for (let hops = 0; hops < 40; hops++) {
    try {
      return await fsp.realpath(current);
    } catch {
      // A dangling link: follow it by hand to the file it names, which the write creates.
      const info = await fsp.lstat(current).catch(() => undefined);
      if (!info?.isSymbolicLink()) {
        const folder = await fsp.realpath(dirname(current)).catch(() => dirname(current));
        return join(folder, basename(current));
      }
      current = resolve(dirname(current), await fsp.readlink(current));
    }
  }
  throw Object.assign(new Error("too many levels of symbolic links"), { code: "ELOOP" });
}

/** Paths that stand for an open descriptor rather than a file of their own. */
const DESCRIPTOR_PATH = /^\/dev\/(?:stdout|stderr|fd\/)|^\/proc\/[^/]+\/fd\//;

/**
 * The descriptor of this process that a path names, if any: opening /dev/stdout again fails
 * when standard output is a socket, so it is written through the descriptor already open.
 */
function ownDescriptor(path: string): number | undefined {
  if (path === "/dev/stdout") return 1;
  if (path === "/dev/stderr") return 2;
  const found = /^\/dev\/fd\/(\d+)$|^\/proc\/(?:self|(\d+))\/fd\/(\d+)$/.exec(path);
  if (!found || (found[2] !== undefined && Number(found[2]) !== process.pid)) return undefined;
  return Number(found[1] ?? found[3]);
}

export async function resolveWriteTarget(given: string): Promise<WriteTarget> {
  const info = await fsp.stat(given).catch(() => undefined);
  // /dev/stdout and /proc/self/fd/N name whatever the descriptor is: never replace those.
  if ((info && !info.isFile()) || DESCRIPTOR_PATH.test(resolve(given))) {
    if (info?.isDirectory()) throw new FileError(given, "cannot write: is a folder");
    const fd = ownDescriptor(resolve(given));
    return fd === undefined
      ? { given, path: given, direct: true }
      : { given, path: given, direct: true, fd };
  }
  let path: string;
  try {
    path = await followLinks(given);
  } catch (error) {
    throw cannotWrite(given, error);
  }
  if (!info) return { given, path, direct: false };
  // As `cp` would: a file the user may not write is refused, not replaced through its folder.
  try {
    await fsp.access(path, constants.W_OK);
  } catch (error) {
    throw cannotWrite(given, error);
  }
  return {
    given,
    path,
    direct: false,
    existing: { mode: info.mode & 0o7777, uid: info.uid, gid: info.gid },
  };
}

/**
 * Refuses `--out` when it names one of the run's inputs (links resolved), before anything is read
 * or written: the result would replace the very file it was made from. (Another hard link to an
 * input is no input: the result replaces that name, and the input keeps its content.)
 * `inFolders` are inputs found as plain files (not links) in folders: each is the output only if
 * it has the output's resolved name, so each folder is resolved once rather than each file
 * looked at (5,000 files: 23 ms → under 1).
 */
export async function refuseOutputOverInput(
  out: string | undefined,
  inputs: Iterable<string>,
  inFolders: Iterable<FilesInFolder> = [],
): Promise<void> {
  if (out === undefined) return;
  if (out === "") throw new UsageError("--out needs a file name");
  const info = await fsp.stat(out).catch(() => undefined);
  if (info && !info.isFile()) return;
  const target = await followLinks(out).catch(() => resolve(out));
  const refuse = (input: string) =>
    new UsageError(
      `--out ${visible(out)} is also an input (${visible(input)}); write the result to another file`,
    );
  const targetFolder = dirname(target);
  const targetName = basename(target);
  for (const { prefix, names } of inFolders) {
    let folder: string;
    try {
      folder = realpathSync.native(prefix === "" ? "." : prefix);
    } catch {
      continue;
    }
    if (folder === targetFolder && names.includes(targetName)) throw refuse(prefix + targetName);
  }
  for (const input of inputs) refuseIfSame(input);

  function refuseIfSame(input: string): void {
    if (input === "-") return;
    // Synchronous, and one stat each: a batch may name 100,000 files. Only a file that is the
    // output's own (same device and inode) or a folder is resolved, links and all.
    let own: Stats | undefined;
    try {
      own = statSync(input, { throwIfNoEntry: false });
    } catch {
      return;
    }
    if (!own) return;
    const sameFile = info !== undefined && own.dev === info.dev && own.ino === info.ino;
    if (!sameFile && !own.isDirectory()) return;
    let real: string;
    try {
      real = realpathSync.native(input);
    } catch {
      return;
    }
    // A folder stands for every YAML file below it.
    const inFolder =
      real !== target &&
      target.startsWith(`${real}${sep}`) &&
      /\.ya?ml$/i.test(target) &&
      own.isDirectory();
    if (real === target || inFolder) throw refuse(input);
  }
}

/**
 * A file beside `path` that did not exist: a name no other run picks (process id, then random
 * letters), opened exclusively, and another name tried in the rare case one is taken. Not the
 * crypto module: loading it costs every start a few milliseconds, and most runs never write.
 */
async function openNew(path: string): Promise<{ temp: string; handle: FileHandle }> {
  for (let attempt = 1; ; attempt++) {
    const unique = `${process.pid.toString(36)}${Math.random().toString(36).slice(2, 10)}`;
    const temp = join(dirname(path), `.${basename(path)}.${unique}.tmp`);
    try {
      return { temp, handle: await fsp.open(temp, "wx", 0o644) };
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== "EEXIST" || attempt >= 5) throw error;
    }
  }
}

/** A new temporary file beside the target, with the target's permission bits and owner. */
export async function openTemp(target: WriteTarget): Promise<{ temp: string; handle: FileHandle }> {
  const { temp, handle } = await openNew(target.path);
  try {
    if (target.existing) {
      await handle.chmod(target.existing.mode);
      // Only root can give a file away; anyone else keeps ownership, as with any new file.
      await handle.chown(target.existing.uid, target.existing.gid).catch(() => undefined);
    }
  } catch (error) {
    await handle.close();
    await fsp.rm(temp, { force: true });
    throw error;
  }
  return { temp, handle };
}
