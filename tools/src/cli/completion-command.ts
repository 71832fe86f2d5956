import { likelyMeant } from "../util/did-you-mean.js";
import { UserError } from "../model/errors.js";
import type { CommandContext } from "./commands.js";
import { completionScript, SHELLS, type Shell } from "./completion.js";
import { EXIT } from "./exit-codes.js";

/** `completion bash|zsh|fish`: the completion script on stdout. */
export async function runCompletionCommand(context: CommandContext): Promise<number> {
  const [shell, ...extra] = context.options.positionals;
  if (shell === undefined || extra.length > 0 || !(SHELLS as readonly string[]).includes(shell)) {
    const guess = shell === undefined ? undefined : likelyMeant(shell, SHELLS);
    throw new UserError(`usage: mesh-policy completion ${SHELLS.join("|")}${guess === undefined ? "" : `; did you mean ${guess}?`}`);
  }
  process.stdout.write(completionScript(shell as Shell));
  return EXIT.clean;
}
