import type { Assessment } from "../engine/assess.js";
import { type Block, buildReport, type QuestionTexts } from "./document.js";

/** Table cells may not hold a pipe or a line break. */
const cell = (text: string) => text.replace(/\|/g, "\\|").replace(/\r?\n/g, " ");

function renderBlock(block: Block): string {
  switch (block.kind) {
    case "paragraph":
      return block.text;
    case "callout":
      return `> **Warning:** ${block.text}`;
    case "list":
      return block.items.map((item) => `- ${item}`).join("\n");
    case "checklist":
      return block.items
        .map(
          (item) => `- [${item.done ? "x" : " "}] ${item.text}${item.done ? " *(in place)*" : ""}`,
        )
        .join("\n");
    case "table": {
      const align = block.head.map((_, i) => (block.numeric?.includes(i) ? "---:" : "---"));
      const rows = [block.head, ...block.rows].map((row) => `| ${row.map(cell).join(" | ")} |`);
      rows.splice(1, 0, `| ${align.join(" | ")} |`);
      return rows.join("\n");
    }
    case "chart":
      // The tables next to each chart carry the same figures; Markdown has no drawing.
      return "";
  }
}

/** The handout as Markdown: the same sections as the HTML report. */
export function renderMarkdown(assessment: Assessment, questions?: QuestionTexts): string {
  const doc = buildReport(assessment, questions);
  const parts = [`# ${doc.title}`, `**${doc.headline}**`];
  for (const section of doc.sections) {
    parts.push(`## ${section.title}`);
    for (const block of section.blocks) {
      const text = renderBlock(block);
      if (text !== "") parts.push(text);
    }
  }
  return `${parts.join("\n\n")}\n`;
}
