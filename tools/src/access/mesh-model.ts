import type { Resource } from "../model/resource.js";
import { objectAt, stringMap } from "../mesh/fields.js";
import { MeshIndex } from "../mesh/mesh-index.js";
import { PolicyModel } from "../mesh/policy-model.js";
import { protocolOfServicePort as protocolFamily } from "../mesh/protocol.js";
import { labelsMatch } from "../mesh/selector.js";
import type { ServiceInfo, ServicePort } from "../mesh/service-registry.js";
import { sidecarOf } from "../mesh/sidecar-injection.js";
import type { Workload } from "../mesh/workloads.js";
import { compareStrings } from "../util/compare-strings.js";

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
  /** How policies and Services attach to the workloads (PolicyModel.of(mesh)). */
  policyModel: PolicyModel;
  workloads: AccessWorkload[];
  workloadsByNamespace: Map<string, AccessWorkload[]>;
  /** Services by `namespace/name`. */
  services: Map<string, ServiceInfo>;
}

/**
 * Istio's protocol selection for a Service port (§2.9): `appProtocol` first, then the port name's
 * `<protocol>[-suffix]` prefix. HTTP family gives an HTTP filter chain; everything else (declared TCP,
 * TLS, UDP, unknown names) is treated as TCP.
 */
export function protocolOfServicePort(port: ServicePort): PortProtocol {
  return protocolFamily(port) === "http" ? "HTTP" : "TCP";
}

export function buildAccessModel(resources: readonly Resource[]): AccessModel {
  const mesh = new MeshIndex(resources);
  const policyModel = PolicyModel.of(mesh);
  const services = new Map<string, ServiceInfo>();
  for (const service of mesh.servicesByHost.values()) services.set(`${service.namespace}/${service.resource.name}`, service);
  const namespaceLabels = new Map(mesh.kind("Namespace").map((ns) => [ns.name, stringMap(objectAt(ns.object, "metadata")["labels"])] as const));
  const workloads = mesh.workloads.map((workload) => toAccessWorkload(workload, namespaceLabels, policyModel)).sort((a, b) => compareStrings(a.id, b.id));
  const workloadsByNamespace = new Map<string, AccessWorkload[]>();
  for (const workload of workloads) {
    const list = workloadsByNamespace.get(workload.namespace) ?? [];
    list.push(workload);
    workloadsByNamespace.set(workload.namespace, list);
  }
  return { resources, mesh, policyModel, workloads, workloadsByNamespace, services };
}

function toAccessWorkload(workload: Workload, namespaceLabels: ReadonlyMap<string, Record<string, string>>, policyModel: PolicyModel): AccessWorkload {
  const ports = new Map<number, WorkloadPort>();
  const services = policyModel.servicesOf(workload).sort((a, b) => compareStrings(a.resource.name, b.resource.name));
  for (const service of services) {
    for (const port of service.ports) {
      // A named targetPort is the container port of that name in the selected pods (Kubernetes).
      const target = policyModel.targetPortOf(workload, port);
      if (target === undefined || !Number.isInteger(target)) continue;
      const entry = ports.get(target) ?? { number: target, protocol: "TCP" as PortProtocol, services: [] };
      if (entry.services.length === 0) entry.protocol = protocolOfServicePort(port);
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

/** The workloads behind a Service: its namespace, selector ⊆ labels (and optional subset labels). */
export function workloadsOfService(model: AccessModel, service: ServiceInfo, subsetLabels: Readonly<Record<string, string>> | null = {}): AccessWorkload[] {
  if (Object.keys(service.selector).length === 0) return [];
  return (model.workloadsByNamespace.get(service.namespace) ?? []).filter((w) => labelsMatch(service.selector, w.labels) && labelsMatch(subsetLabels, w.labels));
}
