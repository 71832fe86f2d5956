import type { Resource } from "../model/resource.js";
import { parseAuthorizationPolicy, type ParsedAuthorizationPolicy, type PortScope } from "./authorization-policy.js";
import { ROOT_NAMESPACE } from "./hosts.js";
import type { MeshIndex, PodOptions } from "./mesh-index.js";
import { MtlsResolution, parsePeerAuthentication, type EffectiveMtls, type MtlsTarget } from "./peer-authentication.js";
import { SelectorIndex } from "./policy-scope.js";
import { protocolOfServicePort, type PortProtocol } from "./protocol.js";
import { parseRequestAuthentication, type ParsedRequestAuthentication } from "./request-authentication.js";
import type { ServiceInfo, ServicePort } from "./service-registry.js";
import { namedPortsOf, type Workload } from "./workloads.js";

/**
 * How security policies and Services attach to workloads, over one MeshIndex: which
 * AuthorizationPolicies and RequestAuthentications apply to a workload and which workloads each
 * selects (istio-semantics.md §2.1), the effective PeerAuthentication mode (§3.1, §3.2), and the
 * Services, target ports and protocols of a workload (§2.8, §2.9). Both directions are answered by
 * index (selector → workloads by label posting lists, workload → policies by a SelectorIndex), never
 * by comparing every policy with every workload, so one policy or workload can be looked at alone.
 */

/** A Service port whose traffic lands on a workload port. */
export interface ServicePortRef {
  service: ServiceInfo;
  port: ServicePort;
}

/** A Service port written where the workload (target) port is meant: see PolicyModel.servicePortInsteadOfTarget. */
export interface ServicePortMistake {
  /** Names of the Services that have the port. */
  services: string[];
  /** The target ports that traffic to it reaches, sorted. */
  targets: number[];
  /** Names of the workloads reached on another port. */
  workloads: string[];
}

const models = new WeakMap<MeshIndex, PolicyModel>();

export class PolicyModel {
  /** The model of an index, built on first use and shared by every reader of the index. */
  static of(index: MeshIndex): PolicyModel {
    let model = models.get(index);
    if (model === undefined) {
      model = new PolicyModel(index);
      models.set(index, model);
    }
    return model;
  }

  private readonly mtls: MtlsResolution;
  private readonly authorization: SelectorIndex<ParsedAuthorizationPolicy>;
  private readonly requestAuthentication: SelectorIndex<ParsedRequestAuthentication>;
  private readonly services: SelectorIndex<{ namespace: string; selector: Record<string, string>; service: ServiceInfo }>;
  private readonly namedPortsCache = new Map<Workload, Map<string, number>>();

  private constructor(readonly index: MeshIndex) {
    this.mtls = new MtlsResolution(index.istio("PeerAuthentication"));
    this.authorization = new SelectorIndex(this.authorizationPolicies());
    // A RequestAuthentication whose selector is invalid applies to no workload.
    this.requestAuthentication = new SelectorIndex(
      index.istio("RequestAuthentication").map(parseRequestAuthentication).filter((ra) => ra.invalidSelector === undefined),
    );
    // A Service without a selector has no pod endpoints; Service selectors never reach other namespaces.
    this.services = new SelectorIndex(
      [...index.servicesByHost.values()].filter((s) => Object.keys(s.selector).length > 0).map((service) => ({ namespace: service.namespace, selector: service.selector, service })),
      undefined,
    );
  }

  // ---- Services and ports ----

  /** The Services that select the workload, in input order. */
  servicesOf(workload: Workload): ServiceInfo[] {
    return this.services.matching(workload.namespace, workload.labels).map((entry) => entry.service);
  }

  /** The workloads behind a Service (none without a selector). */
  workloadsOf(service: ServiceInfo, options: PodOptions = {}): Workload[] {
    if (Object.keys(service.selector).length === 0) return [];
    return this.index.podsMatching(service.namespace, service.selector, options);
  }

  /** The container port a Service port lands on for this workload (a named targetPort resolved by container port name). */
  targetPortOf(workload: Workload, port: ServicePort): number | undefined {
    if (typeof port.targetPort === "number") return Number.isFinite(port.targetPort) ? port.targetPort : undefined;
    let named = this.namedPortsCache.get(workload);
    if (named === undefined) this.namedPortsCache.set(workload, (named = namedPortsOf(workload)));
    return named.get(port.targetPort);
  }

  /** Every port the workload is known to listen on: its container ports and its Services' target ports. */
  workloadPorts(workload: Workload): number[] {
    const ports = new Set(workload.containerPorts.filter((p) => Number.isFinite(p)));
    for (const service of this.servicesOf(workload)) {
      for (const port of service.ports) {
        const target = this.targetPortOf(workload, port);
        if (target !== undefined) ports.add(target);
      }
    }
    return [...ports].sort((a, b) => a - b);
  }

  /**
   * When `port`, written where Istio expects a workload (container/target) port, is instead the Service
   * port of a Service in front of some of `workloads` and not one of their own ports: which Services,
   * the target ports that traffic really reaches, and the workloads concerned. Undefined when the port
   * is fine (or unknown) for every workload.
   */
  servicePortInsteadOfTarget(workloads: readonly Workload[], port: number): ServicePortMistake | undefined {
    const services = new Set<string>();
    const targets = new Set<number>();
    const affected: string[] = [];
    for (const workload of workloads) {
      if (this.workloadPorts(workload).includes(port)) continue;
      for (const service of this.servicesOf(workload)) {
        for (const servicePort of service.ports) {
          const target = this.targetPortOf(workload, servicePort);
          if (servicePort.port !== port || target === undefined || target === port) continue;
          services.add(service.resource.name);
          targets.add(target);
          affected.push(workload.name);
        }
      }
    }
    if (affected.length === 0) return undefined;
    return { services: [...services], targets: [...targets].sort((a, b) => a - b), workloads: affected };
  }

