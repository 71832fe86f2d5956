import { authorizationActionOf, hasTargetRefs, type AuthorizationAction } from "../mesh/authorization-policy.js";
import { DRY_RUN_ANNOTATION, isDryRunValue } from "../mesh/dry-run.js";
import { labelsMatch, readMatchLabels } from "../mesh/selector.js";
import { convertProtocol, isHttpProtocol, isTcpProtocol } from "../mesh/protocol.js";
import { isJsonObject, pointerOf, type JsonObject, type Resource } from "../model/resource.js";
import {
  ROOT_NAMESPACE,
  arrayAt,
  compareByAge,
  namespaceOf,
  objectAt,
  selectorMap,
  stringMap,
  type MeshIndex,
  type ServiceInfo,
  type ServicePort,
  type Workload,
} from "./mesh-index.js";

export { compareByAge } from "./mesh-index.js";

/**
 * Istio security semantics the lint rules share, computed once per MeshIndex in one linear pass
 * (selectors are resolved through label posting lists, never by comparing every policy with every
 * workload). References are to /work/shared/reference/istio-semantics.md.
 *
 * - Which AuthorizationPolicies and RequestAuthentications apply to a workload (§2.1): policies in the
 *   workload's namespace and in the root namespace; no selector = every workload of the namespace (the
 *   mesh, in the root namespace); a root-namespace selector matches in every namespace; a policy with
 *   targetRef(s) does not apply to sidecar workloads.
 * - The effective PeerAuthentication mode of a workload and port (§3.1, §3.2).
 * - The protocol of a workload port, from the Service ports that target it (§2.9).
 */

export const MTLS_MODES = ["STRICT", "PERMISSIVE", "DISABLE"] as const;
export type MtlsMode = (typeof MTLS_MODES)[number];
/** Which level decided the mode: `default` is Istio's PERMISSIVE when no PeerAuthentication sets one. */
export type MtlsLevel = "default" | "mesh" | "namespace" | "workload" | "port";

export interface EffectiveMtls {
  mode: MtlsMode;
  level: MtlsLevel;
  /** The PeerAuthentication that set the mode (undefined for `default`). */
  policy: Resource | undefined;
  /** JSON pointer of the field that set it ("" for `default`). */
  pointer: string;
}

/** `unknown`: no Service port declares the protocol, so Istio sniffs it (HTTP traffic can still be HTTP). */
export type PortProtocol = "http" | "tcp" | "udp" | "unknown";

export { AUTHORIZATION_ACTIONS, hasTargetRefs, type AuthorizationAction } from "../mesh/authorization-policy.js";

export { DRY_RUN_ANNOTATION } from "../mesh/dry-run.js";

/** One `rules[i]` of an AuthorizationPolicy, its parts with their JSON pointers. */
export interface AuthorizationRule {
  index: number;
  pointer: string;
  /** `from` is present and non-empty (likewise `hasTo`, `hasWhen`). */
  hasFrom: boolean;
  hasTo: boolean;
  hasWhen: boolean;
  sources: Array<{ source: JsonObject; pointer: string }>;
  operations: Array<{ operation: JsonObject; pointer: string }>;
  conditions: Array<{ condition: JsonObject; pointer: string }>;
}

/** The workload ports a rule (or one operation of it) is limited to: `only` undefined = every port. */
export interface PortScope {
  only: number[] | undefined;
  except: number[];
}

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

export interface ParsedPrincipal {
  trustDomain: string;
  namespace: string;
  serviceAccount: string;
}

const POD_KINDS = new Set(["Deployment", "StatefulSet", "DaemonSet", "ReplicaSet", "Job", "ReplicationController", "Pod"]);

const models = new WeakMap<MeshIndex, PolicyModel>();

export class PolicyModel {
  /** The model of an index, built on first use and shared by every rule of the run. */
  static of(index: MeshIndex): PolicyModel {
    let model = models.get(index);
    if (model === undefined) {
      model = new PolicyModel(index);
      models.set(index, model);
    }
    return model;
  }

