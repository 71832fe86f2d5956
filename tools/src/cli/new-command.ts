import { addCall, addWorkload, type CatalogChange } from "../generate/add-to-catalog.js";
import { likelyMeant } from "../util/did-you-mean.js";
import { UserError } from "../model/errors.js";
import type { CommandContext } from "./commands.js";
import { EXIT } from "./exit-codes.js";
import { progress } from "./terminal.js";

const USAGE =
  "usage: mesh-policy new workload NAME --port PORT [--called-by WORKLOAD]... | " +
  "mesh-policy new call FROM TO [--port P] [--methods M,M] [--paths P,P] [--require-jwt]";
const KINDS = ["workload", "call"];

/**
 * `new workload NAME --port PORT [--called-by WORKLOAD]...` and `new call FROM TO [--port P]
 * [--methods …] [--paths …] [--require-jwt]`: the catalog, the generated YAML, base/kustomization.yaml,
 * the environments' limits.yaml and docs/policy.md, in one change (generate/add-to-catalog), then
 * the next step.
 */
export async function runNewCommand(context: CommandContext): Promise<number> {
  const { options } = context;
  const [kind, ...names] = options.positionals;
  let change: CatalogChange;
  if (kind === "workload") {
    const [folder, ...extra] = names;
    if (folder === undefined || extra.length > 0 || options.port === undefined) throw new UserError(USAGE);
    if (!/^\d+$/.test(options.port)) throw new UserError(`new workload ${folder}: --port ${options.port} is not a port number 1-65535`);
    if (options.methods.length > 0 || options.paths.length > 0 || options.requireJwt) {
      throw new UserError("new workload allows its callers on the whole port; narrow a call afterwards with mesh-policy new call ... --methods/--paths, or edit it in the catalog");
    }
    change = await addWorkload(context.repoRoot, { folder, port: Number(options.port), calledBy: options.calledBy });
  } else if (kind === "call") {
    const [from, to, ...extra] = names;
    if (from === undefined || to === undefined || extra.length > 0) throw new UserError(USAGE);
    if (options.calledBy.length > 0) throw new UserError("new call takes its caller as FROM, not --called-by");
    change = await addCall(context.repoRoot, { from, to, port: options.port, methods: commaList(options.methods), paths: commaList(options.paths), requireJwt: options.requireJwt });
  } else {
    const guess = kind === undefined ? undefined : likelyMeant(kind, KINDS);
    throw new UserError(`${guess === undefined ? "" : `did you mean new ${guess}? `}${USAGE}`);
  }
  progress(options, change.written.map((file) => `wrote ${file}`).join("\n"));
  process.stdout.write(`${change.summary}\nNext:\n${change.nextSteps.map((step) => `  - ${step}`).join("\n")}\n`);
  return EXIT.clean;
}

/** `--methods GET,POST --methods PUT`: each value comma-separated, repeatable. */
function commaList(values: readonly string[]): string[] {
  return values.flatMap((value) => value.split(",")).map((item) => item.trim()).filter((item) => item !== "");
}
