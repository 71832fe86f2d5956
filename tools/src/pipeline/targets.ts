import { readFile, stat } from "node:fs/promises";
import path from "node:path";
import { loadPaths } from "../load/load-paths.js";
import { displayPath } from "../util/display-path.js";
import { findKustomizationFiles } from "../render/check-kustomizations.js";
import { UserError } from "../model/errors.js";
import type { Finding } from "../model/finding.js";
import type { Resource } from "../model/resource.js";
import { resolveEnvironments } from "../render/environments.js";
import { isInsideFolder } from "../util/inside-folder.js";
import { checkPatchTargets } from "../render/check-patch-targets.js";
import { locateGeneratedInCatalog } from "../render/source-locator.js";
import { RenderFailure, renderEnvironment, renderKustomization, type RenderOptions } from "../render/render-environment.js";

export const RENDER_RULE = "render";

/**
 * The kustomizations among the folders given: every folder holding a kustomization file (whose
 * files are not loaded one by one), and the outermost Kustomizations, which are rendered.
 * Components cannot be rendered alone; kustomize loads them in check-kustomizations.
 */
async function kustomizeRootsIn(paths: readonly string[], cwd: string): Promise<{ roots: string[]; kustomizeDirs: string[] }> {
  const dirs: string[] = [];
  for (const given of paths) {
    const absolute = path.resolve(cwd, given);
    if (await stat(absolute).then((s) => s.isDirectory(), () => false)) dirs.push(absolute);
  }
  const files = await findKustomizationFiles(dirs);
  const kustomizeDirs = files.map((file) => path.dirname(file));
  const kustomizations: string[] = [];
  for (const file of files) {
    const text = await readFile(file, "utf8");
    if (!/^kind:\s*Component\s*$/m.test(text)) kustomizations.push(path.dirname(file));
  }
  const roots = kustomizations.filter((dir) => !kustomizations.some((other) => other !== dir && isInsideFolder(dir, other)));
  return { roots, kustomizeDirs };
}

/** `environments/prod` is the environment prod, however it was named on the command line. */
function environmentOf(label: string): string | undefined {
  const match = /^environments\/([^/]+)$/.exec(label);
  return match?.[1];
}

function renderFailureFinding(failure: RenderFailure): Finding {
  return {
    ruleId: RENDER_RULE,
    severity: "error",
    message: `kustomize cannot render this environment: ${failure.detail.reason}`,
    location: { file: failure.detail.file, line: failure.detail.line },
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
  /** Called when kustomize cannot build a kustomization (its own output is in `failure.details`). */
  onRenderFailed?: (label: string, failure: RenderFailure) => void;
}

/**
 * What a validate or lint run looks at: the files and folders given, plus the named environments;
 * with neither, every environment of the repository.
 */
export async function selectTargets(selection: TargetSelection): Promise<CheckTarget[]> {
  const targets: CheckTarget[] = [];
  if (selection.paths.length > 0) {
    const { roots, kustomizeDirs } = await kustomizeRootsIn(selection.paths, selection.cwd);
    // Files that belong to a kustomization are patches and partial objects: render it instead.
    const loaded = await loadPaths(selection.paths, selection.cwd, (file) => kustomizeDirs.some((dir) => isInsideFolder(file, dir)));
    if (loaded.resources.length === 0 && loaded.findings.length === 0 && kustomizeDirs.length === 0) {
      throw new UserError(`no YAML files in ${selection.paths.join(", ")}: nothing to check; name files or folders that hold Kubernetes YAML`);
    }
    const resources = await locateGeneratedInCatalog(loaded.resources, selection.repoRoot, selection.cwd);
    targets.push({ environment: undefined, resources, loadFindings: loaded.findings });
    for (const root of roots) {
      const label = displayPath(root, selection.repoRoot);
      const environment = environmentOf(label);
      const rendered = await renderKustomization(selection.repoRoot, root, environment ?? label, selection.render).catch((error: unknown) => {
        if (!(error instanceof RenderFailure)) throw error;
        return error;
      });
      if (rendered instanceof RenderFailure) {
        selection.onRenderFailed?.(environment ?? label, rendered);
        targets.push({ environment, resources: [], loadFindings: [renderFailureFinding(rendered)] });
      } else {
        const noOps = await checkPatchTargets(selection.repoRoot, rendered);
        targets.push({ environment, resources: rendered.resources, loadFindings: [...rendered.findings, ...noOps] });
      }
    }
  }
  if (selection.environments.length > 0 || selection.paths.length === 0) {
    for (const environment of await resolveEnvironments(selection.repoRoot, selection.environments)) {
      const rendered = await renderEnvironment(selection.repoRoot, environment, selection.render).catch((error: unknown) => {
        // One environment that does not build must not hide what the others have to say.
        if (!(error instanceof RenderFailure)) throw error;
        return error;
      });
      if (rendered instanceof RenderFailure) {
        selection.onRenderFailed?.(environment, rendered);
        targets.push({ environment, resources: [], loadFindings: [renderFailureFinding(rendered)] });
        continue;
      }
      selection.onRendered?.(environment, {
        resources: rendered.resources.length,
        kustomizeVersion: rendered.kustomizeVersion,
        fromCache: rendered.fromCache,
      });
      const noOps = await checkPatchTargets(selection.repoRoot, rendered);
      targets.push({ environment, resources: rendered.resources, loadFindings: [...rendered.findings, ...noOps] });
    }
  }
  return targets;
}
