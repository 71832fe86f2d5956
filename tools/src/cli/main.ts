#!/usr/bin/env node
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
import { runExplainCommand, runGraphCommand } from "./access-commands.js";
import { runDiffCommand } from "./diff-command.js";
import { runDriftCommand } from "./drift-command.js";
import { runGenerateCommand } from "./generate-command.js";
import { runPromoteCommand } from "./promote-command.js";
import { EXIT } from "./exit-codes.js";
import { HELP } from "./help.js";
import { parseCommonOptions } from "./options.js";
import { checkOutputPath } from "./write-report.js";
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
  if (options.output !== undefined) await checkOutputPath(options.output, cwd);
  return run({ repoRoot: cwd, cwd, options });
}

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    if (error instanceof UserError) {
      process.stderr.write(`mesh-policy: ${error.message}\n`);
      if (error.details !== undefined && process.argv.includes("--verbose")) process.stderr.write(`${error.details}\n`);
      process.exitCode = EXIT.usage;
    } else {
      process.stderr.write(`mesh-policy: internal error: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
      process.exitCode = EXIT.internal;
    }
  },
);
