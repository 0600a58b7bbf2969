import { mkdirSync, mkdtempSync, rmSync, symlinkSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { afterAll, describe, expect, it } from "vitest";
import { expandInputs, InputList } from "../../src/io/inputs.js";

describe("the compact list of inputs", () => {
  it("reads back every input in order, by position and by iteration, across runs and appends", () => {
    const list = new InputList();
    list.pushFile("a/", "1.yaml");
    list.pushFile("a/", "2.yaml");
    list.push({ path: "-" });
    list.pushFile("b/", "3.yaml");
    const more = new InputList();
    more.push({ path: "missing.yaml", error: "no such file or folder" });
    more.pushFile("c/", "4.yaml");
    more.pushFile("c/", "5.yaml");
    list.append(more);
    const expected = [
      { path: "a/1.yaml" },
      { path: "a/2.yaml" },
      { path: "-" },
      { path: "b/3.yaml" },
      { path: "missing.yaml", error: "no such file or folder" },
      { path: "c/4.yaml" },
      { path: "c/5.yaml" },
    ];
    expect(list.length).toBe(expected.length);
    expect([...list]).toEqual(expected);
    expect(expected.map((_, index) => list.at(index))).toEqual(expected);
    expect(list.at(-1)).toBeUndefined();
    expect(list.at(expected.length)).toBeUndefined();
  });
});

describe("folder walks", () => {
  const root = mkdtempSync(join(tmpdir(), "rolefit-inputs-"));
  afterAll(() => rmSync(root, { recursive: true, force: true }));

  it("lists YAML files sorted, folder by folder, with the paths join would give", () => {
    mkdirSync(join(root, "orgs", "b"), { recursive: true });
    mkdirSync(join(root, "orgs", "a"));
    for (const file of ["b/2.yaml", "b/1.yml", "a/x.yaml", "top.yaml", "notes.txt"])
      writeFileSync(join(root, "orgs", file), "name: x\n");
    symlinkSync(join(root, "nowhere.yaml"), join(root, "orgs", "dangling.yaml"));
    const { inputs, batch } = expandInputs([`${join(root, "orgs")}//`]);
    expect(batch).toBe(true);
    expect([...inputs]).toEqual([
      { path: join(root, "orgs", "a", "x.yaml") },
      { path: join(root, "orgs", "b", "1.yml") },
      { path: join(root, "orgs", "b", "2.yaml") },
      { path: join(root, "orgs", "dangling.yaml"), error: "skipped: a link to nothing" },
      { path: join(root, "orgs", "top.yaml") },
    ]);
  });
});
