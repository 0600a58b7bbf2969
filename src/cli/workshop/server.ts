import { createHmac, timingSafeEqual } from "node:crypto";
import type { Context } from "hono";
import { Hono } from "hono";
import { bodyLimit } from "hono/body-limit";
import { getCookie, setCookie } from "hono/cookie";
import { HTTPException } from "hono/http-exception";
import type { Step } from "../../interview/flow.js";
import type { Wording } from "../../narrate/conditions.js";
import type { Assessment } from "../../result/assessment.js";
import { checkAnswer, describeDomain, readTypedNumber } from "../../rubric/question.js";
import type { AnswerValue, Question } from "../../rubric/schema.js";
import type { Participant } from "../../workshop/room.js";
import { donePage, joinPage, questionPage, STYLESHEET, screenPage } from "./pages.js";
import { type RoomStore, randomId } from "./store.js";

/** The most a request body may carry: a page of answers is well under 2 KiB. */
export const MAX_BODY_BYTES = 16 * 1024;
const MAX_NAME = 80;
const MAX_REASON = 200;
const PARTICIPANT_COOKIE = "rolefit_participant";
const JOIN_COOKIE = "rolefit_join";

/** What the server needs of the workshop around it. */
export interface WorkshopHooks {
  /** The address people join at, for the screen. */
  url: string;
  qrSvg: string;
  wording: Wording;
  /** The room's result, computed when it is shown. */
  result(): Assessment | undefined;
  /** The Delphi's stop rule, once it has stopped, for the screen. */
  stopRule(): string | undefined;
  /** Something changed: redraw the terminal. */
  changed(): void;
}

/**
 * Every header a page gets: nothing may run, load or frame it but the room's own stylesheet;
 * no address leaks in a Referer; nothing is cached on a shared device.
 */
const SECURITY_HEADERS: Record<string, string> = {
  "Content-Security-Policy":
    "default-src 'none'; style-src 'self'; img-src 'self' data:; form-action 'self'; frame-ancestors 'none'; base-uri 'none'",
  "X-Content-Type-Options": "nosniff",
  "X-Frame-Options": "DENY",
  "Referrer-Policy": "no-referrer",
  "Cache-Control": "no-store",
  "Cross-Origin-Opener-Policy": "same-origin",
  "Cross-Origin-Resource-Policy": "same-origin",
};

/** Text from a form: one line, no control characters, at most `limit` characters. */
function oneLine(value: unknown, limit: number): string {
  if (typeof value !== "string") return "";
  // biome-ignore lint/suspicious/noControlCharactersInRegex: control characters are what is removed
  const clean = value.replace(/[\u0000-\u001f\u007f-\u009f\u2028\u2029]+/g, " ").trim();
  return [...clean].slice(0, limit).join("");
}

const first = (value: unknown): unknown => (Array.isArray(value) ? value[0] : value);

/**
 * The room's web server: every route sits under `/room/<token>`, anything else is a bare 404.
 * Forms carry a token signed with the room's secret (and hono's origin check runs first), bodies
 * are capped, and pages are escaped HTML with a Content-Security-Policy that allows no script.
 */
