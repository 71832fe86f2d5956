import type { MtlsLevel, MtlsMode } from "../mesh/peer-authentication.js";
import type { ServiceInfo } from "../mesh/service-registry.js";
import { normalizePath, stripQuery } from "../mesh/string-match.js";
import { UserError } from "../model/errors.js";
import type { Resource } from "../model/resource.js";
import { authorizeRequest, policiesForWorkload, type AuthzDecision } from "./authorization.js";
import { resolveSource, type SourceIdentity } from "./identity.js";
import { buildAccessModel, protocolOfServicePort, workloadsOfService, type AccessModel, type AccessWorkload, type PortProtocol } from "./mesh-model.js";
import { clientSends, connectionOutcome, serverMtlsMode, type ConnectionOutcome } from "./mtls.js";
import { gatewayAuthorityFor, routeRequest, type RetryPolicy, type RouteOutcome, type Routing } from "./routing.js";
import type { ValidatedJwt } from "./rule-fields.js";
import { painter, type Colour } from "../report/paint.js";

/**
 * "Can X call Y with this request, and why?" from the rendered configuration alone: the route the
 * client's proxy takes, then for every destination workload the mTLS of the hop, the JWT check and
 * the authorization decision (which policy and rule decided, or each ALLOW policy's nearest miss).
 */

export interface ExplainQuery {
  /** `vapora-frontend`, `namespace/name`, `istio-ingressgateway`, `plaintext` or `other-namespace`. */
  from: string;
  /** `service[.namespace][:port]`, the port being a Service port (`vapora-backend:8001`). */
  to: string;
  method?: string;
  /** Path as sent, query string allowed. Default `/`. */
  path?: string;
  headers?: Record<string, string>;
  /** Claims of a JWT sent as `Authorization: Bearer` (at least `iss` and `sub`); validated against the RequestAuthentications of each destination. */
  jwtClaims?: Record<string, unknown>;
}

export type Verdict = "allowed" | "denied" | "depends" | "partially-allowed" | "not-routed";

export interface DestinationExplanation {
  /** `namespace/name` of the workload. */
  workload: string;
  /** `namespace/name` of the Service. */
  service: string;
  servicePort: number;
  /** The container port the request lands on (what policies name); a named targetPort resolved through the workload's container ports. */
  targetPort: number | undefined;
  subset: string | undefined;
  /** This workload's share of the traffic: its destination's weight, split evenly between the workloads behind it. */
  percent: number;
  protocol: PortProtocol;
  mtls: {
    server: { mode: MtlsMode; level: MtlsLevel; policy: string | undefined } | undefined;
    client: { sends: string; reason: string };
    outcome: ConnectionOutcome;
    reason: string;
    /** The principal the server sees, or undefined (plaintext). */
    peer: string | undefined;
  };
  jwt: { status: "none" | "valid" | "rejected" | "ignored"; requestPrincipal: string | undefined; reason: string };
  authorization: AuthzDecision | undefined;
  result: "allowed" | "denied" | "depends";
  /** Why the workload has (or lacks) a sidecar when that is not plain namespace injection (absent otherwise). */
  sidecar?: string;
  /** What the client gets from the server side: 200 (reaches the app), 401, 403, 503 (from the client's own sidecar). */
  status: number | undefined;
  /** A client without a sidecar whose connection the server's sidecar refuses sees no HTTP status: the connection is reset. */
  connectionReset?: true;
  reason: string;
}

export interface Explanation {
  version: 1;
  environment: string | undefined;
  request: { method: string; path: string; authority: string; headers: Record<string, string>; jwt: { iss: string; sub: string } | undefined };
  /** `sidecar`: why the source workload has (or lacks) a sidecar when that is not plain namespace injection (absent otherwise). */
  source: { id: string; kind: SourceIdentity["kind"]; workload: string | undefined; principal: string | undefined; proxied: boolean; sidecar?: string };
  target: { service: string; host: string; port: number };
  route: {
    outcome: RouteOutcome;
    via: Routing["via"];
    virtualService: string | undefined;
    routeIndex: number | undefined;
    routeName: string | undefined;
    match: string | undefined;
    timeout: string | undefined;
    retries: RetryPolicy | undefined;
    status: number | undefined;
    destinations: Array<{ host: string; port: number; subset: string | undefined; percent: number; workloads: string[]; problem: string | undefined }>;
    notes: string[];
  };
  destinations: DestinationExplanation[];
  verdict: Verdict;
  summary: string;
}

