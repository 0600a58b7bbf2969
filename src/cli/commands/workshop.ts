import type { AddressInfo } from "node:net";
import { networkInterfaces } from "node:os";
import { basename, dirname, join, relative } from "node:path";
import { emitKeypressEvents } from "node:readline";
import { serve } from "@hono/node-server";
import { renderSVG } from "uqr";
import { planInterview } from "../../interview/flow.js";
import { EXIT, UsageError, UserError } from "../../io/errors.js";
import { writeFileAtomic } from "../../io/stream.js";
import { assessRoom } from "../../narrate/assess.js";
import { wordingOf } from "../../narrate/wording.js";
import type { Assessment } from "../../result/assessment.js";
import { visible } from "../../text/visible.js";
import { MAX_ROUNDS } from "../../workshop/room.js";
import { rubricFlags } from "../interview/answers-file.js";
import { loadOrganization, loadRubricSet } from "../load.js";
import { type GlobalOptions, wantsColor } from "../output.js";
import { renderAssessment } from "../render.js";
import { shellQuote } from "../shell.js";
import { workshopApp } from "../workshop/server.js";
import { RoomStore } from "../workshop/store.js";
import { RoomTerminal } from "../workshop/terminal.js";
import { handoutInfo } from "./assess.js";

export interface WorkshopOptions {
  org: string;
  host?: string;
  port?: string;
  rubrics: string[];
  out?: string;
  preparedFor?: string;
  preparedBy?: string;
}

export const DEFAULT_PORT = 4800;

/** The address others on the network reach this laptop at: its first external IPv4 address. */
function lanAddress(): string | undefined {
  for (const addresses of Object.values(networkInterfaces()))
    for (const address of addresses ?? [])
      if (address.family === "IPv4" && !address.internal) return address.address;
  return undefined;
}

function parsePort(text: string | undefined): number | undefined {
  if (text === undefined) return undefined;
  const port = Number(text);
  if (!/^\d+$/.test(text) || port > 65535)
    throw new UsageError(
      `--port ${visible(text)}: expected a port number from 1 to 65535 (0: any free port)`,
    );
  return port;
}

/**
 * `rolefit workshop`: a room on the local network where everyone answers on their own phone,
 * independently, until the facilitator reveals the consensus; then Delphi rounds on the
 * questions whose disagreement could flip the verdict; then the handout.
 */
