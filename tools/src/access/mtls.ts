import { clientTlsMode, mergeDestinationRules } from "../mesh/destination-rule.js";
import { namespaceOf } from "../mesh/hosts.js";
import type { MtlsLevel, MtlsMode } from "../mesh/peer-authentication.js";
import { peerOf, type PeerIdentity, type SourceIdentity } from "./identity.js";
import type { AccessModel, AccessWorkload } from "./mesh-model.js";

/**
 * mTLS on one hop (istio-semantics.md §3): the server's PeerAuthentication mode on the target port,
 * what the client sends (DestinationRule `tls`, or auto mTLS), and what comes of the pair (§3.5).
 */

export interface ServerMtls {
  mode: MtlsMode;
  /** Which level decided: `default` is PERMISSIVE because no PeerAuthentication sets a mode. */
  level: MtlsLevel;
  /** `namespace/name` of the PeerAuthentication that set the mode. */
  policy: string | undefined;
  /** PeerAuthentications that looked relevant but do not count, and why. */
  ignored: string[];
}

/** The PeerAuthentication mode that applies to a workload on one of its (container) ports (§3.1, §3.2). */
export function serverMtlsMode(model: AccessModel, workload: Pick<AccessWorkload, "namespace" | "labels">, port: number): ServerMtls {
  const effective = model.policyModel.effectiveMtls(workload, port);
  return {
    mode: effective.mode,
    level: effective.level,
    policy: effective.policy === undefined ? undefined : `${namespaceOf(effective.policy)}/${effective.policy.name}`,
    ignored: model.policyModel.ignoredPeerAuthentications(workload),
  };
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
  const lookup = model.mesh.destinationRuleFor(target.host, source.namespace, target.serviceNamespace, source.labels);
  const rule = lookup === undefined ? undefined : mergeDestinationRules(lookup);
  const tls = rule === undefined ? undefined : clientTlsMode(rule, target.subset, target.servicePort);
  if (rule !== undefined && tls !== undefined) {
    const reason = `DestinationRule ${rule.id} tls.mode ${tls}`;
    if (tls === "DISABLE") return { sends: "plaintext", reason, destinationRule: rule.id };
    if (tls === "ISTIO_MUTUAL") return { sends: "mTLS", reason: `${reason} (to every endpoint, sidecar or not)`, destinationRule: rule.id };
    return { sends: "TLS", reason: `${reason} (TLS with its own certificates, not Istio mTLS)`, destinationRule: rule.id };
  }
  // Auto mTLS infers the mode from the namespace- and mesh-level policies only (§3.4).
  if (model.policyModel.namespaceMtls(target.serviceNamespace).mode === "DISABLE") {
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