export interface ExplainOptions {
  environment?: string;
}

export function explainRequest(input: readonly Resource[] | AccessModel, query: ExplainQuery, options: ExplainOptions = {}): Explanation {
  const model = Array.isArray(input) ? buildAccessModel(input) : (input as AccessModel);
  const { source, workload: sourceWorkload } = resolveSource(model, query.from);
  const { service, port, authority } = resolveTarget(model, query.to, source.namespace);
  const method = query.method ?? "GET";
  const path = query.path ?? "/";
  const headers = Object.fromEntries(Object.entries(query.headers ?? {}).map(([k, v]) => [k.toLowerCase(), v]));
  // A gateway is addressed by its public host, not the Service name: without a Host header, take the
  // host of the gateway VirtualService that routes to the target (and say so).
  const gatewayAuthority =
    source.kind === "gateway" && headers[":authority"] === undefined && headers["host"] === undefined ? gatewayAuthorityFor(model, source.labels, service.host) : undefined;
  const requestAuthority = headers[":authority"] ?? headers["host"] ?? gatewayAuthority ?? authority;
  const servicePort = service.ports.find((p) => p.port === port);
  const tcp = servicePort !== undefined && protocolOfServicePort(servicePort) === "TCP";

  const routing: Routing = tcp
    ? {
        outcome: "routed",
        via: "default-route",
        virtualService: undefined,
        routeIndex: undefined,
        routeName: undefined,
        match: undefined,
        destinations: [],
        timeout: undefined,
        retries: undefined,
        status: undefined,
        notes: ["TCP port: HTTP routing does not apply (tcp routes are not simulated); the connection goes to the Service's endpoints"],
      }
    : routeRequest(model, source, { host: service.host, service }, { method, path, headers, authority: requestAuthority, port });
  if (gatewayAuthority !== undefined) routing.notes.unshift(`no Host header given: assuming Host ${gatewayAuthority}, the gateway VirtualService host that routes to ${service.host}`);
  const routed = tcp
    ? [{ host: service.host, port, subset: undefined, percent: 100, service, targetPort: servicePort?.targetPort, workloads: workloadsOfService(model, service), problem: undefined }]
    : routing.destinations;

  const explained: DestinationExplanation[] = [];
  if (routing.outcome === "routed") {
    for (const destination of routed) {
      if (destination.service === undefined) continue;
      // Envoy and kube-proxy balance over endpoints (pods): a share per workload assumes equal pod counts.
      const share = destination.percent / Math.max(1, destination.workloads.length);
      if (destination.workloads.length > 1) {
        routing.notes.push(
          `${destination.workloads.map((w) => w.id).join(", ")} share the ${formatPercent(destination.percent)} of ${destination.host}:${destination.port}${destination.subset === undefined ? "" : ` subset ${destination.subset}`} by pod count; equal counts are assumed here`,
        );
      }
      for (const workload of destination.workloads) {
        explained.push(
          explainDestination(model, source, workload, destination.service, destination.port, destination.targetPort, destination.subset, share, {
            method,
            path,
            authority: requestAuthority,
            headers,
            jwtClaims: query.jwtClaims,
          }),
        );
      }
    }
  }
  const verdict = verdictOf(routing, explained);
  const jwt = query.jwtClaims === undefined ? undefined : { iss: String(query.jwtClaims["iss"] ?? ""), sub: String(query.jwtClaims["sub"] ?? "") };
  return {
    version: 1,
    environment: options.environment,
    request: { method, path, authority: requestAuthority, headers, jwt },
    source: {
      id: source.id,
      kind: source.kind,
      workload: sourceWorkload?.id,
      principal: source.principal,
      proxied: source.proxied,
      ...(sourceWorkload?.sidecarNote === undefined ? {} : { sidecar: sourceWorkload.sidecarNote }),
    },
    target: { service: `${service.namespace}/${service.resource.name}`, host: service.host, port },
    route: {
      outcome: routing.outcome,
      via: routing.via,
      virtualService: routing.virtualService,
      routeIndex: routing.routeIndex,
      routeName: routing.routeName,
      match: routing.match === undefined ? undefined : `match[${routing.match.index}]: ${routing.match.text}`,
      timeout: routing.timeout,
      retries: routing.retries,
      status: routing.status,
      destinations: routed.map((d) => ({ host: d.host, port: d.port, subset: d.subset, percent: d.percent, workloads: d.workloads.map((w) => w.id), problem: d.problem })),
      notes: routing.notes,
    },
    destinations: explained,
    verdict,
    summary: summaryOf(verdict, routing, explained),
  };
}

