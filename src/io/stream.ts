import { randomBytes } from "node:crypto";
import { createWriteStream, type WriteStream } from "node:fs";
import { open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { UserError } from "./errors.js";

/**
 * Where a batch's records go: standard output, or a file written through a temporary twin and
 * renamed when complete. Writes wait when the reader is slower, so memory stays flat.
 */
const CHUNK = 64 * 1024;

export class RecordStream {
  private constructor(
    private readonly stream: NodeJS.WritableStream,
    private readonly target?: { temp: string; path: string },
  ) {}

  static async open(out: string | undefined): Promise<RecordStream> {
    if (!out) return new RecordStream(process.stdout);
    const temp = join(dirname(out), `.${basename(out)}.${randomBytes(6).toString("hex")}.tmp`);
    const stream: WriteStream = createWriteStream(temp, { flags: "wx" });
    await new Promise<void>((resolve, reject) => {
      stream.once("open", () => resolve());
      stream.once("error", (error: NodeJS.ErrnoException) =>
        reject(
          new UserError(
            `${out}: cannot write: ${error.code === "ENOENT" ? `folder ${dirname(out)} does not exist` : error.message}`,
          ),
        ),
      );
    });
    return new RecordStream(stream, { temp, path: out });
  }

  /** Records are encoded straight into this buffer: no joined string, no second copy. */
  private buffer = Buffer.allocUnsafe(CHUNK);
  private used = 0;

  /**
   * Takes one whole record. Records are gathered into chunks of about 64 KiB, each written at
   * once (a terminal gets every record as it comes); resolves once the stream can take more.
   */
  write(text: string): Promise<void> | undefined {
    // A UTF-16 unit never takes more than three bytes of UTF-8.
    if (this.used + text.length * 3 > this.buffer.length) {
      const waiting = this.flush();
      if (text.length * 3 > this.buffer.length) return this.send(Buffer.from(text)) ?? waiting;
      if (waiting) return waiting.then(() => this.write(text));
    }
    this.used += this.buffer.write(text, this.used);
    if (!(this.stream as NodeJS.WriteStream).isTTY) return undefined;
    return this.flush();
  }

  /** Writes what is gathered; records are never split between two writes. */
  flush(): Promise<void> | undefined {
    if (this.used === 0) return undefined;
    const chunk = this.buffer.subarray(0, this.used);
    // The stream may hold on to the chunk, so the next records go into a fresh buffer.
    this.buffer = Buffer.allocUnsafe(CHUNK);
    this.used = 0;
    return this.send(chunk);
  }

  private send(chunk: Buffer): Promise<void> | undefined {
    if (this.stream.write(chunk)) return undefined;
    return new Promise((resolve) => this.stream.once("drain", resolve));
  }

  async close(): Promise<void> {
    await this.flush();
    if (!this.target) return;
    const { temp, path } = this.target;
    await new Promise<void>((resolve, reject) =>
      this.stream.end((error?: Error | null) => (error ? reject(error) : resolve())),
    );
    const handle = await open(temp, "r+");
    await handle.sync();
    await handle.close();
    await rename(temp, path);
  }

  async abandon(): Promise<void> {
    if (this.target) await rm(this.target.temp, { force: true });
  }
}
