import path from "node:path";
import { UserError } from "../model/errors.js";
import { applyPromotion } from "../promote/apply-promotion.js";
import { formatPromotionBody, formatPromotionJson, formatPromotionText } from "../promote/format-promotion.js";
import { DEFAULT_MIN_SOAK_HOURS, planPromotion } from "../promote/plan-promotion.js";
import { FORCEABLE_GATES, isUpToDate, type GateId } from "../promote/promotion-plan.js";
import { defaultCacheDir } from "../render/render-environment.js";
import type { CommandContext } from "./commands.js";
import { EXIT } from "./exit-codes.js";
import { writeReport } from "./write-report.js";
import { progress, useColor } from "./terminal.js";

/** `--pr-body -`: the body on stdout. */
const STDOUT = "-";

/**
 * `promote FROM TO [--revision SHA] [--allow-rollback] [--dry-run] [--pr-body FILE]
 * [--min-soak-hours N] [--force-gates soak,window] [--format text|json] [--output FILE]`:
 * plans the promotion, prints the plan, and (unless --dry-run) rewrites `targetRevision` of TO's
 * Application and writes the pull-request body (`--pr-body -`: on stdout, the plan then goes to
 * --output). With --dry-run, --pr-body previews the body and nothing else is written.
 *
 * Exit codes: 0 promoted, or promotable with --dry-run (or nothing to promote; nothing is written
 * then); 1 when a gate refuses the promotion (the plan is printed, nothing is written); 2 for
 * usage and input errors.
 */
export async function runPromoteCommand(context: CommandContext): Promise<number> {
  const { options } = context;
  const [from, to, ...extra] = options.positionals;
  if (from === undefined || to === undefined || extra.length > 0) {
    throw new UserError("usage: mesh-policy promote FROM TO [--revision SHA] [--allow-rollback] [--dry-run] [--pr-body FILE] [--min-soak-hours N] [--force-gates soak,window]");
  }
  const bodyToStdout = options.prBody === STDOUT;
  if (bodyToStdout && options.output === undefined) {
    throw new UserError("--pr-body - prints the pull-request body on stdout, where the plan goes too: send the plan to a file with --output FILE, or the body to --pr-body FILE");
  }
  const minSoakHours = options.minSoakHours === undefined ? DEFAULT_MIN_SOAK_HOURS : Number(options.minSoakHours);
  if (options.minSoakHours !== undefined && (options.minSoakHours.trim() === "" || !Number.isFinite(minSoakHours) || minSoakHours < 0)) {
    throw new UserError(`--min-soak-hours ${options.minSoakHours} is not a number of hours (0 or more)`);
  }
  const forceGates = parseForceGates(options.forceGates);

  const plan = await planPromotion({
    repoRoot: context.repoRoot,
    from,
    to,
    ...(options.revision === undefined ? {} : { revision: options.revision }),
    allowRollback: options.allowRollback === true,
    minSoakHours,
    now: new Date(),
    forceGates,
    cacheDir: options.cache ? defaultCacheDir(context.repoRoot) : false,
  });
  const report = options.format === "json" ? formatPromotionJson(plan) : formatPromotionText(plan, { color: useColor(options.output) });
  await writeReport(report, options.output, context.cwd);

  if (isUpToDate(plan)) {
    progress(options, `nothing to promote: ${to} already runs ${plan.candidate.commit.slice(0, 12)}; nothing written`);
    return EXIT.clean;
  }
  if (options.dryRun === true) {
    // The body is a preview: written where --pr-body says, and nothing else is.
    if (options.prBody !== undefined) await writeReport(formatPromotionBody(plan), bodyToStdout ? undefined : options.prBody, context.cwd);
    const preview = options.prBody === undefined ? "" : bodyToStdout ? "; the pull-request body is on stdout" : `; the pull-request body is in ${options.prBody}`;
    progress(options, `dry run: ${plan.application.file} not changed${preview}${plan.refusals.length > 0 ? "; a real run would be refused" : ""}`);
    return plan.refusals.length > 0 ? EXIT.findings : EXIT.clean;
  }
  // A gate that refuses is a finding about the candidate, like a failing check: exit 1, not 2.
  if (plan.refusals.length > 0) {
    process.stderr.write(
      `refusing to promote ${from} to ${to} (${plan.candidate.commit.slice(0, 12)}); nothing was written:\n` +
        plan.refusals.map((refusal) => `  - ${refusal}`).join("\n") +
        "\n",
    );
    return EXIT.findings;
  }
  const applied = await applyPromotion(plan, {
    repoRoot: context.repoRoot,
    ...(options.prBody === undefined || bodyToStdout ? {} : { prBodyFile: path.resolve(context.cwd, options.prBody) }),
  });
  if (bodyToStdout) process.stdout.write(formatPromotionBody(plan));
  progress(
    options,
    `promoted ${from} to ${to}: ${applied.file} now pins ${plan.candidate.commit}` +
      `${applied.prBodyFile === undefined ? (bodyToStdout ? "; pull-request body on stdout" : "") : `; pull-request body in ${options.prBody ?? ""}`}`,
  );
  return EXIT.clean;
}

/** `--force-gates soak,window` (repeatable, comma-separated). */
export function parseForceGates(values: readonly string[]): GateId[] {
  const gates = values.flatMap((value) => value.split(",")).map((gate) => gate.trim()).filter((gate) => gate !== "");
  for (const gate of gates) {
    if (!(FORCEABLE_GATES as readonly string[]).includes(gate)) {
      throw new UserError(`--force-gates takes ${FORCEABLE_GATES.join(", ")} (comma-separated); "${gate}" is not one of them`);
    }
  }
  return [...new Set(gates)] as GateId[];
}
