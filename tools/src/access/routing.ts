import { mergeDestinationRules } from "../mesh/destination-rule.js";
import { arrayAt, objectAt, stringMap } from "../mesh/fields.js";
import { resolveHost } from "../mesh/hosts.js";
import { MESH_GATEWAY, type ParsedVirtualService } from "../mesh/virtual-service.js";
import {
  gatewayVirtualServices,
  hostCovers,
  routesForProxy,
  selectingGateways,
  sidecarVirtualServices,
  type ProxyRoute,
  type RoutingProxy,
} from "../mesh/routing.js";
import type { ServiceInfo } from "../mesh/service-registry.js";
import { stripQuery } from "../mesh/string-match.js";
import { compareStrings } from "../util/compare-strings.js";
import type { SourceIdentity } from "./identity.js";
import { workloadsOfService, type AccessModel, type AccessWorkload } from "./mesh-model.js";

/**
 * VirtualService routing of one HTTP request (istio-semantics.md §4.1–§4.9): which VirtualService
 * applies, the first matching `http` rule, its destinations with relative weights and subsets, the
 * timeout and the retry policy, or 404 NR when a host with a VirtualService has no matching rule.
 */

export interface RouteRequest {
  method: string;
  /** As sent, query string included. */
  path: string;
  /** Lower-cased names. */
  headers: Readonly<Record<string, string>>;
  /** `:authority` (Host header). */
  authority: string;
  /** The port the client connects to (a Service port). */
  port: number;
  /** `:scheme`; defaults to `http` on a sidecar and `https` on a gateway (TLS terminated there). */
  scheme?: string;
  /** The gateway listener port the request arrived on; default 443. */
  gatewayPort?: number;
}

export interface RetryPolicy {
  /** `default`: `retries` unset (mesh default); `explicit`; `disabled`: `attempts` unset or ≤ 0 in an explicit block. */
  origin: "default" | "explicit" | "disabled";
  attempts: number;
  retryOn: string;
  perTryTimeout: string | undefined;
}

/** Istio's retry policy when a route sets no `retries` (§4.9). */
export const DEFAULT_RETRIES: RetryPolicy = {
  origin: "default",
  attempts: 2,
  retryOn: "connect-failure,refused-stream,unavailable,cancelled",
  perTryTimeout: undefined,
};

export interface RoutedDestination {
  /** FQDN. */
  host: string;
  /** The Service port the destination uses. */
  port: number;
  subset: string | undefined;
  /** As written (undefined when absent). */
  weight: number | undefined;
  /** Share of the traffic, 0–100, rounded to two decimals. */
  percent: number;
  service: ServiceInfo | undefined;
  /** The container port behind the Service port (undefined when the Service is unknown or targetPort is a name). */
  targetPort: number | string | undefined;
  workloads: AccessWorkload[];
  /** Why requests to this destination fail before reaching a pod (unknown host, missing subset). */
  problem: string | undefined;
}

export type RouteOutcome = "routed" | "not-found" | "redirect" | "direct-response" | "unsupported";

export interface Routing {
  outcome: RouteOutcome;
  /** `virtual-service`; `default-route` (the host has no VirtualService); `kube-proxy` (the client has no sidecar). */
  via: "virtual-service" | "default-route" | "kube-proxy";
  /** `namespace/name` of the VirtualService (or several, merged on a gateway). */
  virtualService: string | undefined;
  routeIndex: number | undefined;
  routeName: string | undefined;
  /** `match[i]` and what it tests, or undefined for a match-less (catch-all) rule. */
  match: { index: number; text: string } | undefined;
  destinations: RoutedDestination[];
  /** VirtualService `timeout` as written; undefined = none (Istio's default is no timeout). */
  timeout: string | undefined;
  retries: RetryPolicy | undefined;
  /** HTTP status for not-found (404), redirect and direct-response. */
  status: number | undefined;
  notes: string[];
}

/**
 * The authority a client of the gateway would use to reach `host`: the first concrete host of the
 * first gateway-bound VirtualService (by name) that has a destination on `host`. Undefined when none.
 */
