import { readFileSync } from "node:fs";
import { join } from "node:path";
import Ajv2020 from "ajv/dist/2020.js";
import { describe, expect, it } from "vitest";
import { parse, parseAllDocuments } from "yaml";
import {
  orgJsonSchema,
  rubricJsonSchema,
  rubricTestJsonSchema,
} from "../../src/rubric/json-schema.js";
import { builtInCompiled, ROOT, RUBRICS_DIR, yamlFiles } from "../helpers/rubrics.js";

const committed = (name: string) => JSON.parse(readFileSync(join(ROOT, "schema", name), "utf8"));
const orgSchema = orgJsonSchema(builtInCompiled.questions.map((entry) => entry.question));
// An independent validator: the schemas must stand on their own, not only in rolefit.
const ajv = new Ajv2020.default({ allErrors: true, strict: false });
const validateOrg = ajv.compile(orgSchema);
const validateRubric = ajv.compile(rubricJsonSchema());

describe("JSON Schemas", () => {
  it("describe rubric tests, and accept the shipped ones", () => {
    const validateTest = ajv.compile(rubricTestJsonSchema());
    expect(committed("rubric-test.schema.json")).toEqual(rubricTestJsonSchema());
    for (const file of yamlFiles(join(ROOT, "rubric-tests"))) {
      for (const doc of parseAllDocuments(readFileSync(file, "utf8"))) {
        expect(validateTest(doc.toJS()), `${file} ${ajv.errorsText(validateTest.errors)}`).toBe(
          true,
        );
      }
    }
  });

  it("are committed as generated (run `rolefit schema rubric|org --out schema/...` after a change)", () => {
    expect(committed("rubric.schema.json")).toEqual(rubricJsonSchema());
    expect(committed("org.schema.json")).toEqual(orgSchema);
  });

  it("accept every shipped rubric, example and consultant profile", () => {
    for (const file of yamlFiles(RUBRICS_DIR))
      expect(
        validateRubric(parse(readFileSync(file, "utf8"))),
        `${file} ${ajv.errorsText(validateRubric.errors)}`,
      ).toBe(true);
    for (const dir of [join(ROOT, "examples"), join(ROOT, "test", "fixtures", "calibration")]) {
      for (const file of yamlFiles(dir))
        expect(
          validateOrg(parse(readFileSync(file, "utf8"))),
          `${file} ${ajv.errorsText(validateOrg.errors)}`,
        ).toBe(true);
    }
  });

  it.each([
    ["an unknown question", { stge: "startup" }],
    ["a value outside a choice", { stage: "huge" }],
    ["a number out of range", { employees: 0 }],
    ["a fraction for a whole number", { major_incidents_12m: 2.5 }],
    ["an unknown option", { collaboration_mechanisms: ["pmo"] }],
    ["a percentage over 100", { digital_revenue_share: 140 }],
  ])("reject an org file with %s", (_name, answers) => {
    expect(
      validateOrg({ apiVersion: "rolefit/v1", kind: "Organization", name: "X", answers }),
    ).toBe(false);
  });

  it("accept unanswered questions and shares written with %", () => {
    expect(
      validateOrg({
        apiVersion: "rolefit/v1",
        kind: "Organization",
        name: "X",
        answers: { stage: null, digital_revenue_share: "45%" },
      }),
    ).toBe(true);
  });

  it("reject a rubric with an unknown key", () => {
    const rubric = parse(readFileSync(join(RUBRICS_DIR, "maturity-stage.yaml"), "utf8"));
    expect(validateRubric({ ...rubric, wieght: 1 })).toBe(false);
  });
});
