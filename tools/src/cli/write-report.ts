import { access, constants, lstat, stat } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../model/errors.js";
import { writeFileAtomic } from "../util/atomic-write.js";

/** Reports go to stdout, or whole to --output; progress and errors go to stderr. */
export async function writeReport(text: string, output: string | undefined, cwd: string): Promise<void> {
  if (output === undefined) {
    process.stdout.write(text);
    return;
  }
  const file = await checkOutputPath(output, cwd);
  await writeFileAtomic(file, text).catch((error: NodeJS.ErrnoException) => {
    throw new UserError(`cannot write --output ${output} (${error.code ?? error.message}); choose a file in a folder you can write`);
  });
}

/**
 * A path a report or file is written to (`--output`, `--pr-body`) is refused before any work is
 * done when it cannot be written as one whole regular file: its folder must exist (it is not
 * created); an existing target must be a regular file (not a folder, a symbolic link, a FIFO, a
 * device or a socket, which a rename would silently replace) and writable (a read-only file is
 * not replaced behind its owner's back).
 */
export async function checkOutputPath(output: string, cwd: string, option = "--output"): Promise<string> {
  const file = path.resolve(cwd, output);
  const folder = await stat(path.dirname(file)).catch(() => undefined);
  if (folder === undefined || !folder.isDirectory()) {
    throw new UserError(`${option} ${output}: the folder ${path.dirname(output) || "."} does not exist; create it first`);
  }
  const existing = await lstat(file).catch(() => undefined);
  if (existing === undefined) return file;
  if (existing.isDirectory()) throw new UserError(`${option} ${output} is a folder; name a file`);
  if (!existing.isFile()) {
    const what = existing.isSymbolicLink() ? "a symbolic link" : existing.isFIFO() ? "a FIFO" : existing.isSocket() ? "a socket" : "a device";
    throw new UserError(`${option} ${output} is ${what}, not a regular file: it would be replaced by one; name a regular file (or print to stdout and redirect)`);
  }
  const writable = (existing.mode & 0o222) !== 0 && (await access(file, constants.W_OK).then(() => true, () => false));
  if (!writable) throw new UserError(`${option} ${output} is read-only; make it writable first (chmod u+w) or name another file`);
  return file;
}
