import { access, mkdir, mkdtemp, rename, rm, writeFile } from "node:fs/promises";
import { dirname, join } from "node:path";

/**
 * Replaces the `entries` (top-level files or directories) of `catalogDir` with the given files
 * (relative path -> content). Everything is written to a staging directory inside `catalogDir`
 * first (same file system, so renames are atomic); if anything fails the previous entries are
 * put back.
 */
export async function replaceCatalogEntries(
  catalogDir: string,
  entries: readonly string[],
  files: ReadonlyMap<string, string>,
): Promise<void> {
  for (const file of files.keys()) {
    const top = file.split("/")[0] ?? "";
    if (!entries.includes(top) || file.includes("..")) throw new Error(`refusing to write ${file}: not under ${entries.join(", ")}`);
  }
  await mkdir(catalogDir, { recursive: true });
  const staging = await mkdtemp(join(catalogDir, ".staging-"));
  try {
    for (const [file, content] of files) {
      const target = join(staging, file);
      await mkdir(dirname(target), { recursive: true });
      await writeFile(target, content);
    }
    await swapEntries(catalogDir, staging, entries);
  } finally {
    await rm(staging, { recursive: true, force: true });
  }
}

async function swapEntries(catalogDir: string, staging: string, entries: readonly string[]): Promise<void> {
  const backup = await mkdtemp(join(catalogDir, ".previous-"));
  const movedAway: string[] = [];
  const installed: string[] = [];
  try {
    for (const entry of entries) {
      if (await exists(join(catalogDir, entry))) {
        await rename(join(catalogDir, entry), join(backup, entry));
        movedAway.push(entry);
      }
      if (await exists(join(staging, entry))) {
        await rename(join(staging, entry), join(catalogDir, entry));
        installed.push(entry);
      }
    }
  } catch (error) {
    for (const entry of installed) await rm(join(catalogDir, entry), { recursive: true, force: true });
    for (const entry of movedAway) await rename(join(backup, entry), join(catalogDir, entry));
    await rm(backup, { recursive: true, force: true });
    throw error;
  }
  await rm(backup, { recursive: true, force: true });
}

async function exists(path: string): Promise<boolean> {
  try {
    await access(path);
    return true;
  } catch {
    return false;
  }
}
