import { stat } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../model/errors.js";
import { preloadStages, runChecks, type CheckStages, type RunResult } from "../pipeline/run-checks.js";
import { selectTargets, type CheckTarget } from "../pipeline/targets.js";
import { environmentInputs, resolveEnvironments } from "../render/environments.js";
import { checkKustomizationFiles, checkSharedFolders, findKustomizationFiles, UNREACHED_RULE } from "../render/check-kustomizations.js";
import { renderEnvironment, type RenderFailure } from "../render/render-environment.js";
import { formatRunResult, REPORT_FORMATS } from "../report/format-run-result.js";
import { sarifContext } from "./report-context.js";
import { EXIT } from "./exit-codes.js";
import { exitCodeFor } from "./findings-exit-code.js";
import { requireFormat } from "./options.js";
import type { CommonOptions, Format } from "./option-table.js";
import { repositoryConfig } from "./repository-config.js";
import type { MeshPolicyConfig } from "../config/mesh-policy-config.js";
import { readStandardInput, STDIN } from "./standard-input.js";
import { progress, useColor } from "./terminal.js";
import { writeReport } from "./write-report.js";
import { packageConfig } from "../util/package-config.js";
import { maskText } from "../mask/mask-secrets.js";

export interface CommandContext {
  repoRoot: string;
  cwd: string;
  options: CommonOptions;
}

const ARGOCD_DIR = "argocd";
const SHARED_KUSTOMIZE_DIRS = ["base", "overlays"];

export async function runCheckCommand(context: CommandContext): Promise<number> {
  const { options } = context;
  if (!options.serverDryRun && (options.kubeconfig !== undefined || options.context !== undefined)) {
    throw new UserError("check takes --kubeconfig and --context only with --server-dry-run");
  }
  preloadStages({ validate: true, lint: true });
  // What only `check` needs is loaded here, so that validate and lint start without it.
  const [{ checkArgoCd }, { checkGenerated }, { WORKLOAD_UNREACHED_RULE }, { checkWorkflows }] = await Promise.all([
    import("../argocd/check-argocd.js"),
    import("../generate/check-generated.js"),
    import("../generate/check-wiring.js"),
    import("../workflows/check-workflows.js"),
  ]);
  const config = await repositoryConfig(context.repoRoot);
  const named = [...options.positionals, ...options.environments];
  const environments = await resolveEnvironments(context.repoRoot, named.length > 0 ? named : (config.environments ?? []));
  const targets = await selectTargets({ ...selection(context), paths: [], environments });
  const rendered = targets.reduce((sum, target) => sum + target.resources.length, 0);
  let argocdObjects = 0;
  if (await hasFolder(context.repoRoot, ARGOCD_DIR)) {
    const argocd = await selectTargets({ ...selection(context), cwd: context.repoRoot, paths: [ARGOCD_DIR], environments: [] });
    argocdObjects = argocd.reduce((sum, target) => sum + target.resources.length, 0);
    progress(options, `read ${ARGOCD_DIR}/: ${argocdObjects} Argo CD objects (AppProjects and Applications, checked apart from the environments they deploy)`);
    targets.push(...argocd);
  }
  const renderedEnvironments = new Map(targets.flatMap((t) => (t.environment === undefined ? [] : [[t.environment, t.resources] as const])));
  targets.push({
    environment: undefined,
    resources: [],
    loadFindings: await checkArgoCd(context.repoRoot, { renderedEnvironments, render: options.cache ? {} : { cacheDir: false } }),
  });
  // What the environments' builds read, listed once for the catalog-wiring and shared-folder checks.
  const reached = await environmentInputs(context.repoRoot);
  const generated = await checkGenerated(context.repoRoot, renderedEnvironments, reached);
  targets.push({ environment: undefined, resources: [], loadFindings: generated });
  // Environments were rendered above; what they do not reach below base/ and overlays/ is named
  // here, once: a workload folder of the catalog is an error of its own (check-wiring).
  const unreachedWorkloads = new Set(generated.filter((f) => f.ruleId === WORKLOAD_UNREACHED_RULE).map((f) => path.posix.dirname(f.location?.file ?? "")));
  const shared = await checkSharedFolders(context.repoRoot, SHARED_KUSTOMIZE_DIRS, { ...selection(context).render, reached });
  targets.push({
    environment: undefined,
    resources: [],
    loadFindings: shared.filter((f) => f.ruleId !== UNREACHED_RULE || !unreachedWorkloads.has(path.posix.dirname(f.location?.file ?? ""))),
  });
  targets.push({ environment: undefined, resources: [], loadFindings: await checkWorkflows(context.repoRoot) });
  if (options.serverDryRun) {
    const { dryRunTargets } = await import("../server-dry-run/dry-run-targets.js");
    const byEnvironment = await dryRunTargets(targets, {
      ...(options.kubeconfig === undefined ? {} : { kubeconfig: path.resolve(context.cwd, options.kubeconfig) }),
      ...(options.context === undefined ? {} : { context: options.context }),
    });
    for (const target of targets) target.loadFindings.push(...(target.environment === undefined ? [] : (byEnvironment.get(target.environment) ?? [])));
  }
  const breakdown = argocdObjects === 0 ? undefined : `${rendered} rendered, ${argocdObjects} Argo CD objects in ${ARGOCD_DIR}/`;
  return report(context, targets, { validate: true, lint: true, config }, breakdown === undefined ? {} : { breakdown });
}

