#!/usr/bin/env node
import path from "node:path";
import { displayPath } from "../load/load-paths.js";
import { UserError } from "../model/errors.js";
import {
  runCheckCommand,
  runLintCommand,
  runRenderCommand,
  runRulesCommand,
  runSchemasCommand,
  runValidateCommand,
  type CommandContext,
} from "./commands.js";
import type { CommandName } from "../model/command-names.js";
import { maskText } from "../mask/mask-secrets.js";
import { runExplainCommand, runGraphCommand } from "./access-commands.js";
import { runDiffCommand } from "./diff-command.js";
import { runDriftCommand } from "./drift-command.js";
import { runGenerateCommand } from "./generate-command.js";
import { runPromoteCommand } from "./promote-command.js";
import { EXIT } from "./exit-codes.js";
import { HELP } from "./help.js";
import { parseCommonOptions } from "./options.js";
import { checkOutputPath } from "./write-report.js";
import { configureLimits, parseLimitOptions } from "../util/limits.js";
import { packageVersion } from "../util/package-config.js";

const COMMANDS: Record<CommandName, (context: CommandContext) => Promise<number>> = {
  check: runCheckCommand,
  render: runRenderCommand,
  validate: runValidateCommand,
  lint: runLintCommand,
  diff: runDiffCommand,
  explain: runExplainCommand,
  graph: runGraphCommand,
  promote: runPromoteCommand,
  drift: runDriftCommand,
  generate: runGenerateCommand,
  rules: runRulesCommand,
  schemas: runSchemasCommand,
};

async function main(argv: readonly string[]): Promise<number> {
  const [command, ...rest] = argv;
  if (command === undefined) {
    process.stderr.write(HELP);
    return EXIT.usage;
  }
  if (command === "--help" || command === "-h" || command === "help" || rest.includes("--help") || rest.includes("-h")) {
    process.stdout.write(HELP);
    return EXIT.clean;
  }
  if (command === "--version" || command === "version") {
    process.stdout.write(`mesh-policy ${packageVersion()}\n`);
    return EXIT.clean;
  }
  const run = (COMMANDS as Partial<Record<string, (context: CommandContext) => Promise<number>>>)[command];
  if (run === undefined) throw new UserError(`unknown command "${command}"; commands: ${Object.keys(COMMANDS).join(", ")}`);
  const cwd = process.cwd();
  const options = parseCommonOptions(rest);
  configureLimits({ ...parseLimitOptions(options.limits), remoteResources: options.allowRemoteResources });
  // Where results will be written is checked before any work is done.
  if (options.output !== undefined) await checkOutputPath(options.output, cwd);
  if (options.prBody !== undefined) await checkOutputPath(options.prBody, cwd, "--pr-body");
  return run({ repoRoot: cwd, cwd, options });
}

/**
 * What an error becomes for the user: never a stack trace (rerun with MESH_POLICY_DEBUG=1 for
 * one). A UserError, or a file the system refused (ENOENT, EISDIR, EACCES… on a path the user
 * gave), is an input error (exit 2); anything else is a bug in mesh-policy (exit 3). A
 * UserError's details (a failing tool's own output) follow with --verbose. Messages and details
 * are masked like every other output.
 */
function reportError(error: unknown, { verbose }: { verbose: boolean }): number {
  if (process.env["MESH_POLICY_DEBUG"] === "1" && error instanceof Error) process.stderr.write(`${error.stack ?? ""}\n`);
  if (error instanceof UserError) {
    process.stderr.write(`mesh-policy: ${maskText(error.message)}\n`);
    if (verbose && error.details !== undefined) process.stderr.write(`${maskText(error.details)}\n`);
    return EXIT.usage;
  }
  const system = error as Partial<NodeJS.ErrnoException>;
  if (error instanceof Error && typeof system.code === "string" && typeof system.syscall === "string") {
    const where = system.path === undefined ? "" : ` ${displayPath(path.resolve(system.path), process.cwd())}`;
    process.stderr.write(`mesh-policy: cannot ${system.syscall}${where} (${system.code}); check that the path exists, is the kind of file expected, and may be read or written\n`);
    return EXIT.usage;
  }
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(
    `mesh-policy: internal error: ${maskText(message.split("\n")[0] ?? "")}\n` +
      "This is a bug in mesh-policy, not in your input: rerun with MESH_POLICY_DEBUG=1 for details and report it.\n",
  );
  return EXIT.internal;
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    process.exitCode = reportError(error, { verbose: process.argv.includes("--verbose") });
  },
);
