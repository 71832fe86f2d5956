import type { Resource } from "../model/resource.js";
import { arrayAt, isExportedToNamespace, namespaceOf, objectAt, resolveHost, stringMap } from "./resource-fields.js";
import { peerOf, type PeerIdentity, type SourceIdentity } from "./identity.js";
import type { AccessModel, AccessWorkload } from "./mesh-model.js";
import { compareByCreation } from "./policy.js";
import { SelectorIndex, parseMatchLabels } from "./selector-index.js";

/**
 * mTLS on one hop (istio-semantics.md §3): the server's PeerAuthentication mode on the target port,
 * what the client sends (DestinationRule `tls`, or auto mTLS), and what comes of the pair (§3.5).
 */

export type MtlsMode = "STRICT" | "PERMISSIVE" | "DISABLE";
export type MtlsLevel = "default" | "mesh" | "namespace" | "workload" | "port";

export interface ServerMtls {
  mode: MtlsMode;
  /** Which level decided: `default` is PERMISSIVE because no PeerAuthentication sets a mode. */
  level: MtlsLevel;
  /** `namespace/name` of the PeerAuthentication that set the mode. */
  policy: string | undefined;
  /** PeerAuthentications that looked relevant but do not count, and why. */
  ignored: string[];
}

type PaMode = MtlsMode | "UNSET";

interface ParsedPeerAuthentication {
  id: string;
  namespace: string;
  name: string;
  selector: Record<string, string> | undefined;
  /** Why the selector is invalid (a non-string label value): the policy applies to no workload. */
  invalidSelector: string | undefined;
  mode: PaMode;
  portLevel: Map<number, PaMode>;
  creationTimestamp: string | undefined;
}

interface PeerAuthIndex {
  mesh: ParsedPeerAuthentication | undefined;
  namespaceLevel: Map<string, ParsedPeerAuthentication>;
  workloadLevel: SelectorIndex<ParsedPeerAuthentication>;
  ignored: Map<string, string[]>;
}

const peerAuthIndexes = new WeakMap<AccessModel, PeerAuthIndex>();

function parseMode(value: unknown): PaMode {
  return value === "STRICT" || value === "PERMISSIVE" || value === "DISABLE" ? value : "UNSET";
}

function parsePeerAuthentication(resource: Resource): ParsedPeerAuthentication {
  const spec = objectAt(resource.object, "spec");
  const selector = parseMatchLabels(spec["selector"]);
  const portLevel = new Map<number, PaMode>();
  const ports = objectAt(spec, "portLevelMtls");
  for (const [port, setting] of Object.entries(ports)) portLevel.set(Number(port), parseMode(objectAt({ s: setting }, "s")["mode"]));
  const metadata = objectAt(resource.object, "metadata");
  const namespace = namespaceOf(resource);
  return {
    id: `${namespace}/${resource.name}`,
    namespace,
    name: resource.name,
    selector: selector.labels,
    invalidSelector: selector.invalid,
    mode: parseMode(objectAt(spec, "mtls")["mode"]),
    portLevel,
    creationTimestamp: typeof metadata["creationTimestamp"] === "string" ? metadata["creationTimestamp"] : undefined,
  };
}

/**
 * §3.1: mesh level = root namespace without selector; namespace level = other namespace without
 * selector; workload level = non-empty selector outside the root namespace. Root-namespace policies
 * with a selector are ignored. Among duplicates the oldest wins (creationTimestamp, absent = oldest
 * as Go's zero time, then name).
 */
function peerAuthIndex(model: AccessModel): PeerAuthIndex {
  let index = peerAuthIndexes.get(model);
  if (index !== undefined) return index;
  const all = model.mesh
    .kind("PeerAuthentication")
    .filter((r) => r.apiVersion.startsWith("security.istio.io/"))
    .map(parsePeerAuthentication)
    .sort(compareByCreation);
  const ignored = new Map<string, string[]>();
  const note = (namespace: string, text: string) => ignored.set(namespace, [...(ignored.get(namespace) ?? []), text]);
  let mesh: ParsedPeerAuthentication | undefined;
  const namespaceLevel = new Map<string, ParsedPeerAuthentication>();
  const workloadLevel: ParsedPeerAuthentication[] = [];
  for (const pa of all) {
    if (pa.invalidSelector !== undefined) {
      note(pa.namespace === model.rootNamespace ? "*" : pa.namespace, `PeerAuthentication ${pa.id} is ignored: ${pa.invalidSelector}; it applies to no workload`);
    } else if (pa.namespace === model.rootNamespace) {
      if (pa.selector !== undefined) note("*", `PeerAuthentication ${pa.id} is ignored: a root-namespace policy with a selector does not apply`);
      else if (mesh === undefined) mesh = pa;
      else note("*", `PeerAuthentication ${pa.id} is ignored: ${mesh.id} is the older mesh-wide policy`);
    } else if (pa.selector === undefined) {
      const existing = namespaceLevel.get(pa.namespace);
      if (existing === undefined) namespaceLevel.set(pa.namespace, pa);
      else note(pa.namespace, `PeerAuthentication ${pa.id} is ignored: ${existing.id} is the older namespace-wide policy`);
    } else {
      workloadLevel.push(pa);
    }
  }
  index = { mesh, namespaceLevel, workloadLevel: new SelectorIndex(workloadLevel, "\u0000no-root"), ignored };
  peerAuthIndexes.set(model, index);
  return index;
}