/** `name[.namespace][:port]` → the Service, its port, and the authority a client would send. */
export function resolveTarget(model: AccessModel, to: string, sourceNamespace: string | undefined): { service: ServiceInfo; port: number; authority: string } {
  const colon = to.lastIndexOf(":");
  const hostPart = colon === -1 ? to : to.slice(0, colon);
  const portText = colon === -1 ? undefined : to.slice(colon + 1);
  const dot = hostPart.indexOf(".");
  const name = dot === -1 ? hostPart : hostPart.slice(0, dot);
  let namespace = dot === -1 ? undefined : hostPart.slice(dot + 1).replace(/\.svc(\..*)?$/, "");
  const all = [...model.services.values()].filter((s) => s.resource.name === name);
  if (namespace === undefined) {
    const local = all.filter((s) => s.namespace === sourceNamespace);
    const candidates = local.length > 0 ? local : all;
    if (candidates.length > 1) throw new UserError(`Service "${name}" exists in several namespaces (${candidates.map((s) => s.namespace).sort().join(", ")}); write ${name}.<namespace>:<port>`);
    namespace = candidates[0]?.namespace;
  }
  const service = all.find((s) => s.namespace === namespace);
  if (service === undefined) {
    const known = [...model.services.values()].map((s) => `${s.resource.name}.${s.namespace}`).sort();
    throw new UserError(`unknown Service "${hostPart}": known Services are ${known.join(", ") || "none"}`);
  }
  let port: number;
  if (portText === undefined) {
    if (service.ports.length !== 1) throw new UserError(`Service ${service.resource.name} has ${service.ports.length} ports; write ${hostPart}:<port> (${service.ports.map((p) => p.port).join(", ")})`);
    port = service.ports[0]?.port ?? 0;
  } else {
    port = Number(portText);
    if (!service.ports.some((p) => p.port === port)) {
      const targetHint = service.ports.find((p) => p.targetPort === port);
      throw new UserError(
        `Service ${service.resource.name} has no port ${portText} (ports: ${service.ports.map((p) => p.port).join(", ")})` +
          (targetHint === undefined ? "" : `; ${portText} is the container port behind Service port ${targetHint.port}: name the Service port`),
      );
    }
  }
  return { service, port, authority: port === 80 ? hostPart : `${hostPart}:${port}` };
}

interface RequestInput {
  method: string;
  path: string;
  authority: string;
  headers: Record<string, string>;
  jwtClaims: Record<string, unknown> | undefined;
}

