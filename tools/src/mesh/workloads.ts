import { isJsonObject, type JsonObject, type Resource } from "../model/resource.js";
import { compareStrings } from "../util/compare-strings.js";
import { arrayAt, objectAt, stringMap } from "./fields.js";
import { namespaceOf } from "./hosts.js";
import type { ServiceInfo } from "./service-registry.js";

/**
 * The workloads (pods, VMs) the configuration describes: Deployment-like pod templates, Pods, Services
 * annotated for pods whose Deployments live elsewhere, and WorkloadEntries; and, apart from them, the
 * pods a Service implies when nothing describes any of its pods.
 */

/** Annotations by which a Service describes the pods behind it when their Deployments live elsewhere. */
export const SERVICE_ACCOUNT_ANNOTATION = "mesh-policy.io/service-account";
export const VERSIONS_ANNOTATION = "mesh-policy.io/versions";

export const POD_TEMPLATE_KINDS: ReadonlySet<string> = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController"]);

/** The pod metadata and spec behind a workload: a Pod's own or its pod template's; undefined when no pod describes it (a Service's annotations, a WorkloadEntry). */
export function podOf(workload: Workload): { metadata: JsonObject; spec: JsonObject } | undefined {
  const { source } = workload;
  const holder = source.kind === "Pod" ? source.object : POD_TEMPLATE_KINDS.has(source.kind) ? objectAt(objectAt(source.object, "spec"), "template") : undefined;
  return holder === undefined ? undefined : { metadata: objectAt(holder, "metadata"), spec: objectAt(holder, "spec") };
}

export interface Workload {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  serviceAccount: string;
  containerPorts: number[];
  /**
   * The object that describes the workload: a Deployment-like kind, a Pod, a Service's annotations, or a
   * WorkloadEntry (a VM or other non-pod endpoint, selected by Service and ServiceEntry selectors like a pod).
   * For an inferred workload, the Service that implies it.
   */
  source: Resource;
  /**
   * Set on the pods a Service implies (see inferWorkloads): nothing in the configuration describes them,
   * so their service account is unknown and they never prove that a selector matches something.
   */
  inferred?: true;
}

/** The workloads the resources describe, in input order per kind: Services, pod templates, Pods, WorkloadEntries. */
export function describedWorkloads(byKind: (kind: string) => readonly Resource[], services: readonly ServiceInfo[]): Workload[] {
  const workloads: Workload[] = [];
  for (const service of services) workloads.push(...annotatedServiceWorkloads(service));
  for (const kind of POD_TEMPLATE_KINDS) {
    for (const owner of byKind(kind)) {
      const template = objectAt(objectAt(owner.object, "spec"), "template");
      workloads.push(podWorkload(owner, objectAt(template, "metadata"), objectAt(template, "spec")));
    }
  }
  for (const pod of byKind("Pod")) workloads.push(podWorkload(pod, objectAt(pod.object, "metadata"), objectAt(pod.object, "spec")));
  for (const entry of byKind("WorkloadEntry")) {
    if (entry.apiVersion.includes(".istio.io/")) workloads.push(workloadEntryWorkload(entry));
  }
  return workloads;
}

/**
 * The pods a Service implies when the configuration describes none behind it (`hasDescribedPods` false):
 * pods with the selector's labels, listening on its numeric target ports. One per distinct selector of a
 * namespace (Services sharing a selector share their pods). Only rules about the pods behind a Service
 * (their ports, mTLS mode, protocols) read them; a selector matching none of them proves nothing.
 */
