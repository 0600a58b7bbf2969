import { mkdtempSync, readFileSync } from "node:fs";
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
});
