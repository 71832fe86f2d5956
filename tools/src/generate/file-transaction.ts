import { randomBytes } from "node:crypto";
import * as fsp from "node:fs/promises";
import path from "node:path";

/** The file operations a transaction uses; tests swap in one that fails or stalls on purpose. */
export interface TransactionFs {
  /** Writes and flushes a new file (fails if it exists). */
  writeNew(file: string, content: string): Promise<void>;
  rename(from: string, to: string): Promise<void>;
  link(existing: string, alias: string): Promise<void>;
  unlink(file: string): Promise<void>;
  mkdir(dir: string): Promise<void>;
  rmdir(dir: string): Promise<void>;
  exists(file: string): Promise<boolean>;
  readdir(dir: string): Promise<string[]>;
}

export const NODE_FS: TransactionFs = {
  async writeNew(file, content) {
    const handle = await fsp.open(file, "wx");
    try {
      await handle.writeFile(content, "utf8");
      await handle.sync();
    } finally {
      await handle.close();
    }
  },
  rename: (from, to) => fsp.rename(from, to),
  link: (existing, alias) => fsp.link(existing, alias),
  unlink: (file) => fsp.unlink(file),
  mkdir: (dir) => fsp.mkdir(dir).then(() => undefined),
  rmdir: (dir) => fsp.rmdir(dir),
  exists: (file) => fsp.lstat(file).then(
    () => true,
    () => false,
  ),
  readdir: (dir) => fsp.readdir(dir),
};

export interface FileChanges {
  /** Absolute paths and their new content. */
  writes: ReadonlyArray<{ file: string; content: string }>;
  /** Absolute paths of files to delete. */
  removals: readonly string[];
}

/** `.<name>.mesh-policy-<pid>-<random>.tmp|bak`: a transaction's own side files. */
const SIDE_FILE = /^\.(.+)\.mesh-policy-(\d+)-[0-9a-f]+\.(tmp|bak)$/;

/**
 * Applies writes and removals as one unit, as far as a file system allows:
 *
 * 1. stage: every new content goes to a temporary file next to its target (flushed), creating
 *    folders as needed; nothing visible has changed yet;
 * 2. keep: every file that will be replaced or removed gets a hard link (a backup, no copy);
 * 3. commit: one rename (or unlink) per file, each atomic: a file is always either its old or
 *    its new content, never partly written.
 *
 * Any failure before or during the commit rolls back: replaced files come back from their backups,
 * new files and folders go, side files are removed; the tree is as it was, byte for byte, and the
 * error is rethrown. A process killed during the commit (a few renames) can leave some files new and
 * some old, each whole; running `generate` again converges, and clears such a run's side files.
 */
export async function applyFileChanges(changes: FileChanges, options: { fs?: TransactionFs } = {}): Promise<void> {
  const fs = options.fs ?? NODE_FS;
  const tag = `mesh-policy-${process.pid}-${randomBytes(4).toString("hex")}`;
  const sideFile = (file: string, suffix: "tmp" | "bak") => path.join(path.dirname(file), `.${path.basename(file)}.${tag}.${suffix}`);
  const createdDirs: string[] = [];
  const staged: Array<{ file: string; temporary: string; backup: string | undefined }> = [];
  const removals: Array<{ file: string; backup: string }> = [];
  const committed: Array<() => Promise<void>> = [];
  try {
    for (const { file, content } of changes.writes) {
      await makeDirs(fs, path.dirname(file), createdDirs);
      const temporary = sideFile(file, "tmp");
      staged.push({ file, temporary, backup: undefined });
      await fs.writeNew(temporary, content);
    }
    for (const entry of staged) {
      if (!(await fs.exists(entry.file))) continue;
      entry.backup = sideFile(entry.file, "bak");
      await fs.link(entry.file, entry.backup);
    }
    for (const file of changes.removals) {
      const backup = sideFile(file, "bak");
      removals.push({ file, backup });
      await fs.link(file, backup);
    }
    for (const { file, temporary, backup } of staged) {
      await fs.rename(temporary, file);
      committed.push(backup === undefined ? () => fs.unlink(file) : () => fs.rename(backup, file));
    }
    for (const { file, backup } of removals) {
      await fs.unlink(file);
      committed.push(() => fs.rename(backup, file));
    }
  } catch (error) {
    // Undo in reverse order, then clear whatever side files are left; keep going on errors so that
    // as much as possible is restored, and report the original failure.
    for (const undo of committed.reverse()) await undo().catch(() => undefined);
    await removeQuietly(fs, [...staged.flatMap((s) => [s.temporary, ...(s.backup === undefined ? [] : [s.backup])]), ...removals.map((r) => r.backup)]);
    for (const dir of createdDirs.reverse()) await fs.rmdir(dir).catch(() => undefined);
    throw error;
  }
  await removeQuietly(fs, [...staged.flatMap((s) => (s.backup === undefined ? [] : [s.backup])), ...removals.map((r) => r.backup)]);
  // A folder whose last file was removed goes too (a workload that left the catalog).
  for (const dir of new Set(changes.removals.map((file) => path.dirname(file)))) {
    if ((await fs.readdir(dir).catch(() => ["?"])).length === 0) await fs.rmdir(dir).catch(() => undefined);
  }
}

/**
 * Deletes the side files a killed run left in `dirs` (those of processes that no longer run).
 * Returns the files removed.
 */
export async function removeLeftoverSideFiles(dirs: readonly string[], options: { fs?: TransactionFs } = {}): Promise<string[]> {
  const fs = options.fs ?? NODE_FS;
  const removed: string[] = [];
  for (const dir of dirs) {
    for (const name of await fs.readdir(dir).catch(() => [] as string[])) {
      const match = SIDE_FILE.exec(name);
      if (match === null || isRunning(Number(match[2]))) continue;
      await fs.unlink(path.join(dir, name)).then(
        () => removed.push(path.join(dir, name)),
        () => undefined,
      );
    }
  }
  return removed;
}

function isRunning(pid: number): boolean {
  if (pid === process.pid) return true;
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === "EPERM";
  }
}

async function makeDirs(fs: TransactionFs, dir: string, created: string[]): Promise<void> {
  if (await fs.exists(dir)) return;
  await makeDirs(fs, path.dirname(dir), created);
  await fs.mkdir(dir);
  created.push(dir);
}

async function removeQuietly(fs: TransactionFs, files: readonly string[]): Promise<void> {
  for (const file of files) await fs.unlink(file).catch(() => undefined);
}