export function inferWorkloads(services: readonly ServiceInfo[], hasDescribedPods: (service: ServiceInfo) => boolean): Workload[] {
  const bySelector = new Map<string, Workload>();
  for (const service of services) {
    if (Object.keys(service.selector).length === 0 || hasDescribedPods(service)) continue;
    const key = `${service.namespace}\u0000${JSON.stringify(Object.entries(service.selector).sort(([a], [b]) => compareStrings(a, b)))}`;
    const targets = service.ports.map((p) => p.targetPort).filter((p): p is number => typeof p === "number" && Number.isInteger(p));
    const existing = bySelector.get(key);
    if (existing !== undefined) {
      for (const port of targets) if (!existing.containerPorts.includes(port)) existing.containerPorts.push(port);
      continue;
    }
    bySelector.set(key, {
      namespace: service.namespace,
      name: `${service.resource.name} (pods inferred from its Service)`,
      labels: { ...service.selector },
      serviceAccount: "",
      containerPorts: [...new Set(targets)],
      source: service.resource,
      inferred: true,
    });
  }
  return [...bySelector.values()];
}

/** Container ports by name, to resolve a Service's named targetPort (WorkloadEntries map names to ports themselves). */
export function namedPortsOf(workload: Workload): Map<string, number> {
  const ports = new Map<string, number>();
  const source = workload.source;
  if (workload.inferred !== true && (POD_TEMPLATE_KINDS.has(source.kind) || source.kind === "Pod")) {
    const spec = source.kind === "Pod" ? objectAt(source.object, "spec") : objectAt(objectAt(objectAt(source.object, "spec"), "template"), "spec");
    for (const container of arrayAt(spec, "containers")) {
      for (const port of arrayAt(container, "ports")) {
        if (isJsonObject(port) && typeof port["name"] === "string") ports.set(port["name"], Number(port["containerPort"]));
      }
    }
  } else if (source.kind === "WorkloadEntry") {
    // istiod resolves a named targetPort through the WorkloadEntry's `ports` map (name → port).
    for (const [name, port] of Object.entries(objectAt(objectAt(source.object, "spec"), "ports"))) {
      if (typeof port === "number") ports.set(name, port);
    }
  }
  return ports;
}

function annotatedServiceWorkloads(service: ServiceInfo): Workload[] {
  const annotations = stringMap(objectAt(service.resource.object, "metadata")["annotations"]);
  const serviceAccount = annotations[SERVICE_ACCOUNT_ANNOTATION];
  if (serviceAccount === undefined || Object.keys(service.selector).length === 0) return [];
  const containerPorts = service.ports.map((p) => p.targetPort).filter((p): p is number => typeof p === "number");
  const versions = (annotations[VERSIONS_ANNOTATION] ?? "").split(",").map((v) => v.trim()).filter((v) => v !== "");
  return (versions.length > 0 ? versions : [undefined]).map((version) => ({
    namespace: service.namespace,
    name: version === undefined ? service.resource.name : `${service.resource.name}-${version}`,
    labels: version === undefined ? service.selector : { ...service.selector, version },
    serviceAccount,
    containerPorts,
    source: service.resource,
  }));
}

function podWorkload(source: Resource, metadata: JsonObject, spec: JsonObject): Workload {
  const containerPorts = arrayAt(spec, "containers")
    .filter(isJsonObject)
    .flatMap((container) => arrayAt(container, "ports").filter(isJsonObject).map((port) => Number(port["containerPort"])));
  const account = spec["serviceAccountName"] ?? spec["serviceAccount"];
  return {
    namespace: namespaceOf(source),
    name: source.name,
    labels: stringMap(metadata["labels"]),
    serviceAccount: typeof account === "string" ? account : "default",
    containerPorts,
    source,
  };
}

/**
 * A WorkloadEntry is an endpoint like a pod: Service selectors and ServiceEntry workloadSelectors pick
 * it by `spec.labels` (istiod ignores one without labels), it runs as `spec.serviceAccount`, and
 * `spec.ports` maps port names to the ports it listens on.
 */
function workloadEntryWorkload(entry: Resource): Workload {
  const spec = objectAt(entry.object, "spec");
  const account = spec["serviceAccount"];
  return {
    namespace: namespaceOf(entry),
    name: entry.name,
    labels: stringMap(spec["labels"]),
    serviceAccount: typeof account === "string" && account !== "" ? account : "default",
    containerPorts: Object.values(objectAt(spec, "ports")).filter((p): p is number => typeof p === "number"),
    source: entry,
  };
}
