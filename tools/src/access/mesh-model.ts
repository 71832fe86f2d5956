import type { Resource } from "../model/resource.js";
import { MeshIndex, ROOT_NAMESPACE, objectAt, stringMap, type ServiceInfo, type Workload } from "../lint/mesh-index.js";
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
  /** False when the pod opts out of injection (`sidecar.istio.io/inject: "false"` label, or the namespace disables it): nothing is enforced. */
  hasSidecar: boolean;
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

const HTTP_PROTOCOLS = new Set(["http", "http2", "grpc", "grpc-web", "h2c", "kubernetes.io/h2c", "http_proxy"]);

/**
 * Istio's protocol selection for a Service port (§2.9): `appProtocol` first, then the port name's
 * `<protocol>[-suffix]` prefix. HTTP family gives an HTTP filter chain; everything else (declared TCP,
 * TLS, unknown names) is treated as TCP.
 */
export function protocolOfServicePort(name: string | undefined, appProtocol: string | undefined): PortProtocol {
  const declared = (appProtocol ?? name?.split("-")[0] ?? "").toLowerCase();
  if (HTTP_PROTOCOLS.has(declared)) return "HTTP";
  if (appProtocol === undefined && name !== undefined && name.toLowerCase().startsWith("grpc-web")) return "HTTP";
  return "TCP";
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
  const injectionDisabled = new Set(
    mesh.kind("Namespace").filter((ns) => stringMap(objectAt(ns.object, "metadata")["labels"])["istio-injection"] === "disabled").map((ns) => ns.name),
  );

  const workloads = mesh.workloads
    .map((workload) => toAccessWorkload(workload, serviceIndex.matching(workload.namespace, workload.labels).map((s) => s.service), injectionDisabled))
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
    requestAuthentications: new SelectorIndex(requestAuthentications, rootNamespace),
  };
}

function isSecurityApi(resource: Resource): boolean {
  return resource.apiVersion.startsWith("security.istio.io/");
}

function toAccessWorkload(workload: Workload, services: readonly ServiceInfo[], injectionDisabled: ReadonlySet<string>): AccessWorkload {
  const ports = new Map<number, WorkloadPort>();
  for (const service of services) {
    for (const port of service.ports) {
      if (typeof port.targetPort !== "number" || !Number.isInteger(port.targetPort)) continue;
      const entry = ports.get(port.targetPort) ?? { number: port.targetPort, protocol: "TCP" as PortProtocol, services: [] };
      if (entry.services.length === 0) entry.protocol = protocolOfServicePort(port.name, port.appProtocol);
      entry.services.push({ name: service.resource.name, namespace: service.namespace, host: service.host, port: port.port, portName: port.name });
      ports.set(port.targetPort, entry);
    }
  }
  const group = workload.source.kind === "Service" ? workload.source.name : workload.name;
  return {
    id: `${workload.namespace}/${workload.name}`,
    namespace: workload.namespace,
    name: workload.name,
    group,
    labels: workload.labels,
    serviceAccount: workload.serviceAccount,
    ports: [...ports.values()].sort((a, b) => a.number - b.number),
    hasSidecar: workload.labels["sidecar.istio.io/inject"] !== "false" && !injectionDisabled.has(workload.namespace),
  };
}

/** The workloads behind a Service: its namespace, selector ⊆ labels (and optional subset labels). */
export function workloadsOfService(model: AccessModel, service: ServiceInfo, subsetLabels: Readonly<Record<string, string>> = {}): AccessWorkload[] {
  if (Object.keys(service.selector).length === 0) return [];
  return (model.workloadsByNamespace.get(service.namespace) ?? []).filter(
    (w) => selectorMatches(service.selector, w.labels) && selectorMatches(subsetLabels, w.labels),
  );
}

export function findService(model: AccessModel, name: string, namespace: string): ServiceInfo | undefined {
  return model.services.get(`${namespace}/${name}`);
}

export function compareText(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
