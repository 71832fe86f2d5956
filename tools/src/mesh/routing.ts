import { arrayAt, objectAt } from "./fields.js";
import { isExportedTo, namespaceOf } from "./hosts.js";
import type { MeshIndex } from "./mesh-index.js";
import { labelsMatch, selectorMap } from "./selector.js";
import { MESH_GATEWAY, isMeshBound, resolveGatewayRef, type ParsedVirtualService } from "./virtual-service.js";

/**
 * Which VirtualService routes a host for a proxy, and which of its http rules that proxy keeps
 * (istio-semantics.md §4.2–§4.4; pilot route.go). Request matching itself is the access engine's.
 */

/** The proxy routes are built for: a sidecar or a gateway, by namespace and pod labels. */
export interface RoutingProxy {
  namespace: string;
  labels: Readonly<Record<string, string>>;
}

/** One http rule of a VirtualService kept for a proxy. */
export interface ProxyRoute {
  route: unknown;
  index: number;
  /** The match blocks kept for this proxy, with their index in `match`; undefined for a rule without matches (catch-all). */
  matches: Array<{ match: unknown; index: number }> | undefined;
}

/** `*.example.com` covers `a.example.com`; `*` covers everything. */
export function hostCovers(pattern: string, host: string): boolean {
  if (pattern === host || pattern === "*") return true;
  return pattern.startsWith("*.") && host.endsWith(pattern.slice(1));
}

/** The most specific VirtualService host entry that covers `host` (exact beats wildcard; longer wildcard beats shorter). */
function hostSpecificity(vs: ParsedVirtualService, host: string): number {
  let best = -1;
  for (const h of vs.hosts) {
    if (h === host) return Number.MAX_SAFE_INTEGER;
    if (hostCovers(h, host)) best = Math.max(best, h.length);
  }
  return best;
}

/**
 * The VirtualServices a sidecar in `clientNamespace` considers for a host, the one it uses first (§4.2–§4.4):
 * bound to `mesh`, exported to the client's namespace, most specific host; among equals the client's own
 * namespace first, then the oldest. Sidecars do not merge VirtualServices: the later ones are ignored (IST0109).
 */
export function sidecarVirtualServices(index: MeshIndex, clientNamespace: string, host: string): ParsedVirtualService[] {
  const name = host.toLowerCase();
  const candidates = index
    .virtualServices()
    .filter((vs) => isMeshBound(vs) && isExportedTo(vs.exportTo, clientNamespace))
    .map((vs) => ({ vs, specificity: hostSpecificity(vs, name) }))
    .filter((c) => c.specificity >= 0);
  if (candidates.length === 0) return [];
  const best = Math.max(...candidates.map((c) => c.specificity));
  const top = candidates.filter((c) => c.specificity === best).map((c) => c.vs);
  // Stable: the client's namespace first; otherwise the age order of `virtualServices`.
  return [...top.filter((vs) => vs.namespace === clientNamespace), ...top.filter((vs) => vs.namespace !== clientNamespace)];
}

/** `namespace/name` of the Gateway resources whose selector picks the gateway proxy with these labels. */
export function selectingGateways(index: MeshIndex, gatewayLabels: Readonly<Record<string, string>>): Set<string> {
  return new Set(
    index
      .kind("Gateway")
      .filter((g) => g.apiVersion.startsWith("networking.istio.io/") && labelsMatch(selectorMap(objectAt(g.object, "spec")["selector"]), gatewayLabels))
      .map((g) => `${namespaceOf(g)}/${g.name}`),
  );
}

/** The gateway-bound VirtualServices of a gateway proxy (its labels selected by the Gateway resources they name). */
export function gatewayVirtualServices(index: MeshIndex, gatewayLabels: Readonly<Record<string, string>>): ParsedVirtualService[] {
  const names = selectingGateways(index, gatewayLabels);
  return index.virtualServices().filter((vs) => vs.gateways.some((g) => !g.mesh && names.has(`${g.namespace}/${g.name}`)));
}

/**
 * The http rules of a VirtualService as Pilot builds them for one proxy and listener port
 * (route.go `BuildHTTPRoutesForVirtualService` / `translateRoute` / `sourceMatchHTTP`): a match block
 * is kept when its `port` is unset or the listener port, and — when it names `gateways` — one of them
 * is the proxy's (`mesh` for a sidecar; then `sourceLabels`/`sourceNamespace` are not looked at), or
 * else its `sourceLabels` are a subset of the proxy's labels and `sourceNamespace`, if set, is the
 * proxy's namespace. A rule without match blocks is always kept; a rule whose blocks are all dropped is
 * dropped.
 */
export function routesForProxy(vs: ParsedVirtualService, proxy: RoutingProxy, listenerPort: number, gatewayNames: ReadonlySet<string>): ProxyRoute[] {
  const kept: ProxyRoute[] = [];
  vs.http.forEach((route, index) => {
    const matches = arrayAt(route, "match");
    if (matches.length === 0) {
      kept.push({ route, index, matches: undefined });
      return;
    }
    const forProxy = matches.map((match, i) => ({ match, index: i })).filter(({ match }) => matchSelectsProxy(match, vs, proxy, listenerPort, gatewayNames));
    if (forProxy.length > 0) kept.push({ route, index, matches: forProxy });
  });
  return kept;
}

function matchSelectsProxy(match: unknown, vs: ParsedVirtualService, proxy: RoutingProxy, listenerPort: number, gatewayNames: ReadonlySet<string>): boolean {
  const m = objectAt({ m: match }, "m");
  if (typeof m["port"] === "number" && m["port"] !== 0 && m["port"] !== listenerPort) return false;
  const gateways = arrayAt(m, "gateways").filter((g): g is string => typeof g === "string");
  if (gateways.length > 0) {
    return gateways.some((g) => {
      const ref = resolveGatewayRef(g, vs.namespace);
      return ref.mesh ? gatewayNames.has(MESH_GATEWAY) : gatewayNames.has(`${ref.namespace}/${ref.name}`);
    });
  }
  if (!labelsMatch(selectorMap(m["sourceLabels"]), proxy.labels)) return false;
  return typeof m["sourceNamespace"] !== "string" || m["sourceNamespace"] === "" || m["sourceNamespace"] === proxy.namespace;
}
