import { copyFileSync, mkdirSync, mkdtempSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import ExcelJS from "exceljs";
import { beforeAll, describe, expect, it } from "vitest";
import { rolefit } from "../helpers/cli.js";
import { ROOT } from "../helpers/rubrics.js";

/** The workbook, read back by exceljs as a spreadsheet program would open it. */
describe("--format xlsx", () => {
  const dir = mkdtempSync(join(tmpdir(), "rolefit-xlsx-"));
  const units = join(dir, "units");
  const book = new ExcelJS.Workbook();
  beforeAll(async () => {
    mkdirSync(join(units, "north"), { recursive: true });
    mkdirSync(join(units, "south"), { recursive: true });
    for (const [name, folder] of [
      ["seed-startup", "north"],
      ["regulated-bank", "north"],
      ["streaming-platform", "south"],
    ] as const)
      copyFileSync(join(ROOT, "examples", `${name}.yaml`), join(units, folder, `${name}.yaml`));
    writeFileSync(
      join(units, "south", "formula.yaml"),
      readFileSync(join(ROOT, "examples", "product-scaleup.yaml"), "utf8").replace(
        /^name: .*$/m,
        'name: "=HYPERLINK(\\"http://x\\")"',
      ),
    );
    writeFileSync(
      join(units, "south", "broken.yaml"),
      "apiVersion: rolefit/v1\nkind: Organization\nname: X\nanswers:\n  stage: scalup\n",
    );
    const out = join(dir, "results.xlsx");
    const run = rolefit(["assess", "--org", units, "--format", "xlsx", "--out", out]);
    expect(run.status).toBe(1); // the broken file, which the Errors sheet lists
    await book.xlsx.readFile(out);
  });

  it("has a Results sheet: the full columns, header frozen, filters, numbers as numbers, verdicts coloured", () => {
    expect(book.worksheets.map((sheet) => sheet.name)).toEqual(["Results", "Summary", "Errors"]);
    const results = book.getWorksheet("Results") as ExcelJS.Worksheet;
    expect(results.views[0]).toMatchObject({ state: "frozen", ySplit: 1 });
    expect(results.autoFilter).toBeTruthy();
    const header = (results.getRow(1).values as unknown[]).slice(1);
    expect(header.slice(0, 7)).toEqual([
      "source",
      "name",
      "recommendation",
      "runnerUp",
      "confidence",
      "margin",
      "decidedBy",
    ]);
    expect(header).toContain("answer.stage");
    expect(results.rowCount).toBe(5); // header and four organisations
    const column = (name: string) => header.indexOf(name) + 1;
    for (let r = 2; r <= results.rowCount; r++) {
      const row = results.getRow(r);
      expect(typeof row.getCell(column("margin")).value).toBe("number");
      expect(typeof row.getCell(column("combine")).value).toBe("number");
      const verdict = row.getCell(column("recommendation"));
      expect(["combine", "separate", "matrix"]).toContain(verdict.value);
      expect((verdict.fill as ExcelJS.FillPattern).pattern).toBe("solid");
    }
    const names = Array.from({ length: results.rowCount - 1 }, (_, i) =>
      String(results.getRow(i + 2).getCell(column("name")).value),
    );
    // A formula-like name is text, neutralised as in the CSV.
    expect(names).toContain(`'=HYPERLINK("http://x")`);
    for (let r = 2; r <= results.rowCount; r++)
      expect(results.getRow(r).getCell(column("name")).formula).toBeUndefined();
  });

  it("has a Summary by recommendation and confidence, overall and by folder, and an Errors sheet", () => {
    const summary = book.getWorksheet("Summary") as ExcelJS.Worksheet;
    const header = (summary.getRow(1).values as unknown[]).slice(1);
    expect(header).toEqual([
      "folder",
      "organisations",
      "combine",
      "separate",
      "matrix",
      "undecided",
      "high",
      "medium",
      "low",
      "failed",
    ]);
    const all = (summary.getRow(2).values as unknown[]).slice(1);
    expect(all[0]).toBe("(all)");
    expect(all[1]).toBe(4);
    expect((all.slice(2, 6) as number[]).reduce((a, b) => a + b, 0)).toBe(4);
    expect(all[9]).toBe(1);
    expect(summary.rowCount).toBe(4); // all, north, south
    const errors = book.getWorksheet("Errors") as ExcelJS.Worksheet;
    expect(errors.rowCount).toBe(2);
    expect(String(errors.getRow(2).getCell(1).value)).toMatch(/broken\.yaml$/);
    expect(errors.getRow(2).getCell(3).value).toBe(5);
    expect(String(errors.getRow(2).getCell(5).value)).toMatch(/scalup/);
  });

  it("refuses to write a workbook to a terminal, and --bom outside CSV", () => {
    expect(rolefit(["assess", "--org", units, "--format", "xlsx", "--bom"]).status).toBe(2);
  });
});
