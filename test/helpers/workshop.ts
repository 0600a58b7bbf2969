import { type ChildProcess, spawn } from "node:child_process";
import { mkdtempSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { ROOT } from "./rubrics.js";

const BIN = join(ROOT, "bin", "rolefit.js");

/** An org file that knows the size and spread, leaving the rest to the room. */
export const FACTS = `apiVersion: rolefit/v1
kind: Organization
name: Acme Freight
answers:
  stage: growth
  employees: 1800
  tech_staff: 220
  geographies: 4
  business_units: 3
`;

/** A workshop server started as the README says, its output piped, on a free port. */
export class WorkshopProcess {
  readonly child: ChildProcess;
  output = "";
  exit: Promise<number | null>;

  constructor(
    readonly dir: string,
    args: string[] = [],
  ) {
    this.child = spawn(
      process.execPath,
      [BIN, "workshop", "--org", "acme.yaml", "--host", "127.0.0.1", "--port", "0", ...args],
      { cwd: dir, env: { ...process.env, NO_COLOR: "1" }, stdio: ["ignore", "pipe", "pipe"] },
    );
    this.child.stdout?.on("data", (chunk: Buffer) => {
      this.output += chunk.toString();
    });
    this.child.stderr?.on("data", (chunk: Buffer) => {
      this.output += chunk.toString();
    });
    this.exit = new Promise((resolve) => this.child.on("exit", (code) => resolve(code)));
  }

  static inNewFolder(facts = FACTS): WorkshopProcess {
    const dir = mkdtempSync(join(tmpdir(), "rolefit-workshop-"));
    writeFileSync(join(dir, "acme.yaml"), facts);
    return new WorkshopProcess(dir);
  }

  /** The room's address, once the server prints it. */
  async url(): Promise<string> {
    const deadline = Date.now() + 15_000;
    for (;;) {
      const found = this.output.match(/Join: (http:\/\/\S+)/);
      if (found) return found[1] as string;
      if (Date.now() > deadline) throw new Error(`no address printed:\n${this.output}`);
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
  }

  stop(): void {
    this.child.kill("SIGKILL");
  }
}

/** A browser-less participant: fetch with a cookie jar, following nothing by itself. */
export class HttpParticipant {
  private cookies = new Map<string, string>();

  constructor(readonly origin: string) {}

  async request(
    path: string,
    init: {
      method?: string;
      form?: Record<string, string | string[]>;
      headers?: Record<string, string>;
      body?: string;
    } = {},
  ): Promise<{ status: number; text: string; location: string | null; headers: Headers }> {
    const headers: Record<string, string> = { ...init.headers };
    if (this.cookies.size > 0)
      headers.cookie = [...this.cookies].map(([k, v]) => `${k}=${v}`).join("; ");
    let body = init.body;
    if (init.form) {
      const params = new URLSearchParams();
      for (const [key, value] of Object.entries(init.form))
        for (const item of Array.isArray(value) ? value : [value]) params.append(key, item);
      body = params.toString();
      headers["content-type"] = "application/x-www-form-urlencoded";
    }
    const response = await fetch(path.startsWith("http") ? path : `${this.origin}${path}`, {
      method: init.method ?? (body === undefined ? "GET" : "POST"),
      headers,
      ...(body === undefined ? {} : { body }),
      redirect: "manual",
    });
    for (const cookie of response.headers.getSetCookie()) {
      const [pair = ""] = cookie.split(";");
      const at = pair.indexOf("=");
      this.cookies.set(pair.slice(0, at), pair.slice(at + 1));
    }
    return {
      status: response.status,
      text: await response.text(),
      location: response.headers.get("location"),
      headers: response.headers,
    };
  }

  /** The form's signed token on a page. */
  static csrf(page: string): string {
    const found = page.match(/name="csrf" value="([^"]+)"/);
    if (!found) throw new Error(`no form token on the page:\n${page.slice(0, 400)}`);
    return found[1] as string;
  }

  /** Joins the room: the page, then the form. Returns where it leads. */
  async join(roomPath: string, name: string, role = ""): Promise<string> {
    const page = await this.request(roomPath);
    const joined = await this.request(`${roomPath}/join`, {
      form: { csrf: HttpParticipant.csrf(page.text), name, role },
    });
    if (joined.status !== 303) throw new Error(`join: ${joined.status} ${joined.text}`);
    return joined.location as string;
  }
}
