import { isJsonObject, type Resource } from "../model/resource.js";
import { arrayAt, objectAt, pushTo, stringMap } from "./fields.js";
import { isExportedTo, namespaceOf, normaliseExportTo, serviceHost, wildcardsCovering } from "./hosts.js";
import { selectorMap } from "./selector.js";

/** Istio's service registry as the configuration describes it: Kubernetes Services and ServiceEntry hosts. */

/** Istio's per-Service visibility annotation (the Service counterpart of `exportTo`). */
export const SERVICE_EXPORT_TO_ANNOTATION = "networking.istio.io/exportTo";

export interface ServicePort {
  name: string | undefined;
  port: number;
  /** The container port traffic lands on; a named targetPort stays a name. */
  targetPort: number | string;
  /** Kubernetes' L4 protocol as written (TCP when absent). */
  protocol: string | undefined;
  appProtocol: string | undefined;
}

/** A Kubernetes Service (core `v1`). */
export interface ServiceInfo {
  resource: Resource;
  namespace: string;
  host: string;
  /** `{}` when it has none, or an invalid one (a non-string value): the Service then selects no pod. */
  selector: Record<string, string>;
  ports: ServicePort[];
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

/** A core Service, parsed; undefined for other kinds named Service (Knative's). */
export function readService(resource: Resource): ServiceInfo | undefined {
  if (resource.apiVersion !== "v1") return undefined;
  const spec = objectAt(resource.object, "spec");
  const namespace = namespaceOf(resource);
  return {
    resource,
    namespace,
    host: serviceHost(resource.name, namespace),
    selector: selectorMap(spec["selector"]) ?? {},
    ports: arrayAt(spec, "ports")
      .filter(isJsonObject)
      .map((port) => ({
        name: typeof port["name"] === "string" ? port["name"] : undefined,
        port: Number(port["port"]),
        targetPort: typeof port["targetPort"] === "string" ? port["targetPort"] : Number(port["targetPort"] ?? port["port"]),
        protocol: typeof port["protocol"] === "string" ? port["protocol"] : undefined,
        appProtocol: typeof port["appProtocol"] === "string" ? port["appProtocol"] : undefined,
      })),
  };
}

/** Services and ServiceEntry hosts, by host and by domain suffix, so that exact and wildcard lookups are direct. */
export class ServiceRegistry {
  readonly entries: RegistryEntry[] = [];
  /** Lower-cased host → entries (wildcard ServiceEntry hosts under their `*.` form). */
  private readonly byHost = new Map<string, RegistryEntry[]>();
  /** A domain suffix → the entries strictly below it (`a.b.c` under `b.c` and `c`), to answer wildcard queries. */
  private readonly bySuffix = new Map<string, RegistryEntry[]>();

  constructor(services: readonly ServiceInfo[], serviceEntries: readonly Resource[]) {
    for (const service of services) this.add(serviceEntryOf(service));
    for (const entry of serviceEntries) for (const host of serviceEntryHosts(entry)) this.add(host);
  }

  /**
   * The registry entries a host (already resolved to an FQDN, or a wildcard such as `*.example.com`)
   * matches, split by whether they are exported to `fromNamespace`. A plain host matches its exact
   * entries and the ServiceEntry wildcards that cover it; a wildcard host matches every entry it overlaps.
   */
  lookup(host: string, fromNamespace: string): HostLookup {
    const found = new Set<RegistryEntry>();
    const add = (entries: readonly RegistryEntry[] | undefined) => entries?.forEach((e) => found.add(e));
    const name = host.toLowerCase();
    if (name === "*") {
      add(this.entries);
    } else if (name.startsWith("*.")) {
      const suffix = name.slice(2);
      add(this.bySuffix.get(suffix));
      for (const candidate of wildcardsCovering(suffix)) add(this.byHost.get(candidate));
    } else {
      add(this.byHost.get(name));
      for (const candidate of wildcardsCovering(name)) add(this.byHost.get(candidate));
    }
    const visible: RegistryEntry[] = [];
    const hidden: RegistryEntry[] = [];
    for (const entry of found) (isExportedTo(entry.exportTo, fromNamespace) ? visible : hidden).push(entry);
    return { visible, hidden };
  }

  private add(entry: RegistryEntry): void {
    this.entries.push(entry);
    const host = entry.host.toLowerCase();
    pushTo(this.byHost, host, entry);
    const labels = (host.startsWith("*.") ? host.slice(2) : host).split(".");
    // A wildcard `*.b.c` also lies below `b.c` itself.
    for (let i = host.startsWith("*.") ? 0 : 1; i < labels.length; i++) pushTo(this.bySuffix, labels.slice(i).join("."), entry);
  }
}

function serviceEntryOf(service: ServiceInfo): RegistryEntry {
  const annotations = stringMap(objectAt(service.resource.object, "metadata")["annotations"]);
  return {
    host: service.host,
    namespace: service.namespace,
    kind: "Service",
    resource: service.resource,
    exportTo: normaliseExportTo(annotations[SERVICE_EXPORT_TO_ANNOTATION]?.split(","), service.namespace),
    ports: service.ports.map((port) => ({ number: port.port, name: port.name, protocol: port.protocol, targetPort: port.targetPort })),
    podSelector: Object.keys(service.selector).length > 0 ? service.selector : undefined,
  };
}

function serviceEntryHosts(entry: Resource): RegistryEntry[] {
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
  return arrayAt(spec, "hosts")
    .filter((host): host is string => typeof host === "string" && host !== "")
    .map((host) => ({
      host,
      namespace,
      kind: "ServiceEntry" as const,
      resource: entry,
      exportTo,
      ports,
      podSelector: Object.keys(workloadSelector).length > 0 ? workloadSelector : undefined,
    }));
}
