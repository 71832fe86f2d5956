import path from "node:path";
import { resourcesFromYaml } from "../load/resources-from-yaml.js";
import { UserError } from "../model/errors.js";
import type { Finding } from "../model/finding.js";
import type { Resource } from "../model/resource.js";
import { currentLimits, type Limits } from "../util/limits.js";
import { ENVIRONMENTS_DIR } from "./environments.js";
import { collectKustomizeInputs, KustomizeInputError, type KustomizeInputs } from "./kustomize-inputs.js";
import { findKustomize } from "./kustomize-binary.js";
import { readCachedRender, renderCacheKey, writeCachedRender } from "./render-cache.js";
import { runKustomize, STOPPED_HINT, type KustomizeRun } from "./run-kustomize.js";
import { SourceLocator } from "./source-locator.js";
import { firstUnboundedInput } from "./unbounded-inputs.js";

/**
 * Extra `kustomize build` flags. Must equal `kustomize.buildOptions` in Argo CD's argocd-cm
 * (unset in our Argo CD install), so that what we check is what Argo CD applies.
 */
export const KUSTOMIZE_BUILD_OPTIONS: readonly string[] = [];

export interface RenderedEnvironment {
  environment: string;
  /** kustomize's output, byte for byte. */
  yaml: string;
  resources: Resource[];
  findings: Finding[];
  kustomizeVersion: string;
  fromCache: boolean;
  /** Every file the build read and the patches it applied (collectKustomizeInputs), for the checks that need them. */
  inputs: KustomizeInputs;
}

export interface RenderOptions {
  /** Where renders are cached by input hash; `false` turns the cache off. */
  cacheDir?: string | false;
  /**
   * The checkout whose .tools/bin holds the pinned kustomize, when `repoRoot` is another tree
   * (a revision extracted to a temporary folder). Defaults to `repoRoot`.
   */
  toolsRoot?: string;
  /** The bounds of kustomize and whether remote resources may be fetched; the run's limits by default. */
  limits?: Readonly<Limits>;
}

export function defaultCacheDir(repoRoot: string): string {
  return process.env["MESH_POLICY_CACHE_DIR"] ?? path.join(repoRoot, ".cache", "mesh-policy", "renders");
}

export async function renderEnvironment(
  repoRoot: string,
  environment: string,
  options: RenderOptions = {},
): Promise<RenderedEnvironment> {
  const buildDir = path.join(repoRoot, ENVIRONMENTS_DIR, environment);
  return renderKustomization(repoRoot, buildDir, environment, options);
}

/**
 * Renders any kustomization folder below `repoRoot`; `label` names it in reports. Before
 * kustomize runs, every input is listed (remote ones refused unless the limits allow them,
 * paths leaving the repository refused). A render whose inputs and kustomize are unchanged comes
 * from the verified render cache (never one with remote inputs); otherwise the inputs are checked
 * for what would make kustomize expand without bound, and kustomize runs bounded (run-kustomize).
 */
export async function renderKustomization(
  repoRoot: string,
  buildDir: string,
  label: string,
  options: RenderOptions = {},
): Promise<RenderedEnvironment> {
  const limits = options.limits ?? currentLimits();
  const kustomizationFile = path.join(path.relative(repoRoot, buildDir), "kustomization.yaml").split(path.sep).join("/");
  const inputs = await collectKustomizeInputs(buildDir, repoRoot, { allowRemote: limits.remoteResources }).catch((error: unknown) => {
    if (error instanceof KustomizeInputError) throw new RenderFailure(`cannot render ${label}: ${error.message}`, error.detail);
    throw error;
  });
  const cacheRoot = options.cacheDir ?? defaultCacheDir(repoRoot);
  const kustomize = await findKustomize(options.toolsRoot ?? repoRoot, cacheRoot);
  const cacheDir = inputs.remote.length > 0 ? false : cacheRoot;
  const key =
    cacheDir === false
      ? undefined
      : await renderCacheKey({ repoRoot, tool: [kustomize.command, kustomize.version, ...KUSTOMIZE_BUILD_OPTIONS], files: inputs.files });
  const cached = cacheDir === false || key === undefined ? undefined : await readCachedRender(cacheDir, key);
  let yaml: string;
  if (cached !== undefined) {
    yaml = cached;
  } else {
    // Only before kustomize runs: a cached render was made from these very bytes, which passed.
    const hazard = await firstUnboundedInput(inputs.files, repoRoot);
    if (hazard !== undefined) {
      throw new RenderFailure(`cannot render ${label}: ${hazard.file}:${hazard.line}: ${hazard.reason}; fix ${hazard.file}, then run again`, hazard);
    }
    const run = await runKustomize(kustomize, [...KUSTOMIZE_BUILD_OPTIONS, path.relative(repoRoot, buildDir) || "."], { cwd: repoRoot, limits });
    const { result } = run;
    if (run.stopped !== undefined) {
      throw new RenderFailure(
        `kustomize ${run.stopped} while rendering ${label} (\`${run.commandLine}\`): ${STOPPED_HINT}`,
        { file: kustomizationFile, line: 1, reason: `kustomize ${run.stopped}: ${STOPPED_HINT}` },
        kustomizeOutput(run),
      );
    }
    if (result.exitCode !== 0) {
      const { diagnoseKustomizeFailure } = await import("./diagnose-kustomize-failure.js");
      const diagnosis = await diagnoseKustomizeFailure(result.stderr, { repoRoot, buildDir, inputs });
      throw new RenderFailure(
        `kustomize cannot render ${label}: ${diagnosis.file}:${diagnosis.line}: ${diagnosis.message}`,
        { file: diagnosis.file, line: diagnosis.line, reason: diagnosis.message },
        kustomizeOutput(run),
      );
    }
    yaml = result.stdout.endsWith("\n") || result.stdout === "" ? result.stdout : `${result.stdout}\n`;
    if (cacheDir !== false && key !== undefined) await writeCachedRender(cacheDir, key, yaml);
  }

  const parsed = resourcesFromYaml(yaml, `${path.relative(repoRoot, buildDir).split(path.sep).join("/")} (rendered)`);
  const locator = new SourceLocator(repoRoot, buildDir, inputs.patches);
  const resources = await Promise.all(
    parsed.resources.map(async (resource) => ({ ...resource, origin: await locator.originFor(resource) })),
  );
  return {
    environment: label,
    yaml,
    resources,
    findings: parsed.findings,
    kustomizeVersion: kustomize.version,
    fromCache: cached !== undefined,
    inputs,
  };
}

/** kustomize could not build a kustomization: an input error of that environment, not of the run. */
export class RenderFailure extends UserError {
  constructor(
    message: string,
    /** The file and line to fix, and why (diagnoseKustomizeFailure). */
    readonly detail: { file: string; line: number; reason: string },
    /** kustomize's own command and output, when it ran. */
    details?: string,
  ) {
    super(message, details);
  }
}

/** kustomize's command line, how it ended, and the tail of what it said: shown with --verbose. */
function kustomizeOutput(run: KustomizeRun): string {
  const ended = run.result.exitCode === undefined ? "was stopped" : `exited ${run.result.exitCode}`;
  return `\`${run.commandLine}\` ${ended}:\n${tail(run.result.stderr)}`;
}

function tail(text: string, lines = 20): string {
  return text.trim().split("\n").slice(-lines).map((line) => `  ${line}`).join("\n");
}
