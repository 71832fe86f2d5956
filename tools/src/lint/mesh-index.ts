import { labelMapOrNull, labelsMatch } from "../mesh/selector.js";
import { isJsonObject, type JsonObject, type Resource } from "../model/resource.js";

export const DEFAULT_NAMESPACE = "default";
export const ROOT_NAMESPACE = "istio-system";
export const CLUSTER_DOMAIN = "cluster.local";

/** Annotations by which a Service describes the pods behind it when their Deployments live elsewhere. */
export const SERVICE_ACCOUNT_ANNOTATION = "mesh-policy.io/service-account";
export const VERSIONS_ANNOTATION = "mesh-policy.io/versions";
/** Istio's per-Service visibility annotation (the Service counterpart of `exportTo`). */
export const SERVICE_EXPORT_TO_ANNOTATION = "networking.istio.io/exportTo";
/** The reserved gateway name that means "every sidecar in the mesh". */
export const MESH_GATEWAY = "mesh";

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
  /**
   * The object that describes the workload: a Deployment-like kind, a Pod, a Service's annotations, or a
   * WorkloadEntry (a VM or other non-pod endpoint, selected by Service and ServiceEntry selectors like a pod).
   */
  source: Resource;
}

/** A port of a host in Istio's registry (a Service port or a ServiceEntry port). */
export interface RegistryPort {
  number: number;
  name: string | undefined;
  protocol: string | undefined;
  /** Service ports only: the container port behind it (a named targetPort stays a name). */
  targetPort: number | string | undefined;
}

/** One host in Istio's service registry: a Kubernetes Service, or one host of a ServiceEntry. */
export interface RegistryEntry {
  /** The Service's FQDN, or the ServiceEntry host as written (possibly a wildcard such as `*.example.com`). */
  host: string;
  namespace: string;
  kind: "Service" | "ServiceEntry";
  resource: Resource;
  /** Who sees the host: `*` for every namespace, else namespace names (`.` already replaced); empty for `~`. */
  exportTo: readonly string[];
  ports: RegistryPort[];
  /** Labels that select the pods behind the host (Service selector, ServiceEntry workloadSelector); undefined when its endpoints are not pods. */
  podSelector: Record<string, string> | undefined;
}

/** What a host resolves to from one namespace: entries it may use, and entries that exist but are not exported to it. */
export interface HostLookup {
  visible: RegistryEntry[];
  hidden: RegistryEntry[];
}

export interface DestinationRuleSubset {
  name: string;
  /** The subset's labels; null when one is not a string (such a subset selects no endpoint). */
  labels: Record<string, string> | null;
  /** Index in spec.subsets. */
  index: number;
}

export interface DestinationRuleInfo {
  resource: Resource;
  namespace: string;
  /** spec.host resolved with the short-name rule in the DestinationRule's namespace. */
  host: string;
  exportTo: readonly string[];
  /** spec.workloadSelector.matchLabels; undefined for a DestinationRule that applies to every client. */
  workloadSelector: Record<string, string> | undefined;
  subsets: DestinationRuleSubset[];
  hasTrafficPolicy: boolean;
  /** spec.exportTo exactly as written (Istio compares these sets, unnormalised, when it merges DestinationRules). */
  exportToAsWritten: readonly string[];
}

/**
 * DestinationRules Istio merges into one for its clients (`mergeDestinationRule`): the first is the one
 * the others merged into, the others follow in Istio's order (oldest first).
 */
export interface DestinationRuleMergeGroup {
  namespace: string;
  host: string;
  rules: DestinationRuleInfo[];
  /** How each later rule joined the first: same exportTo, or a strict superset of the first's exportTo. */
  how: Array<"equal" | "superset">;
}

/** The DestinationRules Istio applies to a host for a client: all those merged in the first namespace that has any. */
export interface DestinationRuleLookup {
  namespace: string;
  /** The DestinationRule host that won: the exact host, or the most specific wildcard. */
  host: string;
  rules: DestinationRuleInfo[];
}

/** A place in a VirtualService that sends traffic to a host: a route destination or a mirror. */
export interface VirtualServiceDestination {
  /** Where it is, as a user reads it: `http[0].route[1]`, `http[0].mirror`, `http[0].mirrors[0]`, `tcp[0].route[0]`. */
  label: string;
  kind: "route" | "mirror";
  /** JSON pointer of the Destination object (append `/host`, `/subset`, `/port`). */
  pointer: string;
  host: string;
  subset: string | undefined;
  port: number | undefined;
}

