import { CLUSTER_DOMAIN } from "../mesh/hosts.js";
import { UserError } from "../model/errors.js";
import { compareStrings } from "../util/compare-strings.js";
import type { AccessModel, AccessWorkload } from "./mesh-model.js";

/**
 * Who sends a request, as the server's sidecar can know it (istio-semantics.md §2.7): a SPIFFE
 * identity `<trust-domain>/ns/<namespace>/sa/<service-account>` taken from the peer certificate when the
 * connection is mTLS, and nothing at all otherwise.
 */

/** The mesh trust domain. `cluster.local` in policies is rewritten to it (§2.7); with the default they are the same. */
export const TRUST_DOMAIN = CLUSTER_DOMAIN;

export const INGRESS_GATEWAY = {
  namespace: "istio-ingress",
  serviceAccount: "istio-ingressgateway",
  name: "istio-ingressgateway",
  labels: { istio: "ingressgateway", app: "istio-ingressgateway" } as Record<string, string>,
} as const;

export type SourceKind = "workload" | "gateway" | "plaintext" | "other-namespace";

export interface SourceIdentity {
  /** Stable id: `namespace/service-account` for sidecar sources, `plaintext`, `other-namespace`. */
  id: string;
  /** Short name for tables and graphs. */
  label: string;
  kind: SourceKind;
  /** Undefined for a client without sidecar (no identity, and Istio does not know its namespace). */
  namespace: string | undefined;
  serviceAccount: string | undefined;
  /** SPIFFE principal without `spiffe://`; undefined without sidecar. */
  principal: string | undefined;
  /** Pod labels, for VirtualService `sourceLabels`; empty when unknown. */
  labels: Record<string, string>;
  /** True when the client has an Istio proxy (sidecar or gateway): it routes with VirtualServices and can send mTLS. */
  proxied: boolean;
  /** The workloads running as this identity (`namespace/name`). */
  workloads: string[];
}

export function principalOf(namespace: string, serviceAccount: string, trustDomain: string = TRUST_DOMAIN): string {
  return `${trustDomain}/ns/${namespace}/sa/${serviceAccount}`;
}

/** The identity of the pods of a workload. */
export function workloadSource(workload: AccessWorkload, sharedWith: readonly AccessWorkload[] = [workload]): SourceIdentity {
  return {
    id: `${workload.namespace}/${workload.serviceAccount}`,
    label: workload.serviceAccount,
    kind: "workload",
    namespace: workload.namespace,
    serviceAccount: workload.serviceAccount,
    // Without a sidecar the pods send plaintext: no peer identity.
    principal: workload.hasSidecar ? principalOf(workload.namespace, workload.serviceAccount) : undefined,
    labels: workload.labels,
    proxied: workload.hasSidecar,
    workloads: sharedWith.map((w) => w.id),
  };
}

/** The default ingress gateway: known even when no object in the repository describes it. */
export function ingressGatewaySource(): SourceIdentity {
  return {
    id: `${INGRESS_GATEWAY.namespace}/${INGRESS_GATEWAY.serviceAccount}`,
    label: INGRESS_GATEWAY.name,
    kind: "gateway",
    namespace: INGRESS_GATEWAY.namespace,
    serviceAccount: INGRESS_GATEWAY.serviceAccount,
    principal: principalOf(INGRESS_GATEWAY.namespace, INGRESS_GATEWAY.serviceAccount),
    labels: { ...INGRESS_GATEWAY.labels },
    proxied: true,
    workloads: [],
  };
}

/** A client without sidecar: sends plaintext, has no identity, uses no VirtualService. */
export function plaintextSource(): SourceIdentity {
  return { id: "plaintext", label: "plaintext", kind: "plaintext", namespace: undefined, serviceAccount: undefined, principal: undefined, labels: {}, proxied: false, workloads: [] };
}

/**
 * A sidecar workload in a namespace the configuration never names, running as `default`: what any
 * other team's pod looks like. The namespace is chosen so that no namespace of the model is equal to it.
 */
export function otherNamespaceSource(model: Pick<AccessModel, "mesh">): SourceIdentity {
  let namespace = "other-namespace";
  while (model.mesh.namespaces.has(namespace)) namespace = `${namespace}-x`;
  return {
    id: "other-namespace",
    label: "other-namespace",
    kind: "other-namespace",
    namespace,
    serviceAccount: "default",
    principal: principalOf(namespace, "default"),
    labels: {},
    proxied: true,
    workloads: [],
  };
}