export function gatewayAuthorityFor(model: AccessModel, gatewayLabels: Readonly<Record<string, string>>, host: string): string | undefined {
  const name = host.toLowerCase();
  const bound = [...gatewayVirtualServices(model.mesh, gatewayLabels)].sort((a, b) => compareStrings(a.id, b.id));
  for (const vs of bound) {
    const targets = vs.http.flatMap((route) => arrayAt(route, "route").map((w) => resolveHost(String(objectAt(w, "destination")["host"] ?? ""), vs.namespace).toLowerCase()));
    const concrete = vs.hosts.find((h) => !h.includes("*"));
    if (targets.includes(name) && concrete !== undefined) return concrete;
  }
  return undefined;
}

// ---- Routing ----

export interface RouteTarget {
  /** FQDN of the host the client addresses. */
  host: string;
  service: ServiceInfo | undefined;
}

export function routeRequest(model: AccessModel, source: SourceIdentity, target: RouteTarget, request: RouteRequest): Routing {
  if (!source.proxied || source.namespace === undefined) {
    return {
      ...emptyRouting("routed", "kube-proxy"),
      destinations: target.service === undefined ? [] : [destinationFor(model, source, target.host, request.port, undefined, undefined, 100)],
      notes: ["the client has no sidecar: no VirtualService applies; kube-proxy sends the connection to any endpoint of the Service"],
    };
  }
  if (source.kind === "gateway") return routeAtGateway(model, source, target, request);
  const candidates = sidecarVirtualServices(model.mesh, source.namespace, target.host);
  const proxy: RoutingProxy = { namespace: source.namespace, labels: source.labels };
  const notes: string[] = [];
  // Pilot builds each VirtualService's routes for this proxy and listener port first (match blocks
  // whose `port`, `sourceLabels`, `sourceNamespace` or `gateways` do not select it are dropped); a
  // VirtualService left without routes is dropped for this proxy, and the next one for the host, or
  // the Service's default route, takes the host.
  for (const [i, vs] of candidates.entries()) {
    const routes = routesForProxy(vs, proxy, request.port, new Set([MESH_GATEWAY]));
    if (routes.length === 0) {
      notes.push(`VirtualService ${vs.id} keeps no http rule for this client on port ${request.port} (its matches select other ports, sources or gateways): Istio drops it for this proxy`);
      continue;
    }
    for (const other of candidates.slice(i + 1)) notes.push(`VirtualService ${other.id} also claims this host and is ignored by sidecars (IST0109: the oldest wins)`);
    return evaluateRoutes(model, source, [{ vs, routes }], request, { gatewayRef: undefined }, notes);
  }
  return {
    ...emptyRouting("routed", "default-route"),
    destinations: target.service === undefined ? [] : [destinationFor(model, source, target.host, request.port, undefined, undefined, 100)],
    retries: DEFAULT_RETRIES,
    notes: [
      ...notes,
      candidates.length === 0
        ? "no VirtualService for this host: the default route sends traffic to every endpoint of the Service (no timeout, default retries)"
        : "no VirtualService applies to this client: the default route sends traffic to every endpoint of the Service (no timeout, default retries)",
    ],
  };
}

function routeAtGateway(model: AccessModel, source: SourceIdentity, target: RouteTarget, request: RouteRequest): Routing {
  const authority = request.authority.replace(/:\d+$/, "").toLowerCase();
  const bound = gatewayVirtualServices(model.mesh, source.labels);
  const forAuthority = bound.filter((vs) => vs.hosts.some((h) => hostCovers(h, authority)));
  if (forAuthority.length === 0) {
    return {
      ...emptyRouting("not-found", "virtual-service"),
      status: 404,
      notes: [
        bound.length === 0
          ? "no VirtualService is bound to a Gateway that selects this gateway: it routes nothing (404)"
          : `no gateway-bound VirtualService has host ${authority}: the gateway answers 404 (bound hosts: ${[...new Set(bound.flatMap((vs) => vs.hosts))].sort().join(", ")})`,
      ],
    };
  }
  // Gateways merge the VirtualServices of one host; the order across resources is undefined (§4.4),
  // so they are taken by name, with match-less rules moved to the end.
  const merged = [...forAuthority].sort((a, b) => compareStrings(a.id, b.id));
  const notes = merged.length > 1 ? [`the gateway merges ${merged.map((vs) => vs.id).join(", ")}; the rule order across them is undefined`] : [];
  const gatewayNames = selectingGateways(model.mesh, source.labels);
  const proxy: RoutingProxy = { namespace: source.namespace ?? "", labels: source.labels };
  const parts = merged.map((vs) => ({ vs, routes: routesForProxy(vs, proxy, request.gatewayPort ?? 443, gatewayNames) }));
  if (merged.length > 1) {
    const catchAll = parts.map((p) => ({ vs: p.vs, routes: p.routes.filter((r) => r.matches === undefined) }));
    const specific = parts.map((p) => ({ vs: p.vs, routes: p.routes.filter((r) => r.matches !== undefined) }));
    return evaluateRoutes(model, source, [...specific, ...catchAll], request, { gatewayRef: merged }, notes, target);
  }
  return evaluateRoutes(model, source, parts, request, { gatewayRef: merged }, notes, target);
}

