import type { DiffDocument } from "../narrate/diff.js";
import { markdownText } from "../text/markdown-escape.js";

export function renderDiffText(doc: DiffDocument): string {
  const lines = doc.warning ? [`WARNING: ${doc.warning}`] : [];
  lines.push(doc.headline);
  for (const section of doc.sections)
    lines.push("", section.title, ...section.items.map((item) => `  • ${item}`));
  return `${lines.join("\n")}\n`;
}

export function renderDiffMarkdown(doc: DiffDocument): string {
  const md = markdownText;
  const parts = [`# What changed: ${md(doc.organization)}`];
  if (doc.warning) parts.push(`> **Warning:** ${md(doc.warning)}`);
  parts.push(md(doc.headline));
  for (const section of doc.sections)
    parts.push(`## ${md(section.title)}`, section.items.map((item) => `- ${md(item)}`).join("\n"));
  return `${parts.join("\n\n")}\n`;
}