/** The PeerAuthentication mode that applies to a workload on one of its (container) ports (§3.1, §3.2). */
export function serverMtlsMode(model: AccessModel, workload: Pick<AccessWorkload, "namespace" | "labels">, port: number): ServerMtls {
  const index = peerAuthIndex(model);
  const ignored = [...(index.ignored.get("*") ?? []), ...(index.ignored.get(workload.namespace) ?? [])];
  let result: ServerMtls = { mode: "PERMISSIVE", level: "default", policy: undefined, ignored };
  const apply = (pa: ParsedPeerAuthentication | undefined, level: MtlsLevel) => {
    if (pa !== undefined && pa.mode !== "UNSET") result = { ...result, mode: pa.mode, level, policy: pa.id };
  };
  apply(index.mesh, "mesh");
  apply(index.namespaceLevel.get(workload.namespace), "namespace");
  const matching = index.workloadLevel.matching(workload.namespace, workload.labels);
  const workloadPa = matching[0];
  for (const extra of matching.slice(1)) ignored.push(`PeerAuthentication ${extra.id} is ignored: ${workloadPa?.id ?? ""} is the older policy selecting this workload`);
  apply(workloadPa, "workload");
  const portMode = workloadPa?.portLevel.get(port);
  if (workloadPa !== undefined && portMode !== undefined && portMode !== "UNSET") result = { ...result, mode: portMode, level: "port", policy: workloadPa.id };
  return result;
}

/**
 * The mode auto mTLS infers for a service (§3.4): only the namespace- and mesh-level policies of the
 * service's namespace count; workload and port levels are ignored.
 */
export function inferredServiceMode(model: AccessModel, serviceNamespace: string): MtlsMode {
  const index = peerAuthIndex(model);
  let mode: MtlsMode = "PERMISSIVE";
  if (index.mesh !== undefined && index.mesh.mode !== "UNSET") mode = index.mesh.mode;
  const ns = index.namespaceLevel.get(serviceNamespace);
  if (ns !== undefined && ns.mode !== "UNSET") mode = ns.mode;
  return mode;
}

// ---- Client side ----

export type ClientTls = "mTLS" | "plaintext" | "TLS";

export interface ClientSends {
  sends: ClientTls;
  /** Why, in a few words: `auto mTLS`, `DestinationRule vapora/x tls.mode DISABLE`, `no sidecar`. */
  reason: string;
  destinationRule: string | undefined;
}

export interface HopTarget {
  /** The destination host (FQDN). */
  host: string;
  servicePort: number;
  serviceNamespace: string;
  subset?: string | undefined;
  endpointHasSidecar: boolean;
}

/** What a client sends to one endpoint (§3.4). */
export function clientSends(model: AccessModel, source: SourceIdentity, target: HopTarget): ClientSends {
  if (!source.proxied || source.namespace === undefined) return { sends: "plaintext", reason: "client has no sidecar", destinationRule: undefined };
  const rule = destinationRuleFor(model, target.host, source.namespace, target.serviceNamespace, source.labels);
  const tls = rule === undefined ? undefined : tlsModeOf(rule.trafficPolicy, rule.subsets, target.subset, target.servicePort);
  if (rule !== undefined && tls !== undefined) {
    const reason = `DestinationRule ${rule.id} tls.mode ${tls}`;
    if (tls === "DISABLE") return { sends: "plaintext", reason, destinationRule: rule.id };
    if (tls === "ISTIO_MUTUAL") return { sends: "mTLS", reason: `${reason} (to every endpoint, sidecar or not)`, destinationRule: rule.id };
    return { sends: "TLS", reason: `${reason} (TLS with its own certificates, not Istio mTLS)`, destinationRule: rule.id };
  }
  const inferred = inferredServiceMode(model, target.serviceNamespace);
  if (inferred === "DISABLE") {
    return { sends: "plaintext", reason: `auto mTLS off: the namespace-level PeerAuthentication of ${target.serviceNamespace} is DISABLE`, destinationRule: rule?.id };
  }
  if (!target.endpointHasSidecar) return { sends: "plaintext", reason: "auto mTLS: the endpoint has no sidecar", destinationRule: rule?.id };
  return { sends: "mTLS", reason: rule === undefined ? "auto mTLS; no DestinationRule" : `auto mTLS; DestinationRule ${rule.id} has no tls`, destinationRule: rule?.id };
}

