import type { Resource } from "../model/resource.js";
import { pushTo } from "./fields.js";
import { namespaceOf } from "./hosts.js";
import { DestinationRuleIndex, type DestinationRuleInfo, type DestinationRuleLookup, type DestinationRuleMergeGroup } from "./destination-rule.js";
import { compareByAge } from "./resource-order.js";
import { ServiceRegistry, readService, type HostLookup, type RegistryEntry, type ServiceInfo } from "./service-registry.js";
import { parseVirtualService, type ParsedVirtualService } from "./virtual-service.js";
import { WorkloadIndex } from "./workload-index.js";
import { describedWorkloads, inferWorkloads, type Workload } from "./workloads.js";

/**
 * The one index of the configuration that every stage reads (lint rules, the access engine): objects
 * by kind, Istio's service registry, the workloads and their labels, DestinationRules and VirtualServices
 * by host. Built once per set of resources; each part is indexed on first use, so every query is direct
 * (by host, namespace or label) and a run stays linear in the number of objects.
 * Security policies and how they attach to workloads: PolicyModel.of(index).
 */
export class MeshIndex {
  readonly byKind = new Map<string, Resource[]>();
  /** Core Services by FQDN. */
  readonly servicesByHost = new Map<string, ServiceInfo>();
  /** The workloads the configuration describes (never inferred ones). */
  readonly workloads: readonly Workload[];
  /**
   * The pods Services imply where the configuration describes none behind them (see inferWorkloads):
   * only for rules about the pods behind a Service, never to show that a selector matches nothing.
   */
  readonly inferredWorkloads: readonly Workload[];
  readonly namespaces = new Set<string>();
  private readonly described: WorkloadIndex;
  private readonly inferred: WorkloadIndex;

  /**
   * @param environment the environment being linted (rules such as "no PERMISSIVE in prod" read
   *   it); undefined for files given on the command line.
   */
  constructor(
    readonly resources: readonly Resource[],
    readonly environment?: string,
  ) {
    for (const resource of resources) {
      pushTo(this.byKind, resource.kind, resource);
      this.namespaces.add(namespaceOf(resource));
      if (resource.kind === "Namespace") this.namespaces.add(resource.name);
    }
    const services = this.kind("Service").flatMap((resource) => readService(resource) ?? []);
    for (const service of services) this.servicesByHost.set(service.host, service);
    this.workloads = describedWorkloads((kind) => this.kind(kind), services);
    this.described = new WorkloadIndex(this.workloads);
    this.inferredWorkloads = inferWorkloads(services, (service) => this.described.select(service.selector, service.namespace).length > 0);
    this.inferred = new WorkloadIndex(this.inferredWorkloads);
  }

  kind(kind: string): readonly Resource[] {
    return this.byKind.get(kind) ?? [];
  }

  /** Istio resources of a kind (the API group check skips unrelated CRDs that share a kind name). */
  istio(kind: string): readonly Resource[] {
    return this.kind(kind).filter((r) => r.apiVersion.includes(".istio.io/"));
  }

  // ---- Istio's service registry: Services and ServiceEntries by host ----

  private registryCache: ServiceRegistry | undefined;

  private get registry(): ServiceRegistry {
    this.registryCache ??= new ServiceRegistry([...this.servicesByHost.values()], this.istio("ServiceEntry"));
    return this.registryCache;
  }

  /** Every host in the registry, in input order (Services, then ServiceEntry hosts). */
  registryEntries(): readonly RegistryEntry[] {
    return this.registry.entries;
  }

  /** See ServiceRegistry.lookup. */
  lookupHost(host: string, fromNamespace: string): HostLookup {
    return this.registry.lookup(host, fromNamespace);
  }

  // ---- Workloads by namespace and label ----

  /**
   * True when the input describes any workload (a Deployment-like object, a Pod, an annotated Service or
   * a WorkloadEntry) in the namespace. Where it knows none (gateway pods installed elsewhere), a selector
   * that matches nothing proves nothing.
   */
  knowsWorkloadsIn(namespace: string): boolean {
    return this.described.inNamespace(namespace).length > 0;
  }

  workloadsIn(namespace: string): readonly Workload[] {
    return this.described.inNamespace(namespace);
  }

