import { refuseOutputOverInput } from "../../io/write.js";
import { resultJsonSchema } from "../../result/schema.js";
import { orgJsonSchema, rubricJsonSchema, rubricTestJsonSchema } from "../../rubric/json-schema.js";
import { jsonDocument } from "../../text/visible.js";
import { loadRubricSet } from "../load.js";
import { emit } from "../output.js";

export interface SchemaOptions {
  rubrics: string[];
  out?: string;
}

export async function runSchema(
  kind: "rubric" | "org" | "test" | "result",
  options: SchemaOptions,
): Promise<void> {
  await refuseOutputOverInput(options.out, options.rubrics);
  const schema =
    kind === "rubric"
      ? rubricJsonSchema()
      : kind === "test"
        ? rubricTestJsonSchema()
        : kind === "result"
          ? resultJsonSchema()
          : orgJsonSchema(
              (await loadRubricSet(options.rubrics)).compiled.questions.map(
                (entry) => entry.question,
              ),
            );
  await emit(jsonDocument(schema), options.out);
}