export type ConnectionOutcome = "mtls" | "plaintext" | "fails" | "unknown";

export interface Connection {
  server: ServerMtls | undefined;
  client: ClientSends;
  outcome: ConnectionOutcome;
  /** What the server's sidecar sees as the peer: a principal under mTLS, undefined otherwise. */
  peer: PeerIdentity | undefined;
  reason: string;
}

/** The conflict matrix of §3.5 (sidecar server), and the no-sidecar server case. */
export function connectionOutcome(source: SourceIdentity, client: ClientSends, server: ServerMtls | undefined): Connection {
  if (server === undefined) {
    // The server has no sidecar: no PeerAuthentication, no AuthorizationPolicy; the app gets what is sent.
    if (client.sends === "mTLS") return { server, client, outcome: "fails", peer: undefined, reason: "Istio mTLS to a pod without sidecar: the application cannot terminate it" };
    return { server, client, outcome: "plaintext", peer: undefined, reason: "the server has no sidecar" };
  }
  if (client.sends === "TLS") {
    return { server, client, outcome: "unknown", peer: undefined, reason: "the client originates TLS with its own certificates; this hop is not simulated" };
  }
  if (client.sends === "mTLS") {
    if (server.mode === "DISABLE") return { server, client, outcome: "fails", peer: undefined, reason: "client sends mTLS to a server with mTLS DISABLE" };
    return { server, client, outcome: "mtls", peer: peerOf(source), reason: `mTLS (${server.mode})` };
  }
  if (server.mode === "STRICT") return { server, client, outcome: "fails", peer: undefined, reason: "mTLS STRICT rejects plaintext" };
  return { server, client, outcome: "plaintext", peer: undefined, reason: `plaintext accepted (${server.mode}): no peer identity` };
}

// ---- DestinationRule lookup (§4.8), only what TLS and subsets need ----

export interface ResolvedDestinationRule {
  /** `namespace/name` of the first (oldest) DestinationRule of the merged set. */
  id: string;
  namespace: string;
  host: string;
  trafficPolicy: Record<string, unknown> | undefined;
  /** Merged subsets: first definition of each name wins. */
  subsets: Array<{ name: string; labels: Record<string, string>; trafficPolicy: Record<string, unknown> | undefined; from: string }>;
}

interface DrEntry {
  resource: Resource;
  namespace: string;
  host: string;
  exportTo: string[];
  workloadSelector: Record<string, string> | undefined;
  creationTimestamp: string | undefined;
  name: string;
}

const drIndexes = new WeakMap<AccessModel, Map<string, Map<string, DrEntry[]>>>();

function drIndex(model: AccessModel): Map<string, Map<string, DrEntry[]>> {
  let index = drIndexes.get(model);
  if (index !== undefined) return index;
  const entries: DrEntry[] = model.mesh
    .kind("DestinationRule")
    .filter((r) => r.apiVersion.startsWith("networking.istio.io/"))
    .flatMap((resource) => {
      const spec = objectAt(resource.object, "spec");
      if (typeof spec["host"] !== "string" || spec["host"] === "") return [];
      const namespace = namespaceOf(resource);
      const selector = stringMap(objectAt(spec, "workloadSelector")["matchLabels"]);
      const metadata = objectAt(resource.object, "metadata");
      return [
        {
          resource,
          namespace,
          host: resolveHost(spec["host"], namespace).toLowerCase(),
          exportTo: arrayAt(spec, "exportTo").filter((e): e is string => typeof e === "string"),
          workloadSelector: "workloadSelector" in spec ? selector : undefined,
          creationTimestamp: typeof metadata["creationTimestamp"] === "string" ? metadata["creationTimestamp"] : undefined,
          name: resource.name,
        },
      ];
    })
    .sort(compareByCreation);
  index = new Map();
  for (const entry of entries) {
    let byHost = index.get(entry.namespace);
    if (byHost === undefined) index.set(entry.namespace, (byHost = new Map()));
    byHost.set(entry.host, [...(byHost.get(entry.host) ?? []), entry]);
  }
  drIndexes.set(model, index);
  return index;
}

