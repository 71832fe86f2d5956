import { isJsonObject, pointerOf, type JsonObject, type Resource } from "../../../model/resource.js";
import { arrayAt, objectAt } from "../../../mesh/fields.js";
import { namespaceOf } from "../../../mesh/hosts.js";
import { formatLabels, selectorMap } from "../../../mesh/selector.js";
import { MESH_GATEWAY, virtualServiceGateways } from "../../../mesh/virtual-service.js";
import type { LintRule, RuleReport } from "../../rule.js";

/**
 * Match fields that are not request conditions: `name`/`statPrefix` label the route, `ignoreUriCase`
 * qualifies `uri`, and `sourceLabels`/`sourceNamespace`/`gateways` choose which proxies get the match
 * (handled apart, see survivors).
 */
const NON_CONDITION_FIELDS = new Set(["name", "statPrefix", "ignoreUriCase", "sourceLabels", "sourceNamespace", "gateways"]);

/** Who a match is for: the proxies it survives on (istiod's `sourceMatchHTTP`). */
interface MatchInfo {
  /** Resolved match-level `gateways` (`mesh` or `namespace/name`); undefined when it names none. */
  gateways: Set<string> | undefined;
  /** `sourceLabels` (null: a non-string value, which selects no proxy); undefined when it has none. */
  sourceLabels: Record<string, string> | null | undefined;
  sourceNamespace: string | undefined;
  /** It takes every request that reaches it (no condition, or `uri.prefix: /`). */
  universal: boolean;
}

/** A source selector of the VirtualService's matches: one group of client proxies. */
interface ProxyClass {
  labels: Record<string, string>;
  namespace: string | undefined;
}

/** A proxy group whose surviving routes have no catch-all. */
interface Gap {
  gateway: string;
  proxies: ProxyClass | undefined;
  routes: number[];
}

const rule: LintRule = {
  id: "virtual-service-catch-all",
  severity: "error",
  summary: "A VirtualService's http routes end with a route that matches every request, for every proxy they apply to",
  appliesTo: ["VirtualService"],
  reads: ["VirtualService"],
  *check(index) {
    for (const vs of index.istio("VirtualService")) {
      const spec = objectAt(vs.object, "spec");
      const routes = arrayAt(spec, "http");
      // A delegate (no hosts) inherits its root's match, and tcp/tls-only services have no HTTP 404.
      if (routes.length === 0 || arrayAt(spec, "hosts").length === 0) continue;
      const parsed = routes.map((route) => matchesOf(vs, route));
      const bound = virtualServiceGateways(vs);
      const gateways = bound.length === 0 ? [MESH_GATEWAY] : [...new Set(bound.map((g) => (g.mesh ? MESH_GATEWAY : `${g.namespace}/${g.name}`)))];
      const usesSelectors = parsed.some((matches) => matches?.some((m) => m.gateways !== undefined || m.sourceLabels !== undefined || m.sourceNamespace !== undefined));
      const classes = proxyClasses(parsed);
      const gaps: Gap[] = [];
      for (const gateway of gateways) {
        for (const proxies of [undefined, ...classes]) {
          const surviving = survivors(parsed, gateway, proxies);
          // Nothing left: istiod drops the VirtualService for these proxies (the Service's default route applies).
          if (surviving.length === 0 || surviving.some((s) => s.universal)) continue;
          gaps.push({ gateway, proxies, routes: [...new Set(surviving.map((s) => s.route))] });
        }
      }
      const first = gaps[0];
      if (first === undefined) continue;
      const onSidecars = gaps.some((g) => g.gateway === MESH_GATEWAY);
      const report: RuleReport = {
        resource: vs,
        pointer: pointerOf("spec", "http", routes.length - 1),
        message: usesSelectors ? selectorMessage(gaps, first, routes.length) : plainMessage(routes.length),
        ...(onSidecars ? {} : { severity: "warning" as const }),
      };
      yield report;
    }
  },
};

export default rule;

function plainMessage(count: number): string {
  return (
    `no catch-all http route: a request that matches none of its ${count} route(s) gets 404 (Envoy flag NR), ` +
    `with no fallback to the Service. Add a last route without "match" that sends the rest to the default destination`
  );
}

function selectorMessage(gaps: readonly Gap[], first: Gap, count: number): string {
  const others = gaps.slice(1).map(describeProxies);
  return (
    `no catch-all http route for ${describeProxies(first)}: of its ${count} route(s), only ` +
    `${first.routes.map((r) => `http[${r}]`).join(", ")} apply to them (istiod drops the matches whose sourceLabels, ` +
    `sourceNamespace or gateways do not select the proxy), and a request that matches none of those gets 404 ` +
    `(Envoy flag NR), with no fallback to the Service.${others.length > 0 ? ` The same holds for ${others.join("; ")}.` : ""} ` +
    `Add a last route without "match" that sends the rest to the default destination`
  );
}

