import path from "node:path";
import { stat } from "node:fs/promises";
import { loadPaths } from "../load/load-paths.js";
import type { Finding } from "../model/finding.js";
import { isJsonObject, pointerOf, type JsonObject, type Resource } from "../model/resource.js";
import { normalizeGitUrl } from "./permissions.js";

/** Where the Argo CD objects of the repository live (plain YAML, no templating). */
export const ARGOCD_DIR = "argocd";
export const ARGOCD_GROUP = "argoproj.io";

/** The AppProject whose `sourceRepos` names this repository (docs/delivery.md). */
export const POLICY_PROJECT = "mesh-policy";

/** One entry of a project's resource lists; `name` only in the cluster-scoped lists. */
export interface ResourceListEntry {
  group: string;
  kind: string;
  name?: string;
}

/** An AppProject resource list: `undefined` when the field is absent (or null), as Go's nil slice. */
export interface ResourceList {
  entries: ResourceListEntry[];
  /** JSON pointer of the list in the AppProject. */
  pointer: string;
}

export interface ProjectDestination {
  server?: string;
  name?: string;
  namespace?: string;
}

export interface SyncWindowSpec {
  kind: string;
  schedule: string;
  duration: string;
  timeZone?: string;
  applications: string[];
  namespaces: string[];
  clusters: string[];
  manualSync: boolean;
  /** `andOperator`: the window applies only when every list given matches. */
  andOperator: boolean;
  pointer: string;
}

export interface AppProjectView {
  name: string;
  resource: Resource;
  sourceRepos: string[];
  destinations: ProjectDestination[];
  clusterResourceWhitelist: ResourceList | undefined;
  clusterResourceBlacklist: ResourceList | undefined;
  namespaceResourceWhitelist: ResourceList | undefined;
  namespaceResourceBlacklist: ResourceList | undefined;
  syncWindows: SyncWindowSpec[];
}

export interface ApplicationSourceView {
  repoURL: string;
  path: string | undefined;
  targetRevision: string | undefined;
  chart: string | undefined;
  /** `ref` of a multi-source Application: a source only other sources read files from. */
  ref: string | undefined;
  /** The source renders through a config management plugin. */
  plugin: boolean;
  directory: { recurse: boolean; include: string | undefined; exclude: string | undefined } | undefined;
  /** `/spec/source`, or `/spec/sources/<i>` for a multi-source Application. */
  pointer: string;
}

export interface ApplicationView {
  name: string;
  resource: Resource;
  /** The `mesh-policy.io/environment` label, when set. */
  environmentLabel: string | undefined;
  project: string;
  sources: ApplicationSourceView[];
  destination: ProjectDestination;
}

export interface ArgoCdObjects {
  projects: Map<string, AppProjectView>;
  applications: ApplicationView[];
  /** Files under argocd/ that do not load (invalid YAML, objects without kind or name). */
  loadFindings: Finding[];
}

/**
 * Reads every AppProject and Application under `argocd/` of `repoRoot`, with their source
 * files and lines. Fields of the wrong type are left out here: schema validation (`check`)
 * reports them.
 */
export async function loadArgoCd(repoRoot: string): Promise<ArgoCdObjects> {
  const dir = path.join(repoRoot, ARGOCD_DIR);
  const exists = await stat(dir).then((info) => info.isDirectory(), () => false);
  if (!exists) return { projects: new Map(), applications: [], loadFindings: [] };
  const loaded = await loadPaths([ARGOCD_DIR], repoRoot);
  return { ...argoCdObjectsOf(loaded.resources), loadFindings: loaded.findings };
}

export function argoCdObjectsOf(resources: readonly Resource[]): Omit<ArgoCdObjects, "loadFindings"> {
  const projects = new Map<string, AppProjectView>();
  const applications: ApplicationView[] = [];
  for (const resource of resources) {
    if (!resource.apiVersion.startsWith(`${ARGOCD_GROUP}/`)) continue;
    if (resource.kind === "AppProject") projects.set(resource.name, projectView(resource));
    else if (resource.kind === "Application") applications.push(applicationView(resource));
  }
  applications.sort((a, b) => (a.name < b.name ? -1 : a.name > b.name ? 1 : 0));
  return { projects, applications };
}

/** The label that names an Application's environment (argocd/applications/mesh-policy-<env>.yaml). */
export const ENVIRONMENT_LABEL = "mesh-policy.io/environment";

/**
 * The environment an Application deploys: its `mesh-policy.io/environment` label, else `<env>` of
 * a source path `environments/<env>`.
 */
export function environmentOf(application: ApplicationView, source: ApplicationSourceView): string | undefined {
  return application.environmentLabel ?? environmentOfPath(source.path);
}

/** An Application source of this repository that deploys an environment. */
export interface EnvironmentApplication {
  application: ApplicationView;
  source: ApplicationSourceView;
}

/**
 * The sources that deploy `environment` from this repository (the repositories the AppProject
 * `mesh-policy` may read, or any when there is no such project): normally exactly one.
 */