/**
 * The DestinationRules that apply to `host` for a client (§4.8): the client's namespace, then the
 * service's, then the root namespace; the first namespace with a match wins; within it the exact host
 * beats the most specific wildcard; the rules found there merge (first trafficPolicy wins, subsets
 * concatenate with the first of each name winning). A DestinationRule with a workloadSelector applies
 * only to matching clients of its own namespace.
 */
export function destinationRuleFor(
  model: AccessModel,
  host: string,
  clientNamespace: string,
  serviceNamespace: string,
  clientLabels: Readonly<Record<string, string>> = {},
): ResolvedDestinationRule | undefined {
  const index = drIndex(model);
  const order = [...new Set([clientNamespace, serviceNamespace, model.rootNamespace])];
  const name = host.toLowerCase();
  const candidates = [name, ...wildcardsOf(name)];
  for (const namespace of order) {
    const byHost = index.get(namespace);
    if (byHost === undefined) continue;
    for (const candidate of candidates) {
      const rules = (byHost.get(candidate) ?? []).filter((rule) => {
        if (rule.workloadSelector !== undefined) {
          return namespace === clientNamespace && Object.entries(rule.workloadSelector).every(([k, v]) => clientLabels[k] === v);
        }
        return namespace === clientNamespace || isExportedToNamespace(rule.exportTo, rule.namespace, clientNamespace);
      });
      if (rules.length > 0) return mergeDestinationRules(rules);
    }
  }
  return undefined;
}

function mergeDestinationRules(rules: readonly DrEntry[]): ResolvedDestinationRule {
  const first = rules[0] as DrEntry;
  let trafficPolicy: Record<string, unknown> | undefined;
  const subsets: ResolvedDestinationRule["subsets"] = [];
  const seen = new Set<string>();
  for (const rule of rules) {
    const spec = objectAt(rule.resource.object, "spec");
    if (trafficPolicy === undefined && typeof spec["trafficPolicy"] === "object" && spec["trafficPolicy"] !== null) trafficPolicy = objectAt(spec, "trafficPolicy");
    for (const subset of arrayAt(spec, "subsets")) {
      const name = objectAt({ s: subset }, "s")["name"];
      if (typeof name !== "string" || seen.has(name)) continue;
      seen.add(name);
      const tp = objectAt(subset, "trafficPolicy");
      subsets.push({
        name,
        labels: stringMap(objectAt(subset, "labels")),
        trafficPolicy: Object.keys(tp).length > 0 ? tp : undefined,
        from: `${rule.namespace}/${rule.name}`,
      });
    }
  }
  return { id: `${first.namespace}/${first.name}`, namespace: first.namespace, host: first.host, trafficPolicy, subsets };
}

/**
 * `tls.mode` for a port: the subset's policy (port-level, then its own) overrides the top level; a
 * `portLevelSettings` entry for the port replaces the top-level settings without inheriting them.
 */
function tlsModeOf(
  trafficPolicy: Record<string, unknown> | undefined,
  subsets: ResolvedDestinationRule["subsets"],
  subset: string | undefined,
  port: number,
): string | undefined {
  const fromPolicy = (policy: Record<string, unknown> | undefined): { found: boolean; mode: string | undefined } => {
    if (policy === undefined) return { found: false, mode: undefined };
    const portLevel = arrayAt(policy, "portLevelSettings").find((setting) => objectAt(setting, "port")["number"] === port);
    const source = portLevel !== undefined ? objectAt({ p: portLevel }, "p") : policy;
    // A `tls` block without `mode` is mode DISABLE (the enum's zero value) and still switches auto mTLS off.
    const hasTls = typeof source["tls"] === "object" && source["tls"] !== null;
    const tls = objectAt(source, "tls");
    const mode = typeof tls["mode"] === "string" ? tls["mode"] : hasTls ? "DISABLE" : undefined;
    return { found: portLevel !== undefined || mode !== undefined, mode };
  };
  if (subset !== undefined) {
    const fromSubset = fromPolicy(subsets.find((s) => s.name === subset)?.trafficPolicy);
    if (fromSubset.mode !== undefined) return fromSubset.mode;
  }
  return fromPolicy(trafficPolicy).mode;
}

const wildcardCache = new Map<string, string[]>();

function wildcardsOf(host: string): string[] {
  const cached = wildcardCache.get(host);
  if (cached !== undefined) return cached;
  const labels = host.split(".");
  const result: string[] = [];
  for (let i = 1; i < labels.length; i++) result.push(`*.${labels.slice(i).join(".")}`);
  if (host !== "*") result.push("*");
  if (wildcardCache.size > 10_000) wildcardCache.clear();
  wildcardCache.set(host, result);
  return result;
}
