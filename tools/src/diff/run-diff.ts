import { UserError } from "../model/errors.js";
import type { Resource } from "../model/resource.js";
import { diffResources } from "./diff-resources.js";
import { changeCount, DIFF_REPORT_VERSION, type DiffReport, type DiffSide, type EnvironmentDiff } from "./diff-report.js";
import { compareKeys } from "./normalize.js";
import { renderAtRevision, renderWorkingTree, resolveCommit, type RenderedTree } from "./render-revision.js";

export interface DiffRevisionsOptions {
  repoRoot: string;
  /** The revision the change is measured from, such as `origin/main`. */
  base: string;
  /**
   * The revision with the change. Left out: `HEAD`. Given as `undefined` (`{ head: undefined }`):
   * the working tree as it is on disk, so uncommitted edits can be compared with main.
   */
  head?: string | undefined;
  /** Environments to compare; every environment either side has when absent or empty. */
  environments?: readonly string[];
  cacheDir?: string | false;
  toolsRoot?: string;
}

/**
 * What Argo CD would change in each environment if `head` replaced `base`: every environment is
 * rendered at both revisions (an environment whose inputs are the same on both sides renders once,
 * through the render cache) and compared object by object. An environment only one side has is
 * reported whole, as added or removed.
 */
export async function diffRevisions(options: DiffRevisionsOptions): Promise<DiffReport> {
  return (await compareRevisions(options)).report;
}

/** The diff report together with the two rendered trees it was computed from. */
export interface RevisionComparison {
  report: DiffReport;
  base: RenderedTree;
  head: RenderedTree;
}

/** diffRevisions, keeping the rendered trees for callers that derive more from them (who can reach whom). */
export async function compareRevisions(options: DiffRevisionsOptions): Promise<RevisionComparison> {
  const { repoRoot } = options;
  const workingTree = "head" in options && options.head === undefined;
  const headRef = options.head ?? "HEAD";
  const shared = {
    repoRoot,
    ...(options.environments === undefined ? {} : { environments: options.environments }),
    ...(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir }),
    ...(options.toolsRoot === undefined ? {} : { toolsRoot: options.toolsRoot }),
  };
  // Both names checked before anything renders, so a typo fails at once.
  await resolveCommit(repoRoot, options.base);
  if (!workingTree) await resolveCommit(repoRoot, headRef);
  // One side after the other, so that the second finds the first's renders in the cache.
  const base = await renderAtRevision({ ...shared, ref: options.base });
  const head = workingTree ? await renderWorkingTree(shared) : await renderAtRevision({ ...shared, ref: headRef });

  const known = new Set([...base.available, ...head.available]);
  for (const requested of options.environments ?? []) {
    if (!known.has(requested)) {
      throw new UserError(
        `unknown environment "${requested}": environments/${requested} has no kustomization at ${options.base} ` +
          `or ${workingTree ? "in the working tree" : `at ${headRef}`}; known environments: ${[...known].sort(compareKeys).join(", ") || "none"}`,
      );
    }
  }
  return { report: diffTrees(base, head), base, head };
}

/**
 * The report between two rendered trees, environment by environment; an environment only one
 * side has is reported whole, as added or removed.
 */
export function diffTrees(base: RenderedTree, head: RenderedTree): DiffReport {
  const names = new Set([...base.environments.keys(), ...head.environments.keys()]);
  const environments: EnvironmentDiff[] = [];
  const unchangedEnvironments: string[] = [];
  for (const name of [...names].sort(compareKeys)) {
    const before = base.environments.get(name);
    const after = head.environments.get(name);
    const status = before === undefined ? "added" : after === undefined ? "removed" : "changed";
    const diff = diffResources(before ?? [], after ?? []);
    if (status === "changed" && changeCount(diff) === 0) unchangedEnvironments.push(name);
    else environments.push({ name, status, ...diff });
  }
  return { version: DIFF_REPORT_VERSION, base: sideOf(base, null), head: sideOf(head, null), environments, unchangedEnvironments };
}

export interface DiffEnvironmentsOptions {
  repoRoot: string;
  /** The environment being promoted from (the new state), such as `staging`. */
  from: string;
  /** The environment that would change (the current state), such as `prod`. */
  to: string;
  /** The revision both are rendered at; the working tree when left out. */
  ref?: string;
  cacheDir?: string | false;
  toolsRoot?: string;
}

/**
 * What would change in `to` if it rendered what `from` renders: the two environments, rendered at
 * one revision, compared object by object (by group, kind, namespace and name). `to` is the base
 * side and `from` the head side, so `+` lines are what `to` would gain. The one entry (if any) is
 * named after `to`.
 */
export async function diffEnvironments(options: DiffEnvironmentsOptions): Promise<DiffReport> {
  const { repoRoot, from, to } = options;
  if (from === to) throw new UserError(`cannot compare environment "${from}" with itself; name two different environments`);
  const shared = {
    repoRoot,
    environments: [from, to],
    ...(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir }),
    ...(options.toolsRoot === undefined ? {} : { toolsRoot: options.toolsRoot }),
  };
  const tree = options.ref === undefined ? await renderWorkingTree(shared) : await renderAtRevision({ ...shared, ref: options.ref });
  const where = options.ref === undefined ? "in the working tree" : `at ${options.ref}`;
  const resourcesOf = (name: string): Resource[] => {
    const resources = tree.environments.get(name);
    if (resources === undefined) {
      throw new UserError(
        `unknown environment "${name}": environments/${name} has no kustomization ${where}; ` +
          `known environments: ${tree.available.join(", ") || "none"}`,
      );
    }
    return resources;
  };
  const before = resourcesOf(to);
  const after = resourcesOf(from);
  const diff = diffResources(before, after);
  const changed = changeCount(diff) > 0;
  return {
    version: DIFF_REPORT_VERSION,
    base: sideOf(tree, to),
    head: sideOf(tree, from),
    environments: changed ? [{ name: to, status: "changed", ...diff }] : [],
    unchangedEnvironments: changed ? [] : [to],
  };
}

function sideOf(tree: RenderedTree, environment: string | null): DiffSide {
  return { ref: tree.ref, commit: tree.commit, environment };
}