export async function runValidateCommand(context: CommandContext): Promise<number> {
  preloadStages({ validate: true, lint: false });
  const config = await repositoryConfig(context.repoRoot);
  const targets = await selectInputs(context, config);
  const kustomizations = await findKustomizationFiles(filePaths(context).map((p) => path.resolve(context.cwd, p)));
  targets.push({ environment: undefined, resources: [], loadFindings: await checkKustomizationFiles(context.repoRoot, kustomizations, selection(context).render) });
  return report(context, targets, { validate: true, lint: false, config });
}

export async function runLintCommand(context: CommandContext): Promise<number> {
  preloadStages({ validate: false, lint: true });
  const config = await repositoryConfig(context.repoRoot);
  return report(context, await selectInputs(context, config), { validate: false, lint: true, config });
}

/** The paths given (`-` is standard input, read once), the named environments, or the configured ones. */
async function selectInputs(context: CommandContext, config: MeshPolicyConfig): Promise<CheckTarget[]> {
  const { options } = context;
  const paths = filePaths(context);
  const readsStdin = options.positionals.includes(STDIN);
  const environments = paths.length === 0 && !readsStdin && options.environments.length === 0 ? (config.environments ?? []) : options.environments;
  const targets = paths.length > 0 || environments.length > 0 || !readsStdin ? await selectTargets({ ...selection(context), paths, environments }) : [];
  if (!readsStdin) return targets;
  const stdin = await readStandardInput();
  // Files and standard input are one set of objects: references between them resolve.
  const files = paths.length > 0 ? targets[0] : undefined;
  if (files !== undefined) {
    files.resources.push(...stdin.resources);
    files.loadFindings.push(...stdin.findings);
  } else {
    targets.unshift({ environment: undefined, resources: stdin.resources, loadFindings: stdin.findings });
  }
  return targets;
}

function filePaths(context: CommandContext): string[] {
  return context.options.positionals.filter((p) => p !== STDIN);
}

export async function runRenderCommand(context: CommandContext): Promise<number> {
  const [environment, ...extra] = context.options.positionals;
  if (environment === undefined || extra.length > 0) throw new UserError("render takes exactly one environment: mesh-policy render ENV");
  await resolveEnvironments(context.repoRoot, [environment]);
  const rendered = await renderEnvironment(context.repoRoot, environment, context.options.cache ? {} : { cacheDir: false });
  await writeReport(rendered.yaml, context.options.output, context.cwd);
  progress(context.options, `rendered ${environment}: ${rendered.resources.length} resources (kustomize ${rendered.kustomizeVersion})`);
  return EXIT.clean;
}

