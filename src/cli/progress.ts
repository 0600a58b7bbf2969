/** A progress bar on a terminal's stderr, shown only once a batch has taken more than a moment. */
export class Progress {
  private shown = false;
  private lastDraw = 0;
  private readonly started = Date.now();

  constructor(
    private readonly total: number,
    private readonly stream: NodeJS.WriteStream = process.stderr,
    private readonly delayMs = 400,
  ) {}

  static enabled(stream: NodeJS.WriteStream = process.stderr): boolean {
    return stream.isTTY === true && process.env.TERM !== "dumb";
  }

  tick(done: number, failed: number): void {
    const now = Date.now();
    if (now - this.started < this.delayMs || now - this.lastDraw < 100) return;
    this.lastDraw = now;
    this.shown = true;
    const width = 30;
    const filled = Math.round((done / Math.max(1, this.total)) * width);
    const rate = done / Math.max(0.001, (now - this.started) / 1000);
    const failures = failed > 0 ? `, ${failed} failed` : "";
    this.stream.write(
      `\r\u001b[2K${"█".repeat(filled)}${"░".repeat(width - filled)} ${done}/${this.total} files${failures} (${Math.round(rate)}/s)`,
    );
  }

  clear(): void {
    if (this.shown) this.stream.write("\r\u001b[2K");
  }
}
