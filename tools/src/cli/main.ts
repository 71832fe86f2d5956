#!/usr/bin/env node
import path from "node:path";
import { likelyMeant } from "../util/did-you-mean.js";
import { UserError } from "../model/errors.js";
import { displayPath } from "../util/display-path.js";
import { configureLimits, parseLimitOptions } from "../util/limits.js";
import { packageVersion } from "../util/package-config.js";
import { COMMANDS, findCommand, type CommandSpec } from "./command-table.js";
import { EXIT } from "./exit-codes.js";
import { formatCommandHelp, formatHelp } from "./help.js";
import { parseCommonOptions } from "./options.js";
import { checkOutputPath } from "./write-report.js";

/**
 * The entry point: finds the command in the table, parses its options, and imports and runs its
 * implementation. --help, --version and the usage errors load nothing of the pipeline.
 */
async function main(argv: readonly string[]): Promise<number> {
  const [first, ...rest] = argv;
  if (first === undefined) {
    process.stderr.write(formatHelp());
    return EXIT.usage;
  }
  if (first === "--help" || first === "-h" || first === "help") {
    const topic = rest[0];
    if (topic === undefined) process.stdout.write(formatHelp());
    else process.stdout.write(formatCommandHelp(commandNamed(topic)));
    return EXIT.clean;
  }
  if (first === "--version" || first === "version") {
    process.stdout.write(`mesh-policy ${packageVersion()}\n`);
    return EXIT.clean;
  }
  const command = commandNamed(first);
  const ownArguments = rest.indexOf("--") === -1 ? rest : rest.slice(0, rest.indexOf("--"));
  if (ownArguments.includes("--help") || ownArguments.includes("-h")) {
    process.stdout.write(formatCommandHelp(command));
    return EXIT.clean;
  }
  const options = parseCommonOptions(rest, command.name);
  configureLimits({ ...parseLimitOptions(options.limits), remoteResources: options.allowRemoteResources });
  const cwd = process.cwd();
  // Where results will be written is checked before any work is done.
  if (options.output !== undefined) await checkOutputPath(options.output, cwd);
  if (options.prBody !== undefined && options.prBody !== "-") await checkOutputPath(options.prBody, cwd, "--pr-body");
  const run = await command.load();
  return run({ repoRoot: cwd, cwd, options });
}

function commandNamed(name: string): CommandSpec {
  const command = findCommand(name);
  if (command !== undefined) return command;
  const names = COMMANDS.map((c) => c.name);
  if (name.startsWith("-")) {
    throw new UserError(`${name} before a command: write mesh-policy COMMAND [OPTIONS] (commands: ${names.join(", ")}; mesh-policy --help)`);
  }
  const guess = likelyMeant(name, names);
  throw new UserError(`unknown command "${name}"${guess === undefined ? "" : `; did you mean "${guess}"?`} (commands: ${names.join(", ")}; mesh-policy --help)`);
}

/**
 * What an error becomes for the user: never a stack trace (rerun with MESH_POLICY_DEBUG=1 for
 * one). A UserError, or a file the system refused (ENOENT, EISDIR, EACCES… on a path the user
 * gave), is an input error (exit 2); anything else is a bug in mesh-policy (exit 3). A
 * UserError's details (a failing tool's own output) follow with --verbose. Messages and details
 * are masked like every other output.
 */
async function reportError(error: unknown, { verbose }: { verbose: boolean }): Promise<number> {
  const { maskText } = await import("../mask/mask-secrets.js");
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


const VERBOSE = new Set(["--verbose", "-v"]);

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  async (error: unknown) => {
    process.exitCode = await reportError(error, { verbose: process.argv.some((arg) => VERBOSE.has(arg)) });
  },
);
