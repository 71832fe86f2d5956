import { environmentOf, loadArgoCd, POLICY_PROJECT } from "../argocd/argocd-objects.js";
import { normalizeGitUrl, isClusterScoped } from "../argocd/permissions.js";
import type { ResourceChange, ResourceId } from "../diff/diff-report.js";
import { compareResourceIds, diffResources, idOf } from "../diff/diff-resources.js";
import { compareKeys } from "../diff/normalize.js";
import { apiGroupOf, isJsonObject, type Resource } from "../model/resource.js";
import { resolveEnvironments } from "../render/environments.js";
import { renderEnvironment, type RenderOptions } from "../render/render-environment.js";
import { renderAtRevision } from "../diff/render-revision.js";
import { UserError } from "../model/errors.js";
import { COMMIT_SHA } from "../util/git.js";
import { isClusterGenerated, liveResource, trackingOf, type Tracking } from "./compare-live.js";
import { connectCluster, type ConnectOptions, type LiveCluster } from "./kube-client.js";
import { forEachLimited } from "../util/for-each-limited.js";

/** Bumped when a field of {@link DriftReport} changes meaning or goes away. */
export const DRIFT_REPORT_VERSION = 1;

export interface MissingObject extends ResourceId {
  apiVersion: string;
  source?: string;
  /** `kind-not-served`: the cluster does not know the kind at all (its CRD is not installed). */
  reason: "not-found" | "kind-not-served";
}

export interface ExtraObject extends ResourceId {
  apiVersion: string;
  /** Who manages it, by Argo CD's tracking annotation or label. */
  tracking: "this-application" | "untracked";
}

/** What differs between the repository's render of an environment and its live cluster. */
export interface DriftReport {
  version: typeof DRIFT_REPORT_VERSION;
  environment: string;
  cluster: { context: string; server: string };
  /** The Argo CD Application that deploys the environment, when argocd/ has one. */
  application: string | null;
  /** The commit rendered: the one the Application is pinned to (prod); null: the working tree (an Application that follows a branch). */
  revision: string | null;
  /** How many objects the environment renders. */
  rendered: number;
  inSync: number;
  /** Rendered, not in the cluster. */
  missing: MissingObject[];
  /** In a managed namespace, of a rendered kind, not rendered (and not another Application's). */
  extra: ExtraObject[];
  /** In both, with fields the repository sets holding other values: `old` is the cluster's, `new` the repository's. */
  changed: ResourceChange[];
}

export interface DetectDriftOptions {
  repoRoot: string;
  environment: string;
  /** A kubeconfig file; the user's default when absent. */
  kubeconfig?: string;
  /** A context of the kubeconfig; its current context when absent. */
  context?: string;
  timeoutMs?: number;
  render?: RenderOptions;
  /** A cluster connection to use instead of the kubeconfig's (tests). */
  cluster?: LiveCluster;
}

const CONCURRENCY = 8;

/**
 * Compares what the repository renders for `environment` with the live objects of the cluster
 * the kubeconfig's current context points at. The render is the working tree's, unless the
 * environment's Application is pinned to a commit: then it is that commit's, which is what Argo CD
 * deploys. Every rendered object is read (GET) and compared
 * on the fields the repository sets (see {@link projectLive}); for every namespaced kind the
 * environment renders, each namespace it renders into is listed to find objects the repository
 * does not have (skipping those another Argo CD Application tracks and those the cluster makes
 * itself). Reads only.
 */
export async function detectDrift(options: DetectDriftOptions): Promise<DriftReport> {
  const { repoRoot, environment } = options;
  await resolveEnvironments(repoRoot, [environment]);
  const deployed = await applicationFor(repoRoot, environment);
  const application = deployed?.name;
  const revision = deployed?.targetRevision !== undefined && COMMIT_SHA.test(deployed.targetRevision) ? deployed.targetRevision : undefined;
  const resources = revision === undefined ? (await renderEnvironment(repoRoot, environment, options.render)).resources : await renderPinned(repoRoot, environment, revision, options.render);
  const connect: ConnectOptions = {
    ...(options.kubeconfig === undefined ? {} : { kubeconfig: options.kubeconfig }),
    ...(options.context === undefined ? {} : { context: options.context }),
    ...(options.timeoutMs === undefined ? {} : { timeoutMs: options.timeoutMs }),
  };
  const cluster = options.cluster ?? connectCluster(connect);
  try {
    return await compareWithCluster(cluster, environment, resources, { application, revision });
  } finally {
    // One failed request ends the run: nothing still in flight may keep the process waiting.
    cluster.close();
  }
}

