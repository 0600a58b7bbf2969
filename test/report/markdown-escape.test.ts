import MarkdownIt from "markdown-it";
import { describe, expect, it } from "vitest";
import { markdownText } from "../../src/text/markdown-escape.js";

const md = new MarkdownIt({ linkify: true });
/** What a line of escaped text renders to: it must stay one plain paragraph. */
const rendered = (text: string) => md.render(markdownText(text)).trim();

describe("markdownText", () => {
  it("leaves numbers and signs as they are", () => {
    for (const text of ["52.6", "+6.6", "#5 priority", "-2 points", "1.5x", "3)x"])
      expect(markdownText(text)).toBe(text);
  });

  it("keeps every line start that CommonMark would read as a block a plain paragraph", () => {
    for (const text of [
      "1. first",
      "2) second",
      "+ item",
      "- item",
      "## heading",
      "# heading",
      "> quote",
      "---",
      "===",
      "- - -",
      "* star",
      "1.",
      "3) later",
    ]) {
      const html = rendered(text);
      expect(html, text).toMatch(/^<p>.*<\/p>$/s);
      expect(html.replace(/<\/?p>/g, ""), text).toBe(
        text.replace(/&/g, "&amp;").replace(/>/g, "&gt;"),
      );
    }
  });
});
