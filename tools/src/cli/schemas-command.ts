import { mkdir, readFile } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../model/errors.js";
import { editorFiles } from "../schemas/editor-schema.js";
import { exportKubeconformSchemas } from "../schemas/export-kubeconform.js";
import { writeFileAtomic } from "../util/atomic-write.js";
import type { CommandContext } from "./commands.js";
import { EXIT } from "./exit-codes.js";
import { progress } from "./terminal.js";

const USAGE = "usage: mesh-policy schemas export --kubeconform DIR | mesh-policy schemas editor [--check]";

/**
 * `schemas export --kubeconform DIR`: our schemas in kubeconform's layout. `schemas editor
 * [--check]`: the schema YAML editors read and the VS Code setting that maps it (--check: exit 1
 * naming each file that differs from what would be written; nothing is written).
 */
export async function runSchemasCommand(context: CommandContext): Promise<number> {
  const { options } = context;
  const [action, ...rest] = options.positionals;
  if (action === "export") {
    const [dir, ...extra] = rest;
    if (!options.kubeconform || dir === undefined || extra.length > 0 || options.check) throw new UserError(USAGE);
    const { files, schemaLocation } = await exportKubeconformSchemas(path.resolve(context.cwd, dir));
    progress(options, `wrote ${files} schemas; use: kubeconform -strict -schema-location '${schemaLocation}' FILE...`);
    return EXIT.clean;
  }
  if (action === "editor" && rest.length === 0 && !options.kubeconform) return writeEditorFiles(context);
  throw new UserError(action === undefined ? USAGE : `schemas has no action "${action}"; ${USAGE}`);
}

async function writeEditorFiles(context: CommandContext): Promise<number> {
  const stale: string[] = [];
  for (const file of editorFiles()) {
    const target = path.join(context.repoRoot, file.path);
    if ((await readFile(target, "utf8").catch(() => undefined)) === file.content) continue;
    stale.push(file.path);
    if (context.options.check) continue;
    await mkdir(path.dirname(target), { recursive: true });
    await writeFileAtomic(target, file.content);
  }
  if (context.options.check) {
    for (const file of stale) process.stdout.write(`${file}:1: error differs from what \`mesh-policy schemas editor\` writes; run it and commit the result\n`);
    return stale.length === 0 ? EXIT.clean : EXIT.findings;
  }
  progress(context.options, stale.length === 0 ? "editor schema and .vscode/settings.json are up to date" : stale.map((file) => `wrote ${file}`).join("\n"));
  return EXIT.clean;
}