  /** The Service ports (of Services selecting the workload) whose traffic lands on this workload port. */
  servicePortsAt(workload: Workload, port: number): ServicePortRef[] {
    const refs: ServicePortRef[] = [];
    for (const service of this.servicesOf(workload)) {
      for (const servicePort of service.ports) {
        if (this.targetPortOf(workload, servicePort) === port) refs.push({ service, port: servicePort });
      }
    }
    return refs;
  }

  /**
   * The protocol Istio gives a workload port, from the name/appProtocol of the Service ports that target it
   * (§2.9). `tcp` only when every such Service port is TCP-family; `unknown` when none declares one.
   */
  portProtocol(workload: Workload, port: number): PortProtocol {
    const protocols = this.servicePortsAt(workload, port).map((ref) => protocolOfServicePort(ref.port));
    if (protocols.length === 0) return "unknown";
    if (protocols.includes("http")) return "http";
    if (protocols.every((p) => p === "tcp")) return "tcp";
    if (protocols.every((p) => p === "udp")) return "udp";
    return "unknown";
  }

  /** The ports of a workload that a port scope covers (every known port when the scope is unlimited). */
  portsInScope(workload: Workload, scope: PortScope): number[] {
    const except = new Set(scope.except);
    return (scope.only ?? this.workloadPorts(workload)).filter((p) => !except.has(p));
  }

  // ---- AuthorizationPolicy and RequestAuthentication ----

  /** Every Istio AuthorizationPolicy, parsed, in input order. */
  authorizationPolicies(): ParsedAuthorizationPolicy[] {
    return this.index.istio("AuthorizationPolicy").map(parseAuthorizationPolicy);
  }

  /**
   * The AuthorizationPolicies whose namespace and selector pick a workload with these labels, in input
   * order: also those a sidecar does not enforce (targetRefs, dry-run) and those with an invalid selector
   * (as if namespace-wide), for the reader to say why they do not count.
   */
  authorizationPoliciesSelecting(namespace: string, labels: Readonly<Record<string, string>>): ParsedAuthorizationPolicy[] {
    return this.authorization.matching(namespace, labels);
  }

  /** The AuthorizationPolicies that apply to a workload's sidecar (dry-run ones included), in input order. */
  authorizationPoliciesFor(workload: Workload): Resource[] {
    return this.authorizationPoliciesSelecting(workload.namespace, workload.labels)
      .filter((policy) => policy.invalidSelector === undefined && !policy.hasTargetRefs)
      .map((policy) => policy.resource);
  }

  /** The workloads an AuthorizationPolicy applies to (none when it uses targetRef(s): those are for gateways/waypoints). */
  authorizationPolicyWorkloads(policy: Resource, options: PodOptions = {}): Workload[] {
    const parsed = parseAuthorizationPolicy(policy);
    if (parsed.hasTargetRefs || parsed.invalidSelector !== undefined) return [];
    return this.index.podsMatching(parsed.namespace === ROOT_NAMESPACE ? undefined : parsed.namespace, parsed.selector ?? {}, options);
  }

  /** The RequestAuthentications (valid selector) whose namespace and selector pick a workload with these labels, in input order. */
  requestAuthenticationsSelecting(namespace: string, labels: Readonly<Record<string, string>>): ParsedRequestAuthentication[] {
    return this.requestAuthentication.matching(namespace, labels);
  }

  /** The RequestAuthentications that apply to a workload's sidecar. */
  requestAuthenticationsFor(workload: Workload): Resource[] {
    return this.requestAuthenticationsSelecting(workload.namespace, workload.labels)
      .filter((ra) => !ra.hasTargetRefs)
      .map((ra) => ra.resource);
  }

  requestAuthenticationWorkloads(policy: Resource): Workload[] {
    const parsed = parseRequestAuthentication(policy);
    if (parsed.hasTargetRefs || parsed.invalidSelector !== undefined) return [];
    return this.index.workloadsMatching(parsed.namespace === ROOT_NAMESPACE ? undefined : parsed.namespace, parsed.selector ?? {});
  }

  // ---- PeerAuthentication ----

  /** The mode set by the mesh-wide and namespace-wide PeerAuthentications only (what auto mTLS infers, §3.4). */
  namespaceMtls(namespace: string): EffectiveMtls {
    return this.mtls.namespaceMtls(namespace);
  }

  /** The namespace-wide PeerAuthentication that counts for a namespace (the oldest without a selector). */
  namespacePeerAuthentication(namespace: string): Resource | undefined {
    return this.mtls.namespacePeerAuthentication(namespace);
  }

  /** The effective server-side mTLS mode of a workload, on one port or workload-wide (§3.1 algorithm). */
  effectiveMtls(workload: MtlsTarget, port?: number): EffectiveMtls {
    return this.mtls.effectiveMtls(workload, port);
  }

  /** PeerAuthentications that look relevant to a workload but do not count, and why. */
  ignoredPeerAuthentications(workload: MtlsTarget): string[] {
    return this.mtls.ignoredFor(workload);
  }

  /**
   * The workloads for which this PeerAuthentication is the workload-level policy (it has a selector, is
   * outside the root namespace, and is the oldest that selects them); empty for any other.
   */
  peerAuthenticationWorkloads(policy: Resource, options: PodOptions = {}): Workload[] {
    const parsed = parsePeerAuthentication(policy);
    if (parsed.namespace === ROOT_NAMESPACE || parsed.selector === undefined) return [];
    return this.index.podsMatching(parsed.namespace, parsed.selector, options).filter((w) => this.mtls.workloadPeerAuthentication(w) === policy);
  }
}
