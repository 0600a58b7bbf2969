import type { Block, ReportDocument } from "../narrate/document.js";
import { markdownText } from "../text/markdown-escape.js";

const md = markdownText;

function renderBlock(block: Block): string {
  switch (block.kind) {
    case "paragraph":
      return md(block.text);
    case "list":
      return block.items.map((item) => `- ${md(item)}`).join("\n");
    case "checklist":
      return block.items
        .map(
          (item) =>
            `- [${item.done ? "x" : " "}] ${md(item.text)}${item.done ? " *(in place)*" : ""}`,
        )
        .join("\n");
    case "table": {
      const align = block.head.map((_, i) => (block.numeric?.includes(i) ? "---:" : "---"));
      const rows = [block.head, ...block.rows].map((row) => `| ${row.map(md).join(" | ")} |`);
      rows.splice(1, 0, `| ${align.join(" | ")} |`);
      return rows.join("\n");
    }
    case "chart":
      // The tables next to each chart carry the same figures; Markdown has no drawing.
      return "";
  }
}

/** A heading's anchor as GitHub and most renderers make it: lower case, words joined by hyphens. */
const slug = (title: string) =>
  title
    .toLowerCase()
    .replace(/[^\p{L}\p{N}\s-]/gu, "")
    .trim()
    .replace(/\s/g, "-");

/** The handout as Markdown: the same document as the HTML report and the terminal's. */
export function renderMarkdown(doc: ReportDocument): string {
  const parts = [`# ${md(doc.title)}`];
  const { cover } = doc;
  const coverRows = (
    [
      ["Organisation", cover.organization],
      ["Prepared for", cover.preparedFor],
      ["Prepared by", cover.preparedBy],
      ["Date", cover.date],
      ["Rubrics", cover.rubrics],
    ] as Array<[string, string | undefined]>
  ).filter((row): row is [string, string] => row[1] !== undefined && row[1] !== "");
  parts.push(renderBlock({ kind: "table", head: ["", ""], rows: coverRows }));
  if (doc.verdict.banner) parts.push(`> **Warning:** ${md(doc.verdict.banner)}`);
  parts.push(`**${md(doc.headline)}**`);
  parts.push(
    `**Contents**\n\n${doc.contents.map((entry, i) => `${i + 1}. [${md(entry.title)}](#${slug(entry.title)})`).join("\n")}`,
  );
  for (const section of doc.sections) {
    parts.push(`## ${md(section.title)}`);
    for (const block of section.blocks) {
      if (block.view === "short") continue;
      const text = renderBlock(block);
      if (text !== "") parts.push(text);
    }
  }
  return `${parts.join("\n\n")}\n`;
}
