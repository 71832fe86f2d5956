import { readdir, readFile, stat } from "node:fs/promises";
import path from "node:path";
import { displayPath } from "../util/display-path.js";
import { resourcesFromYaml } from "../load/resources-from-yaml.js";
import { UserError } from "../model/errors.js";
import { compareFindings, type Finding, type Severity } from "../model/finding.js";
import { apiGroupOf, refOf, type Resource } from "../model/resource.js";
import { findKustomizationFile } from "../render/kustomize-inputs.js";
import { RenderFailure, renderKustomization, type RenderOptions } from "../render/render-environment.js";
import {
  environmentOf,
  environmentOfPath,
  loadArgoCd,
  POLICY_PROJECT,
  type AppProjectView,
  type ApplicationSourceView,
  type ApplicationView,
  type ProjectDestination,
} from "./argocd-objects.js";
import { argoGlobMatch } from "./glob.js";
import { COMMIT_SHA, commitPresence } from "../util/git.js";
import { isClusterScoped, isDestinationPermitted, isSourcePermitted, kindRefusal, normalizeGitUrl, type KindRefusal } from "./permissions.js";

export const ARGOCD_APPLICATION_PATH_RULE = "argocd-application-path";
export const ARGOCD_PROJECT_PERMITS_RULE = "argocd-project-permits";
export const ARGOCD_TARGET_REVISION_RULE = "argocd-target-revision";

/** For the check catalog (SARIF rules, docs/rules.md). */
export const ARGOCD_CHECKS = [
  {
    id: ARGOCD_APPLICATION_PATH_RULE,
    severity: "error" as Severity,
    summary: "Every Application of this repository has a source path that exists and renders",
    docs: "docs/delivery.md",
  },
  {
    id: ARGOCD_PROJECT_PERMITS_RULE,
    severity: "error" as Severity,
    summary: "The AppProject of each Application permits its source, destination and every object it renders",
    docs: "docs/delivery.md",
  },
  {
    id: ARGOCD_TARGET_REVISION_RULE,
    severity: "error" as Severity,
    summary: "prod is pinned to a commit the repository has; every other Application follows main",
    docs: "docs/delivery.md",
  },
] as const;

/** Environments promoted by pinning `targetRevision` to a commit; every other Application follows main. */
export const PINNED_ENVIRONMENTS: ReadonlySet<string> = new Set(["prod"]);
export const TRACKED_BRANCH = "main";
const TRACKING_REVISIONS: ReadonlySet<string> = new Set(["", "HEAD", TRACKED_BRANCH, `refs/heads/${TRACKED_BRANCH}`]);

/** A targetRevision that follows the branch pull requests merge into (main, HEAD or none), rather than a pin. */
export function followsTrackedBranch(targetRevision: string | undefined): boolean {
  return TRACKING_REVISIONS.has(targetRevision ?? "");
}

export interface CheckArgoCdOptions {
  /**
   * Rendered objects by environment name (the folder under environments/), as `check` rendered
   * them; an Application whose path is not among them is rendered here (through the render cache).
   */
  renderedEnvironments?: ReadonlyMap<string, readonly Resource[]>;
  render?: RenderOptions;
}

/**
 * Checks what Argo CD would do with the Applications of this repository (those whose
 * `repoURL` is one of the `sourceRepos` of AppProject `mesh-policy`):
 * - `argocd-application-path`: the source path exists and renders;
 * - `argocd-project-permits`: the Application's AppProject exists and permits its source, its
 *   destination, and every object the path renders (kind lists and destinations, with Argo CD's
 *   glob semantics);
 * - `argocd-target-revision`: prod is pinned to a full commit SHA this repository has; every other
 *   Application follows `main`.
 * Findings are located at the argocd/ file and line to change, and sorted.
 */
