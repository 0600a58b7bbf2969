/**
 * Plain text made literal for CommonMark (and GitHub's flavour): nothing in it can become raw
 * HTML, a link, an image, emphasis, code, a table cell break, an entity, or, at the start of a
 * line, a heading, quote, list, rule or setext underline (`>` is escaped everywhere). Each block of rolefit's own Markdown wraps text through
 * this, so the outline of a report never depends on its input.
 */
export function markdownText(text: string): string {
  return (
    text
      .trimStart()
      // Inline constructs: emphasis, code, links and images, raw HTML and autolinks, entities,
      // table pipes, strikethrough, email autolinks (`@`); the backslash itself first.
      .replace(/[\\`*_[\]<>|~&!@]/g, "\\$&")
      // Block constructs that only count at the start of a line, and only as CommonMark spells
      // them: so "52.6" and "+6.6" stay as they are, while "1. x", "+ x" and "## x" are escaped.
      .replace(/^(#{1,6})(?=[ \t]|$)/, "\\$1")
      .replace(/^([+-])(?=[ \t]|$)/, "\\$1")
      .replace(/^([=-])(?=[=\s-]*$)/, "\\$1")
      .replace(/^(\d{1,9})([.)])(?=[ \t]|$)/, "$1\\$2")
      // Bare URLs that GitHub's flavour turns into links.
      .replace(/(\w)(:\/\/)/g, "$1\\$2")
      .replace(/\b(www)\./gi, "$1\\.")
  );
}