function describeProxies(gap: Gap): string {
  const who = gap.gateway === MESH_GATEWAY ? "sidecars" : `gateway ${gap.gateway} proxies`;
  if (gap.proxies === undefined) return `${who} that match none of its sourceLabels/sourceNamespace selectors`;
  const labels = Object.keys(gap.proxies.labels).length > 0 ? ` with labels ${formatLabels(gap.proxies.labels)}` : "";
  const namespace = gap.proxies.namespace === undefined ? "" : ` in namespace ${gap.proxies.namespace}`;
  return `${who}${labels}${namespace}`;
}

/** The matches of an http route; undefined for a route without `match` (it takes every request, for every proxy). */
function matchesOf(vs: Resource, route: unknown): MatchInfo[] | undefined {
  const matches = arrayAt(route, "match");
  if (matches.length === 0) return undefined;
  return matches.map((match) => {
    // A null match is no condition at all (istiod: sourceMatchHTTP(nil) is true, and it matches every request).
    if (!isJsonObject(match)) return { gateways: undefined, sourceLabels: undefined, sourceNamespace: undefined, universal: true };
    const gateways = arrayAt(match, "gateways").filter((g): g is string => typeof g === "string");
    const labels = selectorMap(match["sourceLabels"]);
    const namespace = match["sourceNamespace"];
    return {
      gateways: gateways.length === 0 ? undefined : new Set(gateways.map((g) => resolveGateway(g, namespaceOf(vs)))),
      sourceLabels: labels !== null && Object.keys(labels).length === 0 ? undefined : labels,
      sourceNamespace: typeof namespace === "string" && namespace !== "" ? namespace : undefined,
      universal: isUniversal(match),
    };
  });
}

/** istiod's `resolveGatewayName` for the forms this repository uses: `mesh`, `namespace/name`, or a name in the VirtualService's namespace. */
function resolveGateway(ref: string, namespace: string): string {
  return ref === MESH_GATEWAY || ref.includes("/") ? ref : `${namespace}/${ref}`;
}

/** Every distinct source selector among the matches that do not name gateways (the only ones istiod checks it for). */
function proxyClasses(parsed: ReadonlyArray<MatchInfo[] | undefined>): ProxyClass[] {
  const classes = new Map<string, ProxyClass>();
  for (const matches of parsed) {
    for (const match of matches ?? []) {
      if (match.gateways !== undefined || match.sourceLabels === null) continue;
      if (match.sourceLabels === undefined && match.sourceNamespace === undefined) continue;
      const proxies = { labels: match.sourceLabels ?? {}, namespace: match.sourceNamespace };
      classes.set(JSON.stringify([Object.entries(proxies.labels).sort(), proxies.namespace ?? null]), proxies);
    }
  }
  return [...classes.values()];
}

/**
 * The matches left for a proxy of `gateway` (`mesh` = a sidecar) that meets exactly the selector
 * `proxies` (and those it implies), or none of them when `proxies` is undefined: istiod's
 * `sourceMatchHTTP` keeps a match that names gateways when one is the proxy's (sourceLabels are then
 * not looked at), and otherwise one whose sourceLabels are among the proxy's labels and whose
 * sourceNamespace, if any, is the proxy's namespace. A route without `match` is kept whole.
 */
function survivors(parsed: ReadonlyArray<MatchInfo[] | undefined>, gateway: string, proxies: ProxyClass | undefined): Array<{ route: number; universal: boolean }> {
  const result: Array<{ route: number; universal: boolean }> = [];
  for (const [route, matches] of parsed.entries()) {
    if (matches === undefined) {
      result.push({ route, universal: true });
      break; // istiod stops at a catch-all: later routes are never built
    }
    for (const match of matches) {
      if (!survives(match, gateway, proxies)) continue;
      result.push({ route, universal: match.universal });
    }
    if (result.some((r) => r.universal)) break;
  }
  return result;
}

function survives(match: MatchInfo, gateway: string, proxies: ProxyClass | undefined): boolean {
  if (match.gateways !== undefined) return match.gateways.has(gateway);
  if (match.sourceLabels === null) return false;
  if (match.sourceLabels === undefined && match.sourceNamespace === undefined) return true;
  if (proxies === undefined) return false;
  const labels = match.sourceLabels ?? {};
  return (
    Object.entries(labels).every(([key, value]) => proxies.labels[key] === value) &&
    (match.sourceNamespace === undefined || match.sourceNamespace === proxies.namespace)
  );
}

/** A match with no request condition, or whose only condition takes every path (`uri.prefix: /`, `uri.regex: .*`). */
function isUniversal(match: JsonObject): boolean {
  return Object.entries(match).every(([key, value]) => {
    if (NON_CONDITION_FIELDS.has(key)) return true;
    if (key !== "uri" || !isJsonObject(value)) return false;
    return value["prefix"] === "/" || value["regex"] === ".*" || value["regex"] === "/.*";
  });
}
