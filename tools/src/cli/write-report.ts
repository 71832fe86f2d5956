import { stat } from "node:fs/promises";
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
 * An --output path that cannot be written is refused before any work is done: its folder must
 * exist (it is not created) and the path must not be a folder.
 */
export async function checkOutputPath(output: string, cwd: string): Promise<string> {
  const file = path.resolve(cwd, output);
  const folder = await stat(path.dirname(file)).catch(() => undefined);
  if (folder === undefined || !folder.isDirectory()) {
    throw new UserError(`--output ${output}: the folder ${path.dirname(output) || "."} does not exist; create it first`);
  }
  const existing = await stat(file).catch(() => undefined);
  if (existing?.isDirectory() === true) throw new UserError(`--output ${output} is a folder; name a file`);
  return file;
}
