/**
 * A batch spread over worker threads: each worker loads the rubric set once, then reads,
 * assesses and renders the chunks of files it is sent, and sends back the rendered records. The
 * command writes them in input order, so the output is the same bytes as a run on one thread.
 * Or one worker that only reads and parses files ahead of the batch's own thread (`kind: read`).
 */
import { availableParallelism } from "node:os";
import { join } from "node:path";
import { parentPort, Worker, workerData } from "node:worker_threads";
import { PACKAGE_ROOT } from "../../io/package.js";
import { setMaxFileSize } from "../../io/read.js";
import type { BatchFormat, RenderedRecord } from "../../report/batch.js";
import { csvColumns } from "../../report/csv-columns.js";
import type { AnswerValue } from "../../rubric/schema.js";
import { loadRubricSet, type RubricSet } from "../load.js";
import type { Overrides } from "../set-answers.js";
import { keepsHeapSmall } from "./heap.js";
import { type InputRead, type Job, processJobs, readInputs, readyForBatch, toSend } from "./job.js";
import { BATCH_WORKER } from "./worker-flag.js";

/** What a worker needs to assess files exactly as the command would. */
export interface WorkerSetup {
  /** Whole records, or only the files read and parsed (readInputs). */
  kind: "records" | "read";
  rubrics: string[];
  maxFileSize: number;
  overrides: [string, AnswerValue | null][];
  format: BatchFormat;
  nameWidth: number;
  /** The `--columns` value: the columns are functions, so each worker makes its own. */
  columns: string;
  detail: "summary" | "full";
  /** How many inputs the whole batch has. */
  files: number;
}

type Reply =
  | { id: number; result: RenderedRecord[][] | InputRead[] }
  | { id: number; error: string };

/** Files per message: enough that messages cost little, few enough that workers stay busy. */
export const CHUNK_FILES = 24;
/** Below this many files, starting workers costs more than they save. */
const PARALLEL_FROM_FILES = 200;

/**
 * The worker threads a batch of `files` files should use when `--jobs` is not given: one core is
 * left to this thread's writing and to V8's compiler and collector, so on two cores the batch
 * stays on one thread (measured: two workers there gain nothing for twice the memory, as each
 * warms V8 up on its own).
 */
export function defaultJobs(files: number): number {
  const cores = availableParallelism();
  return files < PARALLEL_FROM_FILES || cores < 3 ? 1 : Math.min(cores - 1, 8);
}

/**
 * Whether a batch of `files` files that stays on this thread has a reader thread read and parse
 * its files ahead: on a machine of two cores, where the records stay on one thread, a tenth of
 * the time moves to the other core with the parsers' warm-up, and the records' own work is not
 * split (two threads each doing all of it warmed V8 up twice). A batch that keeps its heap small
 * does without, for the worker's memory.
 */
export function readsAhead(files: number): boolean {
  return (
    files >= PARALLEL_FROM_FILES &&
    !keepsHeapSmall(files) &&
    defaultJobs(files) === 1 &&
    availableParallelism() >= 2
  );
}

interface Pending {
  resolve(result: RenderedRecord[][] | InputRead[]): void;
  reject(error: Error): void;
}

export class BatchPool {
  private readonly workers: Worker[] = [];
  private readonly load: number[] = [];
  private readonly pending = new Map<number, Pending>();
  private nextId = 0;
  private failure: Error | undefined;
  private closing = false;

  constructor(size: number, setup: WorkerSetup) {
    // The launcher, not the bundle: it compiles the bundle from its code cache.
    const entry = join(PACKAGE_ROOT, "dist", "launch.js");
    for (let index = 0; index < size; index++) {
      const worker = new Worker(entry, {
        argv: [BATCH_WORKER],
        workerData: setup,
        stdout: false,
        stderr: false,
      });
      worker.on("message", (reply: Reply) => this.settle(index, reply));
      worker.on("error", (error) => this.fail(error));
      worker.on("exit", (code) => {
        if (code !== 0 && !this.closing)
          this.fail(new Error(`a batch worker stopped with exit code ${code}`));
      });
      this.workers.push(worker);
      this.load.push(0);
    }
  }

  /** Renders the records of these jobs on the least busy worker. */
  run(jobs: readonly Job[]): Promise<RenderedRecord[][]> {
    return this.send(jobs) as Promise<RenderedRecord[][]>;
  }

  /** Reads and parses these jobs' files, on a pool of `kind: read`. */
  read(jobs: readonly Job[]): Promise<InputRead[]> {
    return this.send(jobs) as Promise<InputRead[]>;
  }

  private send(jobs: readonly Job[]): Promise<RenderedRecord[][] | InputRead[]> {
    if (this.failure) return Promise.reject(this.failure);
    let worker = 0;
    for (let index = 1; index < this.workers.length; index++)
      if ((this.load[index] as number) < (this.load[worker] as number)) worker = index;
    const id = this.nextId++;
    this.load[worker] = (this.load[worker] as number) + 1;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.workers[worker]?.postMessage({ id, jobs });
    });
  }

  private settle(worker: number, reply: Reply): void {
    const waiting = this.pending.get(reply.id);
    if (!waiting) return;
    this.pending.delete(reply.id);
    this.load[worker] = (this.load[worker] as number) - 1;
    if ("error" in reply) waiting.reject(new Error(reply.error));
    else waiting.resolve(reply.result);
  }

  private fail(error: Error): void {
    this.failure ??= error;
    for (const waiting of this.pending.values()) waiting.reject(error);
    this.pending.clear();
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.workers.map((worker) => worker.terminate()));
  }
}

/** The worker's side: load the rubrics once, then answer every chunk sent. */
export async function serveBatchJobs(): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const setup = workerData as WorkerSetup;
  setMaxFileSize(setup.maxFileSize);
  const rubrics = await loadRubricSet(setup.rubrics);
  await readyForBatch(setup.files);
  const work =
    setup.kind === "read"
      ? async (jobs: Job[]) => toSend(await readInputs(jobs, rubrics))
      : recordsOf(setup, rubrics);
  const failed = (id: number, error: unknown): Reply => ({
    id,
    error: error instanceof Error ? error.message : String(error),
  });
  port.on("message", async ({ id, jobs }: { id: number; jobs: Job[] }) => {
    let reply: Reply;
    try {
      reply = { id, result: await work(jobs) };
    } catch (error) {
      reply = failed(id, error);
    }
    try {
      port.postMessage(reply);
    } catch (error) {
      // A result that cannot be sent is this chunk's failure, not the worker's end.
      port.postMessage(failed(id, error));
    }
  });
}

/** A records worker's work: each chunk's records, laid out as the command's. */
function recordsOf(setup: WorkerSetup, rubrics: RubricSet) {
  const chosen = csvColumns(
    setup.columns,
    rubrics.compiled.questions.map((entry) => entry.question.id),
  );
  if ("error" in chosen) throw new Error(chosen.error);
  const layout = {
    format: setup.format,
    nameWidth: setup.nameWidth,
    columns: chosen.columns,
    detail: setup.detail,
  };
  const overrides: Overrides = new Map(setup.overrides);
  return (jobs: Job[]) => processJobs(jobs, rubrics, overrides, layout);
}
