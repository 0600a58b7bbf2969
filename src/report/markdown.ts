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

/** The handout as Markdown: the same document as the HTML report and the terminal's. */
export function renderMarkdown(doc: ReportDocument): string {
  const parts = [`# ${md(doc.title)}`];
  if (doc.verdict.banner) parts.push(`> **Warning:** ${md(doc.verdict.banner)}`);
  parts.push(`**${md(doc.headline)}**`);
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
