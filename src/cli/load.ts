import { readFileSync } from "node:fs";
import { basename, dirname, join, resolve } from "node:path";
import { type CompiledRubrics, compileRubrics } from "../engine/compile.js";
import { EXIT, UserError } from "../io/errors.js";
import { PACKAGE_ROOT, VERSION } from "../io/package.js";
import { expandYamlPath, readStdin, readTextFile } from "../io/read.js";
import { writeFileAtomic } from "../io/stream.js";
import type { Provenance } from "../result/assessment.js";
import { indexQuestions, type QuestionIndex } from "../rubric/answers.js";
import { byPosition, type Diagnostic, formatDiagnostic } from "../rubric/diagnostic.js";
import type { LoadedRubric, LocatedOrganization } from "../rubric/parse.js";
import type { Rubric } from "../rubric/schema.js";

/*
 * The careful parser, the checks and the YAML locator are loaded only when a run reads YAML: a
 * run on the built-in rubrics' cache never builds the parser's schemas.
 */
const careful = () => import("../rubric/parse.js");

/** The rubrics shipped with rolefit, next to `dist/` in the package. */
export const BUILT_IN_RUBRICS = join(PACKAGE_ROOT, "rubrics");

export interface RubricSet {
  loaded: RubricEntry[];
  index: QuestionIndex;
  compiled: CompiledRubrics;
  provenance: Provenance;
}

/** Located problems as one error: bad input (exit 1), or with EXIT.usage the wrong kind of file. */
export function inputError(
  diagnostics: readonly Diagnostic[],
  exitCode: number = EXIT.input,
): UserError {
  const sorted = [...diagnostics].sort(byPosition);
  return new UserError(sorted.map(formatDiagnostic).join("\n"), exitCode, sorted);
}

/** Parses rubric files, collecting every problem from every file before giving up. */
async function parseRubricFiles(
  paths: readonly string[],
): Promise<{ loaded: LoadedRubric[]; diagnostics: Diagnostic[] }> {
  const { parseRubric } = await careful();
  const own: LoadedRubric[] = [];
  const diagnostics: Diagnostic[] = [];
  for (const path of paths) {
    const result = parseRubric(await readTextFile(path), path);
    diagnostics.push(...result.diagnostics);
    if (result.value) own.push(result.value);
  }
  const based = await withBases(own);
  const { checkRubricSet } = await import("../rubric/lint.js");
  diagnostics.push(...based.diagnostics, ...checkRubricSet(based.rubrics));
  return { loaded: based.rubrics, diagnostics };
}

/** Where `extends` points: the built-in rubrics, or a folder relative to the extending file. */
const baseFolder = (rubric: LoadedRubric): string | undefined => {
  const target = rubric.rubric.extends;
  if (target === undefined) return undefined;
  return target === "builtin" ? BUILT_IN_RUBRICS : resolve(dirname(rubric.source.file), target);
};

/**
 * The rubrics with the sets they extend: each base's rubrics are added, except those whose id
 * the extending set defines itself (a firm's version replaces the base's). Bases may extend
 * further bases; each folder is read once.
 */
export async function withBases(
  own: readonly LoadedRubric[],
  also: readonly string[] = [],
): Promise<{ rubrics: LoadedRubric[]; diagnostics: Diagnostic[] }> {
  const { parseRubric } = await careful();
  const rubrics = [...own];
  const diagnostics: Diagnostic[] = [];
  const read = new Set<string>();
  const pending = [...own];
  /** A base folder's rubrics joined to the set; false when it holds no rubric files. */
  const joinBase = async (folder: string): Promise<boolean> => {
    if (read.has(folder)) return true;
    read.add(folder);
    const paths = await expandYamlPath(folder).catch(() => [] as string[]);
    const given = new Set(own.map((entry) => resolve(entry.source.file)));
    for (const path of paths) {
      // A file given as its own is not its base too.
      if (given.has(resolve(path))) continue;
      const result = parseRubric(await readTextFile(path), path);
      diagnostics.push(...result.diagnostics);
      const base = result.value;
      if (!base || rubrics.some((entry) => entry.rubric.id === base.rubric.id)) continue;
      rubrics.push(base);
      pending.push(base);
    }
    return paths.length > 0;
  };
  for (const folder of also) await joinBase(resolve(folder));
  for (let next = pending.shift(); next; next = pending.shift()) {
    const folder = baseFolder(next);
    if (folder === undefined || (await joinBase(folder))) continue;
    const { locate } = await import("../rubric/yaml.js");
    diagnostics.push({
      ...locate(next.source, ["extends"]),
      code: "unknown-base",
      severity: "error",
      message: `extends: no rubric files in ${folder}; give "builtin" or a folder of rubric files, relative to this file`,
    });
  }
  return { rubrics, diagnostics };
}

/** A rubric as the run needs it: the model and the hash of its content. */
interface RubricEntry {
  rubric: Rubric;
  sha256: string;
}