export function environmentApplications(argocd: Omit<ArgoCdObjects, "loadFindings">, environment: string): EnvironmentApplication[] {
  const ownUrls = new Set((argocd.projects.get(POLICY_PROJECT)?.sourceRepos ?? []).map(normalizeGitUrl));
  const found: EnvironmentApplication[] = [];
  for (const application of argocd.applications) {
    for (const source of application.sources) {
      const own = ownUrls.size === 0 || ownUrls.has(normalizeGitUrl(source.repoURL));
      if (own && environmentOf(application, source) === environment) found.push({ application, source });
    }
  }
  return found;
}

/** `<env>` of a source path `environments/<env>`. */
export function environmentOfPath(sourcePath: string | undefined): string | undefined {
  const match = /^(?:\.\/)?environments\/([^/]+)\/?$/.exec(sourcePath ?? "");
  return match?.[1];
}

function projectView(resource: Resource): AppProjectView {
  const spec = objectAt(resource.object, "spec");
  return {
    name: resource.name,
    resource,
    sourceRepos: strings(spec["sourceRepos"]),
    destinations: objects(spec["destinations"]).map(destinationOf),
    clusterResourceWhitelist: resourceList(spec, "clusterResourceWhitelist", true),
    clusterResourceBlacklist: resourceList(spec, "clusterResourceBlacklist", true),
    namespaceResourceWhitelist: resourceList(spec, "namespaceResourceWhitelist", false),
    namespaceResourceBlacklist: resourceList(spec, "namespaceResourceBlacklist", false),
    syncWindows: objects(spec["syncWindows"]).map((window, index) => ({
      kind: str(window["kind"]) ?? "",
      schedule: str(window["schedule"]) ?? "",
      duration: str(window["duration"]) ?? "",
      ...(str(window["timeZone"]) === undefined ? {} : { timeZone: str(window["timeZone"]) as string }),
      applications: strings(window["applications"]),
      namespaces: strings(window["namespaces"]),
      clusters: strings(window["clusters"]),
      manualSync: window["manualSync"] === true,
      andOperator: window["andOperator"] === true,
      pointer: pointerOf("spec", "syncWindows", index),
    })),
  };
}

function applicationView(resource: Resource): ApplicationView {
  const spec = objectAt(resource.object, "spec");
  const sources: ApplicationSourceView[] = [];
  if (isJsonObject(spec["source"])) sources.push(sourceOf(spec["source"], pointerOf("spec", "source")));
  if (Array.isArray(spec["sources"])) {
    spec["sources"].forEach((source: unknown, index) => {
      if (isJsonObject(source)) sources.push(sourceOf(source, pointerOf("spec", "sources", index)));
    });
  }
  const labels = objectAt(objectAt(resource.object, "metadata"), "labels");
  return {
    name: resource.name,
    resource,
    environmentLabel: str(labels[ENVIRONMENT_LABEL]),
    project: str(spec["project"]) || "default",
    sources,
    destination: destinationOf(objectAt(spec, "destination")),
  };
}

function sourceOf(source: JsonObject, pointer: string): ApplicationSourceView {
  const directory = isJsonObject(source["directory"]) ? source["directory"] : undefined;
  return {
    repoURL: str(source["repoURL"]) ?? "",
    path: str(source["path"]),
    targetRevision: str(source["targetRevision"]),
    chart: str(source["chart"]),
    ref: str(source["ref"]),
    plugin: isJsonObject(source["plugin"]),
    directory:
      directory === undefined
        ? undefined
        : { recurse: directory["recurse"] === true, include: str(directory["include"]), exclude: str(directory["exclude"]) },
    pointer,
  };
}

function destinationOf(value: JsonObject): ProjectDestination {
  const destination: ProjectDestination = {};
  for (const key of ["server", "name", "namespace"] as const) {
    const text = str(value[key]);
    if (text !== undefined) destination[key] = text;
  }
  return destination;
}

function resourceList(spec: JsonObject, field: string, named: boolean): ResourceList | undefined {
  const value = spec[field];
  if (!Array.isArray(value)) return undefined;
  const entries = value.filter(isJsonObject).map((entry) => {
    const name = named ? str(entry["name"]) : undefined;
    return { group: str(entry["group"]) ?? "", kind: str(entry["kind"]) ?? "", ...(name ? { name } : {}) };
  });
  return { entries, pointer: pointerOf("spec", field) };
}

function objectAt(object: JsonObject, key: string): JsonObject {
  const value = object[key];
  return isJsonObject(value) ? value : {};
}

function objects(value: unknown): JsonObject[] {
  return Array.isArray(value) ? value.filter(isJsonObject) : [];
}

function strings(value: unknown): string[] {
  return Array.isArray(value) ? value.filter((v): v is string => typeof v === "string") : [];
}

function str(value: unknown): string | undefined {
  if (typeof value === "string") return value;
  // YAML may read an unquoted SHA of digits, or `1.0`, as a number.
  if (typeof value === "number") return String(value);
  return undefined;
}
