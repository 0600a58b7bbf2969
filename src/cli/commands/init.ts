import { existsSync } from "node:fs";
import { UserError } from "../../io/errors.js";
import { refuseOutputOverInput } from "../../io/write.js";
import { renderOrgTemplate } from "../../report/template.js";
import { visible } from "../../text/visible.js";
import { loadRubricSet } from "../load.js";
import { emit } from "../output.js";
import { shellQuote } from "../shell.js";

export interface InitOptions {
  rubrics: string[];
  name: string;
  force?: boolean;
}

/** Writes an org file template to FILE (never over an existing one without --force), or prints it. */
export async function runInit(file: string | undefined, options: InitOptions): Promise<void> {
  // Even with --force, never over one of the rubrics the template is made from.
  await refuseOutputOverInput(file, options.rubrics);
  if (file && existsSync(file) && !options.force) {
    throw new UserError(
      `${visible(file)} already exists; pass --force to overwrite it, or choose another name`,
    );
  }
  const { compiled } = await loadRubricSet(options.rubrics);
  await emit(renderOrgTemplate(compiled, options.name), file);
  if (file)
    process.stderr.write(
      `Wrote ${visible(file)}. Fill it in, then: rolefit assess --org ${shellQuote(file)}\n`,
    );
}
