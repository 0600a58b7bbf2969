import { renderUnicodeCompact } from "uqr";
import { wrap } from "../../report/text.js";
import type { Assessment } from "../../result/assessment.js";
import { cut, visible } from "../../text/visible.js";

export interface TerminalView {
  organization: string;
  url: string;
  round: number;
  revealed: boolean;
  progress: Array<{ name: string; role?: string; done: number; total: number }>;
  message: string;
  result: Assessment | undefined;
  questionLabel: (id: string) => string;
}

/**
 * The facilitator's terminal: the address and QR code, who has answered how much (never what),
 * and the keys. On a terminal it redraws in place; piped, it prints what changed, a line each.
 */
export class RoomTerminal {
  private pending: NodeJS.Timeout | undefined;
  private last = "";
  private closers: Array<() => void> = [];
  private closed = false;

  constructor(
    private readonly out: NodeJS.WriteStream,
    private readonly color: boolean,
  ) {}

  schedule(draw: () => void): void {
    if (this.pending || this.closed) return;
    this.pending = setTimeout(() => {
      this.pending = undefined;
      if (!this.closed) draw();
    }, 100);
  }

  onClose(closer: () => void): void {
    this.closers.push(closer);
  }

  close(): void {
    if (this.closed) return;
    this.closed = true;
    clearTimeout(this.pending);
    for (const closer of this.closers) closer();
    if (this.out.isTTY) this.out.write("\u001b[2J\u001b[H");
  }

  draw(view: TerminalView): void {
    if (this.closed) return;
    const bold = (text: string) => (this.color ? `\u001b[1m${text}\u001b[22m` : text);
    const state = `round ${view.round} · ${view.revealed ? "revealed" : "answers hidden"}`;
    const people = view.progress.map(
      (p) =>
        `  ${visible(p.name)}${p.role ? ` (${visible(p.role)})` : ""}: ${p.done}/${p.total}${p.total > 0 && p.done === p.total ? " ✔" : ""}`,
    );
    const flips = (view.result?.disagreement ?? []).filter((d) => d.couldFlip);
    const outcome = view.result
      ? [
          view.result.recommendation
            ? `Room result: ${view.result.recommendation.toUpperCase()} · confidence ${view.result.confidence}${view.result.runnerUp ? ` · runner-up ${view.result.runnerUp}, ${view.result.margin.toFixed(1)} behind` : ""} · ${flips.length} question(s) could flip it`
            : "Room result: no recommendation yet",
          // Where the room disagrees enough to matter: what a next round would ask again.
          ...(flips.length > 0
            ? [
                `Could flip it: ${flips.map((d) => visible(view.questionLabel(d.questionId))).join(", ")}`,
              ]
            : []),
        ]
      : undefined;
    if (!this.out.isTTY) {
      // Piped: only what is new, so a log reads as a story.
      const lines = [
        `rolefit workshop · ${visible(view.organization)} · ${state}`,
        `Join: ${view.url}`,
        `Screen: ${view.url}/screen`,
        ...people,
        ...(outcome ?? []),
        visible(view.message),
      ];
      const text = lines.join("\n");
      if (text !== this.last) this.out.write(`${text}\n\n`);
      this.last = text;
      return;
    }
    const rows = this.out.rows || 24;
    const qr = renderUnicodeCompact(view.url, { border: 1 }).split("\n");
    const columns = this.out.columns || 80;
    const header = [
      `${bold(cut(`rolefit workshop · ${visible(view.organization)}`, columns - state.length - 3))}   ${state}`,
      cut(`Join:   ${view.url}`, columns),
      cut(
        `Screen: ${view.url}/screen${columns >= view.url.length + 35 ? "   (for the projector)" : ""}`,
        columns,
      ),
    ];
    const footer = [
      "",
      ...wrap(visible(view.message), columns, "", ""),
      columns >= 84
        ? "r reveal · n next round (after a reveal) · f finish and write the handout · q pause"
        : "r reveal · n next round · f finish (handout) · q pause",
    ];
    const body = [
      `Participants (${view.progress.length})${view.progress.length === 0 ? ": nobody yet" : ""}`,
      ...people,
      ...(outcome ? ["", ...outcome] : []),
    ];
    // The QR code beside the people while the terminal has room for it; people first if not.
    const qrWidth = [...(qr[0] ?? "")].length;
    const height = rows - header.length - footer.length - 1;
    const withQr = qr.length <= height && columns >= qrWidth + 30;
    const side = withQr ? columns - qrWidth - 3 : columns;
    const shown = fitLines(body, withQr ? Math.max(height, qr.length) : height, side);
    const middle = withQr
      ? Array.from({ length: Math.max(qr.length, shown.length) }, (_, i) =>
          `${qr[i] ?? " ".repeat(qrWidth)}   ${shown[i] ?? ""}`.trimEnd(),
        )
      : shown;
    const lines = [...header, "", ...middle, ...footer];
    // Never more rows than the screen: the terminal would scroll the title away.
    this.out.write(`\u001b[2J\u001b[H${lines.slice(0, rows).join("\n")}`);
  }
}

/** At most `count` lines, each cut to `width`; what does not fit is counted in the last line. */
function fitLines(lines: readonly string[], count: number, width: number): string[] {
  const cutTo = (line: string) =>
    [...line].length > width ? `${[...line].slice(0, width - 1).join("")}…` : line;
  if (lines.length <= count) return lines.map(cutTo);
  const kept = lines.slice(0, Math.max(0, count - 1)).map(cutTo);
  return [...kept, `… and ${lines.length - kept.length} more`];
}