  private readonly selector: LabelIndex;
  private readonly serviceAccounts = new Map<string, Set<string>>();
  private readonly servicesByWorkload = new Map<Workload, ServiceInfo[]>();
  private readonly workloadsByService = new Map<ServiceInfo, Workload[]>();
  private readonly authzByWorkload = new Map<Workload, Resource[]>();
  private readonly authzWorkloads = new Map<Resource, Workload[]>();
  private readonly requestAuthnByWorkload = new Map<Workload, Resource[]>();
  private readonly requestAuthnWorkloads = new Map<Resource, Workload[]>();
  private meshPeerAuthentication: Resource | undefined;
  private readonly namespacePeerAuthentications = new Map<string, Resource>();
  private readonly workloadPeerAuthentications = new Map<Workload, Resource>();
  private readonly peerAuthenticationTargets = new Map<Resource, Workload[]>();
  private readonly namedPortsCache = new Map<Workload, Map<string, number>>();

  constructor(readonly index: MeshIndex) {
    this.selector = new LabelIndex(index.workloads);
    for (const workload of index.workloads) addToSet(this.serviceAccounts, workload.namespace, workload.serviceAccount);
    for (const account of index.kind("ServiceAccount")) addToSet(this.serviceAccounts, namespaceOf(account), account.name);

    for (const service of index.servicesByHost.values()) {
      // A Service without a selector has no pod endpoints.
      const selected = Object.keys(service.selector).length === 0 ? [] : this.selector.select(service.selector, service.namespace);
      this.workloadsByService.set(service, selected);
      for (const workload of selected) addToList(this.servicesByWorkload, workload, service);
    }
    for (const policy of index.istio("AuthorizationPolicy")) {
      const selected = this.selectForPolicy(policy);
      this.authzWorkloads.set(policy, selected);
      for (const workload of selected) addToList(this.authzByWorkload, workload, policy);
    }
    for (const policy of index.istio("RequestAuthentication")) {
      const selected = this.selectForPolicy(policy);
      this.requestAuthnWorkloads.set(policy, selected);
      for (const workload of selected) addToList(this.requestAuthnByWorkload, workload, policy);
    }
    this.indexPeerAuthentications(index.istio("PeerAuthentication"));
  }

  // ---- workloads and namespaces ----

  workloadsIn(namespace: string): readonly Workload[] {
    return this.selector.inNamespace(namespace);
  }

  /** A namespace in which no workload is known (its pods are installed elsewhere) cannot be judged. */
  hasWorkloads(namespace: string): boolean {
    return this.selector.inNamespace(namespace).length > 0;
  }

  namespacesWithWorkloads(): string[] {
    return this.selector.namespaces().sort();
  }

  /** Service accounts known in a namespace: those workloads run as, and ServiceAccount objects. */
  serviceAccountsIn(namespace: string): ReadonlySet<string> {
    return this.serviceAccounts.get(namespace) ?? new Set();
  }

  /**
   * Workloads whose labels include `matchLabels`: in `namespace`, or in every namespace when it is
   * undefined. A null selector (a non-string value, see selectorMap) selects none.
   */
  selectWorkloads(matchLabels: Record<string, string> | null, namespace: string | undefined): Workload[] {
    return matchLabels === null ? [] : this.selector.select(matchLabels, namespace);
  }

  // ---- services and ports ----

  servicesOf(workload: Workload): readonly ServiceInfo[] {
    return this.servicesByWorkload.get(workload) ?? [];
  }

  workloadsOf(service: ServiceInfo): readonly Workload[] {
    return this.workloadsByService.get(service) ?? [];
  }