export function workshopApp(store: RoomStore, hooks: WorkshopHooks): Hono {
  const { room } = store;
  const { token, secret } = room.state;
  const base = `/room/${token}`;
  const sign = (what: string) => createHmac("sha256", secret).update(what).digest("base64url");
  const signedBy = (given: unknown, what: string) => {
    if (typeof given !== "string") return false;
    const expected = Buffer.from(sign(what));
    const actual = Buffer.from(given);
    return actual.length === expected.length && timingSafeEqual(actual, expected);
  };
  const cookie = { path: base, httpOnly: true, sameSite: "Strict" as const, maxAge: 12 * 3600 };
  const participantOf = (c: Context) => room.participant(getCookie(c, PARTICIPANT_COOKIE));
  const organization = room.state.organization;

  const app = new Hono();
  app.use(async (c, next) => {
    await next();
    for (const [name, value] of Object.entries(SECURITY_HEADERS)) c.header(name, value);
  });
  app.use(
    `${base}/*`,
    bodyLimit({ maxSize: MAX_BODY_BYTES, onError: (c) => c.text("Request too large.", 413) }),
  );
  // Cross-site posts are refused by what the browser says of them; the signed form token is
  // the lock that holds for every client, browser or not.
  app.use(`${base}/*`, async (c, next) => {
    if (c.req.method === "GET" || c.req.method === "HEAD") return next();
    // Sec-Fetch-Site, where a browser sends it, decides; else the Origin. Pages here send no
    // Referer, so a browser may send `Origin: null` for its own same-origin posts.
    const site = c.req.header("sec-fetch-site");
    const origin = c.req.header("origin");
    const crossSite =
      site !== undefined
        ? site !== "same-origin" && site !== "none"
        : origin !== undefined && origin !== "null" && origin !== new URL(c.req.url).origin;
    if (crossSite) return c.text("Requests from other sites are refused.", 403);
    return next();
  });

  app.get(`${base}/style.css`, (c) => c.body(STYLESHEET, 200, { "Content-Type": "text/css" }));

  app.get(base, (c) => {
    if (participantOf(c)) return c.redirect(`${base}/next`, 303);
    const nonce = randomId();
    setCookie(c, JOIN_COOKIE, nonce, cookie);
    return c.html(joinPage(base, organization, sign(`join:${nonce}`)));
  });

  app.post(`${base}/join`, async (c) => {
    const form = await c.req.parseBody();
    const nonce = getCookie(c, JOIN_COOKIE);
    if (!nonce || !signedBy(form.csrf, `join:${nonce}`))
      return c.text("This form has expired: open the room's address again.", 403);
    const name = oneLine(form.name, MAX_NAME);
    if (name === "") {
      const fresh = randomId();
      setCookie(c, JOIN_COOKIE, fresh, cookie);
      return c.html(
        joinPage(base, organization, sign(`join:${fresh}`), "Enter your name to join."),
        400,
      );
    }
    if (room.state.participants.length >= 200) return c.text("The room is full.", 403);
    const participant = await store.join(name, oneLine(form.role, MAX_NAME) || undefined);
    setCookie(c, PARTICIPANT_COOKIE, participant.id, cookie);
    hooks.changed();
    return c.redirect(`${base}/next`, 303);
  });

  app.get(`${base}/next`, (c) => {
    const participant = participantOf(c);
    if (!participant) return c.redirect(base, 303);
    const next = room.nextFor(participant);
    return c.redirect(next ? `${base}/q/${next.question.id}` : `${base}/done`, 303);
  });

  const showQuestion = (
    c: Context,
    participant: Participant,
    step: Step,
    error?: { message: string; typed?: AnswerValue },
  ) => {
    const questions = room.questionsFor(participant);
    const at = questions.indexOf(step);
    const id = step.question.id;
    const previous = at > 0 ? questions[at - 1] : undefined;
    return c.html(
      questionPage(base, organization, {
        step,
        current: error?.typed ?? participant.answers[id],
        notSure: participant.unknown.includes(id),
        reason: participant.reasons[id] ?? "",
        position: at < 0 ? questions.length : at + 1,
        total: questions.length,
        round: room.state.round,
        csrf: sign(`answer:${participant.id}`),
        ...(previous ? { back: `${base}/q/${previous.question.id}` } : {}),
        ...(room.state.round > 1
          ? { recheck: room.state.recheck.find((entry) => entry.questionId === id) }
          : {}),
        ...(error ? { error: error.message } : {}),
      }),
      error ? 400 : 200,
    );
  };

  /** A question this participant may answer now, or undefined. */
  const askable = (participant: Participant, id: string) =>
    room.questionsFor(participant).find((step) => step.question.id === id);

  app.get(`${base}/q/:id`, (c) => {
    const participant = participantOf(c);
    if (!participant) return c.redirect(base, 303);
    const step = askable(participant, c.req.param("id"));
    if (!step) return c.redirect(`${base}/next`, 303);
    return showQuestion(c, participant, step);
  });

  app.post(`${base}/q/:id`, async (c) => {
    const participant = participantOf(c);
    if (!participant) return c.redirect(base, 303);
    const form = await c.req.parseBody({ all: true });
    if (!signedBy(first(form.csrf), `answer:${participant.id}`))
      return c.text("This form has expired: reload the page.", 403);
    const step = askable(participant, c.req.param("id"));
    if (!step) return c.redirect(`${base}/next`, 303);
    const reason = oneLine(first(form.reason), MAX_REASON);
    if (first(form.action) === "not-sure") {
      await store.record(participant, step.question.id, null, reason);
    } else {
      const value = answerFromForm(step.question, form);
      if (!value.ok) return showQuestion(c, participant, step, { message: value.message });
      await store.record(participant, step.question.id, value.value, reason);
    }
    hooks.changed();
    return c.redirect(`${base}/next`, 303);
  });

  app.get(`${base}/done`, (c) => {
    const participant = participantOf(c);
    if (!participant) return c.redirect(base, 303);
    const next = room.nextFor(participant);
    if (next) return c.redirect(`${base}/q/${next.question.id}`, 303);
    return c.html(
      donePage(base, organization, {
        name: participant.name,
        round: room.state.round,
        revealed: room.state.revealed,
        answers: room.questionsFor(participant).map((step) => ({
          step,
          value: participant.answers[step.question.id],
          notSure: participant.unknown.includes(step.question.id),
        })),
      }),
    );
  });

  app.get(`${base}/screen`, (c) =>
    c.html(
      screenPage(base, {
        organization,
        url: hooks.url,
        qrSvg: hooks.qrSvg,
        round: room.state.round,
        revealed: room.state.revealed,
        progress: room.progress(),
        recheck: room.state.recheck.map((entry) => hooks.wording.question(entry.questionId)),
        wording: hooks.wording,
        ...(room.state.revealed ? { result: hooks.result() } : {}),
        ...(hooks.stopRule() ? { stopRule: hooks.stopRule() } : {}),
      }),
    ),
  );

  // No hint that anything is here without the room's address.
  app.notFound((c) => c.text("Not found.", 404));
  app.onError((error, c) =>
    // Refusals (a cross-site post) keep their status; anything else says the answers are safe.
    error instanceof HTTPException
      ? error.getResponse()
      : c.text("Something went wrong; the answers saved so far are safe.", 500),
  );
  return app;
}