function emptyRouting(outcome: RouteOutcome, via: Routing["via"]): Routing {
  return {
    outcome,
    via,
    virtualService: undefined,
    routeIndex: undefined,
    routeName: undefined,
    match: undefined,
    destinations: [],
    timeout: undefined,
    retries: undefined,
    status: undefined,
    notes: [],
  };
}

function evaluateRoutes(
  model: AccessModel,
  source: SourceIdentity,
  parts: Array<{ vs: ParsedVirtualService; routes: ProxyRoute[] }>,
  request: RouteRequest,
  context: { gatewayRef: ParsedVirtualService[] | undefined },
  notes: string[],
  target?: RouteTarget,
): Routing {
  const vsIds = [...new Set(parts.map((p) => p.vs.id))].join(", ");
  const matchNotes = new Set<string>();
  for (const { vs, routes } of parts) {
    for (const { route, index, matches } of routes) {
      let matched: { index: number; text: string } | undefined;
      if (matches !== undefined) {
        const found = matches.find(({ match }) => matchRequest(match, request, context.gatewayRef !== undefined, (note) => matchNotes.add(`${vs.id} http[${index}]: ${note}`)));
        if (found === undefined) continue;
        matched = { index: found.index, text: describeMatch(found.match) };
      }
      const spec = objectAt({ r: route }, "r");
      const routing: Routing = {
        ...emptyRouting("routed", "virtual-service"),
        virtualService: vs.id,
        routeIndex: index,
        routeName: typeof spec["name"] === "string" ? spec["name"] : undefined,
        match: matched,
        notes: [...notes, ...matchNotes],
      };
      if (isNonEmptyObject(spec["delegate"])) return { ...routing, outcome: "unsupported", notes: [...routing.notes, "delegate VirtualServices are not simulated"] };
      if (isNonEmptyObject(spec["redirect"])) {
        const redirect = objectAt(spec, "redirect");
        return { ...routing, outcome: "redirect", status: typeof redirect["redirectCode"] === "number" ? redirect["redirectCode"] : 301 };
      }
      if (isNonEmptyObject(spec["directResponse"])) {
        const status = objectAt(spec, "directResponse")["status"];
        return { ...routing, outcome: "direct-response", status: typeof status === "number" ? status : undefined };
      }
      const weighted = arrayAt(route, "route");
      const weights = weighted.map((w) => {
        const weight = objectAt({ w }, "w")["weight"];
        return typeof weight === "number" ? weight : undefined;
      });
      const total = weights.reduce<number>((sum, w) => sum + (w ?? 0), 0);
      if (weighted.length > 1 && total === 0) {
        return { ...routing, outcome: "unsupported", notes: [...routing.notes, "every destination has weight 0: Istio rejects this route (total destination weight = 0)"] };
      }
      const destinations = weighted.flatMap((entry, i) => {
        const destination = objectAt(entry, "destination");
        const weight = weights[i];
        // A single destination takes all traffic; with several, weight 0 (or absent) gets none (§4.6).
        const percent = weighted.length === 1 ? 100 : Math.round(((weight ?? 0) / total) * 10000) / 100;
        if (weighted.length > 1 && (weight ?? 0) === 0) return [];
        const host = resolveHost(String(destination["host"] ?? ""), vs.namespace).toLowerCase();
        const portNumber = objectAt(destination, "port")["number"];
        const subset = typeof destination["subset"] === "string" && destination["subset"] !== "" ? destination["subset"] : undefined;
        return [destinationFor(model, source, host, request.port, typeof portNumber === "number" ? portNumber : undefined, subset, percent, weight)];
      });
      const retries = retryPolicy(spec);
      if (isNonEmptyObject(spec["fault"])) routing.notes.push("fault injection is set: Istio does not enable the timeout and retries of this route");
      if (isNonEmptyObject(spec["mirror"]) || arrayAt(spec, "mirrors").length > 0) routing.notes.push("requests are also mirrored (fire and forget)");
      if (target !== undefined && !destinations.some((d) => d.host === target.host.toLowerCase())) {
        routing.notes.push(`this request is routed to ${destinations.map((d) => d.host).join(", ") || "no destination"}, not to ${target.host}`);
      }
      return { ...routing, destinations, timeout: typeof spec["timeout"] === "string" ? spec["timeout"] : undefined, retries };
    }
  }
  return {
    ...emptyRouting("not-found", "virtual-service"),
    virtualService: vsIds,
    status: 404,
    notes: [...notes, ...matchNotes, `no http rule of ${vsIds} matches: Envoy answers 404 with response flag NR (a host with a VirtualService has no fallback to the default route)`],
  };
}