  /** The container port a Service port lands on for this workload (a named targetPort resolved by container port name). */
  targetPortOf(workload: Workload, port: ServicePort): number | undefined {
    if (typeof port.targetPort === "number") return Number.isFinite(port.targetPort) ? port.targetPort : undefined;
    return this.namedPorts(workload).get(port.targetPort);
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

  /** The workloads an AuthorizationPolicy applies to (none when it uses targetRef(s): those are for gateways/waypoints). */
  authorizationPolicyWorkloads(policy: Resource): readonly Workload[] {
    return this.authzWorkloads.get(policy) ?? [];
  }

  authorizationPoliciesFor(workload: Workload): readonly Resource[] {
    return this.authzByWorkload.get(workload) ?? [];
  }

  requestAuthenticationWorkloads(policy: Resource): readonly Workload[] {
    return this.requestAuthnWorkloads.get(policy) ?? [];
  }

  requestAuthenticationsFor(workload: Workload): readonly Resource[] {
    return this.requestAuthnByWorkload.get(workload) ?? [];
  }

  // ---- PeerAuthentication ----

  /** The mode set by the mesh-wide and namespace-wide PeerAuthentications only (what auto mTLS infers, §3.4). */
  namespaceMtls(namespace: string): EffectiveMtls {
    let result: EffectiveMtls = { mode: "PERMISSIVE", level: "default", policy: undefined, pointer: "" };
    result = applyPeerAuthentication(result, this.meshPeerAuthentication, "mesh");
    if (namespace !== ROOT_NAMESPACE) result = applyPeerAuthentication(result, this.namespacePeerAuthentications.get(namespace), "namespace");
    return result;
  }

  /** The namespace-wide PeerAuthentication that counts for a namespace (the oldest without a selector). */
  namespacePeerAuthentication(namespace: string): Resource | undefined {
    return namespace === ROOT_NAMESPACE ? this.meshPeerAuthentication : this.namespacePeerAuthentications.get(namespace);
  }

  /**
   * The workloads for which this PeerAuthentication is the workload-level policy (it has a selector, is
   * outside the root namespace, and is the oldest that selects them); empty for any other.
   */
  peerAuthenticationWorkloads(policy: Resource): readonly Workload[] {
    return this.peerAuthenticationTargets.get(policy) ?? [];
  }

  /** The effective server-side mTLS mode of a workload, on one port or workload-wide (§3.1 algorithm). */
  effectiveMtls(workload: Workload, port?: number): EffectiveMtls {
    const workloadPolicy = this.workloadPeerAuthentications.get(workload);
    let result = applyPeerAuthentication(this.namespaceMtls(workload.namespace), workloadPolicy, "workload");
    if (port !== undefined && workloadPolicy !== undefined) {
      const entry = objectAt(objectAt(objectAt(workloadPolicy.object, "spec"), "portLevelMtls"), String(port));
      const mode = mtlsModeOf(entry["mode"]);
      if (mode !== undefined) {
        result = { mode, level: "port", policy: workloadPolicy, pointer: pointerOf("spec", "portLevelMtls", String(port), "mode") };
      }
    }
    return result;
  }

  private selectForPolicy(policy: Resource): Workload[] {
    const spec = objectAt(policy.object, "spec");
    if (hasTargetRefs(spec)) return [];
    const namespace = namespaceOf(policy);
    const labels = matchLabelsOf(policy);
    // A selector with a non-string value selects nothing (never the whole namespace).
    if (labels === null) return [];
    return this.selector.select(labels ?? {}, namespace === ROOT_NAMESPACE ? undefined : namespace);
  }

  private indexPeerAuthentications(policies: readonly Resource[]): void {
    // Oldest first: at every level the oldest policy wins and newer ones are ignored (§3.1).
    for (const policy of [...policies].sort(compareByAge)) {
      const namespace = namespaceOf(policy);
      const labels = matchLabelsOf(policy);
      if (namespace === ROOT_NAMESPACE) {
        // Root-namespace policies with a selector are ignored in sidecar mode.
        if (labels === undefined) this.meshPeerAuthentication ??= policy;
        continue;
      }
      if (labels === undefined) {
        if (!this.namespacePeerAuthentications.has(namespace)) this.namespacePeerAuthentications.set(namespace, policy);
        continue;
      }
      if (labels === null) continue; // a non-string selector value: it selects nothing
      for (const workload of this.selector.select(labels, namespace)) {
        if (this.workloadPeerAuthentications.has(workload)) continue;
        this.workloadPeerAuthentications.set(workload, policy);
        addToList(this.peerAuthenticationTargets, policy, workload);
      }
    }
  }

  private namedPorts(workload: Workload): Map<string, number> {
    let ports = this.namedPortsCache.get(workload);
    if (ports !== undefined) return ports;
    ports = new Map();
    const source = workload.source;
    if (POD_KINDS.has(source.kind)) {
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
    this.namedPortsCache.set(workload, ports);
    return ports;
  }
}

// ---- free functions: reading policies ----

/**
 * The selector labels of a policy; undefined when it has none or empty ones (namespace-wide), and null
 * when a value is not a string: such a selector selects no workload, and is not namespace-wide.
 */
export function matchLabelsOf(resource: Resource): Record<string, string> | null | undefined {
  const spec = objectAt(resource.object, "spec");
  if (resource.kind !== "Sidecar") {
    const read = readMatchLabels(spec["selector"]);
    return read.invalid !== undefined ? null : read.labels;
  }
  const workloadSelector = spec["workloadSelector"];
  if (workloadSelector !== undefined && workloadSelector !== null && !isJsonObject(workloadSelector)) return null;
  const labels = selectorMap(objectAt(spec, "workloadSelector")["labels"]);
  if (labels === null) return null;
  return Object.keys(labels).length === 0 ? undefined : labels;
}


/** Namespace-wide: no selector and no targetRef(s), so the object applies to every workload of its namespace. */
export function isNamespaceWide(resource: Resource): boolean {
  return matchLabelsOf(resource) === undefined && !hasTargetRefs(objectAt(resource.object, "spec"));
}

export function actionOf(policy: Resource): AuthorizationAction {
  return authorizationActionOf(objectAt(policy.object, "spec"));
}

/** `istio.io/dry-run`, parsed like Go's strconv.ParseBool (§2.10). */
export function isDryRun(resource: Resource): boolean {
  return isDryRunValue(stringMap(objectAt(resource.object, "metadata")["annotations"])[DRY_RUN_ANNOTATION]);
}

/** `spec: {}`-style allow-nothing: an enforced ALLOW policy with no rules, so it denies whatever nothing else allows. */
export function isAllowNothing(policy: Resource): boolean {
  const spec = objectAt(policy.object, "spec");
  return actionOf(policy) === "ALLOW" && arrayAt(spec, "rules").length === 0 && !isDryRun(policy) && !("provider" in spec);
}

export function authorizationRules(policy: Resource): AuthorizationRule[] {
  return arrayAt(objectAt(policy.object, "spec"), "rules").flatMap((rule, index) => {
    if (!isJsonObject(rule)) return [];
    const from = arrayAt(rule, "from");
    const to = arrayAt(rule, "to");
    const when = arrayAt(rule, "when");
    return [
      {
        index,
        pointer: pointerOf("spec", "rules", index),
        hasFrom: from.length > 0,
        hasTo: to.length > 0,
        hasWhen: when.length > 0,
        sources: from.flatMap((entry, j) =>
          isJsonObject(entry) ? [{ source: objectAt(entry, "source"), pointer: pointerOf("spec", "rules", index, "from", j, "source") }] : [],
        ),
        operations: to.flatMap((entry, j) =>
          isJsonObject(entry) ? [{ operation: objectAt(entry, "operation"), pointer: pointerOf("spec", "rules", index, "to", j, "operation") }] : [],
        ),
        conditions: when.flatMap((condition, k) =>
          isJsonObject(condition) ? [{ condition, pointer: pointerOf("spec", "rules", index, "when", k) }] : [],
        ),
      },
    ];
  });
}

/**
 * The workload ports a rule applies to: `to.operation.ports` (when every operation names some),
 * `notPorts` (excluded when every operation excludes them) and `when destination.port` (§2.3, §2.8).
 * Pass `operations` to scope a single operation instead of the whole rule.
 */
export function portScopeOf(rule: AuthorizationRule, operations: readonly JsonObject[] = rule.operations.map((o) => o.operation)): PortScope {
  let only: Set<number> | undefined;
  let except = new Set<number>();
  if (operations.length > 0) {
    const portLists = operations.map((op) => portNumbers(arrayAt(op, "ports")));
    if (portLists.every((ports) => ports.length > 0)) only = new Set(portLists.flat());
    const notLists = operations.map((op) => portNumbers(arrayAt(op, "notPorts")));
    if (notLists.every((ports) => ports.length > 0)) except = new Set(notLists.reduce((a, b) => a.filter((p) => b.includes(p))));
  }
  for (const { condition } of rule.conditions) {
    if (condition["key"] !== "destination.port") continue;
    const values = portNumbers(arrayAt(condition, "values"));
    if (values.length > 0) only = new Set(only === undefined ? values : values.filter((p) => only?.has(p)));
    for (const p of portNumbers(arrayAt(condition, "notValues"))) except.add(p);
  }
  return { only: only === undefined ? undefined : [...only].sort((a, b) => a - b), except: [...except].sort((a, b) => a - b) };
}

export function portNumbers(values: readonly unknown[]): number[] {
  return values.map((v) => (typeof v === "number" ? v : typeof v === "string" && /^\d+$/.test(v) ? Number(v) : NaN)).filter((n) => Number.isInteger(n));
}

/** `<trust-domain>/ns/<namespace>/sa/<service-account>`, without wildcards. */
export function parsePrincipal(value: string): ParsedPrincipal | undefined {
  if (value.includes("*")) return undefined;
  const match = /^([^/]+)\/ns\/([^/]+)\/sa\/([^/]+)$/.exec(value);
  if (match === null) return undefined;
  return { trustDomain: match[1] ?? "", namespace: match[2] ?? "", serviceAccount: match[3] ?? "" };
}

// ---- free functions: PeerAuthentication and protocols ----

export function mtlsModeOf(value: unknown): MtlsMode | undefined {
  return typeof value === "string" && (MTLS_MODES as readonly string[]).includes(value) ? (value as MtlsMode) : undefined;
}

/** Istio's protocol for a Service port: appProtocol, else the name's `<protocol>[-suffix]` (`kube.ConvertProtocol`). */
export function protocolOfServicePort(port: ServicePort): PortProtocol {
  const protocol = convertProtocol(port);
  if (protocol === "UDP") return "udp";
  if (isHttpProtocol(protocol)) return "http";
  return isTcpProtocol(protocol) ? "tcp" : "unknown";
}

/** Human text for where an effective mode comes from, e.g. `STRICT from PeerAuthentication vapora/default`. */
export function describeMtls(mtls: EffectiveMtls): string {
  if (mtls.policy === undefined) return `${mtls.mode}, Istio's default when no PeerAuthentication sets a mode`;
  const where = mtls.level === "port" ? `portLevelMtls of PeerAuthentication` : mtls.level === "mesh" ? "mesh-wide PeerAuthentication" : "PeerAuthentication";
  return `${mtls.mode} from ${where} ${namespaceOf(mtls.policy)}/${mtls.policy.name}`;
}

/** `a, b and 2 more`: short lists of names for messages. */
export function listNames(names: readonly string[], max = 3): string {
  const unique = [...new Set(names)];
  if (unique.length <= max) return unique.join(", ");
  return `${unique.slice(0, max).join(", ")} and ${unique.length - max} more`;
}

/** The candidate nearest to `value` by case-insensitive edit distance, if close enough to be a likely typo. */
export function closestName(value: string, candidates: Iterable<string>, maxDistance = 3): string | undefined {
  let best: string | undefined;
  let bestDistance = maxDistance + 1;
  for (const candidate of candidates) {
    if (candidate === value || Math.abs(candidate.length - value.length) > maxDistance) continue;
    const distance = editDistance(value.toLowerCase(), candidate.toLowerCase());
    if (distance < bestDistance || (distance === bestDistance && best !== undefined && candidate < best)) {
      best = candidate;
      bestDistance = distance;
    }
  }
  return bestDistance <= maxDistance ? best : undefined;
}

function editDistance(a: string, b: string): number {
  let previous = Array.from({ length: b.length + 1 }, (_, j) => j);
  for (let i = 1; i <= a.length; i++) {
    const current = [i];
    for (let j = 1; j <= b.length; j++) {
      const substitution = (previous[j - 1] ?? 0) + (a[i - 1] === b[j - 1] ? 0 : 1);
      current.push(Math.min((previous[j] ?? 0) + 1, (current[j - 1] ?? 0) + 1, substitution));
    }
    previous = current;
  }
  return previous[b.length] ?? 0;
}

/** Namespace-wide objects (no selector, no targetRef) grouped by namespace, oldest first (compareByAge). */
export function namespaceWideByNamespace(resources: readonly Resource[]): Map<string, Resource[]> {
  const groups = new Map<string, Resource[]>();
  for (const resource of resources) if (isNamespaceWide(resource)) addToList(groups, namespaceOf(resource), resource);
  for (const group of groups.values()) group.sort(compareByAge);
  return groups;
}

// ---- internals ----

function applyPeerAuthentication(current: EffectiveMtls, policy: Resource | undefined, level: MtlsLevel): EffectiveMtls {
  if (policy === undefined) return current;
  // UNSET or no `mtls` inherits from the parent level.
  const mode = mtlsModeOf(objectAt(objectAt(policy.object, "spec"), "mtls")["mode"]);
  return mode === undefined ? current : { mode, level, policy, pointer: pointerOf("spec", "mtls", "mode") };
}

function addToSet<K, V>(map: Map<K, Set<V>>, key: K, value: V): void {
  const set = map.get(key) ?? new Set<V>();
  set.add(value);
  map.set(key, set);
}

function addToList<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key) ?? [];
  if (!list.includes(value)) list.push(value);
  map.set(key, list);
}

