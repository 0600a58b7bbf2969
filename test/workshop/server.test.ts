import { readFileSync } from "node:fs";
import { join } from "node:path";
import { afterEach, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { HttpParticipant, WorkshopProcess } from "../helpers/workshop.js";

let room: WorkshopProcess | undefined;
afterEach(() => room?.stop());

/** Answers whatever question a page shows, as `pick` says; returns the question and the value. */
function fillIn(
  page: string,
  pick: number,
): { id: string; form: Record<string, string | string[]>; sent: unknown } {
  const id = page.match(/action="[^"]*\/q\/([a-z0-9_]+)"/)?.[1];
  if (!id) throw new Error(`not a question page:\n${page.slice(0, 500)}`);
  const csrf = HttpParticipant.csrf(page);
  const radios = [...page.matchAll(/type="radio" name="value" value="([^"]+)"/g)].map(
    (m) => m[1] as string,
  );
  if (radios.length > 0) {
    const value = radios[pick % radios.length] as string;
    return { id, form: { csrf, action: "answer", value }, sent: value };
  }
  const options = [...page.matchAll(/type="checkbox" name="option" value="([^"]+)"/g)].map(
    (m) => m[1] as string,
  );
  if (options.length > 0) {
    const chosen = options.filter((_, i) => (i + pick) % 3 === 0);
    return chosen.length > 0
      ? { id, form: { csrf, action: "answer", option: chosen }, sent: chosen }
      : { id, form: { csrf, action: "answer", none: "1" }, sent: [] };
  }
  const number = String((5 + pick * 7) % (page.includes("(%)") ? 100 : 10_000));
  return { id, form: { csrf, action: "answer", number }, sent: Number(number) };
}

/** A participant answers every question they are asked; returns what they sent, by question. */
async function answerAll(person: HttpParticipant, start: string, pick: number) {
  const sent: Record<string, unknown> = {};
  let location: string | null = start;
  for (let step = 0; step < 60 && location; step++) {
    const response = await person.request(location);
    if (response.status === 303) {
      location = response.location;
      continue;
    }
    if (location.endsWith("/done")) break;
    const { id, form, sent: value } = fillIn(response.text, pick + step);
    const posted = await person.request(location, { form });
    expect(posted.status, posted.text).toBe(303);
    sent[id] = value;
    location = posted.location;
  }
  return sent;
}

/** What a respondent file holds, with values as a form sends them. */
function saved(dir: string, file: string) {
  const org = parse(readFileSync(join(dir, "acme.room", file), "utf8"));
  return org as { respondent: { name: string; role?: string }; answers: Record<string, unknown> };
}

/** A saved value as the form sent it: radio buttons send text. */
const asSent = (value: unknown, sent: unknown) =>
  typeof sent === "string" ? String(value) : value;