/** A posted answer, checked exactly as an org file's answer is. */
function answerFromForm(
  question: Question,
  form: Record<string, string | File | Array<string | File>>,
): { ok: true; value: AnswerValue } | { ok: false; message: string } {
  const all = (name: string) => {
    const value = form[name];
    return (Array.isArray(value) ? value : value === undefined ? [] : [value]).filter(
      (v): v is string => typeof v === "string",
    );
  };
  let raw: unknown;
  switch (question.type) {
    case "integer":
    case "percent":
      raw = readTypedNumber(oneLine(first(form.number), 40));
      break;
    case "multi": {
      const options = all("option");
      if (all("none").length > 0) {
        if (options.length > 0)
          return { ok: false, message: "Choose options, or “None of these”, not both." };
        raw = [];
      } else if (options.length === 0) {
        return { ok: false, message: "Select the options that apply, or “None of these”." };
      } else raw = options;
      break;
    }
    default: {
      const posted = first(form.value);
      const match = question.answers.find((answer) => String(answer.value) === posted);
      if (!match) return { ok: false, message: "Choose one of the answers, or “Not sure”." };
      raw = match.value;
    }
  }
  const checked = checkAnswer(question, raw);
  if (!checked.ok || checked.value === null)
    return {
      ok: false,
      message:
        question.type === "integer" || question.type === "percent"
          ? `Enter ${describeDomain(question)}, in digits (1200 or 1,200), or choose “Not sure”.`
          : "Choose one of the answers, or “Not sure”.",
    };
  // Several-of answers keep the rubric's order, as an org file's do.
  const value =
    question.type === "multi" && Array.isArray(checked.value)
      ? question.options.map((o) => o.value).filter((v) => (checked.value as string[]).includes(v))
      : checked.value;
  return { ok: true, value };
}
