import { Chalk } from "chalk";
import Table from "cli-table3";
import { describeDomain } from "../rubric/question.js";
import type { Rubric } from "../rubric/schema.js";
import { deepVisible, jsonDocument } from "../text/visible.js";
import { wrap } from "./text.js";

export function renderRubricsText(
  input: readonly Rubric[],
  options: { color: boolean; width: number },
): string {
  const rubrics = deepVisible(input);
  const c = new Chalk({ level: options.color ? 1 : 0 });
  const width = Math.max(60, Math.min(options.width, 160));
  const out: string[] = [];
  for (const rubric of rubrics) {
    out.push(
      `${c.bold(rubric.title)} ${c.dim(`(${rubric.id} ${rubric.version}, weight ${rubric.weight})`)}`,
    );
    out.push(...wrap(rubric.description, width - 2, "  ", "  ").map((line) => c.dim(line)));
    const idWidth = 30;
    const typeWidth = 10;
    const table = new Table({
      head: ["question", "type", "allowed"],
      colWidths: [idWidth, typeWidth, Math.max(20, width - idWidth - typeWidth - 6)],
      wordWrap: true,
      style: { head: options.color ? ["bold"] : [], border: options.color ? ["grey"] : [] },
    });
    for (const question of rubric.questions)
      table.push([question.id, question.type, describeDomain(question)]);
    out.push(table.toString(), "");
  }
  return `${out.join("\n")}`;
}

export function renderRubricsJson(rubrics: readonly Rubric[]): string {
  const list = rubrics.map((rubric) => ({
    id: rubric.id,
    version: rubric.version,
    title: rubric.title,
    weight: rubric.weight,
    questions: rubric.questions.map((question) => ({
      id: question.id,
      type: question.type,
      prompt: question.prompt,
      allowed: describeDomain(question),
      ...(question.type === "integer" || question.type === "percent"
        ? { min: question.min ?? null, max: question.max ?? null }
        : {
            values:
              question.type === "multi"
                ? question.options.map((o) => o.value)
                : question.answers.map((a) => a.value),
          }),
    })),
  }));
  return jsonDocument(list);
}