describe("rolefit workshop's server", () => {
  it("refuses every request without the room's token", async () => {
    room = WorkshopProcess.inNewFolder();
    const url = new URL(await room.url());
    const token = url.pathname.split("/")[2] as string;
    const stranger = new HttpParticipant(url.origin);
    const wrong = `${token.slice(0, -1)}${token.endsWith("A") ? "B" : "A"}`;
    for (const path of [
      "/",
      "/room",
      "/room/",
      `/room/${wrong}`,
      `/room/${wrong}/screen`,
      `/room/${wrong}/style.css`,
      "/favicon.ico",
      `/room/${token}/../..`,
    ])
      expect((await stranger.request(path)).status, path).toBe(404);
    const posted = await stranger.request(`/room/${wrong}/join`, { form: { name: "Mallory" } });
    expect(posted.status).toBe(404);
    expect((await stranger.request(url.pathname)).status).toBe(200);
  });

  it("refuses cross-site posts, forms without their token, and oversized bodies", async () => {
    room = WorkshopProcess.inNewFolder();
    const url = new URL(await room.url());
    const person = new HttpParticipant(url.origin);
    const page = await person.request(url.pathname);
    const csrf = HttpParticipant.csrf(page.text);
    const crossSite = await person.request(`${url.pathname}/join`, {
      form: { csrf, name: "Eve" },
      headers: { origin: "http://evil.example" },
    });
    expect(crossSite.status).toBe(403);
    const fetchedCrossSite = await person.request(`${url.pathname}/join`, {
      form: { csrf, name: "Eve" },
      headers: { "sec-fetch-site": "cross-site" },
    });
    expect(fetchedCrossSite.status).toBe(403);
    const noToken = await person.request(`${url.pathname}/join`, { form: { name: "Eve" } });
    expect(noToken.status).toBe(403);
    const forged = await person.request(`${url.pathname}/join`, {
      form: { csrf: "x".repeat(43), name: "Eve" },
    });
    expect(forged.status).toBe(403);
    const huge = await person.request(`${url.pathname}/join`, {
      form: { csrf, name: "A".repeat(100_000) },
    });
    expect(huge.status).toBe(413);
    // Nobody got in.
    const state = JSON.parse(readFileSync(join(room.dir, "acme.room", "room.json"), "utf8"));
    expect(state.participants).toEqual([]);
  });

  it("escapes names and reasons everywhere, and answers are checked as a file's are", async () => {
    room = WorkshopProcess.inNewFolder();
    const url = new URL(await room.url());
    const person = new HttpParticipant(url.origin);
    const name = `<script>alert(1)</script>\u001b[2J"'&`;
    const next = await person.join(url.pathname, name, "<b>CTO</b>");
    const first = await person.request((await person.request(next)).location as string);
    const id = first.text.match(/\/q\/([a-z0-9_]+)"/)?.[1] as string;
    const bad = await person.request(`${url.pathname}/q/${id}`, {
      form: {
        csrf: HttpParticipant.csrf(first.text),
        action: "answer",
        value: "not-an-answer",
        number: "1e9",
        option: "nope",
      },
    });
    expect(bad.status).toBe(400);
    expect(bad.text).toMatch(/class="error"/);
    const screen = await person.request(`${url.pathname}/screen`);
    expect(screen.text).not.toContain("<script>");
    expect(screen.text).toContain("&lt;script&gt;alert(1)&lt;/script&gt;");
    expect(screen.text).not.toContain("<b>CTO</b>");
    expect(screen.headers.get("content-security-policy")).toContain("default-src 'none'");
    // The terminal shows the name, never obeys it.
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(room.output).not.toContain("\u001b[2J");
  });

  it("saves what twenty people enter at once, each in a respondent file", async () => {
    room = WorkshopProcess.inNewFolder();
    const url = new URL(await room.url());
    const people = Array.from({ length: 20 }, () => new HttpParticipant(url.origin));
    const sent = await Promise.all(
      people.map(async (person, i) => {
        const start = await person.join(url.pathname, `Person ${i + 1}`, i % 2 ? "CIO" : "CTO");
        return answerAll(person, start, i);
      }),
    );
    const state = JSON.parse(readFileSync(join(room.dir, "acme.room", "room.json"), "utf8"));
    expect(state.participants).toHaveLength(20);
    for (const [i, participant] of (
      state.participants as Array<{ name: string; file: string }>
    ).entries()) {
      const index = Number(participant.name.replace("Person ", "")) - 1;
      const file = saved(room.dir, participant.file);
      expect(file.respondent.name).toBe(`Person ${index + 1}`);
      const mine = sent[index] as Record<string, unknown>;
      expect(Object.keys(mine).length, `participant ${i}`).toBeGreaterThan(15);
      for (const [id, value] of Object.entries(mine))
        expect(asSent(file.answers[id], value), id).toEqual(value);
      // The org file's facts are in every respondent file, so --respondents reads the same room.
      expect(file.answers.employees).toBe(1800);
    }
  });

  it("pauses on Ctrl-C or a crash with nothing lost, and resumes the same room at the same address", async () => {
    room = WorkshopProcess.inNewFolder();
    const url = new URL(await room.url());
    const person = new HttpParticipant(url.origin);
    const start = await person.join(url.pathname, "Dana", "CTO");
    const page = await person.request((await person.request(start)).location as string);
    const { id, form, sent } = fillIn(page.text, 0);
    expect(
      (await person.request(page.text.match(/action="([^"]+)"/)?.[1] as string, { form })).status,
    ).toBe(303);
    room.child.kill("SIGINT");
    expect(await room.exit).toBe(130);
    expect(room.output).toContain("Workshop paused. Every answer is saved in acme.room.");
    expect(room.output).toContain(
      "Resume the room (same address, same people) with: rolefit workshop --org acme.yaml --host 127.0.0.1 --port 0",
    );
    const dir = room.dir;
    room = new WorkshopProcess(dir);
    const again = new URL(await room.url());
    expect(again.pathname).toBe(url.pathname);
    // The same person, by their cookie, carries on where they were.
    const resumed = new HttpParticipant(again.origin);
    Object.assign(resumed, {
      cookies: (person as unknown as { cookies: Map<string, string> }).cookies,
    });
    const next = await resumed.request(`${again.pathname}/next`);
    expect(next.location).not.toContain(`/q/${id}`);
    expect(asSent(saved(dir, "dana.yaml").answers[id], sent)).toEqual(sent);
    expect(room.output).toContain("Resumed the room: 1 participant(s), round 1.");
    // A crash (no chance to save anything more) loses nothing either.
    room.child.kill("SIGKILL");
    await room.exit;
    room = new WorkshopProcess(dir);
    expect(new URL(await room.url()).pathname).toBe(url.pathname);
    expect(room.output).toContain("Resumed the room: 1 participant(s), round 1.");
    expect(asSent(saved(dir, "dana.yaml").answers[id], sent)).toEqual(sent);
  });
});
