import { likelyMeant } from "../util/did-you-mean.js";
import type { CommandName } from "../model/command-names.js";
import { UserError } from "../model/errors.js";
import { COMMANDS, findCommand } from "./command-table.js";
import { OPTIONS, type Format, type OptionName, type OptionSpec, type CommonOptions } from "./option-table.js";

const OPTION_NAMES = Object.keys(OPTIONS) as OptionName[];

/**
 * Parses a command's arguments: `--name value`, `--name=value`, `-o value`, `-ovalue`, grouped
 * short switches (`-qv`), `--` before arguments that start with a dash, and `-` (standard input)
 * as an argument. An option the command does not take is a usage error that says what was
 * probably meant; so is a value outside an option's choices. Without `command`, every option is
 * accepted (tests that build a command's context).
 */
export function parseCommonOptions(args: readonly string[], command?: CommandName): CommonOptions {
  const spec = command === undefined ? undefined : findCommand(command);
  const accepted = new Set<OptionName>(spec === undefined ? OPTION_NAMES : [...spec.options, "help"]);
  const values = defaults();
  const positionals: string[] = [];
  const set = (name: OptionName, value: string | boolean) => {
    const option: OptionSpec = OPTIONS[name];
    const record = values as Record<string, unknown>;
    if (option.type === "boolean") record[name] = option.negated === true ? !value : value;
    else if (option.multiple === true) (record[name] as string[]).push(String(value));
    else record[name] = String(value);
  };

  for (let i = 0; i < args.length; i++) {
    const arg = args[i] as string;
    if (arg === "--") {
      positionals.push(...args.slice(i + 1));
      break;
    }
    if (arg === "-" || !arg.startsWith("-")) {
      positionals.push(arg);
      continue;
    }
    if (arg.startsWith("--")) {
      const equals = arg.indexOf("=");
      const flag = arg.slice(2, equals === -1 ? undefined : equals);
      const name = optionByFlag(flag, accepted, command);
      const option: OptionSpec = OPTIONS[name];
      if (option.type === "boolean") {
        if (equals !== -1) throw new UserError(`--${flag} is a switch and takes no value (remove "=${arg.slice(equals + 1)}")${seeHelp(command)}`);
        set(name, true);
      } else if (equals !== -1) {
        set(name, arg.slice(equals + 1));
      } else {
        set(name, takeValue(args, i, `--${flag}`, option, command));
        i++;
      }
      continue;
    }
    // Short options: -q, -qv, -o FILE, -oFILE, -qo FILE. `-format` (kubeconform's style) is a long option with one dash.
    const single = OPTION_NAMES.find((candidate) => OPTIONS[candidate].flag === arg.slice(1).split("=")[0]);
    if (arg.length > 2 && single !== undefined) throw new UserError(`${arg}: long options take two dashes; did you mean --${arg.slice(1)}?${seeHelp(command)}`);
    for (let j = 1; j < arg.length; j++) {
      const letter = arg[j] as string;
      const name = optionByShort(letter, accepted, command, arg);
      const option: OptionSpec = OPTIONS[name];
      if (option.type === "boolean") {
        set(name, true);
        continue;
      }
      const rest = arg.slice(j + 1);
      if (rest !== "") set(name, rest);
      else {
        set(name, takeValue(args, i, `-${letter}`, option, command));
        i++;
      }
      break;
    }
  }
  checkChoices(values, spec?.formats, command);
  return { ...values, positionals };
}

function defaults(): Omit<CommonOptions, "positionals"> {
  const values: Record<string, unknown> = {};
  for (const name of OPTION_NAMES) {
    const option: OptionSpec = OPTIONS[name];
    if (option.type === "boolean") values[name] = option.negated === true;
    else if (option.multiple === true) values[name] = [];
    else values[name] = option.default;
  }
  return values as Omit<CommonOptions, "positionals">;
}