/**
 * The sources of an access matrix: one per service account that runs a workload (sorted by id), the
 * ingress gateway, a plaintext client and a pod of another namespace.
 */
export function matrixSources(model: AccessModel): SourceIdentity[] {
  const byAccount = new Map<string, AccessWorkload[]>();
  for (const workload of model.workloads) {
    const key = `${workload.namespace}/${workload.serviceAccount}`;
    const list = byAccount.get(key) ?? [];
    list.push(workload);
    byAccount.set(key, list);
  }
  const sources = [...byAccount.entries()]
    .sort((a, b) => compareStrings(a[0], b[0]))
    .map(([, workloads]) => workloadSource(workloads[0] as AccessWorkload, workloads));
  const gateway = ingressGatewaySource();
  if (!byAccount.has(gateway.id)) sources.push(gateway);
  sources.push(plaintextSource(), otherNamespaceSource(model));
  return disambiguateLabels(sources);
}

/** Service-account names can repeat across namespaces: keep the short label only where it is unique. */
function disambiguateLabels(sources: SourceIdentity[]): SourceIdentity[] {
  const counts = new Map<string, number>();
  for (const source of sources) counts.set(source.label, (counts.get(source.label) ?? 0) + 1);
  return sources.map((source) => ((counts.get(source.label) ?? 0) > 1 ? { ...source, label: source.id } : source));
}

/**
 * Resolves a `from` argument: `plaintext`, `other-namespace`, the ingress gateway (`istio-ingressgateway`
 * or `istio-ingress/istio-ingressgateway`), or a workload by `[namespace/]name`, where name is the
 * workload's name, the Service that describes it, or its service account. Throws with the choices
 * when nothing or several namespaces match.
 */
export function resolveSource(model: AccessModel, from: string): { source: SourceIdentity; workload: AccessWorkload | undefined } {
  if (from === "plaintext") return { source: plaintextSource(), workload: undefined };
  if (from === "other-namespace") return { source: otherNamespaceSource(model), workload: undefined };
  const slash = from.indexOf("/");
  const namespace = slash === -1 ? undefined : from.slice(0, slash);
  const name = slash === -1 ? from : from.slice(slash + 1);
  const candidates = model.workloads.filter(
    (w) => (namespace === undefined || w.namespace === namespace) && (w.name === name || w.group === name || w.serviceAccount === name),
  );
  const exact = candidates.filter((w) => w.name === name);
  // Several versions of one workload share the identity; take the first as the configuration lists
  // them (`mesh-policy.io/versions: "stable,canary"` gives stable), so sourceLabels see a real pod.
  const order = (w: AccessWorkload) => model.mesh.workloads.findIndex((m) => m.namespace === w.namespace && m.name === w.name);
  const chosen = (exact.length > 0 ? exact : candidates).sort((a, b) => order(a) - order(b));
  const first = chosen[0];
  if (first !== undefined) {
    const namespaces = new Set(chosen.map((w) => w.namespace));
    if (namespaces.size > 1) throw new UserError(`"${from}" names workloads in several namespaces (${[...namespaces].sort().join(", ")}); write namespace/name`);
    const sharing = model.workloads.filter((w) => w.namespace === first.namespace && w.serviceAccount === first.serviceAccount);
    return { source: workloadSource(first, sharing), workload: first };
  }
  if (name === INGRESS_GATEWAY.name && (namespace === undefined || namespace === INGRESS_GATEWAY.namespace)) {
    return { source: ingressGatewaySource(), workload: undefined };
  }
  const known = [...new Set(model.workloads.map((w) => w.group))].sort();
  throw new UserError(
    `unknown source "${from}": use a workload (${known.join(", ") || "none in this configuration"}), ` +
      `${INGRESS_GATEWAY.name}, plaintext or other-namespace`,
  );
}

/** What the server side learns about the peer: a principal under mTLS, nothing under plaintext. */
export interface PeerIdentity {
  principal: string;
  namespace: string;
  serviceAccount: string;
  trustDomain: string;
}

export function peerOf(source: SourceIdentity): PeerIdentity | undefined {
  if (source.principal === undefined || source.namespace === undefined || source.serviceAccount === undefined) return undefined;
  return { principal: source.principal, namespace: source.namespace, serviceAccount: source.serviceAccount, trustDomain: TRUST_DOMAIN };
}