function isNonEmptyObject(value: unknown): boolean {
  return typeof value === "object" && value !== null && !Array.isArray(value);
}

/** §4.9: unset = mesh default (2 attempts); explicit with `attempts` ≤ 0 or absent = no retries. */
export function retryPolicy(route: Record<string, unknown>): RetryPolicy {
  if (!isNonEmptyObject(route["retries"])) return DEFAULT_RETRIES;
  const retries = objectAt(route, "retries");
  const attempts = typeof retries["attempts"] === "number" ? retries["attempts"] : 0;
  const retryOn = typeof retries["retryOn"] === "string" && retries["retryOn"] !== "" ? retries["retryOn"] : DEFAULT_RETRIES.retryOn;
  const perTryTimeout = typeof retries["perTryTimeout"] === "string" ? retries["perTryTimeout"] : undefined;
  if (attempts <= 0) return { origin: "disabled", attempts: 0, retryOn, perTryTimeout };
  return { origin: "explicit", attempts, retryOn, perTryTimeout };
}

function destinationFor(
  model: AccessModel,
  source: SourceIdentity,
  host: string,
  requestPort: number,
  destinationPort: number | undefined,
  subset: string | undefined,
  percent: number,
  weight?: number,
): RoutedDestination {
  const service = model.mesh.servicesByHost.get(host);
  const ports = service?.ports ?? [];
  const port = destinationPort ?? (ports.length === 1 ? (ports[0]?.port ?? requestPort) : requestPort);
  const servicePort = ports.find((p) => p.port === port);
  const base: RoutedDestination = {
    host,
    port,
    subset,
    weight,
    percent,
    service,
    targetPort: servicePort?.targetPort,
    workloads: [],
    problem: undefined,
  };
  if (service === undefined) return { ...base, problem: `host ${host} is not a Service of this configuration` };
  if (servicePort === undefined) return { ...base, problem: `Service ${service.namespace}/${service.resource.name} has no port ${port}` };
  let subsetLabels: Record<string, string> | null = {};
  if (subset !== undefined) {
    const lookup = source.namespace === undefined ? undefined : model.mesh.destinationRuleFor(host, source.namespace, service.namespace, source.labels);
    const rule = lookup === undefined ? undefined : mergeDestinationRules(lookup);
    const found = rule?.subsets.find((s) => s.name === subset);
    if (found === undefined) {
      return { ...base, problem: `subset ${subset} is not defined in a DestinationRule the client sees: requests fail with 503 (IST0101)` };
    }
    subsetLabels = found.labels;
  }
  const workloads = workloadsOfService(model, service, subsetLabels);
  return { ...base, workloads, problem: workloads.length === 0 ? "no known workload behind this destination" : undefined };
}

// ---- Match conditions ----

/**
 * The request-level conditions of a match block (the proxy-level ones — port, sourceLabels,
 * sourceNamespace, gateways — were applied by `routesForProxy`). `note` receives what cannot be
 * simulated (a regex JavaScript cannot compile).
 */
