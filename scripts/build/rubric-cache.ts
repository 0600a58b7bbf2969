/**
 * Build step: parses and checks the built-in rubrics once and writes `dist/rubrics.cache.json`,
 * which every run then reads instead of the YAML (while the files' hashes match).
 */
import { writeBuiltInRubricCache } from "../../src/cli/load.js";

writeBuiltInRubricCache().catch((error: Error) => {
  console.error(`build: ${error.message}`);
  process.exitCode = 1;
});
