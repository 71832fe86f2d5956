import { randomBytes } from "node:crypto";
import { rmSync } from "node:fs";
import { chmod, lstat, mkdir, rename, rm, writeFile } from "node:fs/promises";
import path from "node:path";
import { onExit } from "./exit-cleanup.js";

/**
 * Writes the whole file or nothing: a temporary file in the same folder, then a rename. A file
 * it replaces keeps its permissions. The temporary file is removed on failure, and on exit or
 * interruption (SIGINT, SIGTERM, SIGHUP) before the rename.
 */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
  const folder = path.dirname(file);
  await mkdir(folder, { recursive: true });
  const existing = await lstat(file).catch(() => undefined);
  const temporary = path.join(folder, `.${path.basename(file)}.${process.pid}.${randomBytes(4).toString("hex")}.tmp`);
  const forget = onExit(() => rmSync(temporary, { force: true }));
  try {
    // `wx`: never through a file or link someone put at the temporary name.
    await writeFile(temporary, content, { encoding: "utf8", flag: "wx" });
    if (existing?.isFile() === true) await chmod(temporary, existing.mode & 0o7777);
    await rename(temporary, file);
  } catch (error) {
    await rm(temporary, { force: true });
    throw error;
  } finally {
    forget();
  }
}
