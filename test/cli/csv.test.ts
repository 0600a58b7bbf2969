import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { parse as parseCsv } from "csv-parse/sync";
import { beforeAll, describe, expect, it } from "vitest";
import { parse } from "yaml";
import { rolefit } from "../helpers/cli.js";
import { ROOT } from "../helpers/rubrics.js";

/** The spreadsheet columns, read back by an independent CSV parser. */
describe("CSV for spreadsheets", () => {
  const dir = mkdtempSync(join(tmpdir(), "rolefit-csv-"));
  const units = join(dir, "units");
  beforeAll(() => {
    mkdirSync(units);
    for (const name of [
      "seed-startup",
      "regulated-bank",
      "streaming-platform",
      "northwind-payments",
    ])
      copyFileSync(join(ROOT, "examples", `${name}.yaml`), join(units, `${name}.yaml`));
    writeFileSync(
      join(units, "mueller.yaml"),
      readFileSync(join(ROOT, "examples", "product-scaleup.yaml"), "utf8").replace(
        /^name: .*$/m,
        'name: "Müller & Søn"',
      ),
    );
    writeFileSync(
      join(units, "broken.yaml"),
      "apiVersion: rolefit/v1\nkind: Organization\nname: X\nanswers:\n  stage: scalup\n",
    );
  });

  /** `assess` over the units as CSV, with the flags given. */
  const csv = (...flags: string[]) =>
    rolefit(["assess", "--org", units, "--format", "csv", ...flags]);

  it("writes the full columns, with a byte-order mark for Excel, that a CSV parser reads back", () => {
    const out = join(dir, "full.csv");
    const run = csv("--columns", "full", "--bom", "--out", out);
    expect(run.status).toBe(1); // the broken file
    const bytes = readFileSync(out);
    expect([...bytes.subarray(0, 3)]).toEqual([0xef, 0xbb, 0xbf]);
    const rows = parseCsv(bytes, { bom: true, columns: true, cast: true }) as Array<
      Record<string, unknown>
    >;
    expect(rows).toHaveLength(6);
    const byName = new Map(rows.map((row) => [row.name, row]));
    expect(byName.has("Müller & Søn")).toBe(true);
    for (const row of rows.filter((r) => r.error === "")) {
      expect(typeof row.margin).toBe("number");
      expect(["scores", "rules", "conflict", "undecided"]).toContain(row.decidedBy);
      // A negative margin always says why.
      if ((row.margin as number) < 0) expect(row.decidedBy).toBe("rules");
      expect(row.answeredShare).toBeGreaterThan(0);
      // Every answer by question id, as the org file gives it.
      const source = parse(readFileSync(row.source as string, "utf8")).answers as Record<
        string,
        unknown
      >;
      expect(String(row["answer.stage"])).toBe(String(source.stage));
      const forums = source.collaboration_mechanisms;
      if (Array.isArray(forums))
        expect(row["answer.collaboration_mechanisms"]).toBe(forums.join("; "));
    }
    const seed = rows.find((row) => String(row.source).endsWith("seed-startup.yaml"));
    expect(seed?.decidedBy).toBe("rules");
    expect(seed?.ruledOutBy).toMatch(/small-organisation-one-leader/);
    const broken = rows.find((row) => String(row.source).endsWith("broken.yaml"));
    expect(broken?.error).toMatch(/scalup/);
  });

  it("takes a list of columns, and refuses an unknown one or CSV flags on other formats", () => {
    const run = csv("--columns", "name,margin,decidedBy,answer.stage");
    const rows = parseCsv(run.stdout, { columns: true }) as Array<Record<string, string>>;
    expect(Object.keys(rows[0] ?? {})).toEqual(["name", "margin", "decidedBy", "answer.stage"]);
    const unknown = csv("--columns", "name,nope");
    expect(unknown.status).toBe(2);
    expect(unknown.stderr).toContain('unknown column "nope"');
    const notCsv = rolefit(["assess", "--org", units, "--format", "jsonl", "--bom"]);
    expect(notCsv.status).toBe(2);
  });
});
