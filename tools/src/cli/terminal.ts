/**
 * What the CLI writes besides reports: colour, and progress on stderr (off with --quiet).
 */

/**
 * Colour in a text report: on when it goes to a terminal (not to --output), unless NO_COLOR is set
 * (https://no-color.org: any non-empty value); FORCE_COLOR forces it on (any value but 0/false) or
 * off (0/false), whatever the terminal.
 */
export function useColor(output: string | undefined, env: NodeJS.ProcessEnv = process.env, stream: { isTTY?: boolean } = process.stdout): boolean {
  if (output !== undefined) return false;
  const force = env["FORCE_COLOR"];
  if (force !== undefined && force !== "") return force !== "0" && force.toLowerCase() !== "false";
  if (env["NO_COLOR"] !== undefined && env["NO_COLOR"] !== "") return false;
  return stream.isTTY === true;
}

/** A progress line on stderr (`rendered prod: …`, `wrote …`), unless --quiet. */
export function progress(options: { quiet: boolean }, line: string): void {
  if (!options.quiet) process.stderr.write(`${line}\n`);
}
