import type { JsonObject, Resource } from "../model/resource.js";
import { MeshIndex, ROOT_NAMESPACE, objectAt, stringMap, type ServiceInfo, type Workload } from "../lint/mesh-index.js";
import { PolicyModel } from "../lint/policy-model.js";
import { convertProtocol, isHttpProtocol } from "../mesh/protocol.js";
import { parseAuthorizationPolicy, parseRequestAuthentication, type ParsedPolicy, type ParsedRequestAuthentication } from "./policy.js";
import { SelectorIndex, selectorMatches } from "./selector-index.js";

/**
 * Everything the access engine reads, indexed once per set of resources (linear in their number):
 * the workloads with the ports traffic lands on, the Services, and the security policies indexed
 * by namespace and selector.
 */

export type PortProtocol = "HTTP" | "TCP";

export interface WorkloadPort {
  /** The container (target) port: what AuthorizationPolicy `ports` and `portLevelMtls` name. */
  number: number;
  protocol: PortProtocol;
  /** The Service ports that land here (sorted by Service name). */
  services: PortService[];
}

export interface PortService {
  name: string;
  namespace: string;
  host: string;
  port: number;
  portName: string | undefined;
}

export interface AccessWorkload {
  /** `namespace/name`. */
  id: string;
  namespace: string;
  name: string;
  /** What a reader calls it: the Service that describes it (versions collapsed) or its own name. */
  group: string;
  labels: Record<string, string>;
  serviceAccount: string;
  /** Ports that some Service targets (the only way in by Service name), ascending. */
  ports: WorkloadPort[];
  /** False when Istio's injector would not inject the pods (see `sidecarOf`): nothing is enforced, and the pods send plaintext. */
  hasSidecar: boolean;
  /** Why the workload has (or has no) sidecar, when that is not plain namespace injection: e.g. the namespace is not declared, so injection is assumed. */
  sidecarNote: string | undefined;
}

export interface AccessModel {
  resources: readonly Resource[];
  mesh: MeshIndex;
  rootNamespace: string;
  workloads: AccessWorkload[];
  workloadsByNamespace: Map<string, AccessWorkload[]>;
  /** Services by `namespace/name`. */
  services: Map<string, ServiceInfo>;
  policies: ParsedPolicy[];
  policyIndex: SelectorIndex<ParsedPolicy>;
  requestAuthentications: SelectorIndex<ParsedRequestAuthentication>;
}

/**
 * Istio's protocol selection for a Service port (§2.9): `appProtocol` first, then the port name's
 * `<protocol>[-suffix]` prefix. HTTP family gives an HTTP filter chain; everything else (declared TCP,
 * TLS, unknown names) is treated as TCP.
 */
export function protocolOfServicePort(name: string | undefined, appProtocol: string | undefined): PortProtocol {
  return isHttpProtocol(convertProtocol({ name, appProtocol })) ? "HTTP" : "TCP";
}

export function buildAccessModel(resources: readonly Resource[], options: { rootNamespace?: string } = {}): AccessModel {
  const rootNamespace = options.rootNamespace ?? ROOT_NAMESPACE;
  const mesh = new MeshIndex(resources);
  const services = new Map<string, ServiceInfo>();
  for (const service of mesh.servicesByHost.values()) services.set(`${service.namespace}/${service.resource.name}`, service);

  // Services as "selected" items, so that a workload finds the Services that select it by label.
  const serviceIndex = new SelectorIndex(
    [...services.values()]
      .filter((s) => Object.keys(s.selector).length > 0)
      .sort((a, b) => compareText(a.resource.name, b.resource.name))
      .map((s) => ({ namespace: s.namespace, selector: s.selector as Record<string, string> | undefined, service: s })),
    "\u0000no-root",
  );
  const namespaceLabels = new Map(mesh.kind("Namespace").map((ns) => [ns.name, stringMap(objectAt(ns.object, "metadata")["labels"])] as const));
  const policyModel = PolicyModel.of(mesh);

  const workloads = mesh.workloads
    .map((workload) => toAccessWorkload(workload, serviceIndex.matching(workload.namespace, workload.labels).map((s) => s.service), namespaceLabels, policyModel))
    .sort((a, b) => compareText(a.id, b.id));
  const workloadsByNamespace = new Map<string, AccessWorkload[]>();
  for (const workload of workloads) {
    const list = workloadsByNamespace.get(workload.namespace) ?? [];
    list.push(workload);
    workloadsByNamespace.set(workload.namespace, list);
  }

  const policies = mesh.kind("AuthorizationPolicy").filter(isSecurityApi).map(parseAuthorizationPolicy);
  const requestAuthentications = mesh.kind("RequestAuthentication").filter(isSecurityApi).map(parseRequestAuthentication);
  return {
    resources,
    mesh,
    rootNamespace,
    workloads,
    workloadsByNamespace,
    services,
    policies,
    policyIndex: new SelectorIndex(policies, rootNamespace),
    // A RequestAuthentication whose selector is invalid applies to no workload.
    requestAuthentications: new SelectorIndex(requestAuthentications.filter((ra) => ra.invalidSelector === undefined), rootNamespace),
  };
}

function isSecurityApi(resource: Resource): boolean {
  return resource.apiVersion.startsWith("security.istio.io/");
}

