import { createWriteStream, fdatasync, promises as fsp, writeSync } from "node:fs";
import type { FileHandle } from "node:fs/promises";
import { UserError } from "./errors.js";
import { cannotWrite, openTemp, resolveWriteTarget } from "./write.js";

/**
 * Where output goes — a batch's records, or one whole result: standard output, a descriptor,
 * device or pipe written directly, or a regular file written through a temporary twin renamed
 * over it when complete (write.ts says which). Writes wait when the reader is slower, so memory
 * stays flat; a failed write (full disk, I/O error) is an error that leaves the old file in place
 * and no temporary file behind.
 */
const CHUNK = 64 * 1024;
/** A temporary file written synchronously takes bigger chunks: fewer writes, one buffer reused. */
const SYNC_CHUNK = 1024 * 1024;
/** How much a temporary file grows between flushes to disk started while it is written. */
const FLUSH_EVERY = 8 * 1024 * 1024;

interface Target {
  given: string;
  temp?: string;
  path: string;
}

/**
 * A temporary file written with synchronous writes: nobody reads it until it is renamed, so
 * there is no reader to wait for, and a batch spends nothing on stream machinery (the measured
 * lever: about a fifth of a batch's time). Just what RecordStream uses of a stream.
 */
class SyncFileSink {
  private closed = false;
  /** Bytes written since the last flush to disk was started. */
  private unflushed = 0;
  /** The flush to disk under way on libuv's thread pool, if any. */
  private flushing: Promise<void> | undefined;

  constructor(private readonly handle: FileHandle) {}

  write(chunk: Buffer): boolean {
    let done = 0;
    while (done < chunk.length) done += writeSync(this.handle.fd, chunk, done);
    this.unflushed += chunk.length;
    // The file is flushed to disk before it is renamed; flushed as it grows, on another thread,
    // the final flush has little left (59 MB of records: 100 ms at the end of a batch).
    if (this.unflushed >= FLUSH_EVERY && !this.flushing) {
      this.unflushed = 0;
      this.flushing = new Promise<void>((resolve) =>
        fdatasync(this.handle.fd, () => {
          // A failure shows again in the final flush, which close() waits for.
          this.flushing = undefined;
          resolve();
        }),
      );
    }
    return true;
  }

  end(callback: (error?: Error | null) => void): void {
    this.closed = true;
    // Not closed under a flush still running on the descriptor.
    Promise.resolve(this.flushing)
      .then(() => this.handle.close())
      .then(() => callback(), callback);
  }

  destroy(): void {
    if (this.closed) return;
    this.closed = true;
    void Promise.resolve(this.flushing)
      .then(() => this.handle.close())
      .catch(() => undefined);
  }

  // Errors come back from write() itself; nothing is ever emitted.
  on(): this {
    return this;
  }
  once(): this {
    return this;
  }
  off(): this {
    return this;
  }
}

export class RecordStream {
  /** The first write error of the stream, reported once the batch next writes or closes. */
  private failure: unknown;

  private constructor(
    private readonly stream: NodeJS.WritableStream | SyncFileSink,
    private readonly target?: Target,
  ) {
    if (target) stream.on("error", (error) => (this.failure ??= error));
    this.buffer = Buffer.allocUnsafe(stream instanceof SyncFileSink ? SYNC_CHUNK : CHUNK);
  }

  static async open(out: string | undefined): Promise<RecordStream> {
    if (!out) return new RecordStream(process.stdout);
    const target = await resolveWriteTarget(out);
    if (target.fd === 1) return new RecordStream(process.stdout);
    if (target.fd !== undefined) {
      const stream = createWriteStream("", { fd: target.fd, autoClose: false });
      return new RecordStream(stream, { given: out, path: target.path });
    }
    if (target.direct) {
      const handle = await fsp.open(target.path, "w").catch((error) => {
        throw cannotWrite(out, error);
      });
      return new RecordStream(handle.createWriteStream(), { given: out, path: target.path });
    }
    const { temp, handle } = await openTemp(target).catch((error) => {
      throw cannotWrite(out, error, target.path);
    });
    return new RecordStream(new SyncFileSink(handle), { given: out, temp, path: target.path });
  }

