import { randomBytes } from "node:crypto";
import { open, rename, rm } from "node:fs/promises";
import { basename, dirname, join } from "node:path";
import { UserError } from "./errors.js";

/**
 * Writes through a temporary file in the same folder, flushed and renamed over the target, so a
 * crash leaves either the old file or the new one, never half of one.
 */
export async function writeFileAtomic(path: string, content: string): Promise<void> {
  const temp = join(dirname(path), `.${basename(path)}.${randomBytes(6).toString("hex")}.tmp`);
  try {
    const handle = await open(temp, "wx", 0o644);
    try {
      await handle.writeFile(content, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
    await rename(temp, path);
  } catch (error) {
    await rm(temp, { force: true });
    const code = (error as NodeJS.ErrnoException).code;
    const why =
      code === "ENOENT"
        ? `folder ${dirname(path)} does not exist`
        : code === "EACCES"
          ? "permission denied"
          : (error as Error).message;
    throw new UserError(`${path}: cannot write: ${why}`);
  }
}
