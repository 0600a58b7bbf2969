import { mkdtempSync, readdirSync, readFileSync, writeFileSync } from "node:fs";
import { tmpdir } from "node:os";
import { join } from "node:path";
import { describe, expect, it } from "vitest";
import { RecordStream } from "../../src/io/stream.js";

describe("RecordStream", () => {
  it("writes every record whole and in order, small, multi-byte and larger than a chunk", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "rolefit-stream-")), "out.jsonl");
    const sink = await RecordStream.open(out);
    const records: string[] = [];
    for (let i = 0; i < 3000; i++) {
      const body =
        i % 500 === 7
          ? "x".repeat(200_000)
          : i % 3 === 0
            ? `Zürich – ${"€".repeat(i % 40)}`
            : `${i}`;
      records.push(`{"n":${i},"text":"${body}"}\n`);
    }
    for (const record of records) await sink.write(record);
    await sink.close();
    expect(readFileSync(out, "utf8")).toBe(records.join(""));
  });

  it("copies text marked ASCII byte for byte, between text it encodes, past chunk boundaries", async () => {
    const out = join(mkdtempSync(join(tmpdir(), "rolefit-stream-")), "out.jsonl");
    const sink = await RecordStream.open(out);
    const records: Array<[string, boolean]> = [];
    for (let i = 0; i < 3000; i++) {
      const ascii = i % 4 !== 0;
      const body = ascii
        ? `${"\\u00fc".repeat(i % 30)}${"a".repeat(i % 500 === 9 ? 1_500_000 : i)}`
        : `Søn ${"–".repeat(i % 50)}`;
      records.push([`{"n":${i},"text":"${body}"}\n`, ascii]);
    }
    for (const [record, ascii] of records) await sink.write(record, ascii);
    await sink.close();
    expect(readFileSync(out, "utf8")).toBe(records.map(([record]) => record).join(""));
  });

  it("flushes a growing file to disk as it goes, and closes or abandons it only once a flush is done", async () => {
    const dir = mkdtempSync(join(tmpdir(), "rolefit-stream-"));
    const out = join(dir, "out.jsonl");
    // Past several flush thresholds, in records of a megabyte and a half.
    const record = `{"text":"${"r".repeat(1_500_000)}"}\n`;
    const kept = await RecordStream.open(out);
    for (let i = 0; i < 24; i++) await kept.write(record, true);
    await kept.close();
    expect(readFileSync(out, "latin1")).toBe(record.repeat(24));
    expect(readdirSync(dir)).toEqual(["out.jsonl"]);

    writeFileSync(out, "old\n");
    const dropped = await RecordStream.open(out);
    for (let i = 0; i < 12; i++) await dropped.write(record, true);
    await dropped.abandon();
    expect(readFileSync(out, "utf8")).toBe("old\n");
    expect(readdirSync(dir)).toEqual(["out.jsonl"]);
  });
});
