import { isJsonObject, type JsonObject, type Resource } from "../model/resource.js";

export const DEFAULT_NAMESPACE = "default";
export const ROOT_NAMESPACE = "istio-system";
export const CLUSTER_DOMAIN = "cluster.local";

/** Annotations by which a Service describes the pods behind it when their Deployments live elsewhere. */
export const SERVICE_ACCOUNT_ANNOTATION = "mesh-policy.io/service-account";
export const VERSIONS_ANNOTATION = "mesh-policy.io/versions";

export interface ServicePort {
  name: string | undefined;
  port: number;
  /** The container port traffic lands on; a named targetPort stays a name. */
  targetPort: number | string;
  protocol: string;
  appProtocol: string | undefined;
}

export interface ServiceInfo {
  resource: Resource;
  namespace: string;
  host: string;
  selector: Record<string, string>;
  ports: ServicePort[];
}

export interface Workload {
  namespace: string;
  name: string;
  labels: Record<string, string>;
  serviceAccount: string;
  containerPorts: number[];
  /** The object that describes the pods: a Deployment-like kind, a Pod, or a Service's annotations. */
  source: Resource;
}

const POD_TEMPLATE_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController"]);

/**
 * Everything the lint rules look up, indexed once per run so that every rule is linear in the
 * number of objects: by kind, by service host, and the workloads (pods) that exist.
 */
export class MeshIndex {
  readonly byKind = new Map<string, Resource[]>();
  readonly servicesByHost = new Map<string, ServiceInfo>();
  readonly workloads: Workload[] = [];
  readonly namespaces = new Set<string>();

  /**
   * @param environment the environment being linted (rules such as "no PERMISSIVE in prod" read
   *   it); undefined for files given on the command line.
   */
  constructor(
    readonly resources: readonly Resource[],
    readonly environment?: string,
  ) {
    for (const resource of resources) {
      const list = this.byKind.get(resource.kind) ?? [];
      list.push(resource);
      this.byKind.set(resource.kind, list);
      this.namespaces.add(namespaceOf(resource));
      if (resource.kind === "Namespace") this.namespaces.add(resource.name);
    }
    for (const service of this.kind("Service")) this.indexService(service);
    for (const kind of POD_TEMPLATE_KINDS) for (const owner of this.kind(kind)) this.indexPodTemplate(owner);
    for (const pod of this.kind("Pod")) this.indexPod(pod);
  }

  kind(kind: string): readonly Resource[] {
    return this.byKind.get(kind) ?? [];
  }

  /** Istio resources of a kind (the API group check skips unrelated CRDs that share a kind name). */
  istio(kind: string): readonly Resource[] {
    return this.kind(kind).filter((r) => r.apiVersion.includes(".istio.io/"));
  }

  private indexService(resource: Resource): void {
    const spec = objectAt(resource.object, "spec");
    const namespace = namespaceOf(resource);
    const selector = stringMap(spec["selector"]);
    const ports: ServicePort[] = arrayAt(spec, "ports").filter(isJsonObject).map((port) => ({
      name: typeof port["name"] === "string" ? port["name"] : undefined,
      port: Number(port["port"]),
      targetPort: typeof port["targetPort"] === "string" ? port["targetPort"] : Number(port["targetPort"] ?? port["port"]),
      protocol: typeof port["protocol"] === "string" ? port["protocol"] : "TCP",
      appProtocol: typeof port["appProtocol"] === "string" ? port["appProtocol"] : undefined,
    }));
    const host = serviceHost(resource.name, namespace);
    this.servicesByHost.set(host, { resource, namespace, host, selector, ports });

    const annotations = stringMap(objectAt(resource.object, "metadata")["annotations"]);
    const serviceAccount = annotations[SERVICE_ACCOUNT_ANNOTATION];
    if (serviceAccount === undefined || Object.keys(selector).length === 0) return;
    const containerPorts = ports.map((p) => p.targetPort).filter((p): p is number => typeof p === "number");
    const versions = (annotations[VERSIONS_ANNOTATION] ?? "").split(",").map((v) => v.trim()).filter((v) => v !== "");
    for (const version of versions.length > 0 ? versions : [undefined]) {
      this.workloads.push({
        namespace,
        name: version === undefined ? resource.name : `${resource.name}-${version}`,
        labels: version === undefined ? selector : { ...selector, version },
        serviceAccount,
        containerPorts,
        source: resource,
      });
    }
  }

  private indexPodTemplate(owner: Resource): void {
    const template = objectAt(objectAt(owner.object, "spec"), "template");
    this.addPod(owner, objectAt(template, "metadata"), objectAt(template, "spec"));
  }

  private indexPod(pod: Resource): void {
    this.addPod(pod, objectAt(pod.object, "metadata"), objectAt(pod.object, "spec"));
  }

  private addPod(source: Resource, metadata: JsonObject, spec: JsonObject): void {
    const containerPorts = arrayAt(spec, "containers")
      .filter(isJsonObject)
      .flatMap((container) => arrayAt(container, "ports").filter(isJsonObject).map((port) => Number(port["containerPort"])));
    const account = spec["serviceAccountName"] ?? spec["serviceAccount"];
    this.workloads.push({
      namespace: namespaceOf(source),
      name: source.name,
      labels: stringMap(metadata["labels"]),
      serviceAccount: typeof account === "string" ? account : "default",
      containerPorts,
      source,
    });
  }
}

export function namespaceOf(resource: Resource): string {
  return resource.namespace ?? DEFAULT_NAMESPACE;
}

export function serviceHost(name: string, namespace: string): string {
  return `${name}.${namespace}.svc.${CLUSTER_DOMAIN}`;
}

/** Istio's short-name rule: a host without a dot is a Service in the namespace of the rule that names it. */
export function resolveHost(host: string, namespace: string): string {
  if (host === "*" || host.includes(".") || /^\d+\.\d+\.\d+\.\d+$/.test(host) || host.includes(":")) return host;
  return serviceHost(host, namespace);
}

export function objectAt(value: unknown, key: string): JsonObject {
  const child = isJsonObject(value) ? value[key] : undefined;
  return isJsonObject(child) ? child : {};
}

export function arrayAt(value: unknown, key: string): unknown[] {
  const child = isJsonObject(value) ? value[key] : undefined;
  return Array.isArray(child) ? child : [];
}

export function stringMap(value: unknown): Record<string, string> {
  if (!isJsonObject(value)) return {};
  const result: Record<string, string> = {};
  for (const [key, entry] of Object.entries(value)) if (typeof entry === "string") result[key] = entry;
  return result;
}