/** Workloads by namespace and by label, so a selector costs the size of its smallest posting list. */
class LabelIndex {
  private readonly byNamespace = new Map<string, Workload[]>();
  private readonly byLabel = new Map<string, Workload[]>();

  constructor(private readonly all: readonly Workload[]) {
    for (const workload of all) {
      addToList(this.byNamespace, workload.namespace, workload);
      for (const [key, value] of Object.entries(workload.labels)) addToList(this.byLabel, labelKey(key, value), workload);
    }
  }

  inNamespace(namespace: string): readonly Workload[] {
    return this.byNamespace.get(namespace) ?? [];
  }

  namespaces(): string[] {
    return [...this.byNamespace.keys()];
  }

  select(matchLabels: Record<string, string>, namespace: string | undefined): Workload[] {
    const entries = Object.entries(matchLabels);
    if (entries.length === 0) return [...(namespace === undefined ? this.all : this.inNamespace(namespace))];
    let smallest: readonly Workload[] | undefined;
    for (const [key, value] of entries) {
      const list = this.byLabel.get(labelKey(key, value)) ?? [];
      if (smallest === undefined || list.length < smallest.length) smallest = list;
    }
    return (smallest ?? []).filter(
      (w) => (namespace === undefined || w.namespace === namespace) && labelsMatch(matchLabels, w.labels),
    );
  }
}

function labelKey(key: string, value: string): string {
  return `${key}\u0000${value}`;
}