/** A VirtualService `gateways` entry, resolved: `mesh`, or a Gateway namespace/name. */
export interface GatewayRef {
  /** As written. */
  ref: string;
  /** Index in spec.gateways. */
  index: number;
  mesh: boolean;
  namespace: string;
  name: string;
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
    for (const entry of this.istio("WorkloadEntry")) this.indexWorkloadEntry(entry);
  }

  kind(kind: string): readonly Resource[] {
    return this.byKind.get(kind) ?? [];
  }

  /** Istio resources of a kind (the API group check skips unrelated CRDs that share a kind name). */
  istio(kind: string): readonly Resource[] {
    return this.kind(kind).filter((r) => r.apiVersion.includes(".istio.io/"));
  }

  // ---- Istio's service registry: Services and ServiceEntries by host ----

  private registryCache: RegistryIndex | undefined;

  private get registry(): RegistryIndex {
    this.registryCache ??= buildRegistry(this);
    return this.registryCache;
  }

  /** Every host in the registry, in input order. */
  registryEntries(): readonly RegistryEntry[] {
    return this.registry.entries;
  }

  /**
   * The registry entries a host (already resolved to an FQDN, or a wildcard such as `*.example.com`)
   * matches, split by whether they are exported to `fromNamespace`. A plain host matches its exact
   * entries and the ServiceEntry wildcards that cover it; a wildcard host matches every entry it overlaps.
   */
  lookupHost(host: string, fromNamespace: string): HostLookup {
    const found = new Set<RegistryEntry>();
    const add = (entries: readonly RegistryEntry[] | undefined) => entries?.forEach((e) => found.add(e));
    const name = host.toLowerCase();
    if (name === "*") {
      add(this.registry.entries);
    } else if (name.startsWith("*.")) {
      const suffix = name.slice(2);
      add(this.registry.bySuffix.get(suffix));
      for (const candidate of wildcardsCovering(suffix)) add(this.registry.byHost.get(candidate));
    } else {
      add(this.registry.byHost.get(name));
      for (const candidate of wildcardsCovering(name)) add(this.registry.byHost.get(candidate));
    }
    const visible: RegistryEntry[] = [];
    const hidden: RegistryEntry[] = [];
    for (const entry of found) (isExportedTo(entry.exportTo, fromNamespace) ? visible : hidden).push(entry);
    return { visible, hidden };
  }

  // ---- DestinationRules ----

  private destinationRuleCache: DestinationRuleIndex | undefined;

  private get destinationRuleIndex(): DestinationRuleIndex {
    this.destinationRuleCache ??= buildDestinationRuleIndex(this.istio("DestinationRule"));
    return this.destinationRuleCache;
  }

  /** Every Istio DestinationRule, parsed, in input order. */
  destinationRules(): readonly DestinationRuleInfo[] {
    return this.destinationRuleIndex.all;
  }

  /**
   * DestinationRules without a workloadSelector, grouped by namespace and resolved host: every rule a
   * client may get for the host from that namespace (see destinationRuleMergeGroups for which of them
   * Istio actually merges).
   */
  destinationRuleGroups(): ReadonlyMap<string, ReadonlyMap<string, readonly DestinationRuleInfo[]>> {
    return this.destinationRuleIndex.byNamespaceHost;
  }

  private mergeGroupCache: DestinationRuleMergeGroup[] | undefined;

  /**
   * The DestinationRules (without workloadSelector) Istio merges, as `PushContext.setDestinationRules`
   * and `mergeDestinationRule` do with ENABLE_ENHANCED_DESTINATIONRULE_MERGE (the default): per namespace
   * and host, in Istio's order (oldest first), in each of its two indexes (rules visible in their own
   * namespace; rules exported to other namespaces). A rule merges into an earlier entry whose exportTo
   * set, as written, is equal to its own, or is a non-empty strict subset of its own; otherwise it
   * stays an independent entry. Only groups of two or more are returned, each once.
   */
  destinationRuleMergeGroups(): readonly DestinationRuleMergeGroup[] {
    this.mergeGroupCache ??= buildMergeGroups(this.destinationRuleIndex.all);
    return this.mergeGroupCache;
  }

  /**
   * The DestinationRules that apply to `host` for a client in `clientNamespace`, looked up as Istio's
   * `PushContext.destinationRule` does: the client's namespace, then the service's (exported ones), then
   * the root namespace (exported ones); the first namespace with a match wins and, within it, the exact
   * host beats the longest wildcard. DestinationRules with a workloadSelector apply to some clients
   * only and are left out. Undefined when none applies.
   */
  destinationRuleFor(host: string, clientNamespace: string, serviceNamespace: string | undefined): DestinationRuleLookup | undefined {
    const order = [clientNamespace];
    if (serviceNamespace !== undefined && !order.includes(serviceNamespace)) order.push(serviceNamespace);
    if (!order.includes(ROOT_NAMESPACE)) order.push(ROOT_NAMESPACE);
    for (const namespace of order) {
      const byHost = this.destinationRuleIndex.byNamespaceHost.get(namespace);
      if (byHost === undefined) continue;
      const visible = (rules: readonly DestinationRuleInfo[] | undefined) =>
        (rules ?? []).filter((rule) => namespace === clientNamespace || isExportedTo(rule.exportTo, clientNamespace));
      for (const candidate of [host.toLowerCase(), ...wildcardsCovering(host.toLowerCase())]) {
        const rules = visible(byHost.get(candidate));
        if (rules.length > 0) return { namespace, host: candidate, rules };
      }
    }
    return undefined;
  }

  // ---- VirtualServices and Gateways ----

  private virtualServiceHostCache: Map<string, Resource[]> | undefined;
  private gatewayCache: Map<string, Resource> | undefined;

  /** Istio VirtualServices by resolved host (each host of each VirtualService; delegates have none). */
  virtualServicesByHost(): ReadonlyMap<string, readonly Resource[]> {
    if (this.virtualServiceHostCache === undefined) {
      const byHost = new Map<string, Resource[]>();
      for (const vs of this.istio("VirtualService")) {
        const namespace = namespaceOf(vs);
        const hosts = new Set(virtualServiceHosts(vs).map((h) => resolveHost(h, namespace).toLowerCase()));
        for (const host of hosts) {
          const list = byHost.get(host) ?? [];
          list.push(vs);
          byHost.set(host, list);
        }
      }
      this.virtualServiceHostCache = byHost;
    }
    return this.virtualServiceHostCache;
  }

  /** The Istio Gateway `namespace/name`, if the input has it. */
  gateway(namespace: string, name: string): Resource | undefined {
    if (this.gatewayCache === undefined) {
      this.gatewayCache = new Map();
      for (const gateway of this.istio("Gateway")) this.gatewayCache.set(`${namespaceOf(gateway)}/${gateway.name}`, gateway);
    }
    return this.gatewayCache.get(`${namespace}/${name}`);
  }

  // ---- Workloads by namespace and label ----

  private workloadCache: WorkloadIndex | undefined;

  private get workloadIndex(): WorkloadIndex {
    this.workloadCache ??= buildWorkloadIndex(this.workloads);
    return this.workloadCache;
  }

  /**
   * True when the input describes any workload (a Deployment-like object, a Pod, or an annotated
   * Service) in the namespace. Where it knows none (gateway pods installed elsewhere), a selector that
   * matches nothing proves nothing.
   */
  knowsWorkloadsIn(namespace: string): boolean {
    return this.workloadIndex.byNamespace.has(namespace);
  }

  workloadsIn(namespace: string): readonly Workload[] {
    return this.workloadIndex.byNamespace.get(namespace) ?? [];
  }

  /**
   * The workloads of a namespace whose labels include every `selector` label (an empty selector selects
   * all; a null one, with a non-string value, selects none).
   */
  workloadsMatching(namespace: string, selector: Record<string, string> | null): Workload[] {
    if (selector === null) return [];
    const pairs = Object.entries(selector);
    if (pairs.length === 0) return [...this.workloadsIn(namespace)];
    // Start from the rarest label pair, so the scan is as short as the index allows.
    let candidates: readonly Workload[] | undefined;
    for (const [key, value] of pairs) {
      const list = this.workloadIndex.byLabel.get(labelKey(namespace, key, value)) ?? [];
      if (candidates === undefined || list.length < candidates.length) candidates = list;
    }
    return (candidates ?? []).filter((workload) => labelsMatch(selector, workload.labels));
  }

  /** The values a label has on the workloads of a namespace, sorted (to suggest what a selector may have meant). */
  labelValuesIn(namespace: string, key: string): string[] {
    const values = new Set<string>();
    for (const workload of this.workloadsIn(namespace)) {
      const value = workload.labels[key];
      if (value !== undefined) values.add(value);
    }
    return [...values].sort();
  }

  /**
   * What the workloads of a namespace have for a selector's keys, as a sentence for a message
   * (`Workloads here have app=a|b; version=stable.`); empty when they have none of the keys.
   */
  selectorHint(namespace: string, selector: Record<string, string>): string {
    const known = Object.keys(selector)
      .map((key) => [key, this.labelValuesIn(namespace, key)] as const)
      .filter(([, values]) => values.length > 0)
      .map(([key, values]) => `${key}=${values.slice(0, 5).join("|")}${values.length > 5 ? "|…" : ""}`);
    return known.length > 0 ? `Workloads here have ${known.join("; ")}.` : "";
  }

  private indexService(resource: Resource): void {
    const spec = objectAt(resource.object, "spec");
    const namespace = namespaceOf(resource);
    // A selector with a non-string value selects nothing, like a Service without a selector.
    const selector = selectorMap(spec["selector"]) ?? {};
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

  /**
   * A WorkloadEntry is an endpoint like a pod: Service selectors and ServiceEntry workloadSelectors pick
   * it by `spec.labels` (istiod ignores one without labels), it runs as `spec.serviceAccount`, and
   * `spec.ports` maps port names to the ports it listens on.
   */
  private indexWorkloadEntry(entry: Resource): void {
    const spec = objectAt(entry.object, "spec");
    const account = spec["serviceAccount"];
    this.workloads.push({
      namespace: namespaceOf(entry),
      name: entry.name,
      labels: stringMap(spec["labels"]),
      serviceAccount: typeof account === "string" && account !== "" ? account : "default",
      containerPorts: Object.values(objectAt(spec, "ports")).filter((p): p is number => typeof p === "number"),
      source: entry,
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

/**
 * The labels of a selector (matchLabels, a Service selector, workloadSelector labels, subset labels):
 * `{}` when absent, and null when a value is not a string. Kubernetes and Istio accept only string
 * values, so such a selector never selects anything: callers must treat null as "matches nothing",
 * never as the empty (select-all) selector that stringMap would make of it.
 */
export function selectorMap(value: unknown): Record<string, string> | null {
  return labelMapOrNull(value);
}

/** A selector's entries as written, for messages (`app=5` for a selector selectorMap rejects). */
export function formatSelector(value: unknown): string {
  if (!isJsonObject(value)) return "";
  return Object.entries(value)
    .map(([key, entry]) => `${key}=${typeof entry === "string" ? entry : JSON.stringify(entry)}`)
    .join(",");
}

export { labelsMatch };

/** `exportTo` as written (or the Service annotation's list), normalised: `.` becomes `namespace`, `~` sees nobody, default is everyone. */
export function normaliseExportTo(exportTo: readonly string[] | undefined, namespace: string): string[] {
  if (exportTo === undefined || exportTo.length === 0) return ["*"];
  const result = new Set<string>();
  for (const entry of exportTo.map((e) => e.trim())) {
    if (entry === "~" || entry === "") continue;
    result.add(entry === "." ? namespace : entry);
  }
  return [...result];
}

export function isExportedTo(exportTo: readonly string[], namespace: string): boolean {
  return exportTo.includes("*") || exportTo.includes(namespace);
}

/** The namespace of a `<name>.<namespace>.svc.cluster.local` host; undefined for other hosts. */
export function namespaceOfHost(host: string): string | undefined {
  const suffix = `.svc.${CLUSTER_DOMAIN}`;
  if (!host.toLowerCase().endsWith(suffix)) return undefined;
  const labels = host.slice(0, -suffix.length).split(".");
  return labels.length === 2 && labels[0] !== "*" ? labels[1] : undefined;
}

/** The wildcards that cover a host, most specific first: `a.b.c` → `*.b.c`, `*.c`, `*`. */
export function wildcardsCovering(host: string): string[] {
  const labels = host.split(".");
  const result: string[] = [];
  for (let i = 1; i < labels.length; i++) result.push(`*.${labels.slice(i).join(".")}`);
  if (host !== "*") result.push("*");
  return result;
}

/**
 * Istio's host overlap (`host.Name.Matches`): equal names, or a wildcard (`*.example.com`, `*`) that
 * covers the other name or wildcard. Case-insensitive.
 */
export function hostsOverlap(a: string, b: string): boolean {
  const x = a.toLowerCase();
  const y = b.toLowerCase();
  if (x === y || x === "*" || y === "*") return true;
  if (x.startsWith("*.") && y.endsWith(x.slice(1))) return true;
  if (y.startsWith("*.") && x.endsWith(y.slice(1))) return true;
  return false;
}

export function virtualServiceHosts(vs: Resource): string[] {
  return arrayAt(objectAt(vs.object, "spec"), "hosts").filter((h): h is string => typeof h === "string");
}

/** The `gateways` of a VirtualService, resolved; an empty list means the mesh gateway (every sidecar). */
export function virtualServiceGateways(vs: Resource): GatewayRef[] {
  const namespace = namespaceOf(vs);
  const result: GatewayRef[] = [];
  arrayAt(objectAt(vs.object, "spec"), "gateways").forEach((ref, index) => {
    if (typeof ref !== "string") return;
    if (ref === MESH_GATEWAY) {
      result.push({ ref, index, mesh: true, namespace, name: MESH_GATEWAY });
      return;
    }
    const slash = ref.indexOf("/");
    result.push(
      slash === -1
        ? { ref, index, mesh: false, namespace, name: ref }
        : { ref, index, mesh: false, namespace: ref.slice(0, slash), name: ref.slice(slash + 1) },
    );
  });
  return result;
}

/** True when the VirtualService programs the sidecars: no `gateways`, or `mesh` among them. */
export function isMeshBound(vs: Resource): boolean {
  const gateways = virtualServiceGateways(vs);
  return gateways.length === 0 || gateways.some((g) => g.mesh);
}

/** Every route destination (http, tcp, tls) and http mirror of a VirtualService, in document order. */
export function virtualServiceDestinations(vs: Resource): VirtualServiceDestination[] {
  const spec = objectAt(vs.object, "spec");
  const result: VirtualServiceDestination[] = [];
  const add = (label: string, kind: VirtualServiceDestination["kind"], pointer: string, destination: unknown) => {
    if (!isJsonObject(destination) || typeof destination["host"] !== "string") return;
    const port = objectAt(destination, "port")["number"];
    result.push({
      label,
      kind,
      pointer,
      host: destination["host"],
      subset: typeof destination["subset"] === "string" && destination["subset"] !== "" ? destination["subset"] : undefined,
      port: typeof port === "number" ? port : undefined,
    });
  };
  for (const section of ["http", "tcp", "tls"] as const) {
    arrayAt(spec, section).forEach((route, i) => {
      arrayAt(route, "route").forEach((weighted, j) => {
        add(`${section}[${i}].route[${j}]`, "route", `/spec/${section}/${i}/route/${j}/destination`, objectAt(weighted, "destination"));
      });
      if (section !== "http" || !isJsonObject(route)) return;
      if (isJsonObject(route["mirror"])) add(`http[${i}].mirror`, "mirror", `/spec/http/${i}/mirror`, route["mirror"]);
      arrayAt(route, "mirrors").forEach((mirror, j) => {
        add(`http[${i}].mirrors[${j}]`, "mirror", `/spec/http/${i}/mirrors/${j}/destination`, objectAt(mirror, "destination"));
      });
    });
  }
  return result;
}

/** A JSON serialisation with sorted keys, so that equal objects compare equal whatever their key order. */
export function canonicalJson(value: unknown): string {
  if (Array.isArray(value)) return `[${value.map(canonicalJson).join(",")}]`;
  if (isJsonObject(value)) {
    const keys = Object.keys(value).sort();
    return `{${keys.map((k) => `${JSON.stringify(k)}:${canonicalJson(value[k])}`).join(",")}}`;
  }
  return JSON.stringify(value) ?? "null";
}

interface RegistryIndex {
  entries: RegistryEntry[];
  /** Lower-cased host → entries (wildcard ServiceEntry hosts under their `*.` form). */
  byHost: Map<string, RegistryEntry[]>;
  /** A domain suffix → the entries strictly below it (`a.b.c` under `b.c` and `c`), to answer wildcard queries. */
  bySuffix: Map<string, RegistryEntry[]>;
}

function buildRegistry(index: MeshIndex): RegistryIndex {
  const registry: RegistryIndex = { entries: [], byHost: new Map(), bySuffix: new Map() };
  const add = (entry: RegistryEntry) => {
    registry.entries.push(entry);
    const host = entry.host.toLowerCase();
    pushTo(registry.byHost, host, entry);
    const labels = (host.startsWith("*.") ? host.slice(2) : host).split(".");
    // A wildcard `*.b.c` also lies below `b.c` itself.
    for (let i = host.startsWith("*.") ? 0 : 1; i < labels.length; i++) pushTo(registry.bySuffix, labels.slice(i).join("."), entry);
  };
  for (const service of index.kind("Service")) {
    if (service.apiVersion !== "v1") continue;
    const namespace = namespaceOf(service);
    const spec = objectAt(service.object, "spec");
    const annotations = stringMap(objectAt(service.object, "metadata")["annotations"]);
    const exportTo = annotations[SERVICE_EXPORT_TO_ANNOTATION]?.split(",");
    const selector = selectorMap(spec["selector"]) ?? {};
    add({
      host: serviceHost(service.name, namespace),
      namespace,
      kind: "Service",
      resource: service,
      exportTo: normaliseExportTo(exportTo, namespace),
      ports: arrayAt(spec, "ports").filter(isJsonObject).map((port) => ({
        number: Number(port["port"]),
        name: typeof port["name"] === "string" ? port["name"] : undefined,
        protocol: typeof port["protocol"] === "string" ? port["protocol"] : undefined,
        targetPort: typeof port["targetPort"] === "string" ? port["targetPort"] : Number(port["targetPort"] ?? port["port"]),
      })),
      podSelector: Object.keys(selector).length > 0 ? selector : undefined,
    });
  }
  for (const entry of index.istio("ServiceEntry")) {
    const namespace = namespaceOf(entry);
    const spec = objectAt(entry.object, "spec");
    const exportTo = normaliseExportTo(arrayAt(spec, "exportTo").filter((e): e is string => typeof e === "string"), namespace);
    // An invalid selector (non-string value) selects no endpoint: left out like an absent one.
    const workloadSelector = selectorMap(objectAt(spec, "workloadSelector")["labels"]) ?? {};
    const ports: RegistryPort[] = arrayAt(spec, "ports").filter(isJsonObject).map((port) => ({
      number: Number(port["number"]),
      name: typeof port["name"] === "string" ? port["name"] : undefined,
      protocol: typeof port["protocol"] === "string" ? port["protocol"] : undefined,
      targetPort: typeof port["targetPort"] === "number" ? port["targetPort"] : undefined,
    }));
    for (const host of arrayAt(spec, "hosts")) {
      if (typeof host !== "string" || host === "") continue;
      add({
        host,
        namespace,
        kind: "ServiceEntry",
        resource: entry,
        exportTo,
        ports,
        podSelector: Object.keys(workloadSelector).length > 0 ? workloadSelector : undefined,
      });
    }
  }
  return registry;
}

interface DestinationRuleIndex {
  all: DestinationRuleInfo[];
  byNamespaceHost: Map<string, Map<string, DestinationRuleInfo[]>>;
}

function buildDestinationRuleIndex(rules: readonly Resource[]): DestinationRuleIndex {
  const index: DestinationRuleIndex = { all: [], byNamespaceHost: new Map() };
  for (const resource of rules) {
    const spec = objectAt(resource.object, "spec");
    if (typeof spec["host"] !== "string" || spec["host"] === "") continue;
    const namespace = namespaceOf(resource);
    const selector = selectorMap(objectAt(spec, "workloadSelector")["matchLabels"]) ?? {};
    const exportToAsWritten = arrayAt(spec, "exportTo").filter((e): e is string => typeof e === "string");
    const info: DestinationRuleInfo = {
      resource,
      namespace,
      host: resolveHost(spec["host"], namespace).toLowerCase(),
      exportTo: normaliseExportTo(exportToAsWritten, namespace),
      workloadSelector: "workloadSelector" in spec ? selector : undefined,
      subsets: arrayAt(spec, "subsets").flatMap((subset, i) =>
        isJsonObject(subset) && typeof subset["name"] === "string" ? [{ name: subset["name"], labels: selectorMap(subset["labels"]), index: i }] : [],
      ),
      hasTrafficPolicy: isJsonObject(spec["trafficPolicy"]),
      exportToAsWritten,
    };
    index.all.push(info);
    if (info.workloadSelector !== undefined) continue;
    let byHost = index.byNamespaceHost.get(namespace);
    if (byHost === undefined) index.byNamespaceHost.set(namespace, (byHost = new Map()));
    pushTo(byHost, info.host, info);
  }
  return index;
}

interface WorkloadIndex {
  byNamespace: Map<string, Workload[]>;
  byLabel: Map<string, Workload[]>;
}

function buildWorkloadIndex(workloads: readonly Workload[]): WorkloadIndex {
  const index: WorkloadIndex = { byNamespace: new Map(), byLabel: new Map() };
  for (const workload of workloads) {
    pushTo(index.byNamespace, workload.namespace, workload);
    for (const [key, value] of Object.entries(workload.labels)) pushTo(index.byLabel, labelKey(workload.namespace, key, value), workload);
  }
  return index;
}

function labelKey(namespace: string, key: string, value: string): string {
  return `${namespace}\u0000${key}=${value}`;
}

function pushTo<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list === undefined) map.set(key, [value]);
  else list.push(value);
}

/**
 * Istio's order for "the oldest wins": creationTimestamp (absent counts as oldest, as Go's zero time),
 * then name, then namespace. Rendered config has no timestamps, so there the order is by name.
 */
export function compareByAge(a: Resource, b: Resource): number {
  const time = (r: Resource): number => {
    const value = objectAt(r.object, "metadata")["creationTimestamp"];
    const parsed = typeof value === "string" ? Date.parse(value) : NaN;
    return Number.isNaN(parsed) ? -Infinity : parsed;
  };
  const ta = time(a);
  const tb = time(b);
  if (ta !== tb) return ta < tb ? -1 : 1;
  return a.name.localeCompare(b.name) || namespaceOf(a).localeCompare(namespaceOf(b));
}

interface MergeEntry {
  exportTo: ReadonlySet<string>;
  group: DestinationRuleMergeGroup;
}

/** See MeshIndex.destinationRuleMergeGroups. */
function buildMergeGroups(all: readonly DestinationRuleInfo[]): DestinationRuleMergeGroup[] {
  const ordered = all.filter((dr) => dr.workloadSelector === undefined).sort((a, b) => compareByAge(a.resource, b.resource));
  // Per index ("local"/"exported"), namespace and host: the entries, in the order Istio appends them.
  const entries = new Map<string, MergeEntry[]>();
  for (const dr of ordered) {
    const exportTo = new Set(dr.exportToAsWritten);
    // setDestinationRules: the namespace-local index holds the rules visible in their own namespace;
    // the exported index holds every rule that is not private-only.
    const local = exportTo.size === 0 || exportTo.has("*") || exportTo.has(".") || exportTo.has(dr.namespace);
    const privateOnly = exportTo.size === 1 && (exportTo.has(".") || exportTo.has(dr.namespace));
    for (const [which, included] of [["local", local], ["exported", !privateOnly]] as const) {
      if (!included) continue;
      const key = `${which}\u0000${dr.namespace}\u0000${dr.host}`;
      const list = entries.get(key) ?? [];
      entries.set(key, list);
      // mergeDestinationRule: the rule merges into every entry whose exportTo equals its own, or is a
      // non-empty subset of it; whether it is also kept as an entry of its own is decided by the last
      // entry looked at (for rules without workloadSelector a merge clears the flag).
      let appendSeparately = true;
      for (const entry of list) {
        const equal = entry.exportTo.size === exportTo.size && [...exportTo].every((e) => entry.exportTo.has(e));
        const superset = !equal && entry.exportTo.size > 0 && [...entry.exportTo].every((e) => exportTo.has(e));
        if (!equal && !superset) {
          appendSeparately = true;
          continue;
        }
        appendSeparately = false;
        entry.group.rules.push(dr);
        entry.group.how.push(equal ? "equal" : "superset");
      }
      if (appendSeparately) list.push({ exportTo, group: { namespace: dr.namespace, host: dr.host, rules: [dr], how: [] } });
    }
  }
  // The same merge can happen in both indexes: report each set of rules once.
  const seen = new Set<string>();
  const groups: DestinationRuleMergeGroup[] = [];
  for (const list of entries.values()) {
    for (const { group } of list) {
      if (group.rules.length < 2) continue;
      const key = group.rules.map((r) => `${r.namespace}/${r.resource.name}`).join("\u0000");
      if (seen.has(key)) continue;
      seen.add(key);
      groups.push(group);
    }
  }
  return groups;
}

/** Labels as `k=v,k2=v2`, the way Kubernetes prints a selector. */
export function formatLabels(labels: Record<string, string>): string {
  return Object.entries(labels)
    .map(([key, value]) => `${key}=${value}`)
    .join(",");
}

/** An earlier match that makes a later one useless: the same conditions, or a URI it covers with no other condition. */
export interface MatchCover {
  /** Route and match index (in the same route list) of the earlier match. */
  route: number;
  match: number;
  how: "duplicate" | "uri";
}

export interface RouteMatchAnalysis {
  /** The first route without `match` (it takes every request), or -1. */
  firstCatchAll: number;
  /** Per route, per match: the earlier match that covers it, if any. */
  covered: Array<Array<MatchCover | undefined>>;
}

/**
 * How the matches of an ordered route list (`http`, `tcp` or `tls`) shadow each other, the way
 * Istio's validation looks at it (`analyzeUnreachableHTTPRules`): a match is covered by an earlier
 * identical match (`name` aside), and, for http, by an earlier match whose only condition is
 * `uri.prefix` or `uri.exact` that takes every URI it can match. Linear in the number of matches
 * (times the URI length).
 */
export function analyzeRouteMatches(routes: readonly unknown[], section: "http" | "tcp" | "tls"): RouteMatchAnalysis {
  const seen = new Map<string, MatchCover>();
  // uri-only earlier matches: value (lower-cased when ignoreUriCase) → where.
  const prefixes = { exactCase: new Map<string, MatchCover>(), anyCase: new Map<string, MatchCover>() };
  const exacts = { exactCase: new Map<string, MatchCover>(), anyCase: new Map<string, MatchCover>() };
  let firstCatchAll = -1;
  const covered: Array<Array<MatchCover | undefined>> = [];
  routes.forEach((route, r) => {
    const matches = arrayAt(route, "match");
    const result: Array<MatchCover | undefined> = [];
    covered.push(result);
    if (matches.length === 0) {
      if (firstCatchAll < 0) firstCatchAll = r;
      return;
    }
    matches.forEach((match, m) => {
      const key = canonicalJson(isJsonObject(match) && section === "http" ? withoutKey(match, "name") : match);
      const cover = seen.get(key) ?? (section === "http" && isJsonObject(match) ? uriCover(match, prefixes, exacts) : undefined);
      result.push(cover);
      if (cover !== undefined) return;
      const here: MatchCover = { route: r, match: m, how: "duplicate" };
      seen.set(key, here);
      if (section !== "http" || !isJsonObject(match)) return;
      const uriOnly = uriOnlyMatch(match);
      if (uriOnly === undefined) return;
      const target = uriOnly.kind === "prefix" ? prefixes : exacts;
      const map = uriOnly.ignoreCase ? target.anyCase : target.exactCase;
      const value = uriOnly.ignoreCase ? uriOnly.value.toLowerCase() : uriOnly.value;
      if (!map.has(value)) map.set(value, { route: r, match: m, how: "uri" });
    });
  });
  return { firstCatchAll, covered };
}

function withoutKey(object: JsonObject, key: string): JsonObject {
  const { [key]: _omitted, ...rest } = object;
  return rest;
}

/** A match whose only request condition is `uri.exact` or `uri.prefix` (selector fields aside: they only narrow it). */
function uriOnlyMatch(match: JsonObject): { kind: "exact" | "prefix"; value: string; ignoreCase: boolean } | undefined {
  for (const key of Object.keys(match)) {
    if (key !== "uri" && key !== "ignoreUriCase" && key !== "name") return undefined;
  }
  const uri = objectAt(match, "uri");
  const ignoreCase = match["ignoreUriCase"] === true;
  if (Object.keys(uri).length !== 1) return undefined;
  if (typeof uri["prefix"] === "string") return { kind: "prefix", value: uri["prefix"], ignoreCase };
  if (typeof uri["exact"] === "string") return { kind: "exact", value: uri["exact"], ignoreCase };
  return undefined;
}

type UriIndex = { exactCase: Map<string, MatchCover>; anyCase: Map<string, MatchCover> };

/**
 * The earlier uri-only match that takes every request this match can take: one whose prefix starts
 * this match's URI (exact or prefix), or whose exact URI equals it. Case-insensitive earlier matches
 * cover either; a case-insensitive later match is covered only by case-insensitive earlier ones.
 * An earlier `prefix: /` takes every request, whatever this match's conditions.
 */
function uriCover(match: JsonObject, prefixes: UriIndex, exacts: UriIndex): MatchCover | undefined {
  const rootCover = prefixes.exactCase.get("/") ?? prefixes.anyCase.get("/");
  if (rootCover !== undefined) return rootCover;
  const uri = objectAt(match, "uri");
  const ignoreCase = match["ignoreUriCase"] === true;
  const value = typeof uri["exact"] === "string" ? uri["exact"] : typeof uri["prefix"] === "string" ? uri["prefix"] : undefined;
  if (value === undefined || Object.keys(uri).length !== 1) return undefined;
  const lower = value.toLowerCase();
  for (let length = value.length; length >= 1; length--) {
    const byCase = ignoreCase ? undefined : prefixes.exactCase.get(value.slice(0, length));
    const found = byCase ?? prefixes.anyCase.get(lower.slice(0, length));
    if (found !== undefined) return found;
  }
  if (typeof uri["exact"] === "string") return (ignoreCase ? undefined : exacts.exactCase.get(value)) ?? exacts.anyCase.get(lower);
  return undefined;
}