function toAccessWorkload(
  workload: Workload,
  services: readonly ServiceInfo[],
  namespaceLabels: ReadonlyMap<string, Record<string, string>>,
  policyModel: PolicyModel,
): AccessWorkload {
  const ports = new Map<number, WorkloadPort>();
  for (const service of services) {
    for (const port of service.ports) {
      // A named targetPort is the container port of that name in the selected pods (Kubernetes).
      const target = policyModel.targetPortOf(workload, port);
      if (target === undefined || !Number.isInteger(target)) continue;
      const entry = ports.get(target) ?? { number: target, protocol: "TCP" as PortProtocol, services: [] };
      if (entry.services.length === 0) entry.protocol = protocolOfServicePort(port.name, port.appProtocol);
      entry.services.push({ name: service.resource.name, namespace: service.namespace, host: service.host, port: port.port, portName: port.name });
      ports.set(target, entry);
    }
  }
  const group = workload.source.kind === "Service" ? workload.source.name : workload.name;
  const sidecar = sidecarOf(workload, namespaceLabels);
  return {
    id: `${workload.namespace}/${workload.name}`,
    namespace: workload.namespace,
    name: workload.name,
    group,
    labels: workload.labels,
    serviceAccount: workload.serviceAccount,
    ports: [...ports.values()].sort((a, b) => a.number - b.number),
    hasSidecar: sidecar.injected,
    sidecarNote: sidecar.note,
  };
}

const INJECT = "sidecar.istio.io/inject";
const REVISION = "istio.io/rev";
/** Namespaces Istio's injector never injects into. */
const NEVER_INJECTED_NAMESPACES = new Set(["kube-system", "kube-public"]);

/** The pod metadata and spec behind a workload; undefined when a Service's annotations describe it (no pod template). */
function podTemplate(source: Resource): { metadata: JsonObject; spec: JsonObject } | undefined {
  if (source.kind === "Service") return undefined;
  const holder = source.kind === "Pod" ? source.object : objectAt(objectAt(source.object, "spec"), "template");
  return { metadata: objectAt(holder, "metadata"), spec: objectAt(holder, "spec") };
}

/**
 * Whether Istio's sidecar injector injects the pods of a workload (default install, any revision
 * installed). The API server calls the injector when one of its webhooks matches:
 * - namespace label `istio-injection=enabled`, pod label `sidecar.istio.io/inject` not `"false"`;
 * - namespace label `istio.io/rev` (and no `istio-injection`), pod label not `"false"`;
 * - namespace without either label: pod label `sidecar.istio.io/inject: "true"` (and no pod
 *   `istio.io/rev`), or a pod `istio.io/rev` label and the inject label not `"false"`.
 * The injector then skips hostNetwork pods and kube-system/kube-public, and reads the pod's
 * `sidecar.istio.io/inject` label, or its annotation when the label is absent: `"false"` disables,
 * anything else keeps the default policy (inject). A namespace not declared in the configuration is
 * assumed to enable injection, and the result says so.
 */
function sidecarOf(workload: Workload, namespaceLabels: ReadonlyMap<string, Record<string, string>>): { injected: boolean; note: string | undefined } {
  const pod = podTemplate(workload.source);
  const labels = pod === undefined ? workload.labels : stringMap(pod.metadata["labels"]);
  const annotations = pod === undefined ? {} : stringMap(pod.metadata["annotations"]);
  const podLabel = labels[INJECT];
  if (NEVER_INJECTED_NAMESPACES.has(workload.namespace)) return { injected: false, note: `Istio never injects sidecars in ${workload.namespace}` };
  if (pod !== undefined && pod.spec["hostNetwork"] === true) return { injected: false, note: "the pods use hostNetwork: Istio does not inject them" };

  const ns = namespaceLabels.get(workload.namespace);
  let assumed: string | undefined;
  if (ns === undefined) {
    assumed = `Namespace ${workload.namespace} is not declared in the configuration: sidecar injection is assumed`;
    if (podLabel === "false") return { injected: false, note: `pod label ${INJECT}: "false"` };
  } else {
    const nsInjection = ns["istio-injection"];
    const nsRevision = ns[REVISION];
    let webhook: boolean;
    if (nsInjection !== undefined) webhook = nsInjection === "enabled" && podLabel !== "false";
    else if (nsRevision !== undefined) webhook = podLabel !== "false";
    else webhook = labels[REVISION] !== undefined ? podLabel !== "false" : podLabel === "true";
    if (!webhook) {
      const why =
        podLabel === "false"
          ? `pod label ${INJECT}: "false"`
          : nsInjection !== undefined
            ? `namespace ${workload.namespace} has istio-injection=${nsInjection}`
            : `namespace ${workload.namespace} has no istio-injection or ${REVISION} label and the pods no ${INJECT}: "true" label`;
      return { injected: false, note: `${why}: no sidecar is injected` };
    }
  }
  // The injector itself: the label wins over the annotation; only "false" disables.
  const selector = podLabel ?? annotations[INJECT];
  if (selector === "false") return { injected: false, note: `pod ${podLabel !== undefined ? "label" : "annotation"} ${INJECT}: "false"` };
  return { injected: true, note: assumed };
}

/** The workloads behind a Service: its namespace, selector ⊆ labels (and optional subset labels). */
export function workloadsOfService(model: AccessModel, service: ServiceInfo, subsetLabels: Readonly<Record<string, string>> = {}): AccessWorkload[] {
  if (Object.keys(service.selector).length === 0) return [];
  return (model.workloadsByNamespace.get(service.namespace) ?? []).filter(
    (w) => selectorMatches(service.selector, w.labels) && selectorMatches(subsetLabels, w.labels),
  );
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