function explainDestination(
  model: AccessModel,
  source: SourceIdentity,
  workload: AccessWorkload,
  service: ServiceInfo,
  servicePort: number,
  targetPort: number | string | undefined,
  subset: string | undefined,
  percent: number,
  request: RequestInput,
): DestinationExplanation {
  // The workload port behind this Service port: a named targetPort is resolved per workload (container port names).
  const workloadPort = workload.ports.find((p) => p.services.some((s) => s.name === service.resource.name && s.namespace === service.namespace && s.port === servicePort));
  const port = workloadPort?.number ?? (typeof targetPort === "number" ? targetPort : undefined);
  const declared = service.ports.find((p) => p.port === servicePort);
  const protocol: PortProtocol = workloadPort?.protocol ?? (declared === undefined ? "TCP" : protocolOfServicePort(declared));
  const server = workload.hasSidecar && port !== undefined ? serverMtlsMode(model, workload, port) : undefined;
  const client = clientSends(model, source, { host: service.host, servicePort, serviceNamespace: service.namespace, subset, endpointHasSidecar: workload.hasSidecar });
  const connection = connectionOutcome(source, client, server);
  const base = {
    workload: workload.id,
    service: `${service.namespace}/${service.resource.name}`,
    servicePort,
    targetPort: port,
    subset,
    percent,
    protocol,
    mtls: {
      server: server === undefined ? undefined : { mode: server.mode, level: server.level, policy: server.policy },
      client: { sends: client.sends, reason: client.reason },
      outcome: connection.outcome,
      reason: connection.reason,
      peer: connection.peer?.principal,
    },
    ...(workload.sidecarNote === undefined ? {} : { sidecar: workload.sidecarNote }),
  };
  const noJwt = { status: "none" as const, requestPrincipal: undefined, reason: "no token sent" };
  if (port === undefined) {
    return { ...base, jwt: noJwt, authorization: undefined, result: "depends", status: undefined, reason: `targetPort ${String(targetPort)} is not a container port name of ${workload.id} in the configuration: cannot resolve the port` };
  }
  if (!workload.hasSidecar) {
    return { ...base, jwt: noJwt, authorization: undefined, result: connection.outcome === "fails" ? "denied" : "allowed", status: connection.outcome === "fails" ? 503 : 200, reason: connection.reason };
  }
  if (connection.outcome === "fails") {
    // The server's sidecar refuses the handshake. A client with a sidecar gets 503 from it (upstream
    // connect error or reset); a client without one sees its TCP connection reset, no HTTP status.
    if (!source.proxied) {
      return { ...base, jwt: noJwt, authorization: undefined, result: "denied", status: undefined, connectionReset: true, reason: `connection reset: ${connection.reason}` };
    }
    return { ...base, jwt: noJwt, authorization: undefined, result: "denied", status: 503, reason: `connection fails (503 from the client's sidecar): ${connection.reason}` };
  }
  if (connection.outcome === "unknown") return { ...base, jwt: noJwt, authorization: undefined, result: "depends", status: undefined, reason: connection.reason };

  const jwt = validateJwt(model, workload, request.jwtClaims, protocol);
  if (jwt.status === "rejected") return { ...base, jwt, authorization: undefined, result: "denied", status: 401, reason: jwt.reason };
  const validated: ValidatedJwt | undefined =
    jwt.status === "valid" && request.jwtClaims !== undefined
      ? { iss: String(request.jwtClaims["iss"] ?? ""), sub: String(request.jwtClaims["sub"] ?? ""), claims: request.jwtClaims }
      : undefined;
  const normalized = normalizePath(request.path);
  if (normalized === undefined) return { ...base, jwt, authorization: undefined, result: "denied", status: 400, reason: "the path contains %00: Istio rejects it (400)" };
  const decision = authorizeRequest(policiesForWorkload(model, workload), {
    peer: connection.peer,
    port,
    method: request.method,
    path: stripQuery(normalized),
    host: request.authority,
    headers: request.headers,
    jwt: validated,
  }, protocol);
  const status = decision.decision === "allowed" ? 200 : decision.decision === "denied" ? 403 : undefined;
  return { ...base, jwt, authorization: decision, result: decision.decision, status, reason: decision.reason };
}

/**
 * RequestAuthentication (§2.1 scope; istio/istio#24371): a token whose issuer no applicable jwtRule
 * names is rejected with 401 ("Jwt issuer is not configured"); without any RequestAuthentication the
 * token is not validated and gives no request principal; no token = no request principal, not an error.
 */