  /** Service accounts known in a namespace: those described workloads run as, and ServiceAccount objects. */
  serviceAccountsIn(namespace: string): ReadonlySet<string> {
    if (this.serviceAccountCache === undefined) {
      this.serviceAccountCache = new Map();
      const add = (ns: string, account: string) => {
        const set = this.serviceAccountCache?.get(ns) ?? new Set<string>();
        set.add(account);
        this.serviceAccountCache?.set(ns, set);
      };
      for (const workload of this.workloads) add(workload.namespace, workload.serviceAccount);
      for (const account of this.kind("ServiceAccount")) add(namespaceOf(account), account.name);
    }
    return this.serviceAccountCache.get(namespace) ?? new Set();
  }

  private serviceAccountCache: Map<string, Set<string>> | undefined;

  /** Namespaces with described workloads (and, `withInferredPods`, pods Services imply), sorted. */
  namespacesWithWorkloads(options: PodOptions = {}): string[] {
    const namespaces = new Set(this.described.namespaces());
    if (options.withInferredPods === true) for (const namespace of this.inferred.namespaces()) namespaces.add(namespace);
    return [...namespaces].sort();
  }

  /**
   * The described workloads whose labels include every `selector` label, in `namespace` (every namespace
   * when undefined). An empty selector selects all; a null one (invalid, see selectorMap) selects none.
   */
  workloadsMatching(namespace: string | undefined, selector: Readonly<Record<string, string>> | null): Workload[] {
    return this.described.select(selector, namespace);
  }

  /** workloadsMatching, with the pods Services imply (see inferredWorkloads) when `withInferredPods`. */
  podsMatching(namespace: string | undefined, selector: Readonly<Record<string, string>> | null, options: PodOptions): Workload[] {
    const found = this.described.select(selector, namespace);
    return options.withInferredPods === true ? [...found, ...this.inferred.select(selector, namespace)] : found;
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

  // ---- DestinationRules ----

  private destinationRuleCache: DestinationRuleIndex | undefined;

  private get destinationRuleIndex(): DestinationRuleIndex {
    this.destinationRuleCache ??= new DestinationRuleIndex(this.istio("DestinationRule"));
    return this.destinationRuleCache;
  }

  /** Every Istio DestinationRule with a host, parsed, in input order. */
  destinationRules(): readonly DestinationRuleInfo[] {
    return this.destinationRuleIndex.all;
  }

  /** See DestinationRuleIndex.groups. */
  destinationRuleGroups(): ReadonlyMap<string, ReadonlyMap<string, readonly DestinationRuleInfo[]>> {
    return this.destinationRuleIndex.groups();
  }

  /** See DestinationRuleIndex.mergeGroups. */
  destinationRuleMergeGroups(): readonly DestinationRuleMergeGroup[] {
    return this.destinationRuleIndex.mergeGroups();
  }

  /** See DestinationRuleIndex.lookup. */
  destinationRuleFor(
    host: string,
    clientNamespace: string,
    serviceNamespace: string | undefined,
    clientLabels?: Readonly<Record<string, string>>,
  ): DestinationRuleLookup | undefined {
    return this.destinationRuleIndex.lookup(host, clientNamespace, serviceNamespace, clientLabels);
  }

  // ---- VirtualServices and Gateways ----

  private virtualServiceCache: ParsedVirtualService[] | undefined;
  private virtualServiceHostCache: Map<string, Resource[]> | undefined;
  private gatewayCache: Map<string, Resource> | undefined;

  /** Istio VirtualServices, parsed, oldest first (Istio's order among equals). */
  virtualServices(): readonly ParsedVirtualService[] {
    this.virtualServiceCache ??= [...this.istio("VirtualService")].sort(compareByAge).map(parseVirtualService);
    return this.virtualServiceCache;
  }

  /** Istio VirtualServices by resolved host (each host of each VirtualService; delegates have none), in input order. */
  virtualServicesByHost(): ReadonlyMap<string, readonly Resource[]> {
    if (this.virtualServiceHostCache === undefined) {
      const byHost = new Map<string, Resource[]>();
      for (const vs of this.istio("VirtualService")) {
        for (const host of parseVirtualService(vs).hosts) pushTo(byHost, host, vs);
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
}

/** Whether a query about the pods behind Services counts the pods Services imply (MeshIndex.inferredWorkloads). */
export interface PodOptions {
  withInferredPods?: boolean;
}

