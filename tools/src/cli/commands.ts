import { stat } from "node:fs/promises";
import path from "node:path";
import { UserError } from "../model/errors.js";
import { runChecks, type CheckStages, type RunResult } from "../pipeline/run-checks.js";
import { selectTargets, type CheckTarget } from "../pipeline/targets.js";
import { resolveEnvironments } from "../render/environments.js";
import { checkKustomizationFiles, checkSharedFolders, findKustomizationFiles } from "../render/check-kustomizations.js";
import { renderEnvironment, type RenderFailure } from "../render/render-environment.js";
import { exportKubeconformSchemas } from "../schemas/export-kubeconform.js";
import { checkWorkflows } from "../workflows/check-workflows.js";
import { dryRunTargets } from "../server-dry-run/dry-run-targets.js";
import { checkArgoCd } from "../argocd/check-argocd.js";
import { checkGenerated } from "../generate/check-generated.js";
import { allChecks } from "../pipeline/check-catalog.js";
import { formatRunResult, REPORT_FORMATS } from "../report/format-run-result.js";
import { sarifContext } from "./report-context.js";
import { formatRulesJson, formatRulesMarkdown, formatRulesText } from "../report/format-rules.js";
import { ISTIO_ANALYZERS } from "../lint/istio-analyzers.js";
import { exitCodeFor, EXIT } from "./exit-codes.js";
import { requireFormat, type CommonOptions, type Format } from "./options.js";
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
  requireFormat(options.format, REPORT_FORMATS, "check");
  if (!options.serverDryRun && (options.kubeconfig !== undefined || options.context !== undefined)) {
    throw new UserError("check takes --kubeconfig and --context only with --server-dry-run");
  }
  const environments = await resolveEnvironments(context.repoRoot, [...options.positionals, ...options.environments]);
  const targets = await selectTargets({ ...selection(context), paths: [], environments });
  if (await hasFolder(context.repoRoot, ARGOCD_DIR)) {
    targets.push(...(await selectTargets({ ...selection(context), cwd: context.repoRoot, paths: [ARGOCD_DIR], environments: [] })));
  }
  const renderedEnvironments = new Map(targets.flatMap((t) => (t.environment === undefined ? [] : [[t.environment, t.resources] as const])));
  targets.push({
    environment: undefined,
    resources: [],
    loadFindings: await checkArgoCd(context.repoRoot, { renderedEnvironments, render: options.cache ? {} : { cacheDir: false } }),
  });
  targets.push({ environment: undefined, resources: [], loadFindings: await checkGenerated(context.repoRoot) });
  // Environments were rendered above; what they do not reach below base/ and overlays/ is named here.
  targets.push({ environment: undefined, resources: [], loadFindings: await checkSharedFolders(context.repoRoot, SHARED_KUSTOMIZE_DIRS) });
  targets.push({ environment: undefined, resources: [], loadFindings: await checkWorkflows(context.repoRoot) });
  if (options.serverDryRun) {
    const byEnvironment = await dryRunTargets(targets, {
      ...(options.kubeconfig === undefined ? {} : { kubeconfig: path.resolve(context.cwd, options.kubeconfig) }),
      ...(options.context === undefined ? {} : { context: options.context }),
    });
    for (const target of targets) target.loadFindings.push(...(target.environment === undefined ? [] : (byEnvironment.get(target.environment) ?? [])));
  }
  return report(context, targets, { validate: true, lint: true });
}

export async function runValidateCommand(context: CommandContext): Promise<number> {
  requireFormat(context.options.format, REPORT_FORMATS, "validate");
  const targets = await selectTargets({ ...selection(context), paths: context.options.positionals });
  const kustomizations = await findKustomizationFiles(context.options.positionals.map((p) => path.resolve(context.cwd, p)));
  targets.push({ environment: undefined, resources: [], loadFindings: await checkKustomizationFiles(context.repoRoot, kustomizations) });
  return report(context, targets, { validate: true, lint: false });
}

export async function runLintCommand(context: CommandContext): Promise<number> {
  requireFormat(context.options.format, REPORT_FORMATS, "lint");
  const targets = await selectTargets({ ...selection(context), paths: context.options.positionals });
  return report(context, targets, { validate: false, lint: true });
}

export async function runSchemasCommand(context: CommandContext): Promise<number> {
  const [action, dir, ...extra] = context.options.positionals;
  if (action !== "export" || !context.options.kubeconform || dir === undefined || extra.length > 0) {
    throw new UserError("usage: mesh-policy schemas export --kubeconform DIR");
  }
  const { files, schemaLocation } = await exportKubeconformSchemas(path.resolve(context.cwd, dir));
  process.stderr.write(`wrote ${files} schemas; use: kubeconform -strict -schema-location '${schemaLocation}' FILE...\n`);
  return EXIT.clean;
}

export async function runRenderCommand(context: CommandContext): Promise<number> {
  const [environment, ...extra] = context.options.positionals;
  if (environment === undefined || extra.length > 0) throw new UserError("render takes exactly one environment: mesh-policy render ENV");
  await resolveEnvironments(context.repoRoot, [environment]);
  const rendered = await renderEnvironment(context.repoRoot, environment, context.options.cache ? {} : { cacheDir: false });
  await writeReport(rendered.yaml, context.options.output, context.cwd);
  process.stderr.write(`rendered ${environment}: ${rendered.resources.length} resources (kustomize ${rendered.kustomizeVersion})\n`);
  return EXIT.clean;
}

export async function runRulesCommand(context: CommandContext): Promise<number> {
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
      process.stderr.write(
        `rendered ${environment}: ${detail.resources} resources (kustomize ${detail.kustomizeVersion}${detail.fromCache ? ", cached" : ""})\n`,
      );
      warnOnVersionDrift(detail.kustomizeVersion);
    },
    onRenderFailed: (label: string, failure: RenderFailure) => {
      if (context.options.verbose && failure.details !== undefined) process.stderr.write(`kustomize output for ${label}:\n${maskText(failure.details)}\n`);
    },
  };
}

async function report(context: CommandContext, targets: CheckTarget[], stages: Omit<CheckStages, "skipKinds">): Promise<number> {
  const result: RunResult = await runChecks(targets, {
    ...stages,
    skipKinds: new Set(context.options.skipKinds),
    ...(stages.validate && context.options.kubeconform ? { kubeconform: { repoRoot: context.repoRoot } } : {}),
  });
  // Finding messages quote inputs (values, tool output): masked like every other output.
  const text = formatResult({ ...result, findings: result.findings.map((finding) => ({ ...finding, message: maskText(finding.message) })) }, context.options.format);
  await writeReport(text, context.options.output, context.cwd);
  return exitCodeFor(result.findings, context.options.failOn);
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

function formatResult(result: RunResult, format: Format): string {
  return formatRunResult(result, requireFormat(format, REPORT_FORMATS, "this command"), sarifContext());
}

async function hasFolder(root: string, name: string): Promise<boolean> {
  return stat(path.join(root, name)).then((s) => s.isDirectory(), () => false);
}
