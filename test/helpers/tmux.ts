import { execFileSync } from "node:child_process";

let sessions = 0;

/** A program running in a real pseudo-terminal (tmux), driven by keys and read off the screen. */
export class TmuxSession {
  // A server per session: one being killed while the next starts on the same socket is a race.
  private readonly socket = `rolefit-test-${process.pid}-${++sessions}`;
  private readonly name: string;

  constructor(
    command: string,
    options: { cwd: string; width?: number; height?: number; name?: string },
  ) {
    this.name = options.name ?? "t";
    const size = [`-x`, String(options.width ?? 100), `-y`, String(options.height ?? 40)];
    // The trailing sleep keeps the pane open after the program ends, so its last screen can be read.
    this.tmux(
      "new-session",
      "-d",
      "-s",
      this.name,
      ...size,
      "-c",
      options.cwd,
      `${command}; echo "EXIT=$?"; sleep 120`,
    );
  }

  private tmux(...args: string[]): string {
    return execFileSync("tmux", ["-L", this.socket, ...args], { encoding: "utf8" });
  }

  screen(history = false): string {
    return this.tmux("capture-pane", "-p", "-t", this.name, ...(history ? ["-S", "-500"] : []));
  }

  send(...keys: string[]): void {
    this.tmux("send-keys", "-t", this.name, ...keys);
  }

  /** Types text literally (no key-name lookup). */
  type(text: string): void {
    this.tmux("send-keys", "-t", this.name, "-l", text);
  }

  /** Waits for the pattern on the screen and its history, or on the screen alone (`visible`). */
  async waitFor(pattern: RegExp, timeoutMs = 15_000, visible = false): Promise<string> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const screen = this.screen(!visible);
      if (pattern.test(screen)) return screen;
      if (Date.now() > deadline)
        throw new Error(`timed out waiting for ${pattern}; screen:\n${this.screen()}`);
      await new Promise((resolve) => setTimeout(resolve, 100));
    }
  }

  kill(): void {
    try {
      this.tmux("kill-server");
    } catch {
      // Already gone.
    }
  }
}