function validateJwt(
  model: AccessModel,
  workload: AccessWorkload,
  claims: Record<string, unknown> | undefined,
  protocol: PortProtocol,
): DestinationExplanation["jwt"] {
  if (claims === undefined) return { status: "none", requestPrincipal: undefined, reason: "no token sent" };
  if (protocol === "TCP") return { status: "ignored", requestPrincipal: undefined, reason: "TCP port: no JWT processing" };
  const rules = model.policyModel.requestAuthenticationsSelecting(workload.namespace, workload.labels).filter((ra) => !ra.hasTargetRefs);
  if (rules.length === 0) return { status: "ignored", requestPrincipal: undefined, reason: "no RequestAuthentication applies: the token is not validated and gives no request principal" };
  const iss = String(claims["iss"] ?? "");
  const sub = String(claims["sub"] ?? "");
  const match = rules.flatMap((ra) => ra.jwtRules.map((rule) => ({ ra, rule }))).find(({ rule }) => rule.issuer === iss);
  if (match === undefined) {
    const issuers = rules.flatMap((ra) => ra.jwtRules.map((r) => r.issuer)).sort();
    return { status: "rejected", requestPrincipal: undefined, reason: `401 Jwt issuer is not configured: ${iss || "(no iss)"} is not among ${issuers.join(", ")} (${rules.map((r) => r.id).join(", ")})` };
  }
  if (match.rule.audiences.length > 0) {
    const aud = claims["aud"];
    const audiences = Array.isArray(aud) ? aud.map(String) : aud === undefined ? [] : [String(aud)];
    if (!audiences.some((a) => match.rule.audiences.includes(a))) {
      return { status: "rejected", requestPrincipal: undefined, reason: `401 Audiences in Jwt are not allowed: ${audiences.join(",") || "(no aud)"} not in ${match.rule.audiences.join(", ")} (${match.ra.id})` };
    }
  }
  return { status: "valid", requestPrincipal: `${iss}/${sub}`, reason: `validated by RequestAuthentication ${match.ra.id} (issuer ${iss})` };
}

function verdictOf(routing: Routing, destinations: readonly DestinationExplanation[]): Verdict {
  if (routing.outcome !== "routed") return "not-routed";
  if (destinations.length === 0) return "not-routed";
  const results = new Set(destinations.filter((d) => d.percent > 0).map((d) => d.result));
  if (results.size === 1) return [...results][0] as Verdict;
  if (results.has("depends")) return "depends";
  return "partially-allowed";
}

function summaryOf(verdict: Verdict, routing: Routing, destinations: readonly DestinationExplanation[]): string {
  switch (verdict) {
    case "not-routed":
      if (routing.outcome === "not-found") return `not routed: ${routing.status ?? 404}${routing.via === "virtual-service" && routing.virtualService !== undefined ? " NR" : ""}`;
      if (routing.outcome === "redirect") return `redirected (${routing.status ?? 301})`;
      if (routing.outcome === "direct-response") return `answered by the proxy (${routing.status ?? "direct response"})`;
      if (routing.outcome === "unsupported") return `not simulated: ${routing.notes[routing.notes.length - 1] ?? ""}`;
      {
        const problems = [...new Set(routing.destinations.map((d) => d.problem).filter((p): p is string => p !== undefined))];
        return problems.length > 0 ? `not delivered: ${problems.join("; ")}` : "no destination workload is known";
      }
    case "allowed":
      return "allowed";
    case "denied":
      return `denied (${[...new Set(destinations.map(responseOf))].join("/")})`;
    case "depends":
      return "depends: " + (destinations.find((d) => d.result === "depends")?.reason ?? "");
    case "partially-allowed": {
      const allowed = destinations.filter((d) => d.result === "allowed").reduce((sum, d) => sum + d.percent, 0);
      return `allowed for ${Math.round(allowed * 100) / 100}% of the traffic (by destination weight), denied for the rest`;
    }
  }
}

// ---- Formats ----

const RESULT_COLOUR: Record<DestinationExplanation["result"], Colour> = { allowed: "green", denied: "red", depends: "yellow" };

