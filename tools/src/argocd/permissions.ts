import type { AppProjectView, ProjectDestination, ResourceList, ResourceListEntry } from "./argocd-objects.js";
import { argoGlobMatch, filepathMatch } from "./glob.js";

/**
 * Kubernetes kinds that are cluster-scoped, as `group/Kind`. Argo CD asks the cluster's API
 * discovery; offline we know the built-in kinds, and treat every other kind (all of Istio's, for
 * one) as namespaced.
 */
export const CLUSTER_SCOPED_KINDS: ReadonlySet<string> = new Set([
  "/Namespace",
  "/Node",
  "/PersistentVolume",
  "/ComponentStatus",
  "admissionregistration.k8s.io/MutatingWebhookConfiguration",
  "admissionregistration.k8s.io/ValidatingWebhookConfiguration",
  "admissionregistration.k8s.io/ValidatingAdmissionPolicy",
  "admissionregistration.k8s.io/ValidatingAdmissionPolicyBinding",
  "admissionregistration.k8s.io/MutatingAdmissionPolicy",
  "admissionregistration.k8s.io/MutatingAdmissionPolicyBinding",
  "apiextensions.k8s.io/CustomResourceDefinition",
  "apiregistration.k8s.io/APIService",
  "certificates.k8s.io/CertificateSigningRequest",
  "flowcontrol.apiserver.k8s.io/FlowSchema",
  "flowcontrol.apiserver.k8s.io/PriorityLevelConfiguration",
  "networking.k8s.io/IngressClass",
  "networking.k8s.io/IPAddress",
  "networking.k8s.io/ServiceCIDR",
  "node.k8s.io/RuntimeClass",
  "rbac.authorization.k8s.io/ClusterRole",
  "rbac.authorization.k8s.io/ClusterRoleBinding",
  "scheduling.k8s.io/PriorityClass",
  "storage.k8s.io/CSIDriver",
  "storage.k8s.io/CSINode",
  "storage.k8s.io/StorageClass",
  "storage.k8s.io/VolumeAttachment",
  "storage.k8s.io/VolumeAttributesClass",
  "resource.k8s.io/DeviceClass",
  "resource.k8s.io/ResourceSlice",
  "gateway.networking.k8s.io/GatewayClass",
]);

export function isClusterScoped(group: string, kind: string): boolean {
  return CLUSTER_SCOPED_KINDS.has(`${group}/${kind}`);
}

/** Why a group/kind is refused, or undefined when the project permits it. */
export type KindRefusal =
  | { reason: "not-whitelisted"; list: ResourceList | undefined }
  | { reason: "empty-whitelist"; list: ResourceList }
  | { reason: "blacklisted"; list: ResourceList; entry: ResourceListEntry };

/**
 * Argo CD's `AppProject.IsGroupKindPermitted` (pkg/apis/application/v1alpha1/app_project_types.go),
 * with v3's optional `name` on the cluster-scoped lists:
 * - namespaced: permitted when `namespaceResourceWhitelist` is absent (nil), or lists it; an
 *   explicitly empty list (`[]`) permits no namespaced kind; `namespaceResourceBlacklist` refuses;
 * - cluster-scoped: permitted only when `clusterResourceWhitelist` lists it (absent or empty:
 *   nothing), and `clusterResourceBlacklist` does not.
 * Group, kind and name match with Go's filepath.Match.
 */
export function kindRefusal(project: AppProjectView, group: string, kind: string, name: string, namespaced: boolean): KindRefusal | undefined {
  const whitelist = namespaced ? project.namespaceResourceWhitelist : project.clusterResourceWhitelist;
  const blacklist = namespaced ? project.namespaceResourceBlacklist : project.clusterResourceBlacklist;
  const named = namespaced ? undefined : name;
  if (namespaced && whitelist !== undefined && whitelist.entries.length === 0) return { reason: "empty-whitelist", list: whitelist };
  const whitelisted = namespaced && whitelist === undefined ? true : findEntry(whitelist, group, kind, named) !== undefined;
  if (!whitelisted) return { reason: "not-whitelisted", list: whitelist };
  const blocked = findEntry(blacklist, group, kind, named);
  if (blocked !== undefined && blacklist !== undefined) return { reason: "blacklisted", list: blacklist, entry: blocked };
  return undefined;
}

function findEntry(list: ResourceList | undefined, group: string, kind: string, name: string | undefined): ResourceListEntry | undefined {
  return list?.entries.find(
    (entry) =>
      filepathMatch(entry.kind, kind) &&
      filepathMatch(entry.group, group) &&
      (entry.name === undefined || name === undefined || filepathMatch(entry.name, name)),
  );
}

/**
 * Argo CD's `AppProject.isDestinationMatched`: some destination matches the cluster (by name or by
 * server) and the namespace, and no deny pattern (`!…`) excludes it.
 */
export function isDestinationPermitted(project: AppProjectView, destination: ProjectDestination): boolean {
  let anyMatched = false;
  let noDenyMatched = true;
  for (const item of project.destinations) {
    const nameMatched = (destination.name ?? "") !== "" && globWithNegation(item.name ?? "", destination.name ?? "");
    const serverMatched = (destination.server ?? "") !== "" && globWithNegation(item.server ?? "", destination.server ?? "");
    const namespaceMatched = globWithNegation(item.namespace ?? "", destination.namespace ?? "");
    if ((serverMatched || nameMatched) && namespaceMatched) {
      anyMatched = true;
    } else if (
      (!nameMatched && isDeny(item.name)) ||
      (!serverMatched && isDeny(item.server)) ||
      (!namespaceMatched && isDeny(item.namespace))
    ) {
      noDenyMatched = false;
    }
  }
  return anyMatched && noDenyMatched;
}

/** Argo CD's `AppProject.IsSourcePermitted`: repository URLs compared normalised, `!` patterns deny. */
export function isSourcePermitted(project: AppProjectView, repoURL: string): boolean {
  const source = normalizeGitUrl(repoURL);
  let anyMatched = false;
  for (const pattern of project.sourceRepos) {
    const normalized = isDeny(pattern) ? `!${normalizeGitUrl(pattern.slice(1))}` : normalizeGitUrl(pattern);
    const matched = globWithNegation(normalized, source, "/");
    if (matched) anyMatched = true;
    else if (isDeny(normalized)) return false;
  }
  return anyMatched;
}

function globWithNegation(pattern: string, value: string, separators = ""): boolean {
  if (isDeny(pattern)) return !argoGlobMatch(pattern.slice(1), value, separators);
  return argoGlobMatch(pattern, value, separators);
}

function isDeny(pattern: string | undefined): boolean {
  return pattern !== undefined && pattern.startsWith("!");
}

/**
 * Argo CD's `git.NormalizeGitURL`, enough for comparison: lower case, no trailing `/` or `.git`,
 * `git@host:path` as `ssh://git@host/path`.
 */
export function normalizeGitUrl(url: string): string {
  let normalized = url.trim().toLowerCase();
  const scp = /^([\w.-]+@[\w.-]+):(?!\/\/)(.*)$/.exec(normalized);
  if (scp !== null) normalized = `ssh://${scp[1]}/${scp[2]}`;
  normalized = normalized.replace(/\/+$/, "");
  if (normalized.endsWith(".git")) normalized = normalized.slice(0, -4);
  return normalized;
}