  /** Records are encoded straight into this buffer: no joined string, no second copy. */
  private buffer: Buffer;
  private used = 0;

  /**
   * Takes one whole record. Records are gathered into chunks of about 64 KiB, each written at
   * once (a terminal gets every record as it comes); resolves once the stream can take more.
   * Text known to be `ascii` is copied byte for byte (latin1), which costs less than encoding
   * it as UTF-8 for the same bytes.
   */
  write(text: string | Buffer, ascii?: boolean): Promise<void> | undefined {
    // Bytes (a workbook) go out as they are, after what is gathered.
    if (typeof text !== "string")
      return this.flush()?.then(() => this.send(text)) ?? this.send(text);
    // A UTF-16 unit never takes more than three bytes of UTF-8.
    const most = ascii ? text.length : text.length * 3;
    if (this.used + most > this.buffer.length) {
      const waiting = this.flush();
      if (most > this.buffer.length) return this.send(Buffer.from(text)) ?? waiting;
      if (waiting) return waiting.then(() => this.write(text, ascii));
    }
    this.used += this.buffer.write(text, this.used, ascii ? "latin1" : "utf8");
    if (!(this.stream as NodeJS.WriteStream).isTTY) return undefined;
    return this.flush();
  }

  /** Writes what is gathered; records are never split between two writes. */
  flush(): Promise<void> | undefined {
    if (this.used === 0) return undefined;
    const chunk = this.buffer.subarray(0, this.used);
    this.used = 0;
    // A stream may hold on to the chunk, so the next records go into a fresh buffer; a file
    // written synchronously is done with it on return.
    if (this.stream instanceof SyncFileSink) return this.send(chunk);
    this.buffer = Buffer.allocUnsafe(CHUNK);
    return this.send(chunk);
  }

  private send(chunk: Buffer): Promise<void> | undefined {
    this.throwIfFailed();
    let accepted: boolean;
    try {
      accepted = this.stream.write(chunk);
    } catch (error) {
      // A file written synchronously fails here, at once.
      throw this.target ? cannotWrite(this.target.given, error, this.target.path) : error;
    }
    if (accepted) return undefined;
    return new Promise((resolve, reject) => {
      const drained = () => {
        this.stream.off("error", failed);
        resolve();
      };
      const failed = (error: unknown) => {
        this.stream.off("drain", drained);
        reject(this.target ? cannotWrite(this.target.given, error) : error);
      };
      this.stream.once("drain", drained);
      this.stream.once("error", failed);
    });
  }

  private throwIfFailed(): void {
    if (this.failure !== undefined && this.target)
      throw cannotWrite(this.target.given, this.failure);
  }

  async close(): Promise<void> {
    if (!this.target) {
      await this.flush();
      return;
    }
    const { temp, path, given } = this.target;
    const failed = (error: unknown) => cannotWrite(given, error, path);
    try {
      await this.flush();
      await new Promise<void>((resolve, reject) =>
        this.stream.end((error?: Error | null) => (error ? reject(error) : resolve())),
      );
      this.throwIfFailed();
      if (temp === undefined) return;
      const handle = await fsp.open(temp, "r+");
      try {
        await handle.sync();
      } finally {
        await handle.close();
      }
      await fsp.rename(temp, path);
    } catch (error) {
      await this.abandon();
      throw error instanceof UserError ? error : failed(error);
    }
  }

  /** Stops writing and removes the temporary file: the old file, if any, stays as it was. */
  async abandon(): Promise<void> {
    if (!this.target) return;
    (this.stream as NodeJS.WritableStream & { destroy(): void }).destroy();
    if (this.target.temp !== undefined) await fsp.rm(this.target.temp, { force: true });
  }
}

/**
 * Writes `content` to `path` through a RecordStream: a regular file atomically (temporary file,
 * flushed, renamed), anything else directly; any failure is one message naming the file and the
 * reason, with the old file untouched.
 */
export async function writeFileAtomic(path: string, content: string | Buffer): Promise<void> {
  const sink = await RecordStream.open(path);
  try {
    await sink.write(content);
  } catch (error) {
    await sink.abandon();
    throw error;
  }
  // close() abandons the temporary file itself when the last write or the rename fails.
  await sink.close();
}
