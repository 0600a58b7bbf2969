import type { Diagnostic } from "../rubric/diagnostic.js";
import { jsonDocument, visible } from "../text/visible.js";

/** What each finding code means, for SARIF's rule list and for readers of the codes. */
export const FINDING_CODES: Record<string, string> = {
  "yaml-syntax": "The file is not valid YAML, or uses a custom tag.",
  "duplicate-key": "A key appears twice in one mapping.",
  "yaml-alias-limit": "The YAML expands too much through aliases.",
  "multiple-documents": "A rubric file holds more than one YAML document.",
  "empty-file": "The file has no content.",
  "not-a-mapping": "The document is a list or a single value, not a mapping.",
  "wrong-kind": "The document's kind is not the one expected here.",
  "unknown-key": "A key that this kind of file does not have.",
  "invalid-key": "A list, mapping or alias used as a key, where a plain word is needed.",
  "missing-key": "A required key is missing.",
  "invalid-value": "A value of the wrong type or outside what is allowed.",
  "unknown-question": "An answer or a rule names a question no loaded rubric asks.",
  "invalid-answer": "An answer outside its question's type or values.",
  "unknown-answer": "A rule tests for an answer its question does not have.",
  "invalid-test": "A rule's test does not fit its question's type.",
  "duplicate-rubric-id": "Two rubrics share an id.",
  "duplicate-question-id": "Two questions share an id across the loaded rubrics.",
  "duplicate-rule-id": "Two rules share an id.",
  "duplicate-answer": "A question lists the same answer twice.",
  "boolean-answers": "A boolean question needs one answer for true and one for false.",
  "band-gap": "A numeric question's first band does not start at its minimum.",
  "band-order": "A numeric question's bands are not in increasing order.",
  "band-out-of-range": "A band starts above the question's maximum.",
  "empty-range": "A numeric question's minimum is above its maximum.",
  "question-without-effect":
    "Every answer of a question has the same effect, so it cannot change a result.",
  "rule-never-fires": "No answers can satisfy a rule's condition, so it never applies.",
  "unwinnable-outcome": "No answers found that make one of the three structures win.",
  "too-deep": "Collections nested deeper than any rolefit file needs.",
  "too-many-documents": "More YAML documents in one file than rolefit reads; split the file.",
  unreadable: "The file cannot be read (missing, a folder, too large, not UTF-8 text).",
};

/** GitHub workflow commands: escaped so a message or path cannot break the annotation. */
export const escapeData = (text: string) =>
  visible(text).replace(/%/g, "%25").replace(/\r/g, "%0D").replace(/\n/g, "%0A");
export const escapeProperty = (text: string) =>
  escapeData(text).replace(/:/g, "%3A").replace(/,/g, "%2C");

export function renderGithub(diagnostics: readonly Diagnostic[]): string {
  return diagnostics
    .map((d) => {
      const position =
        d.line > 0
          ? `,line=${d.line},col=${d.column}${d.endLine ? `,endLine=${d.endLine}` : ""}${d.endColumn && d.endLine === d.line ? `,endColumn=${d.endColumn}` : ""}`
          : "";
      return `::${d.severity} file=${escapeProperty(d.file)}${position},title=${escapeProperty(`rolefit ${d.code}`)}::${escapeData(d.message)}\n`;
    })
    .join("");
}

/** A relative path as a URI reference: each segment percent-encoded (spaces, `#`, `?`, newlines). */
const uriReference = (path: string) => path.split("/").map(encodeURIComponent).join("/");

/** SARIF 2.1.0: one rule per finding code, one result per finding, so code scanning shows them. */
export function renderSarif(
  diagnostics: readonly Diagnostic[],
  version: string,
  toUri: (file: string) => string,
): string {
  const codes = [...new Set(diagnostics.map((d) => d.code))].sort();
  const sarif = {
    $schema: "https://json.schemastore.org/sarif-2.1.0.json",
    version: "2.1.0",
    runs: [
      {
        tool: {
          driver: {
            name: "rolefit",
            version,
            rules: codes.map((code) => ({
              id: code,
              name: code.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase()),
              shortDescription: { text: FINDING_CODES[code] ?? code },
            })),
          },
        },
        results: diagnostics.map((d) => ({
          ruleId: d.code,
          ruleIndex: codes.indexOf(d.code),
          level: d.severity,
          message: { text: d.message },
          locations: [
            {
              physicalLocation: {
                artifactLocation: { uri: uriReference(toUri(d.file)) },
                ...(d.line > 0
                  ? {
                      region: {
                        startLine: d.line,
                        startColumn: d.column,
                        ...(d.endLine ? { endLine: d.endLine } : {}),
                        ...(d.endColumn ? { endColumn: d.endColumn } : {}),
                      },
                    }
                  : {}),
              },
            },
          ],
        })),
      },
    ],
  };
  return jsonDocument(sarif);
}
