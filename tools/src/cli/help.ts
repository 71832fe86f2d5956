import { COMMANDS, type CommandSpec } from "./command-table.js";
import { OPTIONS, type OptionName, type OptionSpec } from "./option-table.js";

/** `mesh-policy --help` and `mesh-policy COMMAND --help`, written from the command and option tables. */

const ENVIRONMENT_VARIABLES: ReadonlyArray<[string, string]> = [
  ["MESH_POLICY_KUSTOMIZE", "the kustomize binary (default: .tools/bin/kustomize, which tools/install-tools.sh installs, then kustomize on PATH, then kubectl kustomize)"],
  ["MESH_POLICY_KUBECONFORM", "the kubeconform binary (default: .tools/bin/kubeconform, then PATH)"],
  ["MESH_POLICY_CACHE_DIR", "where renders are cached (default .cache/mesh-policy/renders)"],
  ["MESH_POLICY_DEBUG=1", "print the stack trace of an internal error"],
  ["NO_COLOR, FORCE_COLOR", "colour in text output: on a terminal unless NO_COLOR is set; FORCE_COLOR=1 forces it, FORCE_COLOR=0 turns it off"],
];

const EXIT_CODES = "Exit codes: 0 clean, 1 findings at or above --fail-on, 2 usage or input error, 3 internal error.";

export function formatHelp(): string {
  const width = Math.max(...COMMANDS.map((command) => command.name.length)) + 2;
  return [
    "mesh-policy: render, validate and lint the mesh policy of every environment",
    "",
    "Usage: mesh-policy COMMAND [ARGUMENTS] [OPTIONS]",
    "",
    "Commands:",
    ...COMMANDS.map((command) => `  ${command.name.padEnd(width)}${command.summary}`),
    "",
    "Run `mesh-policy COMMAND --help` (or `mesh-policy help COMMAND`) for a command's options and examples.",
    "",
    "Options:",
    ...optionLines([["-h, --help", "this help, or a command's"], ["--version", "print the version"]]),
    "",
    "Configuration: .mesh-policy.yaml at the repository root turns rules off, overrides severities and",
    "lists the environments check renders by default (README, Configuration).",
    "",
    "Environment:",
    ...optionLines(ENVIRONMENT_VARIABLES),
    "",
    EXIT_CODES,
    "",
  ].join("\n");
}

export function formatCommandHelp(command: CommandSpec): string {
  const options: Array<[string, string]> = [...command.options, "help" as const].map((name) => [optionTitle(name), optionSummary(name, command)]);
  const examples = command.examples.map(({ command: line, says }) => [line, says] as [string, string]);
  return [
    `mesh-policy ${command.name}: ${command.summary}`,
    "",
    "Usage:",
    ...command.usage.map((line) => `  mesh-policy ${line}`),
    "",
    command.description,
    "",
    "Options:",
    ...optionLines(options),
    "",
    "Examples:",
    ...optionLines(examples),
    "",
    EXIT_CODES,
    "",
  ].join("\n");
}

/** `-o, --output FILE` */
export function optionTitle(name: OptionName): string {
  const option: OptionSpec = OPTIONS[name];
  const long = `--${option.flag}${option.type === "string" ? ` ${option.value}` : ""}`;
  return option.short === undefined ? `    ${long}` : `-${option.short}, ${long}`;
}

function optionSummary(name: OptionName, command: CommandSpec): string {
  if (name === "format" && command.formats !== undefined) return `${command.formats.join(", ")} (default ${command.formats[0] ?? "text"})`;
  if (name === "help") return "print this help";
  return OPTIONS[name].summary;
}

const WIDTH = 100;
const COLUMN = 28;

/** Two columns, the second wrapped at 100 characters; a long first column puts the second on the next line. */
function optionLines(rows: ReadonlyArray<readonly [string, string]>): string[] {
  const indent = " ".repeat(COLUMN);
  return rows.flatMap(([left, right]) => {
    const wrapped = wrap(right, WIDTH - COLUMN);
    const first = left.length + 4 > COLUMN ? [`  ${left}`, `${indent}${wrapped[0] ?? ""}`] : [`  ${left.padEnd(COLUMN - 2)}${wrapped[0] ?? ""}`];
    return [...first, ...wrapped.slice(1).map((line) => `${indent}${line}`)];
  });
}

function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let line = "";
  for (const word of text.split(" ")) {
    if (line !== "" && line.length + 1 + word.length > width) {
      lines.push(line);
      line = word;
    } else {
      line = line === "" ? word : `${line} ${word}`;
    }
  }
  return [...lines, line];
}
