import type { CompiledRubrics } from "../engine/compile.js";
import { describeDomain } from "../rubric/question.js";
import { safeJson, visible } from "../text/visible.js";

/** Rubric text as one comment line: a line break in it would end the comment and start YAML. */
const comment = (text: string) => `  # ${visible(text)}`;

/** A YAML scalar for the name line, quoted when plain YAML would misread it. */
const yamlString = (text: string) =>
  /^[\w .,&()'-]+$/.test(text) && !/^[-?:,[\]{}#&*!|>'"%@`]/.test(text)
    ? text
    : safeJson(JSON.stringify(text));

/**
 * An org file to fill in: every question, in interview order, with its prompt and allowed values
 * as comments and no answer yet. As written it is valid and assesses as all unanswered.
 */
export function renderOrgTemplate(compiled: CompiledRubrics, name: string): string {
  const lines = [
    "# A rolefit organisation file. Answer what you know; leave the rest empty (unanswered).",
    "# Check it:  rolefit validate FILE      Assess it:  rolefit assess --org FILE",
    "# Answer in a workshop interview instead:  rolefit assess --org FILE --interactive",
    "apiVersion: rolefit/v1",
    "kind: Organization",
    `name: ${yamlString(name)}`,
    "answers:",
  ];
  let rubricId = "";
  for (const { question, rubricId: home } of compiled.questions) {
    if (home !== rubricId) {
      rubricId = home;
      const title = compiled.rubrics.find((rubric) => rubric.id === home)?.title ?? home;
      lines.push("", comment(`── ${title} ──`));
    }
    lines.push(comment(question.prompt), comment(describeDomain(question)), `  ${question.id}:`);
  }
  return `${lines.join("\n")}\n`;
}
