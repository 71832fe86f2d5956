import { loadArgoCd } from "../argocd/argocd-objects.js";
import { compareRevisions, diffEnvironments } from "../diff/run-diff.js";
import { findEnvironmentApplication } from "../promote/plan-promotion.js";
import { formatDiffJson } from "../diff/format-diff-json.js";
import { formatDiffMarkdown, type DiffMarkdownOptions, type FindingCounts } from "../diff/format-diff-markdown.js";
import { formatDiffText } from "../diff/format-diff-text.js";
import type { DiffReport } from "../diff/diff-report.js";
import { UserError } from "../model/errors.js";
import { environmentsOf } from "../model/finding.js";
import { runChecks } from "../pipeline/run-checks.js";
import type { CheckTarget } from "../pipeline/targets.js";
import type { Resource } from "../model/resource.js";
import { defaultCacheDir } from "../render/render-environment.js";
import type { CommandContext } from "./commands.js";
import { EXIT } from "./exit-codes.js";
import { writeReport } from "./write-report.js";
import { useColor } from "./terminal.js";
import { repositoryConfig } from "./repository-config.js";

/**
 * `diff --base REF [--head REF] [ENV...]`: what Argo CD changes in each environment when the head
 * is merged into the base (head defaults to the working tree, so uncommitted edits show), with
 * what pinned environments would receive at their next promotion apart; `diff --env A
 * --against-env B`: what B would change if it rendered what A renders (promotion).
 * `--exit-code`: exit 1 when anything changes on merge.
 */
export async function runDiffCommand(context: CommandContext): Promise<number> {
  const { options, repoRoot } = context;
  const cacheDir = options.cache ? defaultCacheDir(repoRoot) : false;
  let report: DiffReport;
  let extras: DiffMarkdownOptions = {};
  if (options.againstEnv !== undefined) {
    const [from, ...others] = options.environments;
    if (from === undefined || others.length > 0 || options.base !== undefined || options.positionals.length > 0) {
      throw new UserError("usage: mesh-policy diff --env A --against-env B (one environment each, no --base)");
    }
    report = await diffEnvironments({ repoRoot, from, to: options.againstEnv, cacheDir, ...(options.head === undefined ? {} : { ref: options.head }) });
  } else {
    if (options.base === undefined) throw new UserError("diff needs --base REF (for example origin/main), or --env A --against-env B");
    const environments = [...options.positionals, ...options.environments];
    const pinned = options.base === PINNED_BASE;
    const comparison = await compareRevisions({
      repoRoot,
      base: pinned ? await pinnedRevision(repoRoot, environments) : options.base,
      head: options.head,
      environments,
      cacheDir,
      // Against a pin, the question is what the environment would receive: the two renders as they are.
      argocd: !pinned,
    });
    report = comparison.report;
    if (options.format === "markdown") extras = { findingsByEnvironment: await findingsAfterMerge(repoRoot, comparison.deployed, options.skipKinds) };
  }
  await writeReport(formatReport(report, context, extras), options.output, context.cwd);
  return options.exitCode && report.summary.changesOnMerge ? EXIT.findings : EXIT.clean;
}

/** `--base pinned`: the revision the environment's Argo CD Application deploys (prod's pinned commit). */
const PINNED_BASE = "pinned";

async function pinnedRevision(repoRoot: string, environments: readonly string[]): Promise<string> {
  const [environment, ...others] = environments;
  if (environment === undefined || others.length > 0) {
    throw new UserError("--base pinned compares with what one environment's Application deploys: name exactly one environment");
  }
  const { source } = findEnvironmentApplication(await loadArgoCd(repoRoot), environment);
  if (source.targetRevision === undefined || source.targetRevision === "" || source.targetRevision === "HEAD") return "HEAD";
  return source.targetRevision;
}

function formatReport(report: DiffReport, context: CommandContext, extras: DiffMarkdownOptions): string {
  switch (context.options.format) {
    case "json":
      return formatDiffJson(report);
    case "markdown":
      return formatDiffMarkdown(report, extras);
    default:
      return formatDiffText(report, { color: useColor(context.options.output) });
  }
}

/**
 * The summary table's findings column: the checks of each environment that changes on merge, as
 * Argo CD will render it after the merge, reusing that render.
 */
async function findingsAfterMerge(repoRoot: string, deployed: ReadonlyMap<string, readonly Resource[]>, skipKinds: readonly string[]): Promise<Record<string, FindingCounts>> {
  const targets: CheckTarget[] = [...deployed].map(([environment, resources]) => ({ environment, resources: [...resources], loadFindings: [] }));
  const result = await runChecks(targets, { validate: true, lint: true, skipKinds: new Set(skipKinds), config: await repositoryConfig(repoRoot) });
  const counts: Record<string, FindingCounts> = {};
  for (const environment of deployed.keys()) {
    const own = result.findings.filter((f) => environmentsOf(f).includes(environment));
    counts[environment] = { errors: own.filter((f) => f.severity === "error").length, warnings: own.filter((f) => f.severity === "warning").length };
  }
  return counts;
}