async function compareWithCluster(
  cluster: LiveCluster,
  environment: string,
  resources: readonly Resource[],
  { application, revision }: { application: string | undefined; revision: string | undefined },
): Promise<DriftReport> {
  const missing: MissingObject[] = [];
  const changed: ResourceChange[] = [];
  let inSync = 0;
  await forEachLimited(resources, CONCURRENCY, async (resource) => {
    const result = await cluster.read({
      apiVersion: resource.apiVersion,
      kind: resource.kind,
      name: resource.name,
      ...(resource.namespace === undefined ? {} : { namespace: resource.namespace }),
    });
    if ("missing" in result) {
      missing.push({ ...idOf(resource), apiVersion: resource.apiVersion, ...sourceOf(resource), reason: result.missing });
      return;
    }
    const diff = diffResources([liveResource(resource, result.found)], [resource]);
    const change = diff.changed[0];
    if (change === undefined && diff.added.length === 0 && diff.removed.length === 0) inSync++;
    else if (change !== undefined) changed.push(change);
  });

  const extra = await findExtra(cluster, resources, application);
  return {
    version: DRIFT_REPORT_VERSION,
    environment,
    cluster: { context: cluster.context, server: cluster.server },
    application: application ?? null,
    revision: revision ?? null,
    rendered: resources.length,
    inSync,
    missing: missing.sort(compareResourceIds),
    extra: extra.sort(compareResourceIds),
    changed: changed.sort(compareResourceIds),
  };
}

export function hasDrift(report: DriftReport): boolean {
  return report.missing.length + report.extra.length + report.changed.length > 0;
}

async function applicationFor(repoRoot: string, environment: string): Promise<{ name: string; targetRevision: string | undefined } | undefined> {
  const argocd = await loadArgoCd(repoRoot);
  const own = new Set((argocd.projects.get(POLICY_PROJECT)?.sourceRepos ?? []).map(normalizeGitUrl));
  const found = argocd.applications.flatMap((application) =>
    application.sources
      .filter((source) => (own.size === 0 || own.has(normalizeGitUrl(source.repoURL))) && environmentOf(application, source) === environment)
      .map((source) => ({ name: application.name, targetRevision: source.targetRevision })),
  );
  return found.length === 1 ? found[0] : undefined;
}

/** What a pinned Application deploys: the environment as its commit renders it (the working tree may be ahead). */
async function renderPinned(repoRoot: string, environment: string, commit: string, render: RenderOptions = {}): Promise<Resource[]> {
  const tree = await renderAtRevision({ repoRoot, ref: commit, environments: [environment], ...(render.cacheDir === undefined ? {} : { cacheDir: render.cacheDir }) });
  const resources = tree.environments.get(environment);
  if (resources === undefined) throw new UserError(`environment ${environment} does not exist at ${commit.slice(0, 12)}, the commit its Application is pinned to`);
  return resources;
}

async function findExtra(cluster: LiveCluster, resources: readonly Resource[], application: string | undefined): Promise<ExtraObject[]> {
  const renderedKeys = new Set(resources.map(keyOf));
  // Each namespaced kind in each namespace it is rendered into.
  const scopes = new Map<string, { apiVersion: string; kind: string; namespace: string }>();
  for (const resource of resources) {
    if (resource.namespace === undefined || isClusterScoped(apiGroupOf(resource.apiVersion), resource.kind)) continue;
    scopes.set(`${resource.apiVersion}\0${resource.kind}\0${resource.namespace}`, { apiVersion: resource.apiVersion, kind: resource.kind, namespace: resource.namespace });
  }
  const extra: ExtraObject[] = [];
  const ordered = [...scopes.entries()].sort(([a], [b]) => compareKeys(a, b)).map(([, scope]) => scope);
  await forEachLimited(ordered, CONCURRENCY, async (scope) => {
    const items = await cluster.list(scope.apiVersion, scope.kind, scope.namespace);
    for (const item of items ?? []) {
      const metadata = isJsonObject(item["metadata"]) ? item["metadata"] : {};
      const name = typeof metadata["name"] === "string" ? metadata["name"] : "";
      const id: ResourceId = { group: apiGroupOf(scope.apiVersion), kind: scope.kind, namespace: scope.namespace, name };
      if (name === "" || renderedKeys.has(idKey(id)) || isClusterGenerated(item, scope.kind)) continue;
      const tracking: Tracking = trackingOf(item, application);
      if (tracking.by === "other-application") continue;
      extra.push({ ...id, apiVersion: typeof item["apiVersion"] === "string" ? item["apiVersion"] : scope.apiVersion, tracking: tracking.by });
    }
  });
  return extra;
}

function keyOf(resource: Resource): string {
  return idKey(idOf(resource));
}

function idKey(id: ResourceId): string {
  return `${id.group}\0${id.kind}\0${id.namespace ?? ""}\0${id.name}`;
}

function sourceOf(resource: Resource): { source?: string } {
  const file = resource.origin.file;
  return file !== "" && !file.startsWith("/") ? { source: file } : {};
}