function takeValue(args: readonly string[], index: number, shown: string, option: OptionSpec & { type: "string" }, command: CommandName | undefined): string {
  const value = args[index + 1];
  if (value === undefined || (value.startsWith("-") && value !== "-")) {
    throw new UserError(`${shown} needs a value (${option.value})${value === undefined ? "" : `, not the option ${value}; write ${shown}=${value} if that is the value`}${seeHelp(command)}`);
  }
  return value;
}

function optionByFlag(flag: string, accepted: ReadonlySet<OptionName>, command: CommandName | undefined): OptionName {
  const name = OPTION_NAMES.find((candidate) => OPTIONS[candidate].flag === flag);
  if (name !== undefined && accepted.has(name)) return name;
  if (name !== undefined) throw new UserError(`${commandLabel(command)} does not take --${flag}${elsewhere(name)}${seeHelp(command)}`);
  const flags = [...accepted].map((candidate) => OPTIONS[candidate].flag);
  const guess = likelyMeant(flag, flags);
  throw new UserError(`unknown option --${flag}${guess === undefined ? "" : ` (did you mean --${guess}?)`}${seeHelp(command)}`);
}

function optionByShort(letter: string, accepted: ReadonlySet<OptionName>, command: CommandName | undefined, arg: string): OptionName {
  const name = OPTION_NAMES.find((candidate) => (OPTIONS[candidate] as OptionSpec).short === letter);
  if (name !== undefined && accepted.has(name)) return name;
  if (name !== undefined) throw new UserError(`${commandLabel(command)} does not take -${letter} (--${OPTIONS[name].flag})${seeHelp(command)}`);
  const looksLong = arg.length > 2 && !arg.startsWith("--");
  const guess = looksLong ? likelyMeant(arg.slice(1), [...accepted].map((candidate) => OPTIONS[candidate].flag)) : undefined;
  throw new UserError(
    `unknown option ${looksLong ? arg : `-${letter}`}${guess === undefined ? "" : ` (did you mean --${guess}?)`}${seeHelp(command)}`,
  );
}

/** `; it is an option of diff and explain` */
function elsewhere(name: OptionName): string {
  const commands = COMMANDS.filter((command) => command.options.includes(name)).map((command) => command.name);
  return commands.length === 0 ? "" : `; it is an option of ${joinWords(commands)}`;
}

function checkChoices(values: Omit<CommonOptions, "positionals">, formats: readonly Format[] | undefined, command: CommandName | undefined): void {
  const format = values.format as string;
  const allowedFormats: readonly string[] = formats ?? OPTIONS.format.choices;
  if (!allowedFormats.includes(format)) {
    const guess = likelyMeant(format, allowedFormats);
    throw new UserError(
      `${command === undefined ? "" : `${command} `}--format takes ${allowedFormats.join(", ")}, not ${format}${guess === undefined ? "" : ` (did you mean ${guess}?)`}`,
    );
  }
  const failOn = values.failOn as string;
  if (!(OPTIONS.failOn.choices as readonly string[]).includes(failOn)) {
    const guess = likelyMeant(failOn, OPTIONS.failOn.choices);
    throw new UserError(`--fail-on takes ${OPTIONS.failOn.choices.join(", ")}, not ${failOn}${guess === undefined ? "" : ` (did you mean ${guess}?)`}`);
  }
}

function commandLabel(command: CommandName | undefined): string {
  return command ?? "this command";
}

function seeHelp(command: CommandName | undefined): string {
  return `; see mesh-policy ${command === undefined ? "" : `${command} `}--help`;
}

export function joinWords(words: readonly string[]): string {
  return words.length <= 1 ? (words[0] ?? "") : `${words.slice(0, -1).join(", ")} and ${words.at(-1) ?? ""}`;
}

/** Refuses a --format the command has no formatter for, before any work is done. */
export function requireFormat<T extends Format>(format: Format, allowed: readonly T[], command: string): T {
  if ((allowed as readonly Format[]).includes(format)) return format as T;
  throw new UserError(`${command} --format takes ${allowed.join(", ")}, not ${format}`);
}
