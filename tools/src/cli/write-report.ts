import path from "node:path";
import { writeFileAtomic } from "../util/atomic-write.js";

/** Reports go to stdout, or whole to --output; progress and errors go to stderr. */
export async function writeReport(text: string, output: string | undefined, cwd: string): Promise<void> {
  if (output === undefined) {
    process.stdout.write(text);
    return;
  }
  await writeFileAtomic(path.resolve(cwd, output), text);
}
