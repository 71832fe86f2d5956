import { loadPaths } from "../load/load-paths.js";
import type { Finding } from "../model/finding.js";
import type { Resource } from "../model/resource.js";
import { resolveEnvironments } from "../render/environments.js";
import { RenderFailure, renderEnvironment, type RenderOptions } from "../render/render-environment.js";

export const RENDER_RULE = "render";

function renderFailureFinding(failure: RenderFailure, repoRoot: string): Finding {
  return {
    ruleId: RENDER_RULE,
    severity: "error",
    message: `kustomize cannot render this environment: ${failure.detail.reason.replaceAll(`${repoRoot}/`, "")}; fix the kustomization, then run again`,
    location: { file: failure.detail.kustomization, line: 1 },
  };
}

/** One set of resources that is checked as a whole: a rendered environment, or the files given. */
export interface CheckTarget {
  /** The environment name; undefined for files given on the command line. */
  environment: string | undefined;
  resources: Resource[];
  /** Problems found while loading (YAML syntax, objects without kind or name). */
  loadFindings: Finding[];
}

export interface TargetSelection {
  repoRoot: string;
  cwd: string;
  paths: readonly string[];
  environments: readonly string[];
  render?: RenderOptions;
  /** Called once per rendered environment, for progress on stderr. */
  onRendered?: (environment: string, detail: { resources: number; kustomizeVersion: string; fromCache: boolean }) => void;
}

/**
 * What a validate or lint run looks at: the files and folders given, plus the named environments;
 * with neither, every environment of the repository.
 */
export async function selectTargets(selection: TargetSelection): Promise<CheckTarget[]> {
  const targets: CheckTarget[] = [];
  if (selection.paths.length > 0) {
    const loaded = await loadPaths(selection.paths, selection.cwd);
    targets.push({ environment: undefined, resources: loaded.resources, loadFindings: loaded.findings });
  }
  if (selection.environments.length > 0 || selection.paths.length === 0) {
    for (const environment of await resolveEnvironments(selection.repoRoot, selection.environments)) {
      const rendered = await renderEnvironment(selection.repoRoot, environment, selection.render).catch((error: unknown) => {
        // One environment that does not build must not hide what the others have to say.
        if (!(error instanceof RenderFailure)) throw error;
        return error;
      });
      if (rendered instanceof RenderFailure) {
        targets.push({ environment, resources: [], loadFindings: [renderFailureFinding(rendered, selection.repoRoot)] });
        continue;
      }
      selection.onRendered?.(environment, {
        resources: rendered.resources.length,
        kustomizeVersion: rendered.kustomizeVersion,
        fromCache: rendered.fromCache,
      });
      targets.push({ environment, resources: rendered.resources, loadFindings: rendered.findings });
    }
  }
  return targets;
}