/** A few deterministic lines a person reads in a terminal (coloured verdicts with `color`). */
export function formatExplanationText(explanation: Explanation, options: { color?: boolean } = {}): string {
  const paint = painter(options.color);
  const e = explanation;
  const lines: string[] = [];
  lines.push(`${e.request.method} ${e.request.path}  ${e.source.id} → ${e.target.service}:${e.target.port}${e.environment === undefined ? "" : `  [${e.environment}]`}`);
  const who = e.source.principal === undefined ? "no identity (no sidecar)" : `principal ${e.source.principal}`;
  lines.push(`source: ${e.source.kind}${e.source.workload === undefined ? "" : ` ${e.source.workload}`}, ${who}`);
  if (e.source.sidecar !== undefined) lines.push(`  note: ${e.source.sidecar}`);
  lines.push(`route:  ${formatRoute(e)}`);
  for (const d of e.route.destinations) {
    const pct = `${formatPercent(d.percent)}`.padStart(7);
    lines.push(`  ${pct}  ${d.host}:${d.port}${d.subset === undefined ? "" : ` subset ${d.subset}`} → ${d.workloads.join(", ") || "(no workload)"}${d.problem === undefined ? "" : `  ! ${d.problem}`}`);
  }
  for (const note of e.route.notes) lines.push(`  note: ${note}`);
  for (const d of e.destinations) {
    const response = d.status === undefined && d.connectionReset !== true ? "" : ` (${responseOf(d)})`;
    const decided = d.authorization?.decidedBy === undefined ? "" : ` (${d.authorization.decidedBy.location.file}:${d.authorization.decidedBy.location.line})`;
    lines.push(`${d.workload}:${d.targetPort ?? "?"} (${formatPercent(d.percent)}): ${paint(RESULT_COLOUR[d.result], d.result.toUpperCase())}${response} — ${d.reason}${decided}`);
    const server = d.mtls.server === undefined ? "no sidecar" : `${d.mtls.server.mode} (${d.mtls.server.policy === undefined ? "default: no PeerAuthentication" : `${d.mtls.server.level} PeerAuthentication ${d.mtls.server.policy}`})`;
    if (d.sidecar !== undefined) lines.push(`    sidecar: ${d.sidecar}`);
    lines.push(`    mTLS: server ${server}; client sends ${d.mtls.client.sends} (${d.mtls.client.reason}); server sees ${d.mtls.peer ?? "no identity"}`);
    if (d.jwt.status !== "none") lines.push(`    JWT: ${d.jwt.status}${d.jwt.requestPrincipal === undefined ? "" : ` ${d.jwt.requestPrincipal}`} — ${d.jwt.reason}`);
    const a = d.authorization;
    if (a !== undefined) {
      for (const miss of a.nearestMisses) lines.push(`    nearest miss: ${miss.policy} rule ${miss.rule} (${miss.location.file}:${miss.location.line}): ${miss.failures.join("; ")}`);
      for (const ext of a.external) lines.push(`    external authorizer: ${ext.provider} (CUSTOM ${ext.policy} rule ${ext.rule})`);
      for (const ignored of a.ignored) lines.push(`    ignored: ${ignored.policy} ${ignored.reason}`);
    }
  }
  lines.push(`verdict: ${paint(e.verdict === "allowed" ? "green" : e.verdict === "denied" || e.verdict === "not-routed" ? "red" : "yellow", e.summary)}`);
  return `${lines.join("\n")}\n`;
}

function formatRoute(e: Explanation): string {
  const r = e.route;
  if (r.via === "kube-proxy") return "no sidecar: kube-proxy (no VirtualService)";
  if (r.outcome === "not-found") return `404 NR${r.virtualService === undefined ? "" : ` (VirtualService ${r.virtualService}: no rule matches)`}`;
  const where = r.via === "default-route" ? "default route (no VirtualService applies)" : `VirtualService ${r.virtualService} http[${r.routeIndex ?? "?"}]${r.routeName === undefined ? "" : ` "${r.routeName}"`} ${r.match ?? "(match-less catch-all)"}`;
  if (r.outcome === "redirect" || r.outcome === "direct-response") return `${where}: ${r.outcome} ${r.status ?? ""}`.trim();
  const timeout = `timeout ${r.timeout ?? "none"}`;
  const retries = r.retries === undefined ? "" : `; retries ${formatRetries(r.retries)}`;
  return `${where}; ${timeout}${retries}`;
}

export function formatRetries(retries: RetryPolicy): string {
  if (retries.origin === "disabled") return "off (retries without attempts)";
  const perTry = retries.perTryTimeout === undefined ? "" : ` × ${retries.perTryTimeout}`;
  return `${retries.attempts}${perTry} on ${retries.retryOn}${retries.origin === "default" ? " (default)" : ""}`;
}

/** What the client sees: an HTTP status, or a reset connection. */
function responseOf(destination: DestinationExplanation): string {
  if (destination.connectionReset === true) return "connection reset";
  return String(destination.status ?? "?");
}

function formatPercent(percent: number): string {
  return `${Number.isInteger(percent) ? percent : percent.toFixed(2)}%`;
}

/** Stable JSON (`version: 1`), keys in a fixed order. */
export function formatExplanationJson(explanation: Explanation): string {
  return `${JSON.stringify(explanation, null, 2)}\n`;
}