export async function runRulesCommand(context: CommandContext): Promise<number> {
  if (context.options.positionals.length > 0) throw new UserError("rules takes no arguments: mesh-policy rules [--format text|json|markdown]");
  const [{ allChecks }, { formatRulesJson, formatRulesMarkdown, formatRulesText }, { ISTIO_ANALYZERS }] = await Promise.all([
    import("../pipeline/check-catalog.js"),
    import("../report/format-rules.js"),
    import("../lint/istio-analyzers.js"),
  ]);
  const formatters: Partial<Record<Format, () => string>> = {
    text: () => formatRulesText(allChecks()),
    json: () => formatRulesJson(allChecks()),
    markdown: () => formatRulesMarkdown(allChecks(), ISTIO_ANALYZERS),
  };
  const format = formatters[context.options.format];
  if (format === undefined) throw new UserError("rules --format takes text, json or markdown");
  await writeReport(format(), context.options.output, context.cwd);
  return EXIT.clean;
}

function selection(context: CommandContext) {
  return {
    repoRoot: context.repoRoot,
    cwd: context.cwd,
    paths: [] as string[],
    environments: context.options.environments,
    render: context.options.cache ? {} : { cacheDir: false as const },
    onRendered: (environment: string, detail: { resources: number; kustomizeVersion: string; fromCache: boolean }) => {
      progress(context.options, `rendered ${environment}: ${detail.resources} resources (kustomize ${detail.kustomizeVersion}${detail.fromCache ? ", cached" : ""})`);
      warnOnVersionDrift(detail.kustomizeVersion);
    },
    onRenderFailed: (label: string, failure: RenderFailure) => {
      if (context.options.verbose && failure.details !== undefined) process.stderr.write(`kustomize output for ${label}:\n${maskText(failure.details)}\n`);
    },
  };
}

/** Runs the stages on the targets and writes the report; `stages.config` is the repository's, read once by the command. */
async function report(
  context: CommandContext,
  targets: CheckTarget[],
  stages: Omit<CheckStages, "skipKinds" | "config"> & { config: MeshPolicyConfig },
  text: { breakdown?: string } = {},
): Promise<number> {
  const { options } = context;
  const result: RunResult = await runChecks(targets, {
    ...stages,
    skipKinds: new Set(options.skipKinds),
    ...(stages.validate && options.kubeconform ? { kubeconform: { repoRoot: context.repoRoot } } : {}),
  });
  // Finding messages quote inputs (values, tool output): masked like every other output.
  const masked = { ...result, findings: result.findings.map((finding) => ({ ...finding, message: maskText(finding.message) })) };
  const formatted = await formatRunResult(masked, requireFormat(options.format, REPORT_FORMATS, "this command"), sarifContext, {
    color: useColor(options.output),
    quiet: options.quiet,
    ...text,
  });
  await writeReport(formatted, options.output, context.cwd);
  return exitCodeFor(result.findings, options.failOn);
}

let warnedVersion = false;

/** Argo CD renders with the kustomize it bundles; another version may render other bytes. */
function warnOnVersionDrift(version: string): void {
  const pinned = packageConfig().kustomizeVersion;
  if (warnedVersion || version === pinned) return;
  warnedVersion = true;
  process.stderr.write(
    `warning: kustomize ${version} is not ${pinned}, the version Argo CD ${packageConfig().argocdVersion} bundles; ` +
      `run \`bash tools/install-tools.sh\` so that what is checked is what Argo CD applies\n`,
  );
}

async function hasFolder(root: string, name: string): Promise<boolean> {
  return stat(path.join(root, name)).then((s) => s.isDirectory(), () => false);
}
