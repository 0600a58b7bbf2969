import { z } from "zod";
import { OUTCOMES } from "../rubric/outcomes.js";

const outcome = z.enum(OUTCOMES);
const score = z.number().finite();
const scores = z.strictObject({ combine: score, separate: score, matrix: score });
const answer = z.union([z.string(), z.number().finite(), z.boolean(), z.array(z.string())]);

/**
 * What `rolefit diff` reads from a saved `assess --format json` result: the fields it compares,
 * checked, so a JSON file that is not a rolefit result is a located error and not a crash. Other
 * fields are allowed, as later versions add them, and fields added since (rules' titles) are not
 * required, so results saved by earlier versions still compare.
 */
export const savedResultSchema = z.looseObject({
  schemaVersion: z.literal(1),
  organization: z.string(),
  recommendation: outcome.nullable(),
  confidence: z.enum(["high", "medium", "low"]),
  scores,
  answers: z.record(z.string(), answer),
  rules: z.array(z.looseObject({ id: z.string() })),
  provenance: z.looseObject({ rubricSetSha256: z.string() }).optional(),
});