/**
 * The built-in rubrics, parsed and checked at build time. Each entry records its file's text: if
 * any file changed since, the cache is ignored and the YAML read again. The content, not a size
 * and time, so an installed copy (whose packer resets every file's time) still hits.
 */
const RUBRIC_CACHE = join(PACKAGE_ROOT, "dist", "rubrics.cache.json");

interface RubricCache {
  /** The rubric set's content hash, for every result's provenance. */
  setSha256: string;
  entries: RubricCacheEntry[];
}

interface RubricCacheEntry extends RubricEntry {
  file: string;
  /**
   * The file's text as the build read it: any edit since makes the cache stale. Compared whole,
   * which costs less than hashing it (and loading the crypto module to do so) on every start.
   */
  text: string;
}

async function readRubricCache(paths: readonly string[]): Promise<RubricCache | undefined> {
  try {
    const cache = JSON.parse(readFileSync(RUBRIC_CACHE, "utf8")) as RubricCache;
    if (cache.entries.length !== paths.length) return undefined;
    for (const [i, entry] of cache.entries.entries()) {
      const path = paths[i] as string;
      if (entry.file !== basename(path) || entry.text !== readFileSync(path, "utf8"))
        return undefined;
    }
    return cache;
  } catch {
    return undefined;
  }
}

/**
 * Whether the built-in rubrics are as the build checked them (every file's hash matches the
 * cache): then validating them again would find nothing new.
 */
export async function builtInRubricsChecked(): Promise<number | undefined> {
  const paths = await expandYamlPath(BUILT_IN_RUBRICS);
  return (await readRubricCache(paths)) ? paths.length : undefined;
}

/** Build step: the built-in rubrics, parsed and checked, written where every run reads them. */
export async function writeBuiltInRubricCache(): Promise<void> {
  const paths = await expandYamlPath(BUILT_IN_RUBRICS);
  const { loaded, diagnostics } = await parseRubricFiles(paths);
  if (diagnostics.some((d) => d.severity === "error")) throw inputError(diagnostics);
  const entries: RubricCacheEntry[] = [];
  for (const [i, entry] of loaded.entries()) {
    const path = paths[i] as string;
    entries.push({
      file: basename(path),
      text: readFileSync(path, "utf8"),
      rubric: entry.rubric,
      sha256: entry.sha256,
    });
  }
  const compiled = compileRubrics(loaded.map((entry) => entry.rubric));
  const cache: RubricCache = { setSha256: await setHash(rubricHashes(compiled, loaded)), entries };
  await writeFileAtomic(RUBRIC_CACHE, JSON.stringify(cache));
}

/** Loads, checks and compiles the rubrics once per run: the built-in set unless dirs are given. */
export async function loadRubricSet(dirs: readonly string[] = []): Promise<RubricSet> {
  const roots = dirs.length > 0 ? dirs : [BUILT_IN_RUBRICS];
  const paths = (await Promise.all(roots.map(expandYamlPath))).flat();
  const cache = dirs.length === 0 ? await readRubricCache(paths) : undefined;
  let loaded: RubricEntry[] | undefined = cache?.entries.map(({ rubric, sha256 }) => ({
    rubric,
    sha256,
  }));
  if (!loaded) {
    const parsed = await parseRubricFiles(paths);
    if (parsed.diagnostics.some((d) => d.severity === "error"))
      throw inputError(parsed.diagnostics);
    loaded = parsed.loaded;
  }
  const compiled = compileRubrics(loaded.map((entry) => entry.rubric));
  const rubrics = rubricHashes(compiled, loaded);
  const provenance: Provenance = {
    rolefitVersion: VERSION,
    rubrics,
    rubricSetSha256: cache?.setSha256 ?? (await setHash(rubrics)),
  };
  return { loaded, index: indexQuestions(loaded), compiled, provenance };
}

/** Each rubric's id, version and content hash, in the compiled order. */
function rubricHashes(compiled: CompiledRubrics, loaded: readonly RubricEntry[]) {
  const hashes = new Map(loaded.map((entry) => [entry.rubric.id, entry.sha256]));
  return compiled.rubrics.map(({ id, version }) => ({ id, version, sha256: hashes.get(id) ?? "" }));
}

/** The rubric set's content hash: of its rubrics' hashes, in the compiled order. */
async function setHash(rubrics: ReadonlyArray<{ sha256: string }>) {
  const { contentHash } = await import("../rubric/hash.js");
  return contentHash(rubrics.map((rubric) => rubric.sha256));
}

export async function loadOrganization(
  path: string,
  index: QuestionIndex,
): Promise<LocatedOrganization> {
  const text = path === "-" ? await readStdin() : await readTextFile(path);
  const result = (await careful()).parseOrganization(text, path, index);
  if (!result.value) throw inputError(result.diagnostics);
  return result.value;
}
