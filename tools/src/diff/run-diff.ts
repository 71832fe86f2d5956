import { UserError } from "../model/errors.js";
import type { Resource } from "../model/resource.js";
import { deploymentOf, environmentSources, type ApplicationSource } from "./deployments.js";
import { DIFF_REPORT_VERSION, type Deployment, type DiffReport, type DiffSide, type EnvironmentDeployment, type EnvironmentDiff } from "./diff-report.js";
import { compareEnvironment, summarize } from "./environment-diff.js";
import { compareKeys } from "./normalize.js";
import { Checkouts, renderAtRevision, renderWorkingTree, resolveCommit, type CheckedOutTree, type RenderedTree } from "./render-revision.js";

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
  /**
   * Read each environment's Argo CD Application at both revisions (default). False: every
   * environment is compared as the two revisions render it (`diff --base pinned ENV`).
   */
  argocd?: boolean;
}

/**
 * What Argo CD would change in each environment if `head` were merged into `base`
 * ({@link compareRevisions}).
 */
export async function diffRevisions(options: DiffRevisionsOptions): Promise<DiffReport> {
  return (await compareRevisions(options)).report;
}

/** The diff report together with what each environment that changes on merge renders after it. */
export interface RevisionComparison {
  report: DiffReport;
  /** The objects Argo CD applies after the merge, for every environment that changes on merge (and exists then). */
  deployed: Map<string, Resource[]>;
}

/**
 * Models Argo CD: each environment is rendered at the source its Application names at each
 * revision (argocd/applications, read at `base` for before the merge and at `head` for after).
 * An environment that follows the branch (or has no Application) is rendered at `base` and at
 * `head`; a pinned one at its pin before and after, so it changes on merge only when its pin or
 * its Application's path changes. For a pinned environment, what the head would bring at its
 * next promotion (its pin against the head's rendering) is reported apart, as pending. Every
 * rendering goes through the render cache, so an environment whose inputs are the same renders once.
 */
export async function compareRevisions(options: DiffRevisionsOptions): Promise<RevisionComparison> {
  const { repoRoot } = options;
  const workingTree = "head" in options && options.head === undefined;
  const headRef = options.head ?? "HEAD";
  const renderOptions = {
    ...(options.cacheDir === undefined ? {} : { cacheDir: options.cacheDir }),
    ...(options.toolsRoot === undefined ? {} : { toolsRoot: options.toolsRoot }),
  };
  // Both names checked before anything renders, so a typo fails at once.
  await resolveCommit(repoRoot, options.base);
  if (!workingTree) await resolveCommit(repoRoot, headRef);
  const checkouts = await Checkouts.create(repoRoot);
  try {
    const baseTree = await checkouts.revision(options.base);
    const headTree = workingTree ? await checkouts.workingTree() : await checkouts.revision(headRef);
    const useArgoCd = options.argocd ?? true;
    const baseSources = useArgoCd ? await environmentSources(baseTree.root) : new Map<string, ApplicationSource>();
    const headSources = useArgoCd ? await environmentSources(headTree.root) : new Map<string, ApplicationSource>();

    const known = new Set([...baseTree.available, ...headTree.available, ...baseSources.keys(), ...headSources.keys()]);
    for (const requested of options.environments ?? []) {
      if (!known.has(requested)) {
        throw new UserError(
          `unknown environment "${requested}": neither environments/${requested} nor an Application for it exists at ${options.base} ` +
            `or ${workingTree ? "in the working tree" : `at ${headRef}`}; known environments: ${[...known].sort(compareKeys).join(", ") || "none"}`,
        );
      }
    }
    const names = [...known].filter((name) => (options.environments ?? []).length === 0 || options.environments?.includes(name)).sort(compareKeys);
    const deployments: EnvironmentDeployment[] = [];
    for (const name of names) {
      deployments.push({
        name,
        before: await deploymentOf(checkouts, baseTree, name, baseSources.get(name)),
        after: await deploymentOf(checkouts, headTree, name, headSources.get(name)),
      });
    }

    const treeOf = async (deployment: Deployment, side: CheckedOutTree): Promise<CheckedOutTree> =>
      deployment.tracking === "branch" || deployment.commit === null ? side : checkouts.revision(deployment.commit);
    const render = async (deployment: Deployment | null, side: CheckedOutTree, name: string): Promise<Resource[] | undefined> => {
      if (deployment === null) return undefined;
      const rendered = await checkouts.render(await treeOf(deployment, side), [{ name, path: deployment.path }], renderOptions);
      return rendered.get(deployment.path);
    };
    // Side after side, so that each finds the renders the one before it cached.
    const before = await Promise.all(deployments.map((d) => render(d.before, baseTree, d.name)));
    const after = await Promise.all(deployments.map((d) => render(d.after, headTree, d.name)));
    const atHead = await Promise.all(
      deployments.map((d) => (d.after?.tracking === "pin" ? render({ ...d.after, tracking: "branch" }, headTree, d.name) : Promise.resolve(undefined))),
    );

    const environments: EnvironmentDiff[] = [];
    const unchangedEnvironments: string[] = [];
    const pending: EnvironmentDiff[] = [];
    const deployed = new Map<string, Resource[]>();
    deployments.forEach((deployment, index) => {
      const { name } = deployment;
      const diff = compareEnvironment(name, before[index], after[index]);
      if (diff === undefined) unchangedEnvironments.push(name);
      else {
        environments.push(diff);
        const objects = after[index];
        if (objects !== undefined) deployed.set(name, objects);
      }
      if (deployment.after?.tracking === "pin") {
        const next = compareEnvironment(name, after[index], atHead[index]);
        if (next !== undefined) pending.push(next);
      }
    });
    const report: DiffReport = {
      version: DIFF_REPORT_VERSION,
      base: sideOf(baseTree, null),
      head: sideOf(headTree, null),
      deployments: useArgoCd ? deployments : [],
      environments,
      unchangedEnvironments,
      pending,
      summary: summarize(environments, pending),
    };
    return { report, deployed };
  } finally {
    await checkouts.dispose();
  }
}

/**
 * The report between two rendered trees, environment by environment, without a model of Argo CD
 * (a promotion's current pin against its candidate); an environment only one side has is
 * reported whole, as added or removed.
 */
export function diffTrees(base: RenderedTree, head: RenderedTree): DiffReport {
  const names = new Set([...base.environments.keys(), ...head.environments.keys()]);
  const environments: EnvironmentDiff[] = [];
  const unchangedEnvironments: string[] = [];
  for (const name of [...names].sort(compareKeys)) {
    const diff = compareEnvironment(name, base.environments.get(name), head.environments.get(name));
    if (diff === undefined) unchangedEnvironments.push(name);
    else environments.push(diff);
  }
  return {
    version: DIFF_REPORT_VERSION,
    base: sideOf(base, null),
    head: sideOf(head, null),
    deployments: [],
    environments,
    unchangedEnvironments,
    pending: [],
    summary: summarize(environments, []),
  };
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
  const diff = compareEnvironment(to, resourcesOf(to), resourcesOf(from));
  const environments = diff === undefined ? [] : [diff];
  return {
    version: DIFF_REPORT_VERSION,
    base: sideOf(tree, to),
    head: sideOf(tree, from),
    deployments: [],
    environments,
    unchangedEnvironments: diff === undefined ? [to] : [],
    pending: [],
    summary: summarize(environments, []),
  };
}

function sideOf(tree: { ref: string | null; commit: string | null }, environment: string | null): DiffSide {
  return { ref: tree.ref, commit: tree.commit, environment };
}