export async function checkArgoCd(repoRoot: string, options: CheckArgoCdOptions = {}): Promise<Finding[]> {
  const { projects, applications } = await loadArgoCd(repoRoot);
  if (applications.length === 0 && projects.size === 0) return [];
  const findings: Finding[] = [];
  const policyProject = projects.get(POLICY_PROJECT);
  if (policyProject === undefined) {
    return [
      {
        ruleId: ARGOCD_PROJECT_PERMITS_RULE,
        severity: "error",
        message:
          `no AppProject ${POLICY_PROJECT} under argocd/: its sourceRepos name this repository, so without it no Application ` +
          `can be matched to the environments here; restore argocd/projects/${POLICY_PROJECT}.yaml`,
        location: { file: "argocd", line: 1 },
      },
    ];
  }
  const ownUrls = new Set(policyProject.sourceRepos.filter((url) => !/[*?[{!]/.test(url)).map(normalizeGitUrl));
  const renderer = new SourceRenderer(repoRoot, options);

  for (const application of applications) {
    for (const source of application.sources) {
      if (!ownUrls.has(normalizeGitUrl(source.repoURL))) continue;
      // A `ref` source only lends its files to the other sources; it renders nothing itself.
      if (source.ref !== undefined && (source.path ?? "") === "") continue;
      const environment = environmentOf(application, source);
      const context: AppContext = { application, source, environment };
      findings.push(...(await checkTargetRevision(repoRoot, context)));
      const rendered = await renderer.render(source);
      if ("problem" in rendered) {
        findings.push(appFinding(context, ARGOCD_APPLICATION_PATH_RULE, `${source.pointer}/path`, rendered.problem));
      }
      const project = projects.get(application.project);
      if (project === undefined) {
        findings.push(
          appFinding(
            context,
            ARGOCD_PROJECT_PERMITS_RULE,
            "/spec/project",
            `Application ${application.name} names project ${application.project}, which no AppProject under argocd/ defines: ` +
              `Argo CD does not sync an Application whose project does not exist; name one of ${[...projects.keys()].sort().join(", ") || "none"}`,
          ),
        );
        continue;
      }
      findings.push(...checkProject(context, project, rendered.resources ?? []));
    }
  }
  return findings.sort(compareFindings);
}

interface AppContext {
  application: ApplicationView;
  source: ApplicationSourceView;
  environment: string | undefined;
}

function appFinding(context: AppContext, ruleId: string, pointer: string, message: string, severity: Severity = "error"): Finding {
  const { application, environment } = context;
  return {
    ruleId,
    severity,
    message,
    ...(environment === undefined ? {} : { environment }),
    resource: refOf(application.resource),
    location: application.resource.origin.locate(pointer),
  };
}

function projectFinding(context: AppContext, project: AppProjectView, pointer: string, message: string): Finding {
  return {
    ruleId: ARGOCD_PROJECT_PERMITS_RULE,
    severity: "error",
    message,
    ...(context.environment === undefined ? {} : { environment: context.environment }),
    resource: refOf(project.resource),
    location: project.resource.origin.locate(pointer),
  };
}

// ---------------------------------------------------------------------------------------------
// targetRevision

async function checkTargetRevision(repoRoot: string, context: AppContext): Promise<Finding[]> {
  const { application, source, environment } = context;
  const revision = source.targetRevision ?? "";
  const pointer = `${source.pointer}/targetRevision`;
  const shown = revision === "" ? "HEAD (no targetRevision)" : `"${revision}"`;
  if (environment !== undefined && PINNED_ENVIRONMENTS.has(environment)) {
    if (!COMMIT_SHA.test(revision)) {
      return [
        appFinding(
          context,
          ARGOCD_TARGET_REVISION_RULE,
          pointer,
          `${application.name} targets ${shown}, but ${environment} changes only by promotion: pin targetRevision to the ` +
            `40-character SHA of the commit ${environment} runs (\`mesh-policy promote staging ${environment}\` writes it); ` +
            `a branch or tag would let every merge reach ${environment}`,
        ),
      ];
    }
    const presence = await commitPresence(repoRoot, revision);
    if (presence === "present") return [];
    const messages: Record<Exclude<typeof presence, "present">, [Severity, string]> = {
      missing: [
        "error",
        `${application.name} is pinned to ${revision}, which is not a commit of this repository: Argo CD cannot sync it; ` +
          `pin a commit that is on main (git log --oneline main)`,
      ],
      "shallow-missing": [
        "warning",
        `cannot tell whether ${revision} (the pin of ${application.name}) exists: this is a shallow clone; ` +
          `fetch the full history (git fetch --unshallow, or fetch-depth: 0 for actions/checkout)`,
      ],
      "no-repository": [
        "warning",
        `cannot tell whether ${revision} (the pin of ${application.name}) exists: ${repoRootName(repoRoot)} is not a git checkout`,
      ],
    };
    const [severity, message] = messages[presence];
    return [appFinding(context, ARGOCD_TARGET_REVISION_RULE, pointer, message, severity)];
  }
  if (followsTrackedBranch(revision)) return [];
  const what = environment === undefined ? `path ${source.path ?? "."}` : `environment ${environment}`;
  return [
    appFinding(
      context,
      ARGOCD_TARGET_REVISION_RULE,
      pointer,
      `${application.name} (${what}) targets ${shown}, but only ${[...PINNED_ENVIRONMENTS].join(", ")} is pinned; ` +
        `everything else follows ${TRACKED_BRANCH} so that a merged change reaches it at the next reconciliation: set targetRevision: ${TRACKED_BRANCH}`,
    ),
  ];
}

function repoRootName(repoRoot: string): string {
  return path.basename(path.resolve(repoRoot)) || repoRoot;
}

// ---------------------------------------------------------------------------------------------
// Project permissions

/**
 * `argocd-project-permits` for one Application source and the objects it renders: the project
 * permits the source repository, the destination, and every object (kind lists, namespaces).
 */
export function checkProjectPermits(
  application: ApplicationView,
  source: ApplicationSourceView,
  project: AppProjectView,
  resources: readonly Resource[],
): Finding[] {
  return checkProject({ application, source, environment: environmentOf(application, source) }, project, resources);
}

function checkProject(context: AppContext, project: AppProjectView, resources: readonly Resource[]): Finding[] {
  const { application, source } = context;
  const findings: Finding[] = [];
  const where = source.path ?? ".";
  if (!isSourcePermitted(project, source.repoURL)) {
    findings.push(
      projectFinding(
        context,
        project,
        "/spec/sourceRepos",
        `AppProject ${project.name} does not permit repository ${source.repoURL}, the source of Application ${application.name}: ` +
          `Argo CD refuses the Application ("application repo ... is not permitted in project"); add it to spec.sourceRepos`,
      ),
    );
  }
  const destination = application.destination;
  if (!isDestinationPermitted(project, destination)) {
    findings.push(
      projectFinding(
        context,
        project,
        "/spec/destinations",
        `AppProject ${project.name} does not permit the destination of Application ${application.name} ` +
          `(${clusterText(destination)}, namespace ${destination.namespace ?? '""'}): Argo CD refuses the Application; ` +
          `add ${destinationEntry(destination, destination.namespace ?? "")} to spec.destinations`,
      ),
    );
  }

  // One finding per reason (kind or namespace), naming the objects it refuses.
  const kindIssues = new Map<string, { refusal: KindRefusal; group: string; kind: string; namespaced: boolean; objects: Resource[] }>();
  const namespaceIssues = new Map<string, Resource[]>();
  for (const resource of resources) {
    const group = apiGroupOf(resource.apiVersion);
    const namespaced = !isClusterScoped(group, resource.kind);
    const refusal = kindRefusal(project, group, resource.kind, resource.name, namespaced);
    if (refusal !== undefined) {
      const key = `${refusal.reason}\0${group}\0${resource.kind}`;
      const issue = kindIssues.get(key) ?? { refusal, group, kind: resource.kind, namespaced, objects: [] };
      issue.objects.push(resource);
      kindIssues.set(key, issue);
      continue;
    }
    if (!namespaced) continue;
    const namespace = resource.namespace ?? destination.namespace ?? "";
    if (namespace === "" || isDestinationPermitted(project, { ...destination, namespace })) continue;
    namespaceIssues.set(namespace, [...(namespaceIssues.get(namespace) ?? []), resource]);
  }

  for (const issue of kindIssues.values()) {
    const { refusal, group, kind, namespaced } = issue;
    const listName = namespaced ? "namespaceResourceWhitelist" : "clusterResourceWhitelist";
    const subject = `${groupKindText(group, kind)}${namespaced ? "" : ` ${quoteList(issue.objects.map((o) => o.name))}`}`;
    let why: string;
    let fix: string;
    if (refusal.reason === "empty-whitelist") {
      why = `its spec.${listName} is an empty list, which permits no namespaced kind`;
      fix = `list ${entryText(group, kind)} there (or leave the field out to permit every namespaced kind)`;
    } else if (refusal.reason === "blacklisted") {
      const blacklist = namespaced ? "namespaceResourceBlacklist" : "clusterResourceBlacklist";
      why = `spec.${blacklist} lists ${entryText(refusal.entry.group, refusal.entry.kind, refusal.entry.name)}`;
      fix = `narrow that entry, or stop rendering the object`;
    } else {
      why =
        refusal.list === undefined
          ? `it has no spec.${listName}, which for cluster-scoped kinds permits none`
          : `spec.${listName} has no entry for it`;
      fix = `add ${entryText(group, kind, namespaced ? undefined : issue.objects.length === 1 ? issue.objects[0]?.name : undefined)} to spec.${listName}, or stop rendering it`;
    }
    const pointer = refusal.list?.pointer ?? "/spec";
    findings.push(
      projectFinding(
        context,
        project,
        pointer,
        `AppProject ${project.name} does not permit ${namespaced ? "" : "cluster-scoped "}${subject}: ${why}. ` +
          `${where} renders ${objectList(issue.objects)}, so Argo CD refuses to sync Application ${application.name} ` +
          `("... is not permitted in project ${project.name}"); ${fix}`,
      ),
    );
  }

  for (const [namespace, objects] of [...namespaceIssues].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) {
    findings.push(
      projectFinding(
        context,
        project,
        "/spec/destinations",
        `AppProject ${project.name} has no destination for namespace ${namespace} on ${clusterText(destination)}: ` +
          `${where} renders ${objectList(objects)} into it, so Argo CD refuses to sync Application ${application.name}; ` +
          `add ${destinationEntry(destination, namespace)} to spec.destinations, or render into a permitted namespace`,
      ),
    );
  }
  return findings;
}

function groupKindText(group: string, kind: string): string {
  return group === "" ? `${kind} (core group)` : `${group}/${kind}`;
}

function entryText(group: string, kind: string, name?: string): string {
  return `{group: ${group === "" ? '""' : group}, kind: ${kind}${name === undefined ? "" : `, name: ${name}`}}`;
}

function clusterText(destination: ProjectDestination): string {
  if (destination.name !== undefined && destination.name !== "") return `cluster ${destination.name}`;
  return `server ${destination.server ?? '""'}`;
}

function destinationEntry(destination: ProjectDestination, namespace: string): string {
  const cluster = destination.name !== undefined && destination.name !== "" ? `name: ${destination.name}` : `server: ${destination.server ?? '""'}`;
  return `{${cluster}, namespace: ${namespace === "" ? '""' : namespace}}`;
}

function quoteList(names: readonly string[]): string {
  return [...new Set(names)].join(", ");
}

const LISTED_OBJECTS = 3;

function objectList(objects: readonly Resource[]): string {
  const shown = objects.slice(0, LISTED_OBJECTS).map((object) => {
    const name = object.namespace === undefined ? object.name : `${object.namespace}/${object.name}`;
    return `${object.kind} ${name} (${object.origin.file}:${object.origin.line})`;
  });
  const more = objects.length - shown.length;
  return `${shown.join(", ")}${more > 0 ? ` and ${more} more` : ""}`;
}

// ---------------------------------------------------------------------------------------------
// Rendering an Application's source path as Argo CD would

type Rendered = { resources: Resource[] } | { problem: string; resources?: undefined };

class SourceRenderer {
  private readonly done = new Map<string, Promise<Rendered>>();

  constructor(
    private readonly repoRoot: string,
    private readonly options: CheckArgoCdOptions,
  ) {}

  render(source: ApplicationSourceView): Promise<Rendered> {
    const key = JSON.stringify([source.path ?? "", source.directory ?? null]);
    let rendered = this.done.get(key);
    if (rendered === undefined) {
      rendered = this.renderUncached(source);
      this.done.set(key, rendered);
    }
    return rendered;
  }

  private async renderUncached(source: ApplicationSourceView): Promise<Rendered> {
    const sourcePath = source.path;
    if (sourcePath === undefined || sourcePath.trim() === "") {
      return { problem: `the source from this repository has no path: Argo CD would render the repository's root; set spec.source.path` };
    }
    const root = path.resolve(this.repoRoot);
    const dir = path.resolve(root, sourcePath);
    if (dir !== root && !dir.startsWith(root + path.sep)) {
      return { problem: `path ${sourcePath} leaves the repository; Argo CD only renders folders inside it` };
    }
    const isDir = await stat(dir).then((info) => info.isDirectory(), () => false);
    if (!isDir) {
      return {
        problem:
          `path ${sourcePath} does not exist in this repository, so Argo CD cannot generate the Application's manifests ` +
          `("app path does not exist"); point it at a folder with a kustomization.yaml (such as environments/<env>)`,
      };
    }
    if (source.plugin) return { resources: [] }; // a config management plugin renders it; nothing to check offline
    const environment = environmentOfPath(sourcePath);
    const given = environment === undefined ? undefined : this.options.renderedEnvironments?.get(environment);
    if (given !== undefined) return { resources: [...given] };
    if ((await findKustomizationFile(dir)) !== undefined) {
      try {
        const rendered = await renderKustomization(this.repoRoot, dir, sourcePath, this.options.render);
        const bad = rendered.findings[0];
        if (bad !== undefined) return { problem: `path ${sourcePath} renders YAML that does not load: ${bad.message}` };
        return { resources: rendered.resources };
      } catch (error) {
        if (!(error instanceof UserError)) throw error;
        const why = error instanceof RenderFailure ? `${error.detail.file}:${error.detail.line}: ${error.detail.reason}` : error.message;
        return { problem: `path ${sourcePath} does not render: ${why.replaceAll(root, ".")}` };
      }
    }
    // A Helm chart in the repository: rendering it needs helm and its values; not checked here.
    if (await stat(path.join(dir, "Chart.yaml")).then(() => true, () => false)) return { resources: [] };
    return this.loadDirectory(dir, sourcePath, source.directory);
  }

  /** Argo CD's directory source: the YAML and JSON files of the folder (and below, with `recurse`). */
  private async loadDirectory(dir: string, sourcePath: string, options: ApplicationSourceView["directory"]): Promise<Rendered> {
    const files: string[] = [];
    await collectManifests(dir, options?.recurse === true, files);
    const resources: Resource[] = [];
    for (const file of files.sort()) {
      const relative = path.relative(dir, file).split(path.sep).join("/");
      if (options?.include !== undefined && !matchesAny(options.include, relative)) continue;
      if (options?.exclude !== undefined && matchesAny(options.exclude, relative)) continue;
      const shown = displayPath(file, this.repoRoot);
      const loaded = resourcesFromYaml(await readFile(file, "utf8"), shown);
      const bad = loaded.findings[0];
      if (bad !== undefined) {
        return { problem: `path ${sourcePath} has a file Argo CD cannot parse: ${bad.location?.file ?? shown}:${bad.location?.line ?? 1}: ${bad.message}` };
      }
      resources.push(...loaded.resources);
    }
    return { resources };
  }
}

async function collectManifests(dir: string, recurse: boolean, found: string[]): Promise<void> {
  for (const entry of await readdir(dir, { withFileTypes: true })) {
    if (entry.name.startsWith(".")) continue;
    const full = path.join(dir, entry.name);
    if (entry.isDirectory()) {
      if (recurse) await collectManifests(full, recurse, found);
    } else if (entry.isFile() && /\.(?:ya?ml|json)$/i.test(entry.name)) {
      found.push(full);
    }
  }
}

/** `include`/`exclude` of a directory source: a glob, or `{a,b}` of globs, on the file's path. */
function matchesAny(pattern: string, relative: string): boolean {
  return argoGlobMatch(pattern, relative) || argoGlobMatch(pattern, path.posix.basename(relative));
}