export async function runWorkshop(options: WorkshopOptions, global: GlobalOptions): Promise<void> {
  const rubrics = await loadRubricSet(options.rubrics);
  const org = await loadOrganization(options.org, rubrics.index);
  const steps = planInterview(rubrics.compiled);
  const store = await RoomStore.open(
    options.org,
    org.name,
    org.answers,
    rubrics.compiled,
    steps,
    rubrics.index,
  );
  const { room } = store;
  const explicitPort = parsePort(options.port);
  const shownHost =
    options.host && !["0.0.0.0", "::"].includes(options.host)
      ? options.host
      : (lanAddress() ?? "127.0.0.1");
  const bindHost = options.host ?? shownHost;

  const result = (): Assessment | undefined =>
    room.state.participants.length === 0
      ? undefined
      : assessRoom(rubrics.compiled, {
          organization: org.name,
          source: store.respondentPaths().join(", "),
          respondents: room.state.participants.map((p) => ({
            name: p.name,
            ...(p.role ? { role: p.role } : {}),
            answers: room.answersOf(p),
          })),
          provenance: rubrics.provenance,
        });
  let stopRule: string | undefined;
  let message = store.resumed
    ? `Resumed the room: ${room.state.participants.length} participant(s), round ${room.state.round}.`
    : "Room open: share the address or the QR code.";

  const url = (port: number) =>
    `http://${shownHost.includes(":") ? `[${shownHost}]` : shownHost}:${port}/room/${room.state.token}`;
  let address = "";
  const terminal = new RoomTerminal(process.stdout, wantsColor(process.stdout, global));
  const redraw = () =>
    terminal.draw({
      organization: org.name,
      url: address,
      round: room.state.round,
      revealed: room.state.revealed,
      progress: room.progress(),
      message,
      result: room.state.revealed ? result() : undefined,
      questionLabel: wordingOf(rubrics.compiled).question,
    });

  const app = workshopApp(store, {
    get url() {
      return address;
    },
    get qrSvg() {
      return renderSVG(address, { border: 2 });
    },
    wording: wordingOf(rubrics.compiled),
    result,
    stopRule: () => stopRule,
    changed: () => terminal.schedule(redraw),
  });

  const server = await listen(app.fetch, bindHost, explicitPort);
  address = url((server.address() as AddressInfo).port);
  const resume = `rolefit workshop --org ${shellQuote(options.org)}${options.host ? ` --host ${shellQuote(options.host)}` : ""}${options.port ? ` --port ${options.port}` : ""}${rubricFlags(options.rubrics)}`;
  const handoutPath =
    options.out ??
    join(dirname(options.org), `${basename(options.org).replace(/\.ya?ml$/i, "")}.workshop.html`);

  const stop = async () => {
    terminal.close();
    const closed = new Promise<void>((resolve) => server.close(() => resolve()));
    // Open pages keep connections alive (the screen refreshes itself): end them, or close waits.
    (server as { closeAllConnections?: () => void }).closeAllConnections?.();
    await closed;
  };

  const done = new Promise<void>((resolve, reject) => {
    const pause = () => {
      void stop().then(() =>
        reject(
          new UserError(
            `Workshop paused. Every answer is saved in ${visible(relative(process.cwd(), store.folder) || store.folder)}.\nResume the room (same address, same people) with: ${resume}`,
            EXIT.interrupted,
          ),
        ),
      );
    };
    const finish = async () => {
      const assessment = result();
      if (!assessment) {
        message = "Nobody has answered yet: nothing to write. (q pauses the room.)";
        return redraw();
      }
      const html = await renderAssessment(assessment, "html", {
        color: false,
        width: 80,
        compiled: rubrics.compiled,
        handout: handoutInfo(options, org),
      });
      await writeFileAtomic(handoutPath, html);
      await stop();
      process.stdout.write(
        `The workshop's handout is written to ${visible(handoutPath)}.\nEach person's answers are in ${visible(store.folder)}; assess them again with:\n  rolefit assess --respondents ${store.respondentPaths().map(shellQuote).join(" ")}${rubricFlags(options.rubrics)}\n`,
      );
      resolve();
    };
    const reveal = async () => {
      if (room.state.participants.length === 0) {
        message = "Nobody has joined yet: nothing to reveal.";
        return redraw();
      }
      room.state.revealed = true;
      await store.save();
      message = "Revealed: the result is on the screen page.";
      redraw();
    };
    const nextRound = async () => {
      const assessment = result();
      if (!assessment || !room.state.revealed) {
        message = "Reveal the result first (r): a new round asks again where the room disagrees.";
        return redraw();
      }
      const flips = (assessment.disagreement ?? []).filter((d) => d.couldFlip);
      if (flips.length === 0) {
        stopRule =
          "No single person's answer could flip the verdict any more: the rounds stop here.";
        message = stopRule;
        return redraw();
      }
      if (room.state.round >= MAX_ROUNDS) {
        stopRule = `${MAX_ROUNDS} rounds are done: the rounds stop here, disagreement and all.`;
        message = stopRule;
        return redraw();
      }
      room.startRound(flips.map((d) => d.questionId));
      stopRule = undefined;
      await store.save();
      message = `Round ${room.state.round}: ${flips.length} question(s) asked again, with the first answers and reasons shown.`;
      redraw();
    };
    const keys: Record<string, () => unknown> = {
      r: reveal,
      n: nextRound,
      f: finish,
      q: pause,
    };
    const onKey = (_: string, key: { name?: string; ctrl?: boolean } | undefined) => {
      if (key?.ctrl && key.name === "c") return pause();
      const action = key?.name ? keys[key.name] : undefined;
      if (action)
        Promise.resolve(action()).catch((error: unknown) => {
          message = `Could not do that: ${error instanceof Error ? error.message : String(error)}`;
          redraw();
        });
    };
    if (process.stdin.isTTY) {
      emitKeypressEvents(process.stdin);
      process.stdin.setRawMode(true);
      process.stdin.on("keypress", onKey);
      process.stdin.resume();
      terminal.onClose(() => {
        process.stdin.off("keypress", onKey);
        process.stdin.setRawMode(false);
        process.stdin.pause();
      });
    }
    process.once("SIGINT", pause);
    process.once("SIGTERM", pause);
    terminal.onClose(() => {
      process.off("SIGINT", pause);
      process.off("SIGTERM", pause);
    });
  });
  redraw();
  await done;
}

/** Starts the server on the port asked for, or the default, or any free one if that is taken. */
async function listen(
  fetch: (request: Request) => Response | Promise<Response>,
  hostname: string,
  port: number | undefined,
): Promise<ReturnType<typeof serve>> {
  const attempt = (at: number) =>
    new Promise<ReturnType<typeof serve>>((resolve, reject) => {
      const server = serve({ fetch, hostname, port: at }, () => resolve(server));
      server.once("error", reject);
    });
  try {
    return await attempt(port ?? DEFAULT_PORT);
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    if (code === "EADDRINUSE" && port === undefined) return attempt(0);
    throw new UserError(
      code === "EADDRINUSE"
        ? `port ${port} is in use: choose another with --port`
        : code === "EADDRNOTAVAIL" || code === "ENOTFOUND"
          ? `cannot listen on ${visible(hostname)}: not an address of this machine (see --host)`
          : `cannot start the room's server: ${(error as Error).message}`,
    );
  }
}
