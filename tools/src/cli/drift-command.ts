import path from "node:path";
import { detectDrift, hasDrift } from "../drift/detect-drift.js";
import { formatDriftJson, formatDriftText } from "../drift/format-drift.js";
import { UserError } from "../model/errors.js";
import type { CommandContext } from "./commands.js";
import { EXIT } from "./exit-codes.js";
import { writeReport } from "./write-report.js";
import { useColor } from "./terminal.js";

/**
 * `drift ENV [--kubeconfig FILE] [--context NAME] [--format text|json] [--output FILE]`: does the
 * cluster of the kubeconfig's (current or named) context hold what the repository renders for ENV?
 * Exit codes: 0 in sync, 1 drift (missing, extra or changed objects), 2 usage or input errors and
 * a cluster that cannot be reached or refuses the credentials.
 */
export async function runDriftCommand(context: CommandContext): Promise<number> {
  const { options } = context;
  const [environment, ...extra] = options.positionals;
  if (environment === undefined || extra.length > 0) throw new UserError("usage: mesh-policy drift ENV [--kubeconfig FILE] [--context NAME] [--format text|json]");
  const report = await detectDrift({
    repoRoot: context.repoRoot,
    environment,
    ...(options.kubeconfig === undefined ? {} : { kubeconfig: path.resolve(context.cwd, options.kubeconfig) }),
    ...(options.context === undefined ? {} : { context: options.context }),
    render: options.cache ? {} : { cacheDir: false },
  });
  await writeReport(options.format === "json" ? formatDriftJson(report) : formatDriftText(report, { color: useColor(options.output) }), options.output, context.cwd);
  return hasDrift(report) ? EXIT.findings : EXIT.clean;
}
