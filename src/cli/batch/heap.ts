import { setFlagsFromString } from "node:v8";

/** From this many files a batch trades a little speed for a much smaller heap. */
const LARGE_BATCH_FILES = 20_000;

/**
 * V8 lets the heap grow with a long run's garbage: over 100,000 files to nearly 200 MB of
 * resident memory. Asked to favour size, and to keep the young generation at the size it has (a
 * megabyte or two, where it would grow to 32), it stays under 100 MB for about 8% more time.
 * Asked as soon as the inputs are counted: checking 100,000 inputs against `--out` alone grew
 * the young generation by 40 MB when it came after.
 */
export function keepHeapSmall(files: number): void {
  if (keepsHeapSmall(files)) setFlagsFromString("--optimize-for-size --semi-space-growth-factor=1");
}

/** Whether a batch of `files` files keeps its heap small (keepHeapSmall). */
export const keepsHeapSmall = (files: number): boolean => files >= LARGE_BATCH_FILES;