function matchRequest(match: unknown, request: RouteRequest, atGateway: boolean, note: (text: string) => void): boolean {
  const m = objectAt({ m: match }, "m");
  const path = stripQuery(request.path);
  const uri = objectAt(m, "uri");
  // ignoreUriCase applies to exact and prefix uri matches only, not to regex (VirtualService API).
  if (Object.keys(uri).length > 0 && !matchStringMatch(uri, path, m["ignoreUriCase"] === true, (n) => note(`uri ${n}`))) return false;
  for (const [key, target] of [
    ["method", request.method],
    ["authority", request.authority],
    ["scheme", request.scheme ?? (atGateway ? "https" : "http")],
  ] as const) {
    const sm = objectAt(m, key);
    if (Object.keys(sm).length === 0) continue;
    if (!matchStringMatch(sm, target, false, (n) => note(`${key} ${n}`))) return false;
  }
  for (const [name, sm] of Object.entries(objectAt(m, "headers"))) {
    if (["uri", "scheme", "method", "authority"].includes(name)) continue;
    const value = request.headers[name.toLowerCase()];
    if (value === undefined || !matchStringMatch(objectAt({ sm }, "sm"), value, false, (n) => note(`header ${name} ${n}`))) return false;
  }
  for (const [name, sm] of Object.entries(objectAt(m, "withoutHeaders"))) {
    const value = request.headers[name.toLowerCase()];
    if (value !== undefined && matchStringMatch(objectAt({ sm }, "sm"), value, false, (n) => note(`withoutHeaders ${name} ${n}`))) return false;
  }
  const query = new URLSearchParams(request.path.includes("?") ? request.path.slice(request.path.indexOf("?") + 1) : "");
  for (const [name, sm] of Object.entries(objectAt(m, "queryParams"))) {
    const value = query.get(name);
    if (value === null || !matchStringMatch(objectAt({ sm }, "sm"), value, false, (n) => note(`queryParams ${name} ${n}`))) return false;
  }
  return true;
}

/**
 * Istio StringMatch: exact, prefix (plain string prefix), regex (RE2, whole value); `{}` = present.
 * A regex JavaScript cannot compile (RE2-only syntax) is taken as not matching, and `note` says so.
 */
function matchStringMatch(sm: Record<string, unknown>, value: string, ignoreCase: boolean, note: (text: string) => void): boolean {
  const fold = (s: string) => (ignoreCase ? s.toLowerCase() : s);
  if (typeof sm["exact"] === "string") return fold(value) === fold(sm["exact"]);
  if (typeof sm["prefix"] === "string") return fold(value).startsWith(fold(sm["prefix"]));
  if (typeof sm["regex"] === "string") {
    const regex = compileRe2(sm["regex"]);
    if (regex === undefined) {
      note(`regex ${JSON.stringify(sm["regex"])} cannot be evaluated here (RE2 syntax JavaScript does not compile): taken as not matching`);
      return false;
    }
    return regex.test(value);
  }
  return true;
}

const re2Cache = new Map<string, RegExp | undefined>();

function compileRe2(pattern: string): RegExp | undefined {
  if (re2Cache.has(pattern)) return re2Cache.get(pattern);
  let regex: RegExp | undefined;
  try {
    regex = new RegExp(`^(?:${pattern.replaceAll("(?P<", "(?<")})$`);
  } catch {
    regex = undefined;
  }
  re2Cache.set(pattern, regex);
  return regex;
}

function describeMatch(match: unknown): string {
  const m = objectAt({ m: match }, "m");
  const parts: string[] = [];
  const sm = (label: string, value: Record<string, unknown>) => {
    for (const kind of ["exact", "prefix", "regex"]) if (typeof value[kind] === "string") parts.push(`${label} ${kind} ${String(value[kind])}`);
  };
  sm("uri", objectAt(m, "uri"));
  sm("method", objectAt(m, "method"));
  sm("authority", objectAt(m, "authority"));
  for (const [name, value] of Object.entries(objectAt(m, "headers"))) {
    const before = parts.length;
    sm(`header ${name}`, objectAt({ value }, "value"));
    if (parts.length === before) parts.push(`header ${name} present`);
  }
  for (const name of Object.keys(objectAt(m, "withoutHeaders"))) parts.push(`without header ${name}`);
  if (typeof m["port"] === "number") parts.push(`port ${m["port"]}`);
  const labels = stringMap(m["sourceLabels"]);
  if (Object.keys(labels).length > 0) parts.push(`sourceLabels ${Object.entries(labels).map(([k, v]) => `${k}=${v}`).join(",")}`);
  if (typeof m["sourceNamespace"] === "string") parts.push(`sourceNamespace ${m["sourceNamespace"]}`);
  return parts.join(", ") || "empty match";
}
